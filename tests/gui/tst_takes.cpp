// Takes persist across restarts: each take is kept in the session folder (its WAV and
// the parameters that made it) and restored by the next studio, until cleared.
#include "MainWindow.h"
#include "pages/kick/GeneratePage.h"

#include "StudioTestUtil.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace ms::app;
using namespace studio_test;

class TestTakes : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_data;

    static GeneratePage::Take makeTake(const QString &prompt, quint64 seed, double hz)
    {
        GeneratePage::Take t;
        t.audio.resize(22050);
        for (size_t i = 0; i < t.audio.size(); ++i) t.audio[i] = 0.3f * float(std::sin(2 * M_PI * hz * double(i) / 44100.0));
        t.sampleRate = 44100;
        t.prompt = prompt;
        t.seed = seed;
        t.steps = 25;
        t.guidance = 3.5;
        t.modelId = QStringLiteral("kick-tiny");
        t.modelDir = QStringLiteral("/models/kick-tiny");
        return t;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("melstudio-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_takes"));
        QSettings().clear();
    }

    void init()
    {
        m_data = std::make_unique<QTemporaryDir>();
        qputenv("MELSTUDIO_DATA_DIR", m_data->path().toUtf8());
    }

    void takesAreRestoredAfterARestartWithTheirParameters()
    {
        {
            MainWindow w;
            GeneratePage *page = w.generatePage();
            QCOMPARE(page->takeCount(), 0);
            page->addTake(makeTake(QStringLiteral("punchy 808"), 4000000000ull, 60));
            page->addTake(makeTake(QStringLiteral("深 kick"), 7, 90));
            QCOMPARE(page->takeCount(), 2);
            QVERIFY2(page->lastError().isEmpty(), qPrintable(page->lastError()));
        }
        // The session folder holds a WAV and a JSON per take, under the data folder.
        const QDir session(GeneratePage::sessionDir());
        QVERIFY(session.absolutePath().startsWith(m_data->path()));
        QCOMPARE(session.entryList({QStringLiteral("*.wav")}, QDir::Files).size(), 2);
        QCOMPARE(session.entryList({QStringLiteral("*.json")}, QDir::Files).size(), 2);
        QVERIFY(session.entryList({QStringLiteral(".*")}, QDir::Files | QDir::Hidden).isEmpty());   // no temp files left

        MainWindow w;   // a relaunch
        GeneratePage *page = w.generatePage();
        QCOMPARE(page->takeCount(), 2);
        const auto want = makeTake(QStringLiteral("punchy 808"), 4000000000ull, 60);
        QCOMPARE(page->take(0).prompt, QStringLiteral("punchy 808"));
        QCOMPARE(page->take(0).seed, 4000000000ull);
        QCOMPARE(page->take(0).steps, 25);
        QCOMPARE(page->take(0).guidance, 3.5);
        QCOMPARE(page->take(0).modelId, QStringLiteral("kick-tiny"));
        QCOMPARE(page->take(0).modelDir, QStringLiteral("/models/kick-tiny"));
        QCOMPARE(page->take(0).sampleRate, 44100);
        QVERIFY(page->take(0).audio == want.audio);   // float WAV: bit-exact
        QCOMPARE(page->take(1).prompt, QStringLiteral("深 kick"));
        QCOMPARE(page->take(1).seed, quint64(7));
        // The list shows them with their model, steps and guidance.
        auto *list = page->findChild<QTreeWidget *>();
        QVERIFY(list);
        QCOMPARE(list->topLevelItemCount(), 2);
        QCOMPARE(list->topLevelItem(0)->text(2), QStringLiteral("25"));
        QCOMPARE(list->topLevelItem(0)->text(3), QStringLiteral("3.5"));
        QCOMPARE(list->topLevelItem(0)->text(4), QStringLiteral("kick-tiny"));
        // Without a model the takes are shown, not hidden behind the "no model" panel.
        w.show();
        QVERIFY(list->isVisible());
        if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty()) {
            w.resize(1280, 820);
            w.grab().save(shots + QStringLiteral("/generate-restored-takes.png"));
        }

        // Clear asks; Cancel keeps them, Delete removes them here and on disk.
        answerNextDialog(QStringLiteral("cancelClear"));
        page->clearTakesWithDialog();
        QCOMPARE(page->takeCount(), 2);
        answerNextDialog(QStringLiteral("clearTakes"));
        page->clearTakesWithDialog();
        QCOMPARE(page->takeCount(), 0);
        QCOMPARE(list->topLevelItemCount(), 0);
        QVERIFY(session.entryList(QDir::Files | QDir::NoDotAndDotDot).isEmpty());
        GeneratePage again;
        QCOMPARE(again.takeCount(), 0);
    }

    void aDamagedSessionFileIsNamedAndTheOthersStillLoad()
    {
        {
            GeneratePage page;
            page.addTake(makeTake(QStringLiteral("deep"), 1, 50));
        }
        const QDir session(GeneratePage::sessionDir());
        QFile bad(session.filePath(QStringLiteral("take-20260101-000000-000-999.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"wav": "take-missing.wav", "prompt": "lost"})");
        bad.close();
        GeneratePage page;
        QCOMPARE(page.takeCount(), 1);
        QCOMPARE(page.take(0).prompt, QStringLiteral("deep"));
        QVERIFY2(page.lastError().contains(QLatin1String("take-missing.wav")), qPrintable(page.lastError()));
    }
};

QTEST_MAIN(TestTakes)
#include "tst_takes.moc"
