// train vocoder --arch hifigan|istft.
//
// hifigan (the default): design document 004 "Vocoder Training". HiFi-GAN
// generator against multi-period + multi-scale discriminators; G loss =
// LS-GAN adv + 2 x feature matching + 45 x L1 of log-mels
// (ms::dsp::LogMelTransform), D loss LS-GAN; AdamW 2e-4 betas (0.8, 0.99) for
// both, ExponentialLR 0.999 per epoch; random 8192-sample segments with their
// 16 mel frames; fp32.
//
// istft: the Vocos recipe (Siuzdak 2023; gemelo-ai/vocos experiment.py) for
// the iSTFT generator (models/vocoder/Vocos.h): multi-period + multi-
// resolution discriminators with hinge losses, each term divided by its number
// of sub-discriminators, the MRD's by 0.1 (--lambda-mrd), feature matching,
// 45 x the mel L1; AdamW 5e-4 betas (0.8, 0.9). Its defaults differ where the
// kick needs it: 16384-sample segments drawn by energy, and the multi-
// resolution STFT loss (--lambda-mrstft 45, FFT 512 ... 8192) beside the mel L1,
// weighted like it (the default kick script's HiFi-GAN run gave --lambda-stft
// 45): its spectral convergence on linear magnitudes is what sees a kick's
// sub-100 Hz body and a DC offset, and at weight 1 the mel term would swamp it.
//
// Options the document does not have (hifigan: all off by default):
// --disc-start N  trains the generator on the spectral losses alone for the
//                 first N steps (the discriminators wait), HiFi-GAN / Parallel
//                 WaveGAN's warm-up and Vocos's pretrain_mel_steps;
// --segments energy  draws half of the segments in proportion to their energy.
//                 One-shots are mostly decay and silence: of the 157 uniform
//                 starts over a 2 s kick, only the first ~25 (0.3 s) reach the
//                 body, and only start 0 holds the attack;
// --lambda-stft X adds X times a symmetric spectral convergence loss on linear
//                 magnitudes at FFT 2048, 4096 and 8192 (hop FFT/4). The log-mel
//                 L1 weighs each of 128 bins alike, so a kick's fundamental
//                 (below 100 Hz: 4 of the 128 bins, but most of the energy) and
//                 any DC offset barely count; linear magnitudes weigh them by
//                 energy. The FFTs are long on purpose: at 512 or 1024 points a
//                 50-60 Hz body shares a bin with 86 Hz, the hop rate (44100 /
//                 512), and a first run with those sizes learned a buzz at 86
//                 and 172 Hz instead of the body;
// --lambda-mrstft X, --mrstft-ffts A,B,..  X times the multi-resolution STFT
//                 loss (symmetric spectral convergence + log-magnitude L1,
//                 core/losses/Spectral.h) at those FFT sizes.
#include "jobs/TrainLoop.h"

#include "audio/AudioFile.h"
#include "cli/Args.h"
#include "dsp/LogMelTorch.h"
#include "io/TensorIO.h"
#include "losses/Adversarial.h"
#include "losses/Spectral.h"
#include "models/vocoder/HifiGan.h"
#include "models/vocoder/ResolutionDiscriminator.h"
#include "models/vocoder/Vocos.h"
#include "util/Fs.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ms::jobs::vocoder {

namespace {

using namespace ms::models::vocoder;
using losses::DiscOutput;

constexpr int kStftFfts[3] = {2048, 4096, 8192};   // --lambda-stft resolutions

// "512,1024" -> {512, 1024}; empty on a malformed list.
std::vector<int> parseInts(const std::string &s) {
    std::vector<int> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        try {
            size_t used = 0;
            const int v = std::stoi(item, &used);
            if (used != item.size()) return {};
            out.push_back(v);
        } catch (const std::exception &) {
            return {};
        }
    }
    return out;
}

