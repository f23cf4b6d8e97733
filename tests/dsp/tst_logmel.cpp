// The log-mel front end equals torchaudio's MelSpectrogram (fixtures made by
// tools/make_mel_fixtures.py with Debian's python3-torchaudio 0.13.1).
#include "dsp/LogMel.h"
#include "dsp/LogMelTorch.h"
#include "io/SafeTensors.h"

#include <QtTest>

#include <cmath>

using namespace ms;

namespace {
std::vector<float> tensorData(const io::SafeTensorsFile &f, const char *name, std::vector<int64_t> *shape = nullptr) {
    const io::TensorView *v = f.find(name);
    if (!v) return {};
    if (shape) *shape = v->shape;
    const float *p = static_cast<const float *>(v->data);
    return std::vector<float>(p, p + v->numel());
}
std::unique_ptr<io::SafeTensorsFile> fixture(const char *name) {
    auto f = io::SafeTensorsFile::open(std::string(MELSTUDIO_FIXTURES) + "/dsp/" + name);
    if (!f) qFatal("%s", f.error().c_str());
    return std::move(*f);
}
} // namespace

class TestLogMel : public QObject {
    Q_OBJECT
private slots:
    void filterbankEqualsTorchaudio() {
        auto f = fixture("fbank.safetensors");
        std::vector<int64_t> shape;
        auto ref = tensorData(*f, "fbank", &shape);
        QCOMPARE(shape, (std::vector<int64_t>{1025, 128}));
        auto fb = dsp::melFilterbank({});
        QCOMPARE(fb.size(), ref.size());
        double maxErr = 0;
        for (size_t i = 0; i < fb.size(); ++i) maxErr = std::max(maxErr, double(std::fabs(fb[i] - ref[i])));
        qInfo("filterbank max abs error vs torchaudio: %.3g", maxErr);
        // float32 rounding of the mel points differs from torch.linspace in the last bits.
        QVERIFY2(maxErr < 5e-5, "filterbank differs from torchaudio by more than 5e-5");
    }

