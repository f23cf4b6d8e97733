// Measured kick properties match synthetic kicks whose properties are known,
// and augmentations keep a kick a kick.
#include "analysis/Descriptors.h"
#include "audio/Edit.h"
#include "augment/Augment.h"
#include "util/Stats.h"

#include <QtTest>

#include <cmath>

using namespace ms;

namespace {
// sin(2 pi f t) exp(-t / tau) starting at `delay`, plus an optional click.
std::vector<float> kick(float f0, float tau, float delay = 0.0f, float clickAmp = 0.0f, int sr = 44100) {
    std::vector<float> x(88200, 0.0f);
    for (size_t i = size_t(delay * sr); i < x.size(); ++i) {
        const float t = float(i) / sr - delay;
        x[i] = 0.8f * std::sin(2 * float(M_PI) * f0 * t) * std::exp(-t / tau);
        if (t < 0.005f) x[i] += clickAmp * ((i % 2) ? 1.f : -1.f);
    }
    return x;
}
} // namespace

class TestDescriptors : public QObject {
    Q_OBJECT
private slots:
    void quantilesInterpolateBetweenRanks() {
        using ms::util::median;
        using ms::util::quantile;
        QCOMPARE(median(std::vector<double>{4, 1, 3, 2}), 2.5);   // mean of the middle two
        QCOMPARE(median(std::vector<double>{5, 1, 3}), 3.0);
        QCOMPARE(quantile(std::vector<float>{0, 10}, 0.25), 2.5f);
        QCOMPARE(quantile(std::vector<float>{7, 2, 9}, 0.0), 2.0f);
        QCOMPARE(quantile(std::vector<float>{7, 2, 9}, 1.0), 9.0f);
        QCOMPARE(median(std::vector<double>{}), 0.0);
    }