class VocoderTrainer : public Trainer {
public:
    Status configure(const cli::Args &a, CommonOptions &c) override {
        m_arch = a.get("arch", "hifigan");
        if (m_arch != "hifigan" && m_arch != "istft") return fail("--arch must be hifigan or istft, not '" + m_arch + "'");
        const bool ist = m_arch == "istft";
        m_batch = c.batch > 0 ? c.batch : (ist ? 8 : 4);
        c.batch = m_batch;
        m_lr = a.getDouble("lr", ist ? 5e-4 : 2e-4);
        m_beta1 = a.getDouble("beta1", 0.8);
        m_beta2 = a.getDouble("beta2", ist ? 0.9 : 0.99);
        m_wd = a.getDouble("weight-decay", 0.01);
        m_gamma = a.getDouble("gamma", 0.999);
        m_segment = a.getInt("segment", ist ? 16384 : 8192);
        m_lambdaFm = a.getDouble("lambda-fm", ist ? 1.0 : 2.0);
        m_lambdaMel = a.getDouble("lambda-mel", 45.0);
        m_discStart = a.getInt64("disc-start", 0);
        m_lambdaStft = a.getDouble("lambda-stft", 0.0);
        m_segments = a.get("segments", ist ? "energy" : "uniform");
        if (ist) {
            m_lambdaMrd = a.getDouble("lambda-mrd", 0.1);
            m_lambdaMrstft = a.getDouble("lambda-mrstft", 45.0);
            m_mrstftFftsText = a.get("mrstft-ffts", "512,1024,2048,4096,8192");
            m_mrstftFfts = parseInts(m_mrstftFftsText);
            if (m_mrstftFfts.empty() || *std::min_element(m_mrstftFfts.begin(), m_mrstftFfts.end()) < 16)
                return fail("--mrstft-ffts must be a comma-separated list of FFT sizes of 16 or more");
            if (m_lambdaMrstft < 0 || m_lambdaMrd < 0) return fail("--lambda-mrstft and --lambda-mrd must be 0 or more");
            if (m_lambdaMrstft > 0 && *std::max_element(m_mrstftFfts.begin(), m_mrstftFfts.end()) > 2 * m_segment - 2)
                return fail("--mrstft-ffts: each FFT must be under twice the segment (reflect padding)");
        }
        if (m_lambdaStft < 0) return fail("--lambda-stft must be 0 or more");
        if (m_lambdaStft > 0 && m_segment < kStftFfts[2])
            return fail("--lambda-stft needs segments of at least " + std::to_string(kStftFfts[2]) + " samples");
        if (m_discStart < 0) return fail("--disc-start must be 0 or more");
        if (m_segments != "uniform" && m_segments != "energy")
            return fail("--segments must be uniform or energy, not '" + m_segments + "'");
        if (c.amp == "on") return fail("--amp on: the vocoder trains in fp32 (design document 004, GAN stability)");
        try {
            m_cfg = VocoderConfig::preset(c.preset, m_arch);
            if (ist) {
                m_cfg.phase = a.get("phase", m_cfg.phase);
                m_cfg.magPrior = a.get("mag-prior", m_cfg.magPrior);
                m_cfg.phasePrior = a.get("phase-prior", m_cfg.phasePrior);
            }
            if (const std::string bad = m_cfg.validate(); !bad.empty()) return fail("--phase / --mag-prior / --phase-prior: " + bad);
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
        if (m_arch == "istft" && m_lambdaMrstft > 0)
            m_mrstft = std::make_unique<losses::MultiResolutionStftLoss>(m_mrstftFfts, device);
        m_gen = makeGenerator(m_cfg);
        if (m_cfg.istft() && m_cfg.magPrior == "mel_pinv") {
            if (m_cfg.nFft != m_mel->config().nFft)
                return fail("--mag-prior mel_pinv needs the vocoder's n_fft (" + std::to_string(m_cfg.nFft) +
                            ") to equal the mel front end's (" + std::to_string(m_mel->config().nFft) + ")");
            std::dynamic_pointer_cast<VocosImpl>(m_gen.ptr())->setMelPrior(m_mel->filterbankPinv().t());
        }
        m_mpd = MultiPeriodDiscriminator(m_cfg);
        if (m_arch == "istft") m_mrd = MultiResolutionDiscriminator(m_cfg);
        else m_msd = MultiScaleDiscriminator(m_cfg);
        m_gen->to(device);
        m_mpd->to(device);
        discriminator2().to(device);
        auto opts = torch::optim::AdamWOptions(m_lr).betas({m_beta1, m_beta2}).weight_decay(m_wd);
        m_optG = std::make_unique<torch::optim::AdamW>(m_gen->parameters(), opts);
        m_optD = std::make_unique<torch::optim::AdamW>(parametersOf({m_mpd.get(), &discriminator2()}), opts);
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
            auto s = mine(torch::randint(0, m_maxFrame + 1, {global(int64_t(idx.size()))}, torch::kLong));
            for (size_t b = 0; b < idx.size(); ++b) out[b] = s[int64_t(b)].item<int64_t>();
            return out;
        }
        auto u = mine(torch::rand({global(int64_t(idx.size()))}, torch::kDouble));
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
    // (whole batch), Hann window, hop FFT/4, centred. The denominator has both
    // norms: || |Y| || alone explodes on a batch of silent tail segments (a first
    // run collapsed to silence within 100 steps).
    torch::Tensor spectralConvergence(const torch::Tensor &g, const torch::Tensor &y) {
        if (!m_stftSc) m_stftSc = std::make_unique<losses::MultiResolutionStftLoss>(
                std::vector<int>(std::begin(kStftFfts), std::end(kStftFfts)), m_device);
        return (*m_stftSc)(g, y).sc;
    }

    // base + lambda_mel * L1(log-mel) [+ lambda_stft * SC] [+ lambda_mrstft * (SC + log-mag L1)]
    // (base may be undefined), in that order; logs mel_l1, stft_sc, mrstft_sc, mrstft_logmag.
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
        if (m_mrstft) {
            auto t = (*m_mrstft)(yg.squeeze(1), y.squeeze(1));
            out["mrstft_sc"] = t.sc.item<double>();
            out["mrstft_logmag"] = t.logMag.item<double>();
            loss = loss + m_lambdaMrstft * (t.sc + t.logMag);
        }
        return loss;
    }

