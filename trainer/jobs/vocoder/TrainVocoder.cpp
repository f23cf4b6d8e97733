// train vocoder: design document 004 "Vocoder Training". HiFi-GAN generator
// against multi-period + multi-scale discriminators; G loss = LS-GAN adv +
// 2 x feature matching + 45 x L1 of log-mels (ms::dsp::LogMelTransform), D loss
// LS-GAN; AdamW 2e-4 betas (0.8, 0.99) for both, ExponentialLR 0.999 per
// epoch; random 8192-sample segments with their 16 mel frames; fp32.
//
// Three options the document does not have, all off by default:
// --disc-start N  trains the generator on the mel loss alone for the first N
//                 steps (the discriminators wait), a common HiFi-GAN / Parallel
//                 WaveGAN warm-up that gets the spectral envelope right cheaply;
// --segments energy  draws half of the segments in proportion to their energy.
//                 One-shots are mostly decay and silence: of the 157 uniform
//                 starts over a 2 s kick, only the first ~25 (0.3 s) reach the
//                 body, and only start 0 holds the attack;
// --lambda-stft X adds X times a multi-resolution spectral convergence loss
//                 (symmetric: the difference over the sum of both norms) to
//                 the generator's, on linear magnitudes at FFT 2048, 4096 and
//                 8192 (hop FFT/4). The log-mel L1 weighs each of 128 bins
//                 alike, so a kick's fundamental (below 100 Hz: 4 of the 128
//                 bins, but most of the energy) and any DC offset barely count;
//                 linear magnitudes weigh them by energy. The FFTs are long on
//                 purpose: at 512 or 1024 points a 50-60 Hz body shares a bin
//                 with 86 Hz, the hop rate (44100 / 512), and a first run with
//                 those sizes learned a buzz at 86 and 172 Hz instead of the body.
#include "jobs/TrainLoop.h"

#include "audio/AudioFile.h"
#include "cli/Args.h"
#include "dsp/LogMelTorch.h"
#include "io/TensorIO.h"
#include "models/vocoder/HifiGan.h"
#include "util/Fs.h"

#include <cmath>
#include <iterator>

namespace ms::jobs::vocoder {

namespace {

using namespace ms::models::vocoder;

// Splits a discriminator output of a [2B,...] batch into the first and second B rows.
std::pair<DiscOutput, DiscOutput> splitBatch(const DiscOutput &o, int64_t B) {
    DiscOutput a, b;
    for (const auto &l : o.logits) {
        a.logits.push_back(l.narrow(0, 0, B));
        b.logits.push_back(l.narrow(0, B, l.size(0) - B));
    }
    for (const auto &fs : o.features) {
        a.features.emplace_back();
        b.features.emplace_back();
        for (const auto &f : fs) {
            a.features.back().push_back(f.narrow(0, 0, B));
            b.features.back().push_back(f.narrow(0, B, f.size(0) - B));
        }
    }
    return {a, b};
}

constexpr int kStftFfts[3] = {2048, 4096, 8192};   // --lambda-stft resolutions

class VocoderTrainer : public Trainer {
public:
    Status configure(const cli::Args &a, CommonOptions &c) override {
        m_batch = c.batch > 0 ? c.batch : 4;
        c.batch = m_batch;
        m_lr = a.getDouble("lr", 2e-4);
        m_beta1 = a.getDouble("beta1", 0.8);
        m_beta2 = a.getDouble("beta2", 0.99);
        m_wd = a.getDouble("weight-decay", 0.01);
        m_gamma = a.getDouble("gamma", 0.999);
        m_segment = a.getInt("segment", 8192);
        m_lambdaFm = a.getDouble("lambda-fm", 2.0);
        m_lambdaMel = a.getDouble("lambda-mel", 45.0);
        m_discStart = a.getInt("disc-start", 0);
        m_lambdaStft = a.getDouble("lambda-stft", 0.0);
        if (m_lambdaStft < 0) return fail("--lambda-stft must be 0 or more");
        if (m_lambdaStft > 0 && m_segment < kStftFfts[2])
            return fail("--lambda-stft needs segments of at least " + std::to_string(kStftFfts[2]) + " samples");
        m_segments = a.get("segments", "uniform");
        if (m_discStart < 0) return fail("--disc-start must be 0 or more");
        if (m_segments != "uniform" && m_segments != "energy")
            return fail("--segments must be uniform or energy, not '" + m_segments + "'");
        if (c.amp == "on") return fail("--amp on: the vocoder trains in fp32 (design document 004, GAN stability)");
        try {
            m_cfg = VocoderConfig::preset(c.preset);
        } catch (const std::exception &e) {
            return fail("--preset " + c.preset + ": " + e.what());
        }
        if (m_segment <= 0 || m_segment % m_cfg.hop() != 0)
            return fail("--segment must be a positive multiple of the hop (" + std::to_string(m_cfg.hop()) + ")");
        return {};
    }

