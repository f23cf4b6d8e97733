// The studio's pages driven through their public API (offscreen platform).
#include "MainWindow.h"
#include "StudioTestUtil.h"
#include "pages/ComparePage.h"
#include "pages/DatasetPage.h"
#include "pages/ModelsPage.h"
#include "pages/TrainPage.h"
#include "pages/kick/GeneratePage.h"

#include "LatentGrid.h"
#include "LossPlot.h"
#include "RunWatcher.h"
#include "SpectrogramView.h"
#include "audio/AudioFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QSettings>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <functional>
#include <memory>

using namespace ms::app;
using namespace studio_test;

class TestStudio : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dataDir;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("melstudio-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_studio"));
        QSettings().clear();
    }

    // Each test starts with an empty studio data folder (runs, session takes).
    void init()
    {
        m_dataDir = std::make_unique<QTemporaryDir>();
        qputenv("MELSTUDIO_DATA_DIR", m_dataDir->path().toUtf8());
    }

    void everyPageConstructsAndRenders()
    {
        MainWindow w;
        w.resize(1100, 700);
        for (int p = 0; p < MainWindow::PageCount; ++p) {
            w.showPage(MainWindow::Page(p));
            QCOMPARE(w.currentPage(), p);
            QVERIFY(w.page(MainWindow::Page(p)) != nullptr);
            QVERIFY(!w.grab().isNull());
        }
    }

    void languageSwitchChangesVisibleLabelsAndBack()
    {
        MainWindow w;
        QCOMPARE(w.pageList()->item(0)->text(), QStringLiteral("Generate"));
        QVERIFY(w.setLanguage(QStringLiteral("zh_CN")));
        QCOMPARE(w.pageList()->item(0)->text(), QStringLiteral("生成"));
        QCOMPARE(w.pageList()->item(1)->text(), QStringLiteral("对比"));
        QVERIFY(w.setLanguage(QStringLiteral("en")));
        QCOMPARE(w.pageList()->item(0)->text(), QStringLiteral("Generate"));
        QVERIFY(!w.setLanguage(QStringLiteral("xx")));
    }

    void compareLoadsTwoFilesAndTheLinkedZoomHolds()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a.wav")), b = dir.filePath(QStringLiteral("b 共同.wav"));
        QCOMPARE(writeTone(a, 60, 2.0), QString());
        QCOMPARE(writeTone(b, 90, 2.0), QString());
        ComparePage page;
        page.resize(1000, 700);
        QSignalSpy spy(&page, &ComparePage::clipLoaded);
        page.loadFile(0, a);
        page.loadFile(1, b);
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 2, 20000);
        QVERIFY(spy.at(0).at(1).toBool());
        QVERIFY(spy.at(1).at(1).toBool());
        QVERIFY(page.hasClip(0) && page.hasClip(1));
        QCOMPARE(page.view(0)->frames(), 173);
        page.view(0)->zoom(4.0, 80);
        QVERIFY(page.view(0)->viewEnd() - page.view(0)->viewStart() < 50);
        QCOMPARE(page.view(1)->viewStart(), page.view(0)->viewStart());
        QCOMPARE(page.view(1)->viewEnd(), page.view(0)->viewEnd());
        // Panning B drives A back (the link goes both ways).
        page.view(1)->setView(100, 130);
        QCOMPARE(page.view(0)->viewStart(), 100.0);
        QTRY_VERIFY_WITH_TIMEOUT(page.view(2)->hasImage(), 10000);   // difference view
        page.loadFile(0, dir.filePath(QStringLiteral("missing.wav")));
        QTRY_COMPARE_WITH_TIMEOUT(spy.size(), 3, 10000);
        QVERIFY(!spy.at(2).at(1).toBool());   // an error message, no crash
    }

    void exportWritesWavsThatReadBackWithTheRightLengthAndRate()
    {
        QTemporaryDir dir;
        GeneratePage page;
        for (int i = 0; i < 2; ++i) {
            GeneratePage::Take t;
            t.audio.assign(88200, 0.25f);
            t.prompt = QStringLiteral("punchy 808");
            t.seed = 7 + i;
            t.time = QDateTime::currentDateTime();
            page.addTake(std::move(t));
        }
        QCOMPARE(page.takeCount(), 2);
        const QString one = dir.filePath(QStringLiteral("one.wav"));
        QCOMPARE(page.exportTakes({0}, one, ms::audio::SampleFormat::Pcm24), QString());
        auto info = ms::audio::probeAudio(one.toStdString());
        QVERIFY(info.ok());
        QCOMPARE(info->frames, 88200LL);
        QCOMPARE(info->sampleRate, 44100);
        QCOMPARE(QString::fromStdString(info->subtype), QStringLiteral("PCM_24"));
        QCOMPARE(QString::fromStdString(info->title), QStringLiteral("punchy 808"));
        auto buf = ms::audio::readAudio(one.toStdString());
        QVERIFY(buf.ok());
        QVERIFY(std::abs(buf->channels[0][1000] - 0.25f) < 1e-4f);
        QCOMPARE(page.exportTakes({0, 1}, dir.path(), ms::audio::SampleFormat::Float32), QString());
        auto two = ms::audio::readAudio(dir.filePath(QStringLiteral("punchy_808_seed8.wav")).toStdString());
        QVERIFY2(two.ok(), two.error().c_str());
        QCOMPARE(two->frames(), size_t(88200));
        QVERIFY(!page.exportTakes({}, dir.path(), ms::audio::SampleFormat::Pcm16).isEmpty());
    }

    void generatingWithATinyPackageFillsTakesAndUpdatesTheLatentEveryStep()
    {
#ifndef MELSTUDIO_HAVE_KICK_PIPELINE
        QSKIP("core/infer/kick/KickPipeline.cpp is not part of this build yet");
#else
        QTemporaryDir dir;
        const QString pkg = dir.filePath(QStringLiteral("pkg"));
        if (runCli({QStringLiteral("package"), QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--vocab"),
                    QStringLiteral("punchy,808,deep,short"), QStringLiteral("--out"), pkg}).isNull())
            QSKIP("melstudio-cli package is not available");
        GeneratePage page;
        QSignalSpy loaded(&page, &GeneratePage::modelLoaded);
        page.setModelDir(pkg);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 30000);
        QVERIFY2(loaded.at(0).at(0).toBool(), qPrintable(page.lastError()));
        QVERIFY(page.hasModel());
        QVERIFY2(page.promptPlaceholder().contains(QLatin1String("knows, e.g. punchy 808 deep")),
                 qPrintable(page.promptPlaceholder()));
        QSignalSpy done(&page, &GeneratePage::generationFinished);
        page.setParameters(QStringLiteral("punchy 808"), 6, 2, 42);
        page.generate();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QCOMPARE(page.takeCount(), 2);
        QCOMPARE(page.stepsSeen(), 6);
        QVERIFY(page.latentGrid()->framesShown() >= 1);
        QCOMPARE(page.latentGrid()->step(), 6);
        QCOMPARE(page.take(0).audio.size(), size_t(88200));
        // The vocoder choice: the model's (HiFi-GAN in a tiny package) or
        // Griffin-Lim; the same seed and mel through Griffin-Lim is another wave.
        auto *voc = page.findChild<QComboBox *>(QStringLiteral("vocoderChoice"));
        QVERIFY(voc);
        QCOMPARE(voc->count(), 2);
        QVERIFY2(voc->itemText(0).contains(QLatin1String("HiFi-GAN")), qPrintable(voc->itemText(0)));
        voc->setCurrentIndex(1);
        page.setParameters(QStringLiteral("punchy 808"), 6, 1, 42, true);
        page.generate();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, 60000);
        QCOMPARE(page.takeCount(), 3);
        QCOMPARE(page.take(2).seed, page.take(0).seed);
        // The same latent up to the batch's arithmetic (take 0 came from a batch of two).
        const auto &la = page.take(2).latent, &lb = page.take(0).latent;
        QCOMPARE(la.size(), lb.size());
        double latentDiff = 0, latentScale = 0;
        for (size_t i = 0; i < la.size(); ++i) {
            latentDiff = std::max(latentDiff, double(std::abs(la[i] - lb[i])));
            latentScale = std::max(latentScale, double(std::abs(lb[i])));
        }
        QVERIFY2(latentDiff <= 1e-3 * latentScale, qPrintable(QStringLiteral("%1 of %2").arg(latentDiff).arg(latentScale)));
        QVERIFY(page.take(2).audio != page.take(0).audio);
        voc->setCurrentIndex(0);
        // Cancel stops within one step of being pressed. The worker may run
        // any number of steps before the press (on a loaded 2-core machine the
        // GUI thread can be descheduled right after starting it), so count
        // from the press, not from generate().
        page.setParameters(QStringLiteral("deep"), 1000, 1, 1);
        page.generate();
        QTRY_VERIFY_WITH_TIMEOUT(page.stepsSeen() >= 1, 30000);
        page.cancel();
        const int seenAtCancel = page.stepsSeen();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 3, 60000);
        QCOMPARE(done.at(2).at(0).toBool(), true);
        QVERIFY2(page.stepsSeen() <= seenAtCancel + 1,
                 qPrintable(QStringLiteral("%1 steps at Cancel, %2 at the end").arg(seenAtCancel).arg(page.stepsSeen())));
        QVERIFY(page.stepsSeen() < 1000);
        QCOMPARE(page.takeCount(), 3);
        // Compare: B = the model's reconstruction of A (a generated take).
        const QString takeWav = dir.filePath(QStringLiteral("take.wav"));
        QCOMPARE(page.exportTakes({0}, takeWav, ms::audio::SampleFormat::Float32), QString());
        QSettings().setValue(QStringLiteral("model/dir"), pkg);
        ComparePage compare;
        QSignalSpy clips(&compare, &ComparePage::clipLoaded);
        compare.loadFile(0, takeWav);
        QTRY_COMPARE_WITH_TIMEOUT(clips.size(), 1, 20000);
        QPushButton *recon = nullptr;
        for (auto *b : compare.findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("B = model reconstruction of A")) recon = b;
        QVERIFY(recon);
        recon->click();
        QTRY_COMPARE_WITH_TIMEOUT(clips.size(), 2, 60000);
        QVERIFY(clips.at(1).at(1).toBool());
        QCOMPARE(compare.view(1)->frames(), 173);
        QSettings().remove(QStringLiteral("model/dir"));
