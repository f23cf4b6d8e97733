// Training jobs belong to the user, not to the window: quitting while one trains asks,
// and a job left running is found again by a studio opened later, which can stop it.
#include "MainWindow.h"
#include "RunJob.h"
#include "RunWatcher.h"
#include "pages/TrainPage.h"

#include "StudioTestUtil.h"

#include <QProcess>
#include <QScopeGuard>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace ms::app;
using namespace studio_test;

class TestJobs : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_data;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("melstudio-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_jobs"));
        QSettings().clear();
        qputenv("MELSTUDIO_DATA_DIR", m_data.filePath(QStringLiteral("studio")).toUtf8());
    }

    void quittingWhileTrainingAsksAndARelaunchedStudioFindsAndStopsTheJob()
    {
        if (runCli({QStringLiteral("train"), QStringLiteral("--help")}).isNull()) QSKIP("melstudio-cli train is not available");
        QTemporaryDir dir;
        const QString data = makeTinyDataset(dir.path());
        QVERIFY(!data.isEmpty());
        const QString run = dir.filePath(QStringLiteral("run"));
        RunJob job;
        // Whatever fails below, no detached trainer outlives the test.
        const auto guard = qScopeGuard([&run] {
            RunJob j;
            if (readRunJob(run, j) && isRunJobAlive(j)) stopRunJob(j);
        });
        {
            auto w = std::make_unique<MainWindow>();
            w->show();
            TrainPage *page = w->trainPage();
            page->setJob(QStringLiteral("vae"), data, run, QStringLiteral("tiny"), 20000,
                         QStringLiteral("--batch 2 --log-every 1 --checkpoint-every 1000 --threads 1"));
            QVERIFY2(page->start(false), qPrintable(page->stateText()));
            QTRY_VERIFY_WITH_TIMEOUT(page->watcher()->metrics().size() >= 2, 60000);
            // The run folder knows its process.
            QVERIFY(readRunJob(run, job));
            QCOMPARE(job.pid, page->childPid());
            QVERIFY(job.startTicks > 0);
            QVERIFY(isRunJobAlive(job));

            // Quit, then Cancel: the window stays, the job runs on.
            auto asked = std::make_shared<bool>(false);
            answerNextDialog(QStringLiteral("cancelQuit"), asked);
            QVERIFY(!w->close());
            QVERIFY(*asked);
            QVERIFY(w->isVisible());
            QVERIFY(page->isChildRunning());

            // Quit, then Keep running: the window closes, the job does not stop.
            *asked = false;
            answerNextDialog(QStringLiteral("keepJobs"), asked);
            QVERIFY(w->close());
            QVERIFY(*asked);
        }
        QTest::qWait(300);
        QVERIFY(isRunJobAlive(job));

        // A relaunch: the new window's Train page finds the job, watches it and can stop it.
        {
            MainWindow w;
            w.show();
            TrainPage *page = w.trainPage();
            QVERIFY(page->isChildRunning());
            QCOMPARE(page->childPid(), job.pid);
            QCOMPARE(QDir(page->watcher()->runDir()).canonicalPath(), QDir(run).canonicalPath());
            QVERIFY2(page->stateText().contains(QString::number(job.pid)), qPrintable(page->stateText()));
            QTRY_VERIFY_WITH_TIMEOUT(w.statusBar()->currentMessage().contains(QLatin1String("still running")), 2000);
            const qsizetype seen = page->watcher()->metrics().size();
            QTRY_VERIFY_WITH_TIMEOUT(page->watcher()->metrics().size() > seen, 60000);   // live
            // Quit with "Stop with a checkpoint": the job writes one and exits.
            auto asked = std::make_shared<bool>(false);
            answerNextDialog(QStringLiteral("stopJobs"), asked);
            QVERIFY(w.close());
            QVERIFY(*asked);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!isRunJobAlive(job), 60000);
        ms::widgets::RunWatcher watcher;
        watcher.setRunDir(run);
        watcher.poll();
        QCOMPARE(watcher.lastEvent(), QStringLiteral("paused"));
        QVERIFY(!watcher.checkpoints().isEmpty());

        // A studio opened now finds no job and quits without asking.
        MainWindow w;
        w.show();
        QVERIFY(!w.trainPage()->isChildRunning());
        QVERIFY(w.trainPage()->runningJobDirs().isEmpty());
        QVERIFY(w.close());
    }

    void aJobStartedFromTheCommandLineIsWatchedAndStoppedFromItsRunFolder()
    {
        if (runCli({QStringLiteral("train"), QStringLiteral("--help")}).isNull()) QSKIP("melstudio-cli train is not available");
        QTemporaryDir dir;
        const QString data = makeTinyDataset(dir.path());
        QVERIFY(!data.isEmpty());
        const QString run = dir.filePath(QStringLiteral("cli-run"));
        const QStringList args = {QStringLiteral("train"), QStringLiteral("vae"), QStringLiteral("--data"),
                                  QDir(data).filePath(QStringLiteral("processed")), QStringLiteral("--run"), run,
                                  QStringLiteral("--preset"), QStringLiteral("tiny"), QStringLiteral("--steps"),
                                  QStringLiteral("20000"), QStringLiteral("--batch"), QStringLiteral("2"),
                                  QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--log-every"),
                                  QStringLiteral("1")};
        QProcess proc;
        proc.setProgram(cli());
        proc.setArguments(args);
        proc.setStandardOutputFile(QProcess::nullDevice());
        proc.setStandardErrorFile(QProcess::nullDevice());
        qint64 pid = 0;
        QVERIFY(proc.startDetached(&pid));
        const auto guard = qScopeGuard([pid] {
            RunJob j;
            j.pid = pid;
            if (isRunJobAlive(j)) stopRunJob(j);
        });
        // The trainer records itself in the run folder.
        RunJob job;
        QTRY_VERIFY_WITH_TIMEOUT(readRunJob(run, job), 30000);
        QCOMPARE(job.pid, pid);
        QVERIFY(isRunJobAlive(job));
        // A second job on the same run folder is refused while the first runs.
        QVERIFY(runCli(args + QStringList{QStringLiteral("--resume")}).isNull());
        // A studio that opens the run folder watches the job and can stop it.
        TrainPage page;
        page.openRun(run);
        QVERIFY(page.isChildRunning());
        QCOMPARE(page.childPid(), pid);
        QTRY_VERIFY_WITH_TIMEOUT(!page.watcher()->metrics().isEmpty(), 60000);
        page.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isChildRunning(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(page.stateText().contains(QLatin1String("Paused")), 5000);
    }

    void stopFromTheTrainPageOfARelaunchedStudio()
    {
        if (runCli({QStringLiteral("train"), QStringLiteral("--help")}).isNull()) QSKIP("melstudio-cli train is not available");
        QTemporaryDir dir;
        const QString data = makeTinyDataset(dir.path());
        QVERIFY(!data.isEmpty());
        const QString run = dir.filePath(QStringLiteral("run2"));
        const auto guard = qScopeGuard([&run] {
            RunJob j;
            if (readRunJob(run, j) && isRunJobAlive(j)) stopRunJob(j);
        });
        qint64 pid = 0;
        {
            TrainPage page;
            page.setJob(QStringLiteral("vae"), data, run, QStringLiteral("tiny"), 20000,
                        QStringLiteral("--batch 2 --log-every 1 --checkpoint-every 1000 --threads 1"));
            QVERIFY2(page.start(false), qPrintable(page.stateText()));
            pid = page.childPid();
            QTRY_VERIFY_WITH_TIMEOUT(!page.watcher()->metrics().isEmpty(), 60000);
        }   // the page (and its studio) is gone; the job is not
        TrainPage again;
        QCOMPARE(again.childPid(), pid);
        // A second Start on that run folder is refused while its job runs.
        QVERIFY(!again.start(false));
        again.stop();
        QTRY_VERIFY_WITH_TIMEOUT(!again.isChildRunning(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(again.stateText().contains(QLatin1String("Paused")), 5000);
    }
};

QTEST_MAIN(TestJobs)
#include "tst_jobs.moc"