    Status build(const TrainData &data, torch::Device device, RunFolder *) override {
        if (!data.audio(0) || data.audioSamples() <= 0)
            return fail("the dataset has no audio (audio.safetensors); vocoder training needs the waveforms");
        if (data.nMels() != m_cfg.nMels)
            return fail("dataset mels have " + std::to_string(data.nMels()) + " bins, the vocoder expects " +
                        std::to_string(m_cfg.nMels));
        const int hop = m_cfg.hop();
        m_segFrames = m_segment / hop;
        m_maxFrame = std::min(data.frames() - m_segFrames, (data.audioSamples() - m_segment) / hop);
        if (m_maxFrame < 0)
            return fail("items are shorter than one segment of " + std::to_string(m_segment) + " samples");
        m_device = device;
        if (m_segments == "energy") buildEnergyTables(data);
        m_mel = std::make_unique<dsp::LogMelTransform>(dsp::MelConfig{}, device);
        if (m_mel->config().hop != hop) return fail("the vocoder's hop differs from the log-mel hop");
        m_gen = HifiGanGenerator(m_cfg);
        m_mpd = MultiPeriodDiscriminator(m_cfg);
        m_msd = MultiScaleDiscriminator(m_cfg);
        m_gen->to(device);
        m_mpd->to(device);
        m_msd->to(device);
        auto opts = torch::optim::AdamWOptions(m_lr).betas({m_beta1, m_beta2}).weight_decay(m_wd);
        m_optG = std::make_unique<torch::optim::AdamW>(m_gen->parameters(), opts);
        m_optD = std::make_unique<torch::optim::AdamW>(parametersOf({m_mpd.get(), m_msd.get()}), opts);
        return {};
    }

    int samplesPerStep() const override { return m_batch; }

    // --segments energy: one start distribution per item (see energyStartCdf).
    void buildEnergyTables(const TrainData &data) {
        m_startCdf.clear();
        for (size_t i = 0; i < data.size(); ++i)
            m_startCdf.push_back(energyStartCdf(data.audio(i), data.audioSamples(), m_cfg.hop(), m_segment, m_maxFrame));
    }

    // Segment starts (mel frames) for the items, from the torch RNG (so that
    // a resumed run draws the same ones).
    std::vector<int64_t> segmentStarts(const std::vector<size_t> &idx) const {
        std::vector<int64_t> out(idx.size());
        if (m_startCdf.empty()) {
            auto s = torch::randint(0, m_maxFrame + 1, {int64_t(idx.size())}, torch::kLong);
            for (size_t b = 0; b < idx.size(); ++b) out[b] = s[int64_t(b)].item<int64_t>();
            return out;
        }
        auto u = torch::rand({int64_t(idx.size())}, torch::kDouble);
        for (size_t b = 0; b < idx.size(); ++b) out[b] = drawStart(m_startCdf[idx[b]], u[int64_t(b)].item<double>());
        return out;
    }

