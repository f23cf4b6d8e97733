// The Vocos-style iSTFT vocoder (tiny preset): output length for every mel
// front end the families use, gradients, the iSTFT head against a known
// signal, Vocos's names and published size, a save/load round trip, and a
// few training steps.
#include "dsp/LogMelTorch.h"
#include "io/TensorIO.h"
#include "models/vocoder/Generator.h"
#include "models/vocoder/HifiGan.h"
#include "models/vocoder/Vocos.h"

#include <QtTest>

#include <cmath>

using namespace ms::models::vocoder;

namespace {

int64_t count(const torch::nn::Module &m) {
    int64_t n = 0;
    for (const auto &p : m.parameters()) n += p.numel();
    return n;
}

// Vocos's size from layer shapes: embed, two LayerNorms, the blocks, the head.
int64_t vocosFormula(const VocoderConfig &c) {
    const int64_t d = c.dim, I = c.intermediateDim, L = c.numLayers;
    return c.nMels * 7 * d + d + 2 * d + 2 * d + L * ((7 * d + d) + 2 * d + (d * I + I) + (I * d + d) + d) +
           (d + 1) * (c.nFft + 2);
}

VocoderConfig tinyFor(const VocoderMel &m) { return VocoderConfig::preset("tiny", "istft", m.nMels, m.hop); }

} // namespace