    void logMelEqualsTorchaudio_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("frames");
        QTest::newRow("2 s kick") << QStringLiteral("kick_2s.safetensors") << 173;
        QTest::newRow("54321-sample chirp") << QStringLiteral("chirp_odd.safetensors") << 107;
    }
    void logMelEqualsTorchaudio() {
        QFETCH(QString, name);
        QFETCH(int, frames);
        auto f = fixture(name.toUtf8().constData());
        auto wave = tensorData(*f, "wave");
        std::vector<int64_t> shape;
        auto ref = tensorData(*f, "logmel", &shape);
        QCOMPARE(shape, (std::vector<int64_t>{1, 128, frames}));
        auto img = dsp::logMel(wave);
        QCOMPARE(img.nMels, 128);
        QCOMPARE(img.frames, frames);
        // Log domain: absolute error; the floor region (log 1e-5) must match exactly in place.
        double maxErr = 0;
        for (size_t i = 0; i < ref.size(); ++i) maxErr = std::max(maxErr, double(std::fabs(img.data[i] - ref[i])));
        qInfo("log-mel max abs error vs torchaudio: %.3g (log units)", maxErr);
        QVERIFY2(maxErr < 2e-3, "log-mel differs from torchaudio by more than 2e-3");
    }

    void tensorTransformMatchesBlockwisePath() {
        auto f = fixture("kick_2s.safetensors");
        auto wave = tensorData(*f, "wave");
        dsp::LogMelTransform t;
        auto lm = t(torch::from_blob(wave.data(), {1, int64_t(wave.size())}).clone());
        QCOMPARE(lm.sizes().vec(), (std::vector<int64_t>{1, 128, 173}));
        auto img = dsp::logMel(wave);
        auto a = torch::from_blob(img.data.data(), {1, 128, 173});
        QVERIFY(torch::allclose(a, lm, 0, 1e-4));
    }

    void longSignalsAreProcessedInBlocksExactly() {
        // 5000 frames > one 4096-frame block: the seam must be invisible.
        std::vector<float> x(512 * 5000);
        for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.001f * i * (1 + i * 1e-7f)) * 0.5f;
        auto img = dsp::logMel(x);
        QCOMPARE(img.frames, 5001);
        dsp::LogMelTransform t;
        auto ref = t(torch::from_blob(x.data(), {int64_t(x.size())}).clone()).contiguous();
        auto a = torch::from_blob(img.data.data(), {128, 5001});
        const double err = (a - ref).abs().max().item<double>();
        qInfo("blockwise vs one-shot max abs error: %.3g", err);
        QVERIFY(err < 1e-3);
    }

    void veryShortInputStillGivesFrames() {
        std::vector<float> x(100, 0.1f);
        auto img = dsp::logMel(x);
        QCOMPARE(img.frames, 1);
        QCOMPARE(int(img.data.size()), 128);
        QVERIFY(*std::max_element(img.data.begin(), img.data.end()) > std::log(1e-5f));
        for (float v : img.data) QVERIFY(std::isfinite(v));
        auto empty = dsp::logMel({});
        QCOMPARE(empty.frames, 1);
        QCOMPARE(empty.data.front(), std::log(1e-5f));
    }

    void fastStftPairMatchesTorch() {
        // The Griffin-Lim STFT pair equals torch::stft / torch::istft (centred, reflect, Hann).
        dsp::LogMelTransform t;
        torch::manual_seed(3);
        for (int64_t len : {88200, 54321, 4096}) {
            auto x = torch::randn({2, len});
            auto ours = t.stft(x);
            auto ref = torch::stft(x, 2048, 512, 2048, t.window(), true, "reflect", false, true, true);
            QCOMPARE(ours.sizes(), ref.sizes());
            const double ds = (ours - ref).abs().max().item<double>();
            auto back = t.istft(ref, len);
            auto backRef = torch::istft(ref, 2048, 512, 2048, t.window(), true, false, true, len, false);
            QCOMPARE(back.sizes(), backRef.sizes());
            const double di = (back - backRef).abs().max().item<double>();
            qInfo("length %lld: stft max diff %.2e, istft max diff %.2e (signal std 1)", (long long)len, ds, di);
            QVERIFY(ds < 1e-3);
            QVERIFY(di < 1e-4);
            QVERIFY((back - x).abs().max().item<double>() < 1e-4);   // perfect reconstruction
        }
    }

    void griffinLimRecoversTheSpectrum() {
        auto f = fixture("kick_2s.safetensors");
        auto wave = tensorData(*f, "wave");
        // The default hop (divides nFft: overlap-add path) and one that does not (torch's istft).
        for (int hop : {512, 300}) {
            dsp::MelConfig cfg;
            cfg.hop = hop;
            auto img = dsp::logMel(wave, cfg);
            auto y = dsp::griffinLim(img, cfg, 32, wave.size());
            QCOMPARE(y.size(), wave.size());
            auto img2 = dsp::logMel(y, cfg);
            // Mean absolute log-mel error over bins with energy (> -8, i.e. above the floor region).
            double sum = 0;
            int n = 0;
            for (size_t i = 0; i < img.data.size(); ++i)
                if (img.data[i] > -8) { sum += std::fabs(img.data[i] - img2.data[i]); ++n; }
            const double mae = sum / std::max(1, n);
            qInfo("hop %d: Griffin-Lim (32 iterations) log-mel MAE: %.3f over %d bins", hop, mae, n);
            QVERIFY(mae < 1.0);
            // And it is not silence: RMS within 6 dB of the original.
            double e1 = 0, e2 = 0;
            for (size_t i = 0; i < y.size(); ++i) { e1 += wave[i] * wave[i]; e2 += y[i] * y[i]; }
            QVERIFY(std::fabs(10 * std::log10(e2 / e1)) < 6);
        }
    }

    // matchMel: a wave whose level and tilt are wrong comes back with the
    // target's mel (what a neural vocoder's output goes through), and a wave
    // that already has its own mel comes back unchanged (its phase is kept).
    void matchMelMeetsTheMelAndKeepsAConsistentWave() {
        auto f = fixture("kick_2s.safetensors");
        auto wave = tensorData(*f, "wave");
        dsp::MelConfig cfg;
        dsp::LogMelTransform t(cfg);
        auto x = torch::from_blob(wave.data(), {1, int64_t(wave.size())}, torch::kFloat32).clone();
        auto target = t(x);                                          // [1, 128, T]
        // Identity on its own mel.
        auto same = t.matchMel(x, target, 1);
        QCOMPARE(same.sizes(), x.sizes());
        const double idErr = ((same - x).abs().max() / x.abs().max()).item<double>();
        qInfo("matchMel on the wave's own mel: max relative change %.2e", idErr);
        QVERIFY(idErr < 1e-3);
        // Quieter by 12 dB and tilted (x[n] - 0.9 x[n-1]: -20 dB at the body,
        // 0 dB at a quarter of the rate): up to 32 dB too low, more than one
        // pass's 20 dB gain limit, so the first pass takes the error down by
        // about 60 % (seen: 5.9 -> 2.2) and the second by ~98 % (0.14); the
        // level comes back within 1 dB.
        auto bad = 0.25 * torch::cat({x.narrow(1, 0, 1), x.narrow(1, 1, x.size(1) - 1) - 0.9 * x.narrow(1, 0, x.size(1) - 1)}, 1);
        auto active = target > -8;
        auto mae = [&](const torch::Tensor &y) { return (t(y) - target).abs().masked_select(active).mean().item<double>(); };
        const double before = mae(bad);
        auto fixed1 = t.matchMel(bad, target, 1), fixed2 = t.matchMel(bad, target, 2);
        const double after1 = mae(fixed1), after2 = mae(fixed2);
        const double levelDb = 10 * std::log10((fixed2.square().sum() / x.square().sum()).item<double>());
        qInfo("matchMel: log-mel MAE %.3f -> %.3f (1 pass) -> %.3f (2 passes); level %.2f dB", before, after1, after2, levelDb);
        QVERIFY(after1 < 0.5 * before);
        QVERIFY(after2 < 0.1 * before);
        QVERIFY(std::fabs(levelDb) < 1.0);
        // Unbatched input, and a mel of the wrong size is refused.
        QCOMPARE(t.matchMel(x.squeeze(0), target.squeeze(0)).dim(), int64_t(1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.matchMel(x, target.narrow(1, 0, 64)));
    }
};

QTEST_GUILESS_MAIN(TestLogMel)
#include "tst_logmel.moc"
