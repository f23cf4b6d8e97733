// Resampling is band-limited: tones in the pass band keep their level, tones
// above the new Nyquist frequency are rejected, no images appear.
#include "audio/Resample.h"

#include <QtTest>

#include <cmath>

using namespace ms;

namespace {
std::vector<float> sine(double hz, int rate, double seconds, float amp = 0.5f) {
    std::vector<float> x(size_t(rate * seconds));
    for (size_t i = 0; i < x.size(); ++i) x[i] = amp * float(std::sin(2 * M_PI * hz * double(i) / rate));
    return x;
}
// Level in dBFS of a tone at `hz` (Goertzel over the middle half, Hann window).
double toneDb(const std::vector<float> &x, double hz, int rate) {
    const size_t a = x.size() / 4, n = x.size() / 2;
    const double w = 2 * M_PI * hz / rate;
    double re = 0, im = 0, wsum = 0;
    for (size_t i = 0; i < n; ++i) {
        const double win = 0.5 - 0.5 * std::cos(2 * M_PI * double(i) / double(n - 1));
        re += x[a + i] * win * std::cos(w * double(i));
        im -= x[a + i] * win * std::sin(w * double(i));
        wsum += win;
    }
    return 20 * std::log10(2 * std::sqrt(re * re + im * im) / wsum + 1e-20);
}
double rmsDb(const std::vector<float> &x) {
    double e = 0;
    for (size_t i = x.size() / 4; i < x.size() * 3 / 4; ++i) e += double(x[i]) * x[i];
    return 10 * std::log10(e / double(x.size() / 2) + 1e-30);
}
} // namespace

class TestResample : public QObject {
    Q_OBJECT
private slots:
    void passBandToneKeepsItsLevel_data() {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addColumn<double>("hz");
        QTest::newRow("48k->44.1k 1 kHz") << 48000 << 44100 << 1000.0;
        QTest::newRow("48k->44.1k 18 kHz") << 48000 << 44100 << 18000.0;
        QTest::newRow("8k->44.1k 1 kHz") << 8000 << 44100 << 1000.0;
        QTest::newRow("192k->44.1k 10 kHz") << 192000 << 44100 << 10000.0;
        QTest::newRow("22.05k->44.1k 5 kHz") << 22050 << 44100 << 5000.0;
    }
    void passBandToneKeepsItsLevel() {
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(double, hz);
        auto x = sine(hz, from, 0.5);
        auto y = audio::resample(x, from, to);
        QVERIFY(y.ok());
        QCOMPARE(y->size(), size_t(std::llround(x.size() * double(to) / from)));
        const double before = toneDb(x, hz, from), after = toneDb(*y, hz, to);
        QVERIFY2(std::fabs(before - after) < 0.05, qPrintable(QStringLiteral("%1 vs %2 dB").arg(before).arg(after)));
    }

    void toneAboveNewNyquistIsRejected_data() {
        QTest::addColumn<int>("from");
        QTest::addColumn<double>("hz");
        QTest::newRow("48k: 30 kHz... as 23 kHz") << 48000 << 23000.0;
        QTest::newRow("96k: 30 kHz") << 96000 << 30000.0;
        QTest::newRow("192k: 60 kHz") << 192000 << 60000.0;
    }
    void toneAboveNewNyquistIsRejected() {
        QFETCH(int, from);
        QFETCH(double, hz);
        auto y = audio::resample(sine(hz, from, 0.5), from, 44100);
        QVERIFY(y.ok());
        // The whole output is what would alias: it must sit near the noise floor.
        const double level = rmsDb(*y);
        qInfo("alias residue of %.0f Hz at %d Hz -> 44.1 kHz: %.1f dBFS", hz, from, level);
        QVERIFY2(level < -100, qPrintable(QString::number(level)));
    }

    void upsamplingCreatesNoImages() {
        // 1 kHz at 8 kHz -> 44.1 kHz: the image would be at 7 kHz.
        auto y = audio::resample(sine(1000, 8000, 0.5), 8000, 44100);
        QVERIFY(y.ok());
        const double image = toneDb(*y, 7000, 44100);
        qInfo("image at 7 kHz: %.1f dBFS", image);
        QVERIFY(image < -100);
    }

    void equalRatesAndEmptyInputPassThrough() {
        auto x = sine(440, 44100, 0.01);
        QCOMPARE(*audio::resample(x, 44100, 44100), x);
        QVERIFY(audio::resample(std::vector<float>{}, 48000, 44100)->empty());
        QVERIFY(!audio::resample(x, 0, 44100).ok());
        audio::AudioBuffer b;
        b.sampleRate = 48000;
        b.channels = {sine(440, 48000, 0.1), sine(880, 48000, 0.1)};
        auto r = audio::resample(b, 44100);
        QVERIFY(r.ok());
        QCOMPARE(r->channelCount(), 2);
        QCOMPARE(r->sampleRate, 44100);
        QCOMPARE(r->frames(), size_t(4410));
    }
};

QTEST_GUILESS_MAIN(TestResample)
#include "tst_resample.moc"