class TestVocos : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { torch::manual_seed(0); }

    void outputHasFramesTimesHopSamplesForEveryMelConfiguration_data() {
        QTest::addColumn<int>("which");
        const auto &mels = VocoderConfig::melConfigurations();
        for (int i = 0; i < int(mels.size()); ++i) QTest::newRow(mels[size_t(i)].name.c_str()) << i;
    }
    void outputHasFramesTimesHopSamplesForEveryMelConfiguration() {
        QFETCH(int, which);
        const auto m = VocoderConfig::melConfigurations()[size_t(which)];
        auto gen = makeGenerator(tinyFor(m));
        gen->eval();
        torch::NoGradGuard ng;
        for (int64_t T : {1, 7, 20}) {
            auto y = gen->forward(torch::randn({2, m.nMels, T}));
            QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 1, T * m.hop}));
            QVERIFY(torch::isfinite(y).all().item<bool>());
        }
        QCOMPARE(gen->config().hop(), m.hop);
    }

    void gradientsReachEveryParameter() {
        Vocos gen(tinyFor(VocoderConfig::melConfigurations()[0]));
        auto y = gen->forward(torch::randn({2, 128, 6}));
        y.pow(2).mean().backward();
        for (const auto &p : gen->named_parameters()) {
            QVERIFY2(p.value().grad().defined(), p.key().c_str());
            QVERIFY2(p.value().grad().abs().sum().item<double>() > 0, p.key().c_str());
        }
    }

    void istftHeadReproducesAKnownSignalFromItsStft_data() { outputHasFramesTimesHopSamplesForEveryMelConfiguration_data(); }
    void istftHeadReproducesAKnownSignalFromItsStft() {
        QFETCH(int, which);
        const auto m = VocoderConfig::melConfigurations()[size_t(which)];
        Vocos gen(tinyFor(m));
        torch::NoGradGuard ng;
        const int64_t T = 24, n = T * m.hop;
        auto t = torch::arange(n, torch::kDouble) / double(m.sampleRate);
        // A 55 Hz body, a 3 kHz partial and noise, 0.1 full scale (well under the magnitude clip).
        auto x = (0.1 * torch::sin(2 * M_PI * 55.0 * t) + 0.03 * torch::sin(2 * M_PI * 3000.0 * t)).to(torch::kFloat32) +
                 0.01 * torch::randn({n});
        x = x.unsqueeze(0);
        auto S = gen->head->istft->stft(x);
        QCOMPARE(S.size(2), T);
        auto y = gen->head->synthesize(torch::log(S.abs().clamp_min(1e-12)), torch::angle(S));
        QCOMPARE(y.sizes().vec(), x.sizes().vec());
        const double err = (y - x).abs().max().item<double>();
        QVERIFY2(err < 1e-5, qPrintable(QStringLiteral("max error %1").arg(err)));
    }

    // "increment" phase: zero increments are a steady sinusoid at the bin's
    // centre, with no modulation at the frame rate, even below it (bin 2 at
    // n_fft 2048 / 44.1 kHz is 43 Hz, half the 86 Hz frame rate); and the
    // integrated phase equals the float64 formula over a long input.
    void incrementPhaseMakesASteadyToneFromZeroIncrements() {
        auto cfg = tinyFor(VocoderConfig::melConfigurations()[0]);
        cfg.phase = "increment";
        Vocos gen(cfg);
        torch::NoGradGuard ng;
        const int64_t T = 40, K = cfg.nFft / 2 + 1, hop = cfg.hopLength, N = cfg.nFft;
        // Away from the edges (where the missing neighbour frames taper the sum),
        // fit A cos(2 pi bin n / N + phi) by least squares: amplitude and worst residual.
        auto fit = [&](const torch::Tensor &y, int64_t bin) {
            auto n = torch::arange(4 * hop, (T - 4) * hop, torch::kDouble);
            auto w = 2 * M_PI * double(bin) / double(N) * n;
            auto seg = y.narrow(0, 4 * hop, (T - 8) * hop).to(torch::kDouble);
            const double a = (seg * torch::cos(w)).sum().item<double>() * 2 / double(n.size(0));
            const double b = (seg * torch::sin(w)).sum().item<double>() * 2 / double(n.size(0));
            const double resid = (seg - (a * torch::cos(w) + b * torch::sin(w))).abs().max().item<double>();
            return std::make_pair(std::hypot(a, b), resid);
        };
        auto oneBin = [&](int64_t bin) {
            auto logMag = torch::full({1, K, T}, -30.0);
            logMag.select(1, bin).fill_(std::log(0.25 * N / 4));   // a bin-centred sinusoid of amplitude 0.25's peak
            return logMag;
        };
        for (int64_t bin : {2, 3, 37}) {
            auto y = gen->head->synthesize(oneBin(bin), gen->head->integratePhase(torch::zeros({1, K, T}))).squeeze(0);
            const auto [amp, resid] = fit(y, bin);
            // One bin of magnitude 0.25 N / 4 is a frame of amplitude 0.125; the
            // overlap-add scales it by sum(w) / sum(w^2) = 2 / 1.5 for a Hann window
            // at n_fft = 4 hop (the sinusoid's two neighbouring bins are left out).
            QVERIFY2(std::abs(amp - 0.25 * 2.0 / 3.0) < 1e-3, qPrintable(QStringLiteral("bin %1 amplitude %2").arg(bin).arg(amp)));
            QVERIFY2(resid < 1e-3, qPrintable(QStringLiteral("bin %1 residual %2").arg(bin).arg(resid)));
        }
        // The absolute head given the same zeros makes no such tone: each frame
        // restarts the phase, so the overlap-add cancels (bin 2: frames alternate
        // in sign) or beats at the frame rate (bin 3).
        for (int64_t bin : {2, 3}) {
            auto y = gen->head->synthesize(oneBin(bin), torch::zeros({1, K, T})).squeeze(0);
            const auto [amp, resid] = fit(y, bin);
            QVERIFY2(std::abs(amp - 0.25 * 2.0 / 3.0) > 0.05 || resid > 0.05,
                     qPrintable(QStringLiteral("absolute, bin %1: amplitude %2 residual %3").arg(bin).arg(amp).arg(resid)));
        }
        const int64_t longT = 3000;
        auto delta = 0.01 * torch::randn({1, K, longT});
        auto phase = gen->head->integratePhase(delta).to(torch::kDouble);
        auto k = torch::arange(K, torch::kDouble).view({K, 1});
        auto t = torch::arange(1, longT + 1, torch::kDouble).view({1, longT});
        auto want = 2 * M_PI * k * (double(hop) * t - double(N / 2)) / double(N) + torch::cumsum(delta.to(torch::kDouble), 2).squeeze(0);
        const double err = torch::remainder(phase.squeeze(0) - want + M_PI, 2 * M_PI).sub(M_PI).abs().max().item<double>();
        QVERIFY2(err < 2e-3, qPrintable(QStringLiteral("phase error %1 rad after %2 frames").arg(err).arg(longT)));
    }

    // mag_prior "mel_pinv": the prior is the magnitude Griffin-Lim starts from
    // (LogMelTransform::melToMagnitude), a buffer of the weights, and a head
    // whose Linear outputs zero magnitudes reproduces it.
    void melPinvPriorIsGriffinLimsMagnitude() {
        auto cfg = tinyFor(VocoderConfig::melConfigurations()[0]);
        cfg.phase = "increment";
        cfg.magPrior = "mel_pinv";
        Vocos gen(cfg);
        QVERIFY(gen->named_buffers().contains("mel_prior"));
        ms::dsp::LogMelTransform mel;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, gen->setMelPrior(torch::zeros({5, 128})));
        gen->setMelPrior(mel.filterbankPinv().t());
        torch::NoGradGuard ng;
        const int64_t n = 24 * 512;
        auto t = torch::arange(n, torch::kFloat32) / 44100.0f;
        auto wave = 0.3 * torch::sin(2 * M_PI * 55.0 * t) * torch::exp(-t / 0.2) + 0.01 * torch::randn({n});
        auto lm = mel(wave);                              // [128, 25]
        auto prior = gen->priorLogMagnitude(lm.unsqueeze(0)).squeeze(0);
        auto gl = mel.melToMagnitude(lm);                 // [1025, 25]
        auto mask = gl > 1e-2;
        const double rel = ((torch::exp(prior) - gl).abs() / gl.clamp_min(1e-2)).masked_select(mask).max().item<double>();
        // The same product in float32 through two code paths: the summation
        // order differs by BLAS kernel (1.5e-3 seen on an AVX2-only CPU, less
        // with AVX-512), so the bound is a rounding bound, not a formula check.
        QVERIFY2(rel < 5e-3, qPrintable(QStringLiteral("relative error %1").arg(rel)));
        Vocos other(cfg);
        QTemporaryDir dir;
        const std::string path = (dir.path() + QStringLiteral("/v.safetensors")).toStdString();
        QVERIFY(ms::io::saveModule(*gen, path));
        QVERIFY(ms::io::loadModule(*other, path));
        QVERIFY(torch::equal(other->melPrior, gen->melPrior));
        auto none = tinyFor(VocoderConfig::melConfigurations()[0]);
        QVERIFY(!Vocos(none)->priorLogMagnitude(lm.unsqueeze(0)).defined());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, Vocos(none)->setMelPrior(gen->melPrior));
    }

    // mag_prior mel_pinv + phase_prior peaks, the head's Linear at zero: the
    // vocoder is then a phase vocoder on the pseudo-inverse magnitude, and a
    // 55 Hz tone (bin 2.55, under the 86 Hz frame rate) comes out at 55 Hz.
    // Without the phase prior it comes out at a bin centre (43 or 65 Hz).
    void peakPhasePriorPutsAToneBetweenBinsAtItsFrequency() {
        ms::dsp::LogMelTransform mel;
        const auto pinv = mel.filterbankPinv().t();
        const int64_t n = 64 * 512;
        auto t = torch::arange(n, torch::kFloat64) / 44100.0;
        auto wave = (0.5 * torch::sin(2 * M_PI * 55.0 * t)).to(torch::kFloat32);
        auto lm = mel(wave).unsqueeze(0).narrow(2, 0, 64);   // [1, 128, 64]
        auto peakHz = [&](const std::string &phasePrior) {
            auto cfg = tinyFor(VocoderConfig::melConfigurations()[0]);
            cfg.phase = phasePrior == "peaks" ? "absolute" : "increment";
            cfg.magPrior = "mel_pinv";
            cfg.phasePrior = phasePrior;
            Vocos gen(cfg);
            gen->setMelPrior(pinv);
            torch::NoGradGuard ng;
            gen->head->out->weight.zero_();
            gen->head->out->bias.zero_();
            auto y = gen->forward(lm).flatten().narrow(0, 8 * 512, 48 * 512).to(torch::kFloat64);
            auto spec = torch::fft::rfft(y * torch::hann_window(y.size(0), torch::kFloat64), 1 << 18).abs();
            const int64_t lo = int64_t(20.0 * (1 << 18) / 44100), hi = int64_t(200.0 * (1 << 18) / 44100);
            return double(spec.narrow(0, lo, hi - lo).argmax().item<int64_t>() + lo) * 44100.0 / (1 << 18);
        };
        const double locked = peakHz("peaks"), bare = peakHz("none");
        // A kick-like body gliding 120 -> 55 Hz across bins keeps its level: the
        // bins stay locked to the moving peak (summing each bin's own advances
        // lost ~60 % of the amplitude on such glides).
        {
            auto cfg = tinyFor(VocoderConfig::melConfigurations()[0]);
            cfg.magPrior = "mel_pinv";
            cfg.phasePrior = "peaks";
            Vocos gen(cfg);
            gen->setMelPrior(pinv);
            torch::NoGradGuard ng;
            auto f = 55.0 + 65.0 * torch::exp(-t / 0.03);
            auto phase = torch::cumsum(2 * M_PI * f / 44100.0, 0);
            auto kick = (0.5 * torch::sin(phase) * torch::exp(-t / 0.3)).to(torch::kFloat32);
            auto y = gen->forward(mel(kick).unsqueeze(0).narrow(2, 0, 64)).flatten();
            auto rms = [](const torch::Tensor &x) { return x.to(torch::kFloat64).square().mean().sqrt().item<double>(); };
            const int64_t a = 2205, len = 11025;   // 50-300 ms
            const double ratio = rms(y.narrow(0, a, len)) / rms(kick.narrow(0, a, len));
            QVERIFY2(ratio > 0.85 && ratio < 1.15, qPrintable(QStringLiteral("glide level ratio %1").arg(ratio)));
        }
        QVERIFY2(std::abs(locked - 55.0) < 1.5, qPrintable(QStringLiteral("with the peak prior: %1 Hz").arg(locked)));
        QVERIFY2(std::abs(bare - 55.0) > 5.0, qPrintable(QStringLiteral("without: %1 Hz").arg(bare)));
    }

    void namesAreVocossAndSizesComeFromTheModules() {
        auto cfg = VocoderConfig::preset("paper", "istft", 100, 256);   // Vocos's released mel model
        Vocos gen(cfg);
        QCOMPARE(count(*gen), int64_t(13531650));   // Vocos's README: 13.5M
        QCOMPARE(count(*gen), vocosFormula(cfg));
        auto params = gen->named_parameters();
        for (const char *k : {"backbone.embed.weight", "backbone.norm.weight", "backbone.convnext.7.dwconv.weight",
                              "backbone.convnext.0.norm.bias", "backbone.convnext.0.pwconv1.weight",
                              "backbone.convnext.0.pwconv2.bias", "backbone.convnext.0.gamma",
                              "backbone.final_layer_norm.weight", "head.out.weight", "head.out.bias"})
            QVERIFY2(params.contains(k), k);
        QVERIFY(gen->named_buffers().contains("head.istft.window"));
        QCOMPARE(params["head.out.weight"].sizes().vec(), (std::vector<int64_t>{1026, 512}));
        QCOMPARE(params["backbone.convnext.0.gamma"][0].item<float>(), 1.0f / 8);
        for (const auto &m : VocoderConfig::melConfigurations())
            for (const char *p : {"tiny", "cpu", "paper"}) {
                auto c = VocoderConfig::preset(p, "istft", m.nMels, m.hop);
                QCOMPARE(count(*makeGenerator(c)), vocosFormula(c));
            }
    }

    void configRoundTripsThroughJsonAndHifiGanJsonIsUnchanged() {
        auto c = VocoderConfig::preset("cpu", "istft", 256, 480);
        auto back = VocoderConfig::fromJson(c.toJson());
        QCOMPARE(back.toJson(), c.toJson());
        QCOMPARE(back.hop(), 480);
        QVERIFY(back.validate().empty());
        auto h = VocoderConfig::preset("paper");
        QVERIFY(!h.toJson().contains("arch"));
        QCOMPARE(VocoderConfig::fromJson(h.toJson()).arch, std::string("hifigan"));
        auto bad = c;
        bad.nFft = 1000;
        QVERIFY(!bad.validate().empty());
        // "phase": written, read back, "absolute" when a model.json lacks it, anything else refused.
        c.phase = "increment";
        QCOMPARE(VocoderConfig::fromJson(c.toJson()).phase, std::string("increment"));
        auto old = c.toJson();
        old.erase("phase");
        QCOMPARE(VocoderConfig::fromJson(old).phase, std::string("absolute"));
        c.magPrior = "mel_pinv";
        QCOMPARE(VocoderConfig::fromJson(c.toJson()).magPrior, std::string("mel_pinv"));
        old.erase("mag_prior");
        QCOMPARE(VocoderConfig::fromJson(old).magPrior, std::string("none"));
        // "mel_match": absent (0) unless set, for either architecture; out of range refused.
        QVERIFY(!c.toJson().contains("mel_match"));
        QVERIFY(!h.toJson().contains("mel_match"));
        c.melMatch = 2;
        h.melMatch = 1;
        QCOMPARE(VocoderConfig::fromJson(c.toJson()).melMatch, 2);
        QCOMPARE(VocoderConfig::fromJson(h.toJson()).melMatch, 1);
        QCOMPARE(VocoderConfig::fromJson(old).melMatch, 0);
        c.melMatch = 17;
        QVERIFY(!c.validate().empty());
        c.melMatch = 0;
        c.phase = "spiral";
        QVERIFY(!c.validate().empty());
    }

    void saveLoadRoundTripIsBitExact() {
        auto cfg = tinyFor(VocoderConfig::melConfigurations()[0]);
        Vocos a(cfg), b(cfg);
        a->eval();
        b->eval();
        QTemporaryDir dir;
        const std::string path = (dir.path() + QStringLiteral("/vocos.safetensors")).toStdString();
        QVERIFY(ms::io::saveModule(*a, path));
        QVERIFY(ms::io::loadModule(*b, path));
        torch::NoGradGuard ng;
        auto mel = torch::randn({1, 128, 9});
        QVERIFY(torch::equal(a->forward(mel), b->forward(mel)));
    }

    void aFewStepsLowerTheSpectralLoss() {
        auto cfg = tinyFor(VocoderConfig::melConfigurations()[0]);
        Vocos gen(cfg);
        auto mel = torch::randn({2, 128, 8});
        auto target = 0.2 * torch::sin(torch::arange(8 * 512, torch::kFloat32) * 0.01).expand({2, -1});
        auto targetMag = gen->head->istft->stft(target).abs();
        torch::optim::Adam opt(gen->parameters(), torch::optim::AdamOptions(3e-3));
        auto loss = [&] {
            auto y = gen->forward(mel).squeeze(1);
            return (torch::log1p(gen->head->istft->stft(y).abs()) - torch::log1p(targetMag)).abs().mean();
        };
        const double first = loss().item<double>();
        for (int i = 0; i < 30; ++i) {
            opt.zero_grad();
            auto l = loss();
            l.backward();
            opt.step();
        }
        const double last = loss().item<double>();
        QVERIFY2(last < 0.7 * first, qPrintable(QStringLiteral("%1 -> %2").arg(first).arg(last)));
    }
};

QTEST_GUILESS_MAIN(TestVocos)
#include "tst_vocos.moc"