#endif
    }

    void modelsPageShowsTheSameCountsAsTheCli()
    {
        QTemporaryDir dir;
        const QString pkg = dir.filePath(QStringLiteral("pkg"));
        if (runCli({QStringLiteral("package"), QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--vocab"),
                    QStringLiteral("punchy,808"), QStringLiteral("--out"), pkg}).isNull())
            QSKIP("melstudio-cli package is not available");
        const QString out = runCli({QStringLiteral("params"), QStringLiteral("--model"), pkg, QStringLiteral("--json")});
        if (out.isNull()) QSKIP("melstudio-cli params is not available");
        ModelsPage page;
        QSignalSpy loaded(&page, &ModelsPage::loaded);
        page.setModelDir(pkg);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 30000);
        QVERIFY(loaded.at(0).at(0).toBool());
        // The file table lists, it does not edit; the model card can be opened when there is one.
        for (auto *table : page.findChildren<QTableWidget *>())
            QCOMPARE(table->editTriggers(), QAbstractItemView::NoEditTriggers);
        QPushButton *card = nullptr;
        for (auto *b : page.findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Read the model card")) card = b;
        QVERIFY(card);
        QCOMPARE(card->isEnabled(), QFileInfo::exists(QDir(pkg).filePath(QStringLiteral("CARD.md"))));
        // Every CLI line appears at its dotted path in the tree with the same count; the
        // total is the sum over modules that have no printed parent.
        QMap<QString, qint64> cliCounts;
        for (const QString &line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            const QString m = o.value(QStringLiteral("module")).toString();
            if (!m.isEmpty() && m != QLatin1String("total")) cliCounts[m] = o.value(QStringLiteral("params")).toInteger();
        }
        QVERIFY(!cliCounts.isEmpty());
        qint64 topLevel = 0;
        for (auto it = cliCounts.begin(); it != cliCounts.end(); ++it) {
            const QStringList parts = it.key().split(QLatin1Char('.'));
            QTreeWidgetItem *node = nullptr;
            for (const QString &p : parts) {
                QTreeWidgetItem *next = nullptr;
                const int n = node ? node->childCount() : page.tree()->topLevelItemCount();
                for (int i = 0; i < n && !next; ++i) {
                    QTreeWidgetItem *c = node ? node->child(i) : page.tree()->topLevelItem(i);
                    if (c->text(0) == p) next = c;
                }
                QVERIFY2(next, qPrintable(it.key()));
                node = next;
            }
            QCOMPARE(node->data(1, Qt::UserRole).toLongLong(), it.value());
            if (parts.size() == 1 || !cliCounts.contains(parts.front())) topLevel += it.value();
        }
        QVERIFY(topLevel > 0);
        QCOMPARE(page.totalParams(), topLevel);
        // Stage shapes: every `params --shapes` stage sits under its module with the CLI's shapes.
        const QString shapes = runCli({QStringLiteral("params"), QStringLiteral("--model"), pkg, QStringLiteral("--shapes"),
                                       QStringLiteral("--json")});
        QMap<QString, QString> stageOut;   // "module/stage" -> "(c,h,w)"
        for (const QString &line : shapes.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (!o.contains(QStringLiteral("stage"))) continue;
            QStringList dims;
            for (const QJsonValue &d : o.value(QStringLiteral("out")).toArray()) dims << QString::number(d.toInteger());
            stageOut[o.value(QStringLiteral("module")).toString() + QLatin1Char('/') + o.value(QStringLiteral("stage")).toString()] =
                QStringLiteral("(%1)").arg(dims.join(QLatin1Char(',')));
        }
        QVERIFY(stageOut.size() >= 10);
        QVERIFY(stageOut.contains(QStringLiteral("unet/out")));
        int seen = 0;
        std::function<void(QTreeWidgetItem *, QString)> walk = [&](QTreeWidgetItem *item, QString path) {
            if (item->data(0, Qt::UserRole).toBool() && item->text(2).startsWith(QLatin1Char('('))) {
                QCOMPARE(item->text(3), stageOut.value(path + QLatin1Char('/') + item->text(0)));
                ++seen;
                return;
            }
            path = path.isEmpty() ? item->text(0) : path + QLatin1Char('.') + item->text(0);
            for (int i = 0; i < item->childCount(); ++i) walk(item->child(i), path);
        };
        for (int i = 0; i < page.tree()->topLevelItemCount(); ++i) walk(page.tree()->topLevelItem(i), QString());
        QCOMPARE(seen, int(stageOut.size()));
    }

    void importShowsWhatItAssumedAsWarningRows()
    {
        // The reference checkpoints, the diffusion one without EMA weights or config
        // (tests/fixtures/models/kwr_diffusion_noema.pt, made and checked by tst_hostile).
        const QString fix = QStringLiteral(MELSTUDIO_FIXTURES "/models/");
        QTemporaryDir dir;
        ModelsPage page;
        QSignalSpy done(&page, &ModelsPage::importFinished);
        page.importCheckpoints(fix + QStringLiteral("kwr_vae.pt"), fix + QStringLiteral("kwr_diffusion_noema.pt"), QString(),
                               dir.filePath(QStringLiteral("pkg")), QStringLiteral("tiny"));
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
        QVERIFY(done.at(0).at(0).toBool());
        QStringList warnings, rows;
        for (int r = 0; r < page.importReport()->rowCount(); ++r) {
            rows << page.importReport()->item(r, 1)->text();
            if (page.importReport()->item(r, 2) && page.importReport()->item(r, 2)->text() == QLatin1String("assumed"))
                warnings << page.importReport()->item(r, 1)->text();
        }
        QVERIFY2(warnings.size() == 2, qPrintable(rows.join(QLatin1Char('\n'))));
        QVERIFY2(warnings[0].contains(QLatin1String("no ema_state_dict")), qPrintable(warnings.join(QLatin1Char('\n'))));
        QVERIFY2(warnings[1].contains(QLatin1String("no config")), qPrintable(warnings.join(QLatin1Char('\n'))));
        if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty()) {   // to look at
            page.resize(1100, 760);
            page.grab().save(shots + QStringLiteral("/models-import-warnings.png"));
        }
    }

    void aTinyTrainingChildStartsGainsPointsStopsAndResumes()
    {
        if (runCli({QStringLiteral("train"), QStringLiteral("--help")}).isNull()) QSKIP("melstudio-cli train is not available");
        // A tiny dataset: six synthetic kicks through aggregate + preprocess.
        QTemporaryDir dir;
        QDir().mkpath(dir.filePath(QStringLiteral("src")));
        for (int k = 0; k < 6; ++k)
            QCOMPARE(writeTone(dir.filePath(QStringLiteral("src/kick_deep_%1.wav").arg(k)), 50 + 7 * k, 1.0), QString());
        const QString data = dir.filePath(QStringLiteral("ds"));
        QVERIFY(!runCli({QStringLiteral("aggregate"), dir.filePath(QStringLiteral("src")), data}).isNull());
        QVERIFY(!runCli({QStringLiteral("preprocess"), data}).isNull());
        DatasetPage browser;
        QVERIFY(browser.loadDataset(data));   // the Dataset page reads the same index
        QCOMPARE(browser.rowCount(), 6);
        TrainPage page;
        const QString run = dir.filePath(QStringLiteral("run"));
        page.setJob(QStringLiteral("vae"), data, run, QStringLiteral("tiny"), 20000,
                    QStringLiteral("--batch 2 --log-every 1 --checkpoint-every 1000 --threads 1"));
        // A failing check must not leave the detached child running.
        const auto guard = qScopeGuard([&page] { if (page.isChildRunning()) page.stop(); });
        QVERIFY(page.start(false));
        QVERIFY(page.isChildRunning());
        QTRY_VERIFY_WITH_TIMEOUT(page.watcher()->metrics().size() >= 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(page.lossPlot()->graphCount() >= 1, 2000);
        const QString series = page.lossPlot()->seriesNames().value(0);
        QTRY_VERIFY_WITH_TIMEOUT(page.lossPlot()->pointCount(series) >= 3, 2000);
        page.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isChildRunning(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(page.watcher()->lastEvent(), QStringLiteral("paused"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!page.watcher()->checkpoints().isEmpty(), 5000);
        const qint64 pausedAt = page.watcher()->metrics().back().step;
        const int before = int(page.watcher()->metrics().size());
        // The form changed since (another model, preset and recipe): Resume continues the
        // run exactly as it was started, from its run.json; the form's recipe is not passed.
        page.setJob(QStringLiteral("vocoder"), data, run, QStringLiteral("paper"), 20000,
                    QStringLiteral("--batch 3 --seed 9 --log-every 1 --checkpoint-every 1000 --threads 1"));
        QVERIFY(page.start(true));
        QTRY_VERIFY_WITH_TIMEOUT(page.watcher()->metrics().size() > before + 1, 60000);
        QVERIFY(page.watcher()->metrics().back().step > pausedAt);   // resumed, not restarted
        page.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isChildRunning(), 60000);
        {
            QFile f(QDir(run).filePath(QStringLiteral("run.json")));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject info = QJsonDocument::fromJson(f.readAll()).object();
            QCOMPARE(info.value(QStringLiteral("job")).toString(), QStringLiteral("vae"));
            QCOMPARE(info.value(QStringLiteral("preset")).toString(), QStringLiteral("tiny"));
            QCOMPARE(info.value(QStringLiteral("nice")).toInt(), 10);   // the studio's jobs yield the CPU
            QCOMPARE(info.value(QStringLiteral("seed")).toInt(), 0);
            QCOMPARE(info.value(QStringLiteral("recipe")).toObject().value(QStringLiteral("batch")).toInt(), 2);
            QCOMPARE(info.value(QStringLiteral("flags")).toObject().value(QStringLiteral("seed")).toInt(), 0);
        }
        // A resume the CLI refuses (a length that ends before the newest checkpoint) is
        // shown as a refusal, in the CLI's words.
        page.setJob(QStringLiteral("vae"), data, run, QStringLiteral("tiny"), 1, QString());
        QVERIFY(page.start(true));
        QTRY_VERIFY_WITH_TIMEOUT(page.stateText().contains(QLatin1String("refused the job")), 30000);
        QVERIFY2(page.stateText().contains(QLatin1String("--steps 1 ends at step 1")), qPrintable(page.stateText()));
        // Start (not Resume) on that folder, with the form still on another model: the
        // studio refuses before launching anything, and says what to do instead.
        page.setJob(QStringLiteral("vocoder"), data, run, QStringLiteral("paper"), 20000,
                    QStringLiteral("--batch 3 --seed 9 --log-every 1 --checkpoint-every 1000 --threads 1"));
        QVERIFY(!page.start(false));
        QVERIFY(!page.isChildRunning());
        QVERIFY2(page.stateText().contains(QLatin1String("already holds a run: press Resume")), qPrintable(page.stateText()));

        // A diffusion checkpoint on that VAE: "Use for generation" assembles a
        // package with melstudio-cli export and hands it to the Generate page.
        const QString diff = dir.filePath(QStringLiteral("diff"));
        QVERIFY(!runCli({QStringLiteral("train"), QStringLiteral("diffusion"), QStringLiteral("--data"),
                         QDir(data).filePath(QStringLiteral("processed")),
                         QStringLiteral("--run"), diff, QStringLiteral("--vae"), run, QStringLiteral("--preset"),
                         QStringLiteral("tiny"), QStringLiteral("--steps"), QStringLiteral("2"), QStringLiteral("--batch"),
                         QStringLiteral("2"), QStringLiteral("--threads"), QStringLiteral("1")}, 120000)
                     .isNull());
        page.openRun(diff);
        QTRY_VERIFY_WITH_TIMEOUT(!page.watcher()->checkpoints().isEmpty(), 10000);
        auto *list = page.findChild<QListWidget *>();
        QVERIFY(list);
        QTRY_VERIFY_WITH_TIMEOUT(list->count() >= 1, 5000);
        list->setCurrentRow(list->count() - 1);
        QPushButton *use = nullptr;
        for (auto *b : page.findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Use for generation")) use = b;
        QVERIFY(use);
        QSignalSpy handed(&page, &TrainPage::useForGeneration);
        use->click();
        QTRY_COMPARE_WITH_TIMEOUT(handed.size(), 1, 60000);
        const QString pkg = handed.at(0).at(0).toString();
        QVERIFY2(QFileInfo::exists(QDir(pkg).filePath(QStringLiteral("model.json"))), qPrintable(pkg));
        GeneratePage gen;
        QSignalSpy loaded(&gen, &GeneratePage::modelLoaded);
        gen.setModelDir(pkg);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() && loaded.back().at(0).toBool(), 30000);
    }
};

QTEST_MAIN(TestStudio)
#include "tst_studio.moc"
