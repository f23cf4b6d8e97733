// From a dataset to a generating model, entirely in the studio, with tiny presets:
// a VAE run, "Use for generation" on it (which sets up the diffusion run on that VAE,
// chosen from the VAE list), the diffusion run, "Use for generation" (export + load),
// and a take. Also the checks Start and Resume make before creating anything.
#include "MainWindow.h"
#include "RunJob.h"
#include "RunWatcher.h"
#include "pages/TrainPage.h"
#include "pages/TrainPreview.h"
#include "audio/AudioFile.h"
#include "pages/kick/GeneratePage.h"

#include "StudioTestUtil.h"

#include <QComboBox>
#include <QListWidget>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ms::app;
using namespace studio_test;

class TestTrainFlow : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_data;

    static QPushButton *button(QWidget *page, const QString &text)
    {
        for (auto *b : page->findChildren<QPushButton *>())
            if (b->text() == text) return b;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("melstudio-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_train_flow"));
        QSettings().clear();
        qputenv("MELSTUDIO_DATA_DIR", m_data.filePath(QStringLiteral("studio")).toUtf8());
    }

    void startAndResumeRefuseBadInputBeforeCreatingAnything()
    {
        TrainPage page;
        const QString runs = QDir(m_data.filePath(QStringLiteral("studio"))).filePath(QStringLiteral("runs"));
        // The default run folder is under the data folder, without a doubled "melstudio/melstudio".
        QVERIFY2(page.formRunDir().startsWith(runs), qPrintable(page.formRunDir()));
        QVERIFY(!page.formRunDir().contains(QLatin1String("melstudio/melstudio")));
        const QString run = QDir(runs).filePath(QStringLiteral("never"));
        page.setJob(QStringLiteral("vae"), QString(), run, QStringLiteral("tiny"), 0);
        QVERIFY(!page.start(false));
        QVERIFY2(page.stateText().contains(QLatin1String("dataset")), qPrintable(page.stateText()));
        QVERIFY(!QFileInfo::exists(run));
        page.setJob(QStringLiteral("vae"), m_data.filePath(QStringLiteral("no-such-data")), run, QStringLiteral("tiny"), 0);
        QVERIFY(!page.start(false));
        QVERIFY2(page.stateText().contains(QLatin1String("no-such-data")), qPrintable(page.stateText()));
        QVERIFY(!QFileInfo::exists(run));
        QVERIFY(!page.start(true));   // nothing to resume there
        QVERIFY2(page.stateText().contains(QLatin1String("no run.json")), qPrintable(page.stateText()));
        QVERIFY(!QFileInfo::exists(run));
    }

    // The wave VAE trains from the page on any folder of audio files; its preview
    // shows the latent; a page that opens the run shows its model and preset.
    void aWaveVaeRunStartsOnAnAudioFolder()
    {
        const QString music = m_data.filePath(QStringLiteral("music"));
        QDir().mkpath(music);
        for (int k = 0; k < 2; ++k) {
            ms::audio::AudioBuffer b;
            b.sampleRate = 44100;
            for (int c = 0; c < 2; ++c) {
                std::vector<float> x(44100);
                for (size_t i = 0; i < x.size(); ++i) x[i] = 0.3f * std::sin(float(i) * (0.02f + 0.01f * k + 0.003f * c));
                b.channels.push_back(std::move(x));
            }
            QVERIFY(ms::audio::writeAudio(QDir(music).filePath(QStringLiteral("m%1.wav").arg(k)).toStdString(), b).ok());
        }
        const QString runs = QDir(m_data.filePath(QStringLiteral("studio"))).filePath(QStringLiteral("runs"));
        const QString run = QDir(runs).filePath(QStringLiteral("wave"));
        TrainPage page;
        page.setJob(QStringLiteral("wavevae"), QDir(music).filePath(QStringLiteral("m0.wav")), run, QStringLiteral("tiny"), 4);
        QVERIFY(!page.start(false));   // a file, not a folder
        QVERIFY2(page.stateText().contains(QLatin1String("not a folder")), qPrintable(page.stateText()));
        QVERIFY(!QFileInfo::exists(run));
        page.setJob(QStringLiteral("wavevae"), music, run, QStringLiteral("tiny"), 4,
                    QStringLiteral("--batch 2 --log-every 1 --threads 1 --checkpoint-every 4"));
        QVERIFY2(page.start(false), qPrintable(page.stateText()));
        QTRY_VERIFY_WITH_TIMEOUT(!page.isChildRunning(), 90000);
        QTRY_COMPARE_WITH_TIMEOUT(page.stateText(), QStringLiteral("Finished."), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(page.preview()->latentShown(), 5000);

        TrainPage other;
        other.setJob(QStringLiteral("vae"), QString(), QString(), QStringLiteral("paper"), 0);
        other.openRun(run);
        QCOMPARE(other.formModel(), QStringLiteral("wavevae"));

        // The tokenizer trains on the same kind of folder and shows its codes as the latent.
        const QString tokRun = QDir(runs).filePath(QStringLiteral("tokenizer"));
        page.setJob(QStringLiteral("tokenizer"), music, tokRun, QStringLiteral("tiny"), 3,
                    QStringLiteral("--batch 2 --log-every 1 --threads 1 --checkpoint-every 3"));
        QVERIFY2(page.start(false), qPrintable(page.stateText()));
        QTRY_VERIFY_WITH_TIMEOUT(!page.isChildRunning(), 90000);
        QTRY_COMPARE_WITH_TIMEOUT(page.stateText(), QStringLiteral("Finished."), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(page.preview()->latentShown(), 5000);
        other.openRun(tokRun);
        QCOMPARE(other.formModel(), QStringLiteral("tokenizer"));
        // Its checkpoint becomes a package (float16) that opens on the Tokenizer page.
        QSignalSpy exported(&other, &TrainPage::exported), use(&other, &TrainPage::useModel);
        const QString pkg = QDir(runs).filePath(QStringLiteral("tokenizer-package"));
        QVERIFY(other.exportCheckpoint(QDir(tokRun).filePath(QStringLiteral("checkpoints/3")), pkg, false));
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 60000);
        QCOMPARE(exported.at(0).at(0).toString(), pkg);
        QVERIFY(QFileInfo::exists(QDir(pkg).filePath(QStringLiteral("bsq.safetensors"))));
        QCOMPARE(use.count(), 1);
        QCOMPARE(use.at(0).at(0).toString(), QStringLiteral("tokenizer"));
    }

    void aDatasetBecomesAGeneratingModelInTheStudio()
    {
        if (runCli({QStringLiteral("train"), QStringLiteral("--help")}).isNull()) QSKIP("melstudio-cli train is not available");
#ifndef MELSTUDIO_HAVE_KICK_PIPELINE
        QSKIP("this build has no kick pipeline");
#else
        QTemporaryDir dir;
        const QString data = makeTinyDataset(dir.path());
        QVERIFY(!data.isEmpty());
        MainWindow w;
        w.resize(1280, 820);
        w.show();
        w.showPage(MainWindow::Train);
        TrainPage *page = w.trainPage();
        const auto guard = qScopeGuard([page] { page->stopAllJobs(); });
        const QString runs = QDir(m_data.filePath(QStringLiteral("studio"))).filePath(QStringLiteral("runs"));

        // A diffusion run without any VAE is refused with a pointer to what is missing.
        page->setJob(QStringLiteral("diffusion"), data, QDir(runs).filePath(QStringLiteral("d0")), QStringLiteral("tiny"), 4);
        QVERIFY(!page->start(false));
        QVERIFY2(page->stateText().contains(QLatin1String("VAE")), qPrintable(page->stateText()));

        // 1. The VAE, tiny and short.
        const QString vaeRun = QDir(runs).filePath(QStringLiteral("vae"));
        page->setJob(QStringLiteral("vae"), data, vaeRun, QStringLiteral("tiny"), 6,
                     QStringLiteral("--batch 2 --log-every 1 --threads 1"));
        QVERIFY2(page->start(false), qPrintable(page->stateText()));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isChildRunning(), 90000);
        QTRY_COMPARE_WITH_TIMEOUT(page->stateText(), QStringLiteral("Finished."), 5000);
        auto *list = page->findChild<QListWidget *>();
        QTRY_VERIFY_WITH_TIMEOUT(list->count() >= 1, 5000);
        list->setCurrentRow(list->count() - 1);
        // "Use for generation" on a VAE: the form moves on to a diffusion run on it.
        button(page, QStringLiteral("Use for generation"))->click();
        QCOMPARE(page->formModel(), QStringLiteral("diffusion"));
        QCOMPARE(QDir(page->vaeChoice()).canonicalPath(), QDir(vaeRun).canonicalPath());
        QCOMPARE(QDir(page->formDataset()).canonicalPath(), QDir(QDir(data).filePath(QStringLiteral("processed"))).canonicalPath());
        QVERIFY2(page->formRunDir().startsWith(runs) && page->formRunDir() != vaeRun, qPrintable(page->formRunDir()));
        auto *vaeList = page->findChild<QComboBox *>(QStringLiteral("vaeList"));
        QVERIFY(vaeList);
        QVERIFY(vaeList->count() >= 1);
        QVERIFY2(vaeList->currentText().contains(QLatin1String("VAE run")), qPrintable(vaeList->currentText()));
        if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty()) {
            w.showPage(MainWindow::Train);
            w.grab().save(shots + QStringLiteral("/train-diffusion-on-vae.png"));
        }

        // 2. The diffusion run on it (the form as set, only shorter).
        const QString diffRun = page->formRunDir();
        page->setJob(QStringLiteral("diffusion"), page->formDataset(), diffRun, QStringLiteral("tiny"), 4,
                     QStringLiteral("--batch 2 --log-every 1 --threads 1"));
        QVERIFY2(page->start(false), qPrintable(page->stateText()));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isChildRunning(), 90000);
        QTRY_COMPARE_WITH_TIMEOUT(page->stateText(), QStringLiteral("Finished."), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(list->count() >= 1, 5000);
        list->setCurrentRow(list->count() - 1);

        // 3. Use for generation: packaged, handed to the Generate page, loaded.
        QSignalSpy loaded(w.generatePage(), &GeneratePage::modelLoaded);
        button(page, QStringLiteral("Use for generation"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 90000);
        QVERIFY2(loaded.back().at(0).toBool(), qPrintable(w.generatePage()->lastError()));
        QCOMPARE(w.currentPage(), int(MainWindow::Generate));

        // 4. A take.
        GeneratePage *gen = w.generatePage();
        QSignalSpy done(gen, &GeneratePage::generationFinished);
        gen->setParameters(QStringLiteral("deep"), 3, 1, 5);
        gen->generate();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
        QCOMPARE(gen->takeCount(), 1);
        QVERIFY(!gen->take(0).audio.empty());

        // Export package… writes the same package where the user says.
        const QString out = dir.filePath(QStringLiteral("exported"));
        QSignalSpy exported(page, &TrainPage::exported);
        QVERIFY(page->exportCheckpoint(page->selectedCheckpointDir(), out, false));
        QTRY_COMPARE_WITH_TIMEOUT(exported.size(), 1, 60000);
        QCOMPARE(exported.at(0).at(0).toString(), out);
        QVERIFY(QFileInfo::exists(QDir(out).filePath(QStringLiteral("model.json"))));
#endif
    }
};

QTEST_MAIN(TestTrainFlow)
#include "tst_train_flow.moc"