    // NaN guard, backward and the generator's optimiser step; logs g_total.
    void stepGenerator(const torch::Tensor &lossG, std::map<std::string, double> &out) {
        auto loss = checkLoss(lossG, "generator");
        loss.backward();
        syncGradients(m_gen->parameters());
        m_optG->step();
        out["g_total"] = loss.item<double>();
    }

    torch::nn::Module &discriminator2() const {
        if (m_mrd) return *m_mrd.ptr();
        return *m_msd.ptr();
    }
    DiscOutput forward2(const torch::Tensor &y) { return m_mrd ? m_mrd->forward(y) : m_msd->forward(y); }

    std::map<std::string, double> step(const TrainData &data, const std::vector<size_t> &idx, long long step,
                                       double epoch) override {
        m_lrNow = m_lr * std::pow(m_gamma, std::floor(epoch));
        setLearningRate(*m_optG, m_lrNow);
        setLearningRate(*m_optD, m_lrNow);
        m_gen->train();
        m_mpd->train();
        discriminator2().train();
        auto [mel, y] = segments(data, idx);
        auto yg = m_gen->forward(mel);

        if (step < m_discStart) {   // warm-up: the generator alone, on the spectral losses
            m_optG->zero_grad();
            std::map<std::string, double> out;
            stepGenerator(addSpectralLosses({}, yg, y, out), out);
            return out;
        }
        return m_arch == "istft" ? ganStepVocos(y, yg) : ganStepHifiGan(y, yg);
    }