    // Random aligned segments: mel [B,nMels,segFrames], audio [B,1,segment].
    std::pair<torch::Tensor, torch::Tensor> segments(const TrainData &data, const std::vector<size_t> &idx) const {
        const int64_t nm = data.nMels(), nf = data.frames();
        const auto starts = segmentStarts(idx);
        auto mel = torch::empty({int64_t(idx.size()), nm, m_segFrames});
        auto wav = torch::empty({int64_t(idx.size()), 1, m_segment});
        for (size_t b = 0; b < idx.size(); ++b) {
            const int64_t f = starts[b];
            auto full = torch::from_blob(const_cast<float *>(data.mel(idx[b])), {nm, nf});
            mel[int64_t(b)].copy_(full.narrow(1, f, m_segFrames));
            auto au = torch::from_blob(const_cast<float *>(data.audio(idx[b])), {data.audioSamples()});
            wav[int64_t(b)][0].copy_(au.narrow(0, f * m_cfg.hop(), m_segment));
        }
        return {mel.to(m_device), wav.to(m_device)};
    }

    // Mean over FFT sizes 2048, 4096, 8192 of || |Y| - |G| ||_F / (|| |Y| ||_F + || |G| ||_F)
    // (whole batch), Hann window, hop FFT/4, centred. Magnitudes are
    // sqrt(re^2 + im^2 + 1e-9): finite gradients on silence.
    torch::Tensor spectralConvergence(const torch::Tensor &g, const torch::Tensor &y) {
        torch::Tensor total;
        for (int fft : kStftFfts) {
            auto &w = m_windows[fft];
            if (!w.defined()) w = torch::hann_window(fft, torch::TensorOptions().dtype(torch::kFloat32)).to(m_device);
            auto mag = [&](const torch::Tensor &x) {
                auto s = torch::stft(x, fft, fft / 4, fft, w, true, "reflect", false, true, true);
                return torch::view_as_real(s).pow(2).sum(-1).add(1e-9).sqrt();
            };
            auto my = mag(y), mg = mag(g);
            // The denominator has both norms: || |Y| || alone explodes on a batch
            // of silent tail segments (a first run collapsed to silence within
            // 100 steps); with both, the ratio stays in [0, 1] and is still
            // smallest at |G| = |Y|.
            auto sc = (my - mg).norm() / (my.norm() + mg.norm()).clamp_min(1e-6);
            total = total.defined() ? total + sc : sc;
        }
        return total / double(std::size(kStftFfts));
    }

    // base + lambda_mel * L1(log-mel) [+ lambda_stft * SC] (base may be undefined),
    // in that order; logs mel_l1 and stft_sc.
    torch::Tensor addSpectralLosses(const torch::Tensor &base, const torch::Tensor &yg, const torch::Tensor &y,
                                    std::map<std::string, double> &out) {
        auto melL1 = torch::l1_loss((*m_mel)(yg.squeeze(1)), (*m_mel)(y.squeeze(1)));
        out["mel_l1"] = melL1.item<double>();
        auto loss = base.defined() ? base + m_lambdaMel * melL1 : m_lambdaMel * melL1;
        if (m_lambdaStft > 0) {
            auto sc = spectralConvergence(yg.squeeze(1), y.squeeze(1));
            out["stft_sc"] = sc.item<double>();
            loss = loss + m_lambdaStft * sc;
        }
        return loss;
    }

    // NaN guard, backward and the generator's optimiser step; logs g_total.
    void stepGenerator(const torch::Tensor &lossG, std::map<std::string, double> &out) {
        auto loss = checkLoss(lossG, "generator");
        loss.backward();
        m_optG->step();
        out["g_total"] = loss.item<double>();
    }

