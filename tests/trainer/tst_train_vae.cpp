// train vae (tiny preset, CPU): loss falls, one batch overfits, resume is
// bit-exact, NaN stops the run, bad datasets and flags are refused.
#include "TrainTestUtil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ms;
using ms::testing::train;

class TestTrainVae : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data, m_one;

    std::string dir(const char *name) const { return (m_tmp.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    std::vector<std::string> common(const std::string &run, const std::string &data) const {
        return {"--data", data, "--run", run, "--preset", "tiny", "--device", "cpu", "--threads", "1",
                "--batch", "4", "--log-every", "1", "--seed", "7"};
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = dir("data");
        m_one = dir("one");
        QCOMPARE(testing::makeDataset(m_data, 8, false), std::string());
        QCOMPARE(testing::makeDataset(m_one, 4, false, 11), std::string());
    }

    void vaeLossFallsInAFewSteps() {
        const std::string run = dir("falls");
        QCOMPARE(train("vae", testing::plus(common(run, m_data), {"--steps", "20", "--lr", "2e-3"})), 0);
        auto l = testing::losses(run, "total");
        QCOMPARE(int(l.size()), 20);
        const double first = testing::meanOf(l, 0, 3), last = testing::meanOf(l, 17, 20);
        qInfo("vae loss first 3 %.4f, last 3 %.4f", first, last);
        QVERIFY2(last < 0.5 * first, "the VAE loss did not halve in 20 steps");
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->lastEvent(), std::string("finished"));
        QCOMPARE(snap->newestCheckpoint(), 20LL);
        QCOMPARE(snap->run["component"].get<std::string>(), std::string("vae"));
        QCOMPARE(snap->run["recipe"]["kl_start"].get<double>(), 1e-4);
        for (const char *k : {"step", "epoch", "time", "loss", "lr", "samples_per_s", "mem_mb"})
            QVERIFY2(snap->metrics.back().contains(k), k);
        QVERIFY(std::filesystem::exists(run + "/previews/20/output_mel.safetensors"));
        QVERIFY(std::filesystem::exists(run + "/log.txt"));
    }

    void vaeOverfitsOneBatch() {
        // One batch of 4 mels (values in about [-11, -1]); the initial MSE is ~60-120.
        // Threshold: MSE below 1.0 after 150 steps (measured 0.75).
        const std::string run = dir("overfit");
        QCOMPARE(train("vae", testing::plus(common(run, m_one), {"--steps", "150", "--lr", "3e-3", "--log-every", "10"})), 0);
        auto mse = testing::losses(run, "mse");
        QVERIFY(!mse.empty());
        qInfo("vae overfit mse first %.4f last %.4f", mse.front(), mse.back());
        QVERIFY2(mse.back() < 1.0, "one batch did not overfit below MSE 1.0");
    }

    void resumeAfterNStepsEqualsUninterruptedRun() {
        const std::string a = dir("uninterrupted"), b = dir("resumed");
        const std::vector<std::string> extra{"--lr", "1e-3", "--checkpoint-every", "3", "--keep", "0"};
        QCOMPARE(train("vae", testing::plus(testing::plus(common(a, m_data), extra), {"--steps", "7"})), 0);
        QCOMPARE(train("vae", testing::plus(testing::plus(common(b, m_data), extra), {"--steps", "3"})), 0);
        QCOMPARE(train("vae", testing::plus(testing::plus(common(b, m_data), extra), {"--steps", "7", "--resume"})), 0);
        auto wa = testing::tensorBytes(a + "/checkpoints/7/vae.safetensors");
        auto wb = testing::tensorBytes(b + "/checkpoints/7/vae.safetensors");
        QVERIFY(!wa.empty());
        QCOMPARE(wa.size(), wb.size());
        for (const auto &[name, bytes] : wa) QVERIFY2(wb[name] == bytes, name.c_str());   // bit-exact
        // Epochs cross the resume point (8 items / batch 4 = 2 steps per epoch).
        auto la = testing::losses(a, "total"), lb = testing::losses(b, "total");
        QCOMPARE(la.back(), lb.back());
    }

    // A newest checkpoint damaged on disk: --resume moves it aside and continues from
    // the one before, and the result is still the uninterrupted run's, bit for bit.
    void aDamagedNewestCheckpointFallsBackToTheOneBefore() {
        const std::string a = dir("uninterrupted2"), b = dir("damaged");
        const std::vector<std::string> extra{"--lr", "1e-3", "--checkpoint-every", "3", "--keep", "0"};
        QCOMPARE(train("vae", testing::plus(testing::plus(common(a, m_data), extra), {"--steps", "9"})), 0);
        QCOMPARE(train("vae", testing::plus(testing::plus(common(b, m_data), extra), {"--steps", "6"})), 0);
        std::filesystem::resize_file(b + "/checkpoints/6/vae.safetensors", 100);   // a torn write
        QCOMPARE(train("vae", testing::plus(testing::plus(common(b, m_data), extra), {"--steps", "9", "--resume"})), 0);
        QVERIFY(std::filesystem::exists(b + "/checkpoints/.unusable-6/vae.safetensors"));   // kept, out of the way
        auto snap = jobs::RunReader::read(b);
        QVERIFY(snap.ok());
        bool reported = false;
        for (const auto &e : snap->events)
            if (e.value("event", "") == "checkpoint_unusable" && e.value("step", -1LL) == 6) reported = true;
        QVERIFY(reported);
        auto wa = testing::tensorBytes(a + "/checkpoints/9/vae.safetensors");
        auto wb = testing::tensorBytes(b + "/checkpoints/9/vae.safetensors");
        QVERIFY(!wa.empty());
        QCOMPARE(wa.size(), wb.size());
        for (const auto &[name, bytes] : wa) QVERIFY2(wb[name] == bytes, name.c_str());
        // Every checkpoint damaged: refused, and nothing is moved.
        for (const char *c : {"3", "6", "9"})
            std::filesystem::resize_file(b + "/checkpoints/" + c + "/vae.safetensors", 100);
        QVERIFY(train("vae", testing::plus(testing::plus(common(b, m_data), extra), {"--steps", "12", "--resume"})) != 0);
        for (const char *c : {"3", "6", "9"}) QVERIFY(std::filesystem::exists(b + "/checkpoints/" + c));
    }

    void nanLossStopsTheRunAndKeepsTheLastGoodCheckpoint() {
        const std::string run = dir("nan");
        const int rc = train("vae", testing::plus(common(run, m_data),
                                         {"--steps", "10", "--checkpoint-every", "2", "--debug-nan-at-step", "5"}));
        QCOMPARE(rc, int(jobs::kTrainNonFinite));
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->checkpoints, (std::vector<long long>{2, 4}));
        QCOMPARE(snap->lastEvent(), std::string("failed"));
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("NaN") != std::string::npos && reason.find("step 5") != std::string::npos, reason.c_str());
        QVERIFY(reason.find("checkpoints/4") != std::string::npos);
        auto log = fs::readFile(run + "/log.txt");
        QVERIFY(log.ok() && log->find("NaN") != std::string::npos);
        QCOMPARE(int(testing::losses(run, "total").size()), 4);
        // Resuming continues from the good checkpoint.
        QCOMPARE(train("vae", testing::plus(common(run, m_data), {"--steps", "6", "--resume"})), 0);
        QCOMPARE(jobs::RunReader::read(run)->newestCheckpoint(), 6LL);
    }

    void badDatasetFolderGivesAClearMessage() {
        const std::string run = dir("bad");
        QCOMPARE(train("vae", testing::plus(common(run, dir("no-such-data")), {"--steps", "1"})), int(jobs::kTrainFailed));
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->lastEvent(), std::string("failed"));
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("no-such-data") != std::string::npos && reason.find("does not exist") != std::string::npos,
                 reason.c_str());
        const std::string empty = dir("empty-data");
        std::filesystem::create_directories(empty);
        const std::string run2 = dir("bad2");
        QCOMPARE(train("vae", testing::plus(common(run2, empty), {"--steps", "1"})), int(jobs::kTrainFailed));
        const std::string r2 = jobs::RunReader::read(run2)->events.back()["reason"].get<std::string>();
        QVERIFY2(r2.find("index.json") != std::string::npos && r2.find("preprocess") != std::string::npos, r2.c_str());
    }

    // A step larger than the dataset read past its end (a crash); now it is refused.
    void aBatchLargerThanTheDatasetIsRefused() {
        const std::string run = dir("big-batch");
        QCOMPARE(train("vae", testing::plus(common(run, m_data), {"--steps", "1", "--batch", "9"})),
                 int(jobs::kTrainFailed));
        const std::string reason = jobs::RunReader::read(run)->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("9 samples") != std::string::npos && reason.find("8 items") != std::string::npos,
                 reason.c_str());
        QVERIFY(jobs::RunReader::listCheckpoints(run).empty());
    }

    void existingRunWithoutResumeAndUnknownFlagsAreRefused() {
        const std::string run = dir("falls");   // written by the first test
        QCOMPARE(train("vae", testing::plus(common(run, m_data), {"--steps", "1"})), int(jobs::kTrainUsage));
        QCOMPARE(train("vae", testing::plus(common(dir("flags"), m_data), {"--steps", "1", "--lr-typo", "1"})),
                 int(jobs::kTrainUsage));
        QVERIFY(!std::filesystem::exists(dir("flags")));
        QCOMPARE(train("vae", testing::plus(common(dir("flags2"), m_data), {"--steps", "abc"})), int(jobs::kTrainUsage));
        QCOMPARE(train("gan", common(dir("flags3"), m_data)), int(jobs::kTrainUsage));
    }
};

QTEST_GUILESS_MAIN(TestTrainVae)
#include "tst_train_vae.moc"