    // Document 004: LS-GAN on MPD + MSD, feature matching x lambda_fm.
    std::map<std::string, double> ganStepHifiGan(const torch::Tensor &y, const torch::Tensor &yg) {
        // Real and generated audio go through each discriminator in ONE call
        // (concatenated batch): a spectral-norm forward updates its power-
        // iteration vectors in place, so a second call before backward would
        // invalidate the first call's graph.
        const int64_t B = y.size(0);
        m_optD->zero_grad();
        auto both = torch::cat({y, yg.detach()}, 0);
        auto [mpdReal, mpdFakeD] = losses::splitBatch(m_mpd->forward(both), B);
        auto [msdReal, msdFakeD] = losses::splitBatch(m_msd->forward(both), B);
        auto lossD = losses::lsganDiscriminatorLoss(mpdReal, mpdFakeD) + losses::lsganDiscriminatorLoss(msdReal, msdFakeD);
        lossD = checkLoss(lossD, "discriminator");
        lossD.backward();
        syncGradients(parametersOf({m_mpd.get(), &discriminator2()}));
        m_optD->step();

        m_optG->zero_grad();
        auto bothG = torch::cat({y, yg}, 0);
        auto [mpdRealG, mpdFake] = losses::splitBatch(m_mpd->forward(bothG), B);
        auto [msdRealG, msdFake] = losses::splitBatch(m_msd->forward(bothG), B);
        auto adv = losses::lsganGeneratorLoss(mpdFake) + losses::lsganGeneratorLoss(msdFake);
        auto fm = losses::featureMatchingLoss(mpdRealG, mpdFake) + losses::featureMatchingLoss(msdRealG, msdFake);
        std::map<std::string, double> out{{"g_adv", adv.item<double>()}, {"g_fm", fm.item<double>()},
                                          {"d_total", lossD.item<double>()}};
        stepGenerator(addSpectralLosses(adv + m_lambdaFm * fm, yg, y, out), out);
        return out;
    }

    // Vocos: hinge on MPD + MRD, each divided by its number of sub-discriminators,
    // the MRD's terms x lambda_mrd; feature matching x lambda_fm.
    std::map<std::string, double> ganStepVocos(const torch::Tensor &y, const torch::Tensor &yg) {
        const int64_t B = y.size(0);
        const double nP = double(m_cfg.periods.size()), nR = double(m_cfg.mrdResolutions.size());
        m_optD->zero_grad();
        auto both = torch::cat({y, yg.detach()}, 0);
        auto [mpdReal, mpdFakeD] = losses::splitBatch(m_mpd->forward(both), B);
        auto [mrdReal, mrdFakeD] = losses::splitBatch(m_mrd->forward(both), B);
        auto dMp = losses::hingeDiscriminatorLoss(mpdReal, mpdFakeD) / nP;
        auto dMrd = losses::hingeDiscriminatorLoss(mrdReal, mrdFakeD) / nR;
        auto lossD = checkLoss(dMp + m_lambdaMrd * dMrd, "discriminator");
        lossD.backward();
        syncGradients(parametersOf({m_mpd.get(), &discriminator2()}));
        m_optD->step();

        m_optG->zero_grad();
        auto bothG = torch::cat({y, yg}, 0);
        auto [mpdRealG, mpdFake] = losses::splitBatch(m_mpd->forward(bothG), B);
        auto [mrdRealG, mrdFake] = losses::splitBatch(m_mrd->forward(bothG), B);
        auto advMp = losses::hingeGeneratorLoss(mpdFake) / nP;
        auto advMrd = losses::hingeGeneratorLoss(mrdFake) / nR;
        auto fmMp = losses::featureMatchingLoss(mpdRealG, mpdFake) / nP;
        auto fmMrd = losses::featureMatchingLoss(mrdRealG, mrdFake) / nR;
        auto adv = advMp + m_lambdaMrd * advMrd;
        auto fm = fmMp + m_lambdaMrd * fmMrd;
        std::map<std::string, double> out{{"g_adv_mp", advMp.item<double>()}, {"g_adv_mrd", advMrd.item<double>()},
                                          {"g_fm_mp", fmMp.item<double>()}, {"g_fm_mrd", fmMrd.item<double>()},
                                          {"d_mp", dMp.item<double>()}, {"d_mrd", dMrd.item<double>()},
                                          {"d_total", lossD.item<double>()}};
        stepGenerator(addSpectralLosses(adv + m_lambdaFm * fm, yg, y, out), out);
        return out;
    }

