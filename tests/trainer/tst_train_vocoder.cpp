// train vocoder (tiny preset, CPU): the mel L1 falls, resume is bit-exact with
// both optimisers and the per-epoch ExponentialLR.
#include "TrainTestUtil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ms;
using ms::testing::train;

class TestTrainVocoder : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data;

    std::string dir(const char *name) const { return (m_tmp.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    std::vector<std::string> common(const std::string &run) const {
        return {"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu", "--threads", "1",
                "--batch", "2", "--log-every", "1", "--seed", "3", "--preview-every", "0"};
    }
    static std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string> &b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = dir("data");
        QCOMPARE(testing::makeDataset(m_data, 4, true), std::string());
    }

    void vocoderMelLossFallsInAFewSteps() {
        const std::string run = dir("falls");
        QCOMPARE(train("vocoder", plus(common(run), {"--steps", "16", "--lr", "2e-3", "--preview-every", "16"})), 0);
        auto mel = testing::losses(run, "mel_l1");
        QCOMPARE(int(mel.size()), 16);
        const double first = testing::meanOf(mel, 0, 3), last = testing::meanOf(mel, 13, 16);
        qInfo("vocoder mel L1 first 3 %.4f, last 3 %.4f", first, last);
        QVERIFY2(last < 0.8 * first, "the vocoder's mel L1 did not fall by 20% in 16 steps");
        QVERIFY(!testing::losses(run, "d_total").empty());
        QVERIFY(std::filesystem::exists(run + "/previews/16/output.wav"));
        // ExponentialLR per epoch: 4 items / batch 2 = 2 steps per epoch; the lr
        // logged after step 16 was used in epoch 7.
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QVERIFY(qAbs(snap->metrics.back()["lr"].get<double>() - 2e-3 * std::pow(0.999, 7)) < 1e-12);
    }

    void resumeAfterNStepsEqualsUninterruptedRun() {
        const std::string a = dir("uninterrupted"), b = dir("resumed");
        const std::vector<std::string> extra{"--checkpoint-every", "2"};
        QCOMPARE(train("vocoder", plus(plus(common(a), extra), {"--steps", "5"})), 0);
        QCOMPARE(train("vocoder", plus(plus(common(b), extra), {"--steps", "3"})), 0);
        QCOMPARE(train("vocoder", plus(plus(common(b), extra), {"--steps", "5", "--resume"})), 0);
        for (const char *f : {"generator.safetensors", "mpd.safetensors", "msd.safetensors"}) {
            auto wa = testing::tensorBytes(a + "/checkpoints/5/" + f);
            auto wb = testing::tensorBytes(b + "/checkpoints/5/" + f);
            QVERIFY(!wa.empty());
            for (const auto &[name, bytes] : wa) QVERIFY2(wb[name] == bytes, (std::string(f) + ": " + name).c_str());
        }
    }

    void datasetWithoutAudioIsRefused() {
        const std::string noAudio = dir("noaudio");
        QCOMPARE(testing::makeDataset(noAudio, 2, false), std::string());
        const std::string run = dir("refused");
        QCOMPARE(train("vocoder", {"--data", noAudio, "--run", run, "--preset", "tiny", "--steps", "1"}),
                 int(jobs::kTrainFailed));
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("audio") != std::string::npos, reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTrainVocoder)
#include "tst_train_vocoder.moc"