    std::map<std::string, double> step(const TrainData &data, const std::vector<size_t> &idx, long long step,
                                       double epoch) override {
        m_lrNow = m_lr * std::pow(m_gamma, std::floor(epoch));
        setLearningRate(*m_optG, m_lrNow);
        setLearningRate(*m_optD, m_lrNow);
        m_gen->train();
        m_mpd->train();
        m_msd->train();
        auto [mel, y] = segments(data, idx);
        auto yg = m_gen->forward(mel);

        if (step < m_discStart) {   // warm-up: the generator alone, on the mel loss
            m_optG->zero_grad();
            std::map<std::string, double> out;
            stepGenerator(addSpectralLosses({}, yg, y, out), out);
            return out;
        }

        // Discriminators. Real and generated audio go through each discriminator
        // in ONE call (concatenated batch): a spectral-norm forward updates its
        // power-iteration vectors in place, so a second call before backward
        // would invalidate the first call's graph.
        const int64_t B = y.size(0);
        m_optD->zero_grad();
        auto both = torch::cat({y, yg.detach()}, 0);
        auto [mpdReal, mpdFakeD] = splitBatch(m_mpd->forward(both), B);
        auto [msdReal, msdFakeD] = splitBatch(m_msd->forward(both), B);
        auto lossD = discriminatorLoss(mpdReal, mpdFakeD) + discriminatorLoss(msdReal, msdFakeD);
        lossD = checkLoss(lossD, "discriminator");
        lossD.backward();
        m_optD->step();

        // Generator (real features are detached inside featureMatchingLoss).
        m_optG->zero_grad();
        auto bothG = torch::cat({y, yg}, 0);
        auto [mpdRealG, mpdFake] = splitBatch(m_mpd->forward(bothG), B);
        auto [msdRealG, msdFake] = splitBatch(m_msd->forward(bothG), B);
        auto adv = generatorAdvLoss(mpdFake) + generatorAdvLoss(msdFake);
        auto fm = featureMatchingLoss(mpdRealG, mpdFake) + featureMatchingLoss(msdRealG, msdFake);
        std::map<std::string, double> out{{"g_adv", adv.item<double>()}, {"g_fm", fm.item<double>()},
                                          {"d_total", lossD.item<double>()}};
        stepGenerator(addSpectralLosses(adv + m_lambdaFm * fm, yg, y, out), out);
        return out;
    }

    double learningRate() const override { return m_lrNow; }
    bool weightsFinite() const override {
        return moduleFinite(*m_gen) && moduleFinite(*m_mpd) && moduleFinite(*m_msd);
    }

    Status save(const stdfs::path &dir, nlohmann::json &state) const override {
        auto p = [&](const char *n) { return fs::u8string(dir / n); };
        Status st = io::saveModule(*m_gen, p("generator.safetensors"), {{"config", m_cfg.toJson().dump()}});
        if (st) st = io::saveModule(*m_mpd, p("mpd.safetensors"));
        if (st) st = io::saveModule(*m_msd, p("msd.safetensors"));
        if (st) st = saveOptimizer(*m_optG, p("optim_g.pt"));
        if (st) st = saveOptimizer(*m_optD, p("optim_d.pt"));
        if (!st) return st;
        state["scheduler"] = {{"type", "ExponentialLR per epoch"}, {"gamma", m_gamma}, {"base_lr", m_lr},
                              {"lr", m_lrNow}, {"last_epoch", std::floor(state.value("epoch", 0.0))}};
        state["config"] = {{"vocoder", m_cfg.toJson()}};
        state["weight_norm"] = "kept (weight_g / weight_v)";
        state["files"] = {"generator.safetensors", "mpd.safetensors", "msd.safetensors", "optim_g.pt", "optim_d.pt",
                          "rng.safetensors"};
        return {};
    }

    Status load(const stdfs::path &dir, const nlohmann::json &) override {
        auto p = [&](const char *n) { return fs::u8string(dir / n); };
        Status st = io::loadModule(*m_gen, p("generator.safetensors"));
        if (st) st = io::loadModule(*m_mpd, p("mpd.safetensors"));
        if (st) st = io::loadModule(*m_msd, p("msd.safetensors"));
        if (st) st = loadOptimizer(*m_optG, p("optim_g.pt"), m_device);
        if (st) st = loadOptimizer(*m_optD, p("optim_d.pt"), m_device);
        return st;
    }

