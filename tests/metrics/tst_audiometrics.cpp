// The shared audio distances: zero for identical signals, invariant where the
// definition says so (LSD with gain matching), growing with the damage done.
#include "dsp/Iir.h"
#include "metrics/AudioMetrics.h"

#include <QtTest>

#include <cmath>

namespace {

std::vector<float> noise(size_t n, uint32_t seed, float amp = 0.3f) {
    std::vector<float> x(n);
    for (auto &v : x) {
        seed = seed * 1664525u + 1013904223u;
        v = amp * float(double(seed) / 4294967296.0 - 0.5);
    }
    return x;
}

} // namespace

class TestAudioMetrics : public QObject {
    Q_OBJECT
private slots:
    void dacMelDistance() {
        const auto x = noise(44100, 3);
        QCOMPARE(ms::metrics::dacMelDistance(x, x, 44100), 0.0);
        auto quieter = x;
        for (auto &v : quieter) v *= 0.5f;
        // Every scale sees log10(0.5) ~ 0.301 on every cell (above the clamp): 7 scales.
        const double half = ms::metrics::dacMelDistance(quieter, x, 44100);
        qInfo("half level: %.4f (7 x log10 2 = %.4f)", half, 7 * std::log10(2.0));
        QVERIFY(std::fabs(half - 7 * std::log10(2.0)) < 0.05);
        const auto low = ms::dsp::sosFiltFilt(ms::dsp::lowpassSos(ms::dsp::IirType::Butterworth, 8, 4000, 44100), x);
        const auto other = noise(44100, 11);
        const double lp = ms::metrics::dacMelDistance(low, x, 44100), nz = ms::metrics::dacMelDistance(other, x, 44100);
        qInfo("low-passed at 4 kHz: %.3f; another noise: %.3f", lp, nz);
        QVERIFY(lp > half);
        QVERIFY(nz > 0 && nz < lp);   // same spectrum, different phase: mel distances barely see it
    }

    void logSpectralDistance() {
        const auto x = noise(48000, 5);
        QCOMPARE(ms::metrics::logSpectralDistance(x, x), 0.0);
        auto louder = x;
        for (auto &v : louder) v *= 3.0f;
        QVERIFY(ms::metrics::logSpectralDistance(louder, x, true) < 1e-6);
        QVERIFY(ms::metrics::logSpectralDistance(louder, x, false) > 0.9);   // log10(9) ~ 0.95 without matching
        const auto low = ms::dsp::sosFiltFilt(ms::dsp::lowpassSos(ms::dsp::IirType::Butterworth, 8, 8000, 48000), x);
        const double full = ms::metrics::logSpectralDistance(low, x), high = ms::metrics::logSpectralDistance(low, x, true, 342);
        qInfo("8 kHz low-pass of white noise: LSD %.3f, above 8 kHz only %.3f", full, high);
        QVERIFY(full > 1.0);
        QVERIFY(high > full);
    }

    // SI-SDR: scale-invariant, 20 dB for noise 10x below the signal's amplitude.
    void siSdr() {
        const auto x = noise(48000, 7), n = noise(48000, 9);
        QVERIFY(ms::metrics::siSdr(x, x) > 100);
        auto y = x, louder = x;
        for (size_t i = 0; i < y.size(); ++i) y[i] += 0.1f * n[i];
        for (auto &v : louder) v *= 3.0f;
        const double s = ms::metrics::siSdr(y, x);
        qInfo("noise at -20 dB: SI-SDR %.2f dB", s);
        QVERIFY(std::fabs(s - 20.0) < 0.5);
        QVERIFY(ms::metrics::siSdr(louder, x) > 100);
    }

    // The MR-STFT distance: zero for the same signal, 7 x log 2 / 7 = log 2 (plus
    // SC 1/3) for half the level, more for a low-passed copy.
    void multiResolutionStftDistance() {
        const auto x = noise(48000, 13);
        QCOMPARE(ms::metrics::multiResolutionStftDistance(x, x), 0.0);
        auto half = x;
        for (auto &v : half) v *= 0.5f;
        const double h = ms::metrics::multiResolutionStftDistance(half, x);
        qInfo("half level: %.4f (log 2 + 1/3 = %.4f)", h, std::log(2.0) + 1.0 / 3.0);
        QVERIFY(std::fabs(h - (std::log(2.0) + 1.0 / 3.0)) < 0.01);
        const auto low = ms::dsp::sosFiltFilt(ms::dsp::lowpassSos(ms::dsp::IirType::Butterworth, 8, 4000, 48000), x);
        QVERIFY(ms::metrics::multiResolutionStftDistance(low, x) > h);
    }
};

QTEST_GUILESS_MAIN(TestAudioMetrics)
#include "tst_audiometrics.moc"
