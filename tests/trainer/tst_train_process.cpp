// The CLI as the studio drives it: SIGTERM pauses with a checkpoint (exit 0),
// kill -9 at any point then --resume continues from the newest checkpoint.
#include "TrainTestUtil.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace ms;
using ms::testing::waitFor;

class TestTrainProcess : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data;
    QString m_cli;

    std::string dir(const char *name) const { return (m_tmp.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    QStringList args(const std::string &run, const std::vector<std::string> &extra) const {
        QStringList a{QStringLiteral("train"), QStringLiteral("vae")};
        for (const auto &s : std::vector<std::string>{"--data", m_data, "--run", run, "--preset", "tiny", "--device",
                                                      "cpu", "--threads", "1", "--batch", "4", "--log-every", "1"})
            a << QString::fromStdString(s);
        for (const auto &s : extra) a << QString::fromStdString(s);
        return a;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (m_cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        m_data = dir("data");
        QCOMPARE(testing::makeDataset(m_data, 8, false), std::string());
    }

    void sigtermWritesACheckpointAndAPausedEventThenExitsZero() {
        const std::string run = dir("paused");
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(m_cli, args(run, {"--steps", "100000", "--checkpoint-every", "100000"}));
        QVERIFY(p.waitForStarted());
        QVERIFY(waitFor([&] { return testing::losses(run, "total").size() >= 3; }, 20000));
        p.terminate();   // SIGTERM, as the studio's Stop button
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->lastEvent(), std::string("paused"));
        const long long step = snap->events.back()["step"].get<long long>();
        QVERIFY(step >= 3);
        QCOMPARE(snap->newestCheckpoint(), step);
        QCOMPARE(testing::train("vae", {"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu",
                                        "--batch", "4", "--resume", "--steps", std::to_string(step + 2)}),
                 0);
        snap = jobs::RunReader::read(run);
        QCOMPARE(snap->lastEvent(), std::string("finished"));
        QCOMPARE(snap->newestCheckpoint(), step + 2);
    }

    void killNineThenResumeContinuesFromTheNewestCheckpoint() {
        const std::string run = dir("killed");
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(m_cli, args(run, {"--steps", "100000", "--checkpoint-every", "2", "--keep", "2"}));
        QVERIFY(p.waitForStarted());
        QVERIFY(waitFor([&] { return jobs::RunReader::listCheckpoints(run).size() >= 2; }, 30000));
        p.kill();   // SIGKILL: no chance to clean up
        QVERIFY(p.waitForFinished(10000));
        const long long last = jobs::RunReader::listCheckpoints(run).back();
        QCOMPARE(testing::train("vae", {"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu",
                                        "--batch", "4", "--checkpoint-every", "2", "--resume", "--steps",
                                        std::to_string(last + 3)}),
                 0);
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->lastEvent(), std::string("finished"));
        QCOMPARE(snap->newestCheckpoint(), last + 3);
        bool resumed = false;
        for (const auto &e : snap->events)
            if (e.value("event", "") == "started" && e.value("resumed", false) && e.value("step", -1LL) == last)
                resumed = true;
        QVERIFY(resumed);
        for (const auto &e : std::filesystem::directory_iterator(run + "/checkpoints"))
            QVERIFY2(e.path().filename().string()[0] != '.', e.path().c_str());   // no temp folders left
    }

    // --resume continues a run as it was trained: without --preset it takes the run's
    // own, and another preset or another model is refused before anything loads.
    void aRunResumesWithItsOwnPresetAndOnlyAsItsOwnModel() {
        const std::string run = dir("own");
        const std::vector<std::string> common{"--data", m_data, "--run", run, "--device", "cpu", "--batch", "4",
                                              "--checkpoint-every", "2"};
        auto with = [&](std::vector<std::string> extra) {
            std::vector<std::string> a = common;
            a.insert(a.end(), extra.begin(), extra.end());
            return a;
        };
        QCOMPARE(testing::train("vae", with({"--preset", "tiny", "--steps", "2"})), 0);
        QVERIFY(testing::train("vae", with({"--preset", "paper", "--resume", "--steps", "4"})) != 0);
        QVERIFY(testing::train("diffusion", with({"--vae", run, "--resume", "--steps", "4"})) != 0);
        QCOMPARE(jobs::RunReader::read(run)->newestCheckpoint(), 2LL);   // neither touched the run
        QCOMPARE(testing::train("vae", with({"--resume", "--steps", "4"})), 0);   // no --preset: tiny
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->newestCheckpoint(), 4LL);
        QCOMPARE(snap->run.value("preset", std::string()), std::string("tiny"));
    }
};

QTEST_GUILESS_MAIN(TestTrainProcess)
#include "tst_train_process.moc"