    double learningRate() const override { return m_lrNow; }
    bool weightsFinite() const override {
        return moduleFinite(*m_gen) && moduleFinite(*m_mpd) && moduleFinite(discriminator2());
    }
    std::vector<torch::Tensor> syncedTensors() const override {
        return tensorsOf({m_gen.ptr().get(), m_mpd.get(), &discriminator2()});
    }

    const char *discriminator2File() const { return m_mrd ? "mrd.safetensors" : "msd.safetensors"; }

    Status save(const stdfs::path &dir, nlohmann::json &state) const override {
        auto p = [&](const char *n) { return fs::u8string(dir / n); };
        Status st = io::saveModule(*m_gen, p("generator.safetensors"), {{"config", m_cfg.toJson().dump()}});
        if (st) st = io::saveModule(*m_mpd, p("mpd.safetensors"));
        if (st) st = io::saveModule(discriminator2(), p(discriminator2File()));
        if (st) st = saveOptimizer(*m_optG, p("optim_g.pt"));
        if (st) st = saveOptimizer(*m_optD, p("optim_d.pt"));
        if (!st) return st;
        state["scheduler"] = {{"type", "ExponentialLR per epoch"}, {"gamma", m_gamma}, {"base_lr", m_lr},
                              {"lr", m_lrNow}, {"last_epoch", std::floor(state.value("epoch", 0.0))}};
        state["config"] = {{"vocoder", m_cfg.toJson()}};
        state["weight_norm"] = m_arch == "istft" ? "none in the generator" : "kept (weight_g / weight_v)";
        state["files"] = {"generator.safetensors", "mpd.safetensors", discriminator2File(), "optim_g.pt", "optim_d.pt",
                          "rng.safetensors"};
        return {};
    }

    Status load(const stdfs::path &dir, const nlohmann::json &) override {
        auto p = [&](const char *n) { return fs::u8string(dir / n); };
        Status st = io::loadModule(*m_gen, p("generator.safetensors"));
        if (st) st = io::loadModule(*m_mpd, p("mpd.safetensors"));
        if (st) st = io::loadModule(discriminator2(), p(discriminator2File()));
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
        const int rate = m_mel->config().sampleRate;
        Status st = saveMel(fs::u8string(dir / "target_mel.safetensors"), mel[0]);
        if (st) st = saveMel(fs::u8string(dir / "output_mel.safetensors"), (*m_mel)(out.to(m_device)));
        std::vector<float> samples(out.data_ptr<float>(), out.data_ptr<float>() + n);
        if (st) st = audio::writeAudio(fs::u8string(dir / "output.wav"), audio::AudioBuffer::mono(samples, rate));
        std::vector<float> target(data.audio(0), data.audio(0) + data.audioSamples());
        if (st) st = audio::writeAudio(fs::u8string(dir / "target.wav"), audio::AudioBuffer::mono(target, rate));
        m_gen->train();
        return st;
    }