    void syntheticKicksMeasureAsBuilt_data() {
        QTest::addColumn<float>("f0");
        QTest::addColumn<float>("tau");
        QTest::addColumn<float>("delay");
        QTest::newRow("45 Hz, tau 0.1 s") << 45.f << 0.1f << 0.f;
        QTest::newRow("60 Hz, tau 0.3 s, 50 ms late") << 60.f << 0.3f << 0.05f;
        QTest::newRow("90 Hz, tau 0.05 s") << 90.f << 0.05f << 0.f;
    }
    void syntheticKicksMeasureAsBuilt() {
        QFETCH(float, f0);
        QFETCH(float, tau);
        QFETCH(float, delay);
        auto d = analysis::describe(kick(f0, tau, delay), 44100);
        // 30 dB down after tau * ln(10^1.5) = 3.45 tau; 10 ms envelope resolution.
        const float expectDecay = tau * std::log(std::pow(10.f, 1.5f));
        qInfo("f0 %.1f Hz (built %.0f), decay %.3f s (expected %.3f), onset %.3f s", d.fundamentalHz, f0, d.decayS,
              expectDecay, d.onsetS);
        QVERIFY(std::fabs(d.fundamentalHz - f0) < 1.5f);
        QVERIFY(std::fabs(d.decayS - expectDecay) < 0.03f);
        QVERIFY(std::fabs(d.onsetS - delay) <= 0.011f);
        QVERIFY(std::fabs(d.peak - 0.8f) < 0.05f);
        qInfo("centroid %.0f Hz", d.centroidHz);
        QVERIFY(d.centroidHz > f0 * 0.8f && d.centroidHz < 1500.f);
    }
    void brightnessDoesNotFollowTheFundamental() {
        // A 40 Hz kick with a decaying noise layer (a beater, a snappy top)
        // must measure brighter than a clean 90 Hz one: bright/dark is about
        // the spectrum above the body, not the pitch.
        auto low = kick(40, 0.15f);
        uint32_t state = 12345;
        for (size_t i = 0; i < low.size(); ++i) {
            state = state * 1664525u + 1013904223u;
            const float n = float(int32_t(state >> 8) - (1 << 23)) / float(1 << 23);
            low[i] += 0.2f * n * std::exp(-float(i) / 44100.f / 0.04f);
        }
        auto high = kick(90, 0.15f);
        auto dl = analysis::describe(low, 44100), dh = analysis::describe(high, 44100);
        qInfo("40 Hz + noise: centroid %.0f Hz; clean 90 Hz: %.0f Hz", dl.centroidHz, dh.centroidHz);
        QVERIFY(dl.fundamentalHz < dh.fundamentalHz);
        QVERIFY(dl.centroidHz > 2 * dh.centroidHz);
    }
    void clicksAndBrightnessAreDetected() {
        auto soft = analysis::describe(kick(50, 0.2f), 44100);
        auto hard = analysis::describe(kick(50, 0.2f, 0, 1.0f), 44100);
        QVERIFY(hard.click > soft.click + 0.2f);
        QVERIFY(hard.centroidHz > soft.centroidHz);
        analysis::KeywordRules rules;
        auto kw = analysis::descriptiveKeywords(hard, rules);
        QVERIFY(std::find(kw.begin(), kw.end(), "clicky") != kw.end());
        auto kwSoft = analysis::descriptiveKeywords(soft, rules);
        QVERIFY(std::find(kwSoft.begin(), kwSoft.end(), "clicky") == kwSoft.end());
    }
    void keywordsFollowTheRules() {
        analysis::KeywordRules r;
        analysis::Descriptors d;
        d.peak = 1;
        d.decayS = 0.1f; d.fundamentalHz = 40; d.centroidHz = 3000; d.click = 0;
        QCOMPARE(analysis::descriptiveKeywords(d, r), (std::vector<std::string>{"short", "low", "bright"}));
        d.decayS = 1.0f; d.fundamentalHz = 100; d.centroidHz = 150;
        QCOMPARE(analysis::descriptiveKeywords(d, r), (std::vector<std::string>{"long", "high", "dark"}));
        d.decayS = 0.45f; d.fundamentalHz = 60; d.centroidHz = 500;
        QVERIFY(analysis::descriptiveKeywords(d, r).empty());
        d.peak = 0;
        QVERIFY(analysis::descriptiveKeywords(d, r).empty());   // silence has no words
    }
    void tertileRulesSplitASetInThirds() {
        std::vector<analysis::Descriptors> set(9);
        for (int i = 0; i < 9; ++i) { set[i].decayS = 0.1f * (i + 1); set[i].peak = 1; }
        auto r = analysis::KeywordRules::fromTertiles(set);
        int nShort = 0, nLong = 0;
        for (auto &d : set) {
            auto kw = analysis::descriptiveKeywords(d, r);
            nShort += std::count(kw.begin(), kw.end(), "short");
            nLong += std::count(kw.begin(), kw.end(), "long");
        }
        QCOMPARE(nShort, 3);
        QCOMPARE(nLong, 3);
        QVERIFY(r.describe().find("| short |") != std::string::npos);
    }
    void pitchShiftMovesTheFundamental() {
        auto x = kick(50, 0.3f);
        augment::AugmentDraw up;
        up.semitones = 2;
        auto y = augment::apply(x, 44100, up);
        QCOMPARE(y.size(), size_t(88200));
        const float f = analysis::describe(y, 44100).fundamentalHz;
        qInfo("50 Hz + 2 semitones measured %.2f Hz (expected %.2f)", f, 50 * std::pow(2.f, 2 / 12.f));
        QVERIFY(std::fabs(f - 50 * std::pow(2.f, 2 / 12.f)) < 1.5f);
        QVERIFY(std::fabs(audio::peak(y) - std::pow(10.f, -1 / 20.f)) < 1e-4f);
    }
    void drawsAreReproducibleAndVaried() {
        auto a = augment::draw(7), b = augment::draw(7), c = augment::draw(8);
        QCOMPARE(a.describe(), b.describe());
        QVERIFY(a.describe() != c.describe());
        for (std::uint64_t s = 0; s < 200; ++s) {
            auto d = augment::draw(s);
            QVERIFY(std::fabs(d.semitones) <= 2.0f && std::fabs(d.tiltDb) <= 4.0f && d.drive >= 1 && d.drive <= 3);
        }
        // An earlier fade shortens the measured decay.
        augment::AugmentDraw fade;
        fade.fadeStartS = 0.2f;
        auto y = augment::apply(kick(50, 0.5f), 44100, fade);
        QVERIFY(analysis::describe(y, 44100).decayS < 0.4f);
    }
    void stftDistanceIsZeroForIdenticalAndGrowsWithNoise() {
        auto x = kick(55, 0.2f);
        QCOMPARE(analysis::multiResolutionStftDistance(x, x), 0.0f);
        auto y = x;
        for (size_t i = 0; i < y.size(); ++i) y[i] += 0.01f * std::sin(float(i) * 1.7f);
        auto z = x;
        for (size_t i = 0; i < z.size(); ++i) z[i] += 0.1f * std::sin(float(i) * 1.7f);
        const float dy = analysis::multiResolutionStftDistance(x, y), dz = analysis::multiResolutionStftDistance(x, z);
        QVERIFY(dy > 0 && dz > dy);
    }
};

QTEST_GUILESS_MAIN(TestDescriptors)
#include "tst_descriptors.moc"