    Status preview(const TrainData &data, const stdfs::path &dir, long long) override {
        torch::NoGradGuard ng;
        m_gen->eval();
        auto mel = melBatch(data, {0}).squeeze(1).to(m_device);   // [1,nMels,frames]
        auto wave = m_gen->forward(mel).squeeze(1).to(torch::kCPU).contiguous();   // [1,frames*hop]
        const int64_t n = std::min<int64_t>(wave.size(1), data.audioSamples());
        auto out = wave[0].narrow(0, 0, n).contiguous();
        Status st = saveMel(fs::u8string(dir / "target_mel.safetensors"), mel[0]);
        if (st) st = saveMel(fs::u8string(dir / "output_mel.safetensors"), (*m_mel)(out.to(m_device)));
        std::vector<float> samples(out.data_ptr<float>(), out.data_ptr<float>() + n);
        if (st) st = audio::writeAudio(fs::u8string(dir / "output.wav"), audio::AudioBuffer::mono(samples, 44100));
        std::vector<float> target(data.audio(0), data.audio(0) + data.audioSamples());
        if (st) st = audio::writeAudio(fs::u8string(dir / "target.wav"), audio::AudioBuffer::mono(target, 44100));
        m_gen->train();
        return st;
    }

    nlohmann::json recipe() const override {
        return {{"batch", m_batch}, {"lr", m_lr}, {"optimizer", "AdamW"}, {"betas", {m_beta1, m_beta2}},
                {"weight_decay", m_wd}, {"lr_schedule", "ExponentialLR per epoch"}, {"gamma", m_gamma},
                {"segment", m_segment}, {"segment_frames", m_segFrames}, {"lambda_fm", m_lambdaFm},
                {"lambda_mel", m_lambdaMel}, {"disc_start", m_discStart}, {"segments", m_segments},
                {"lambda_stft", m_lambdaStft},
                {"loss_g", "lsgan_adv + lambda_fm * fm + lambda_mel * L1(logmel) + lambda_stft * SC(2048,4096,8192)"},
                {"loss_d", "lsgan"}, {"mixed_precision", "fp32"}, {"config", {{"vocoder", m_cfg.toJson()}}}};
    }
    nlohmann::json flags() const override {
        return {{"lr", m_lr}, {"beta1", m_beta1}, {"beta2", m_beta2}, {"weight-decay", m_wd}, {"gamma", m_gamma},
                {"segment", m_segment}, {"lambda-fm", m_lambdaFm}, {"lambda-mel", m_lambdaMel},
                {"disc-start", m_discStart}, {"lambda-stft", m_lambdaStft}, {"segments", m_segments}};
    }
    std::string component() const override { return "vocoder"; }

private:
    VocoderConfig m_cfg;
    int m_batch = 4, m_segment = 8192, m_segFrames = 16, m_maxFrame = 0;
    double m_lr = 2e-4, m_lrNow = 2e-4, m_beta1 = 0.8, m_beta2 = 0.99, m_wd = 0.01, m_gamma = 0.999;
    double m_lambdaFm = 2.0, m_lambdaMel = 45.0;
    long long m_discStart = 0;
    double m_lambdaStft = 0.0;
    std::map<int, torch::Tensor> m_windows;   // Hann windows of the spectral convergence loss
    std::string m_segments = "uniform";
    std::vector<std::vector<float>> m_startCdf;   // per item, --segments energy
    torch::Device m_device = torch::kCPU;
    std::unique_ptr<dsp::LogMelTransform> m_mel;
    HifiGanGenerator m_gen{nullptr};
    MultiPeriodDiscriminator m_mpd{nullptr};
    MultiScaleDiscriminator m_msd{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_optG, m_optD;
};

} // namespace

std::unique_ptr<Trainer> makeVocoderTrainer() { return std::make_unique<VocoderTrainer>(); }

} // namespace ms::jobs::vocoder