    nlohmann::json recipe() const override {
        nlohmann::json r = {{"arch", m_arch}, {"batch", m_batch}, {"lr", m_lr}, {"optimizer", "AdamW"},
                {"betas", {m_beta1, m_beta2}}, {"weight_decay", m_wd}, {"lr_schedule", "ExponentialLR per epoch"},
                {"gamma", m_gamma}, {"segment", m_segment}, {"segment_frames", m_segFrames}, {"lambda_fm", m_lambdaFm},
                {"lambda_mel", m_lambdaMel}, {"disc_start", m_discStart}, {"segments", m_segments},
                {"lambda_stft", m_lambdaStft}, {"mixed_precision", "fp32"}, {"config", {{"vocoder", m_cfg.toJson()}}}};
        if (m_arch == "istft") {
            r["lambda_mrd"] = m_lambdaMrd;
            r["lambda_mrstft"] = m_lambdaMrstft;
            r["mrstft_ffts"] = m_mrstftFfts;
            r["loss_g"] = "hinge_adv(mpd)/5 + lambda_mrd * hinge_adv(mrd)/3 + lambda_fm * (fm(mpd)/5 + lambda_mrd * "
                          "fm(mrd)/3) + lambda_mel * L1(logmel) + lambda_stft * SC(2048,4096,8192) + lambda_mrstft * "
                          "(SC + L1(log|S|))(mrstft_ffts)";
            r["loss_d"] = "hinge(mpd)/5 + lambda_mrd * hinge(mrd)/3";
        } else {
            r["loss_g"] = "lsgan_adv + lambda_fm * fm + lambda_mel * L1(logmel) + lambda_stft * SC(2048,4096,8192)";
            r["loss_d"] = "lsgan";
        }
        return r;
    }
    nlohmann::json flags() const override {
        nlohmann::json f = {{"arch", m_arch}, {"lr", m_lr}, {"beta1", m_beta1}, {"beta2", m_beta2},
                {"weight-decay", m_wd}, {"gamma", m_gamma}, {"segment", m_segment}, {"lambda-fm", m_lambdaFm},
                {"lambda-mel", m_lambdaMel}, {"disc-start", m_discStart}, {"lambda-stft", m_lambdaStft},
                {"segments", m_segments}};
        if (m_arch == "istft") {
            f["lambda-mrd"] = m_lambdaMrd;
            f["lambda-mrstft"] = m_lambdaMrstft;
            f["mrstft-ffts"] = m_mrstftFftsText;
            f["phase"] = m_cfg.phase;
            f["mag-prior"] = m_cfg.magPrior;
            f["phase-prior"] = m_cfg.phasePrior;
        }
        return f;
    }
    std::string component() const override { return "vocoder"; }

private:
    std::string m_arch = "hifigan";
    VocoderConfig m_cfg;
    int m_batch = 4, m_segment = 8192, m_segFrames = 16, m_maxFrame = 0;
    double m_lr = 2e-4, m_lrNow = 2e-4, m_beta1 = 0.8, m_beta2 = 0.99, m_wd = 0.01, m_gamma = 0.999;
    double m_lambdaFm = 2.0, m_lambdaMel = 45.0, m_lambdaMrd = 0.1, m_lambdaMrstft = 0.0;
    long long m_discStart = 0;
    double m_lambdaStft = 0.0;
    std::string m_mrstftFftsText;
    std::vector<int> m_mrstftFfts;
    std::unique_ptr<losses::MultiResolutionStftLoss> m_stftSc, m_mrstft;
    std::string m_segments = "uniform";
    std::vector<std::vector<float>> m_startCdf;   // per item, --segments energy
    torch::Device m_device = torch::kCPU;
    std::unique_ptr<dsp::LogMelTransform> m_mel;
    Generator m_gen{nullptr};
    MultiPeriodDiscriminator m_mpd{nullptr};
    MultiScaleDiscriminator m_msd{nullptr};          // hifigan
    MultiResolutionDiscriminator m_mrd{nullptr};     // istft
    std::unique_ptr<torch::optim::AdamW> m_optG, m_optD;
};

} // namespace

std::unique_ptr<Trainer> makeVocoderTrainer() { return std::make_unique<VocoderTrainer>(); }

} // namespace ms::jobs::vocoder
