// Mono mixdown, pad/trim, peak normalisation, fades and the quiet-input rule.
#include "audio/Edit.h"

#include <QtTest>

#include <cmath>

using namespace ms;

class TestEdit : public QObject {
    Q_OBJECT
private slots:
    void monoMixdownAveragesChannels() {
        audio::AudioBuffer b;
        b.sampleRate = 44100;
        b.channels = {{1, 0, 0.5f}, {0, 1, 0.5f}, {1, 1, -1}};
        auto m = audio::mixToMono(b);
        QCOMPARE(m.size(), size_t(3));
        QVERIFY(std::fabs(m[0] - 2.0f / 3) < 1e-6f);
        QVERIFY(std::fabs(m[2] - 0.0f) < 1e-6f);
    }
    void padOrTrimGivesExactLength() {
        std::vector<float> x(10, 1.0f);
        audio::padOrTrim(x, 15);
        QCOMPARE(x.size(), size_t(15));
        QCOMPARE(x[14], 0.0f);
        audio::padOrTrim(x, 4);
        QCOMPARE(x, (std::vector<float>{1, 1, 1, 1}));
    }
    void peakNormaliseReachesMinusOneDb() {
        std::vector<float> x{0.1f, -0.25f, 0.2f};
        audio::normalizePeak(x, -1.0f);
        QVERIFY(std::fabs(audio::peak(x) - std::pow(10.0f, -1.0f / 20)) < 1e-6f);
        QVERIFY(x[1] < 0);
        std::vector<float> silent(5, 0.0f);
        QCOMPARE(audio::normalizePeak(silent), 1.0f);
        QCOMPARE(silent, std::vector<float>(5, 0.0f));
    }
    void fadeOutIsLinearToZero() {
        std::vector<float> x(10, 1.0f);
        audio::fadeOut(x, 5);
        QCOMPARE(x[4], 1.0f);
        QCOMPARE(x[5], 1.0f);
        QCOMPARE(x[7], 0.5f);
        QCOMPARE(x[9], 0.0f);
    }
    void quietInputIsRaisedWithinLimits_data() {
        QTest::addColumn<float>("amplitude");
        QTest::addColumn<bool>("raised");
        QTest::addColumn<float>("expectedRms");
        // A sine of amplitude a has RMS a/sqrt(2).
        QTest::newRow("loud: untouched") << 0.5f << false << 0.5f / std::sqrt(2.0f);
        QTest::newRow("just above threshold: untouched") << 0.0015f << false << 0.0015f / std::sqrt(2.0f);
        QTest::newRow("quiet: raised to 0.05") << 0.001f << true << 0.05f;
        // Gain cap: RMS 7e-6 x 1000 = 7e-3.
        QTest::newRow("very quiet: gain capped at 1000x") << 1e-5f << true << 1e-5f / std::sqrt(2.0f) * 1000;
    }
    void quietInputIsRaisedWithinLimits() {
        QFETCH(float, amplitude);
        QFETCH(bool, raised);
        QFETCH(float, expectedRms);
        std::vector<float> x(44100);
        for (size_t i = 0; i < x.size(); ++i) x[i] = amplitude * float(std::sin(2 * M_PI * 100 * double(i) / 44100));
        auto r = audio::normalizeQuietInput(x);
        QCOMPARE(r.raised, raised);
        QVERIFY2(std::fabs(audio::rms(x) - expectedRms) < expectedRms * 1e-3f, qPrintable(QString::number(audio::rms(x))));
        QVERIFY(audio::peak(x) <= 0.95f + 1e-6f);
        QCOMPARE(r.message.empty(), !raised);
    }
    void quietInputWithAClickKeepsPeakUnderCeiling() {
        std::vector<float> x(44100, 0.0f);
        x[100] = 0.05f;   // one click, RMS ~2.4e-4: target gain ~210 would clip
        auto r = audio::normalizeQuietInput(x);
        QVERIFY(r.raised);
        QVERIFY(std::fabs(audio::peak(x) - 0.95f) < 1e-5f);
        QVERIFY(r.gain < 210);
    }
};

QTEST_GUILESS_MAIN(TestEdit)
#include "tst_edit.moc"
