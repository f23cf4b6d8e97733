// melstudio-cli train tokenizer: the audio BSQ-ViT (design document 001) on
// 10.24 s windows of 16 kHz mono audio (every audio file under --data, mixed
// down and resampled; windows run on across files, so short spoken words make
// full windows). Loss: reconstruction (MSE by default, as the document; L1 as
// bsq-vit's image recipe with --recon l1) on the normalised mel ([-80, 0] dB ->
// [-1, 1]), plus the quantiser's loss
//   beta * commit + zeta * (gamma0 * H_sample - gamma * H_codebook) / tau
// weighted by lambda_q * (r + 3 (1 - r)), r = min(step, rampup) / rampup (the
// audio config: codebook_weight 0.1, rampup multiplier 3 over 2000 steps; beta 0).
// SpecAugment: with probability 0.5 each, one time mask of up to 10 % of the
// frames and one frequency mask of up to 10 % of the bins, filled with the -80 dB
// floor (torchaudio's masks fill with 0, which is full scale in this dB mel),
// applied to the window the model both reads and must reconstruct.
// AdamW (0.9, 0.99), weight decay 1e-4, gradients clipped at 1.0; the learning
// rate warms up from 0.1x to 1x over --warmup steps and then follows a cosine to
// 0.5x at --decay-steps (LambdaWarmUpCosineScheduler's shape).
// Optional (--disc-start N) from step N on: the PatchGAN discriminator of the
// audio config on the normalised mels, hinge losses (the shared ones: D
// relu(1 - r) + relu(1 + f), G relu(1 - f)), the generator term x --lambda-disc
// (0.1); no R1 penalty and no adaptive weight (the config has none either).
// The learning rate: bsq-vit multiplies its base rate 4e-7 (the document's
// figure) by the batch (32) and the GPU count; --lr's default 1.024e-4 is that
// product for 8 GPUs, the largest setup the code's scripts name.
#include "jobs/TrainLoop.h"

#include "audio/AudioFile.h"
#include "cli/Args.h"
#include "io/TensorIO.h"
#include "losses/Adversarial.h"
#include "jobs/AudioFolder.h"
#include "models/bsq/BsqVit.h"
#include "util/Fs.h"

#include <algorithm>
#include <cmath>

namespace ms::jobs::bsq {

using namespace ms::models::bsq;

namespace {

class TokenizerTrainer : public Trainer {
public:
    Status configure(const cli::Args &a, CommonOptions &c) override {
        m_preset = c.preset;
        try {
            m_cfg = BsqConfig::preset(c.preset);
        } catch (const std::exception &e) {
            return fail(std::string("--preset: ") + e.what());
        }
        m_conformerFlag = a.get("conformer", "preset");
        if (m_conformerFlag == "on") m_cfg.conformer = true;
        else if (m_conformerFlag == "off") m_cfg.conformer = false;
        else if (m_conformerFlag != "preset") return fail("--conformer: '" + m_conformerFlag + "' is not on, off or preset");
        m_batch = c.batch > 0 ? c.batch : (c.preset == "tiny" ? 4 : 32);
        c.batch = m_batch;
        m_lr = a.getDouble("lr", 4e-7 * 32 * 8);
        m_warmup = a.getInt64("warmup", c.preset == "tiny" ? 0 : 5000);
        m_decaySteps = a.getInt64("decay-steps", 500000);
        m_beta1 = a.getDouble("beta1", 0.9);
        m_beta2 = a.getDouble("beta2", 0.99);
        m_wd = a.getDouble("weight-decay", 1e-4);
        m_clip = a.getDouble("grad-clip", 1.0);
        m_lambdaQ = a.getDouble("lambda-q", 0.1);
        m_rampup = a.getInt64("q-rampup", 2000);
        m_commit = a.getDouble("commit", 0.0);
        m_gamma0 = a.getDouble("gamma0", 1.0);
        m_gamma = a.getDouble("gamma", 1.0);
        m_zeta = a.getDouble("zeta", 1.0);
        m_recon = a.get("recon", "mse");
        m_specAugment = a.get("specaugment", "on");
        m_maxMinutes = a.getDouble("max-minutes", 0.0);
        m_discStart = a.getInt64("disc-start", -1);
        m_lambdaDisc = a.getDouble("lambda-disc", 0.1);
        m_discChannels = a.getInt("disc-channels", 64);
        m_discLayers = a.getInt("disc-layers", 3);
        m_discLr = a.getDouble("disc-lr", m_lr);
        if (m_discStart < -1 || m_lambdaDisc < 0 || m_discChannels <= 0 || m_discLayers < 1 || m_discLr <= 0)
            return fail("--disc-start must be -1 (no discriminator) or a step; --lambda-disc not negative; "
                        "--disc-channels, --disc-layers and --disc-lr positive");
        if (m_recon != "mse" && m_recon != "l1") return fail("--recon: '" + m_recon + "' is not mse or l1");
        if (m_specAugment != "on" && m_specAugment != "off") return fail("--specaugment: '" + m_specAugment + "' is not on or off");
        if (m_lr <= 0 || m_warmup < 0 || m_decaySteps <= 0 || m_clip < 0 || m_lambdaQ < 0 || m_rampup < 0 || m_commit < 0)
            return fail("--lr and --decay-steps must be positive; --warmup, --grad-clip, --lambda-q, --q-rampup and "
                        "--commit not negative");
        return {};
    }

    Result<std::unique_ptr<TrainData>> openData(const std::string &dir) const override {
        std::vector<std::string> warnings;
        auto d = AudioFolderData::open(dir, m_cfg.sampleRate, 1, m_maxMinutes, &warnings);
        if (!d) return fail(d.error());
        for (const auto &w : warnings) std::fprintf(stderr, "train tokenizer: %s\n", w.c_str());
        if ((*d)->totalSamples() < windowSamples())
            return fail(dir + " holds " + std::to_string((*d)->totalSamples() / m_cfg.sampleRate) +
                        " s of audio; the tokenizer needs at least one " + std::to_string(m_cfg.windowSeconds()) + " s window");
        return std::unique_ptr<TrainData>(std::move(*d));
    }

    // Samples that give exactly cfg.frames centred frames.
    int64_t windowSamples() const { return int64_t(m_cfg.frames - 1) * m_cfg.hop; }

    Status build(const TrainData &data, torch::Device device, RunFolder *) override {
        m_device = device;
        m_data = dynamic_cast<const AudioFolderData *>(&data);
        if (!m_data) return fail("train tokenizer needs a folder of audio files");
        m_model = BsqVit(m_cfg);
        m_model->to(device);
        m_opt = std::make_unique<torch::optim::AdamW>(
                m_model->parameters(), torch::optim::AdamWOptions(m_lr).betas({m_beta1, m_beta2}).weight_decay(m_wd));
        m_front = std::make_unique<BsqFrontEnd>(m_cfg, device);
        if (m_discStart >= 0) {
            m_disc = PatchDiscriminator(m_discChannels, m_discLayers);
            m_disc->to(device);
            m_optD = std::make_unique<torch::optim::AdamW>(
                    m_disc->parameters(), torch::optim::AdamWOptions(m_discLr).betas({m_beta1, m_beta2}).weight_decay(m_wd));
        }
        return {};
    }

    int samplesPerStep() const override { return m_batch; }
    size_t epochItems(const TrainData &) const override {
        return size_t(std::max<int64_t>(1, m_data->totalSamples() / windowSamples()));
    }

    double scheduledLr(long long step) const {
        if (m_warmup > 0 && step < m_warmup) return m_lr * (0.1 + 0.9 * double(step) / double(m_warmup));
        const double t = std::min(1.0, double(step - m_warmup) / double(std::max<long long>(1, m_decaySteps - m_warmup)));
        return m_lr * (0.5 + 0.25 * (1.0 + std::cos(M_PI * t)));   // 1.0 -> 0.5
    }
    double quantizerWeight(long long step) const {
        const double r = m_rampup > 0 ? std::min(1.0, double(step) / double(m_rampup)) : 1.0;
        return m_lambdaQ * (r + 3.0 * (1.0 - r));
    }

    // dB mels [B, frames, mels] of global-batch windows (item i: the stretch
    // [i, i+1) x window of the files laid end to end, from a random point of it).
    torch::Tensor windows(const std::vector<size_t> &idx, bool augment) {
        const int64_t B = int64_t(idx.size()), n = windowSamples();
        auto u = mine(torch::rand({global(B), 5}, torch::kDouble));
        std::vector<torch::Tensor> w;
        for (int64_t b = 0; b < B; ++b)
            w.push_back(m_data->stream(int64_t(idx[size_t(b)]) * n + int64_t(u[b][0].item<double>() * n), n)[0]);
        auto mel = (*m_front)(torch::stack(w).to(m_device));
        if (!augment) return mel;
        const int64_t T = m_cfg.frames, F = m_cfg.nMels, maxT = T / 10, maxF = F / 10;
        for (int64_t b = 0; b < B; ++b) {
            auto r = u[b];
            if (r[1].item<double>() < 0.5 && maxT > 0) {   // time mask: width uniform in [0, maxT], start uniform
                const int64_t wt = int64_t(r[2].item<double>() * (maxT + 1)) % (maxT + 1);
                const int64_t t0 = int64_t(std::fmod(r[2].item<double>() * 7919.0, 1.0) * double(T - wt + 1)) % (T - wt + 1);
                mel[b].narrow(0, t0, wt).fill_(m_cfg.dbFloor);
            }
            if (r[3].item<double>() < 0.5 && maxF > 0) {
                const int64_t wf = int64_t(r[4].item<double>() * (maxF + 1)) % (maxF + 1);
                const int64_t f0 = int64_t(std::fmod(r[4].item<double>() * 7919.0, 1.0) * double(F - wf + 1)) % (F - wf + 1);
                mel[b].narrow(1, f0, wf).fill_(m_cfg.dbFloor);
            }
        }
        return mel;
    }

    std::map<std::string, double> step(const TrainData &, const std::vector<size_t> &idx, long long step,
                                       double) override {
        m_model->train();
        setLearningRate(*m_opt, scheduledLr(step));
        auto mel = windows(idx, m_specAugment == "on");
        m_opt->zero_grad();
        auto f = m_model->forward(mel);
        const double half = -m_cfg.dbFloor / 2.0;
        auto diff = (f.recon - mel) / half;   // in the networks' [-1, 1] units
        auto recon = m_recon == "mse" ? diff.pow(2).mean() : diff.abs().mean();
        auto entropyTerm = m_zeta * (m_gamma0 * f.q.sampleEntropy - m_gamma * f.q.codebookEntropy) / m_cfg.invTemperature;
        auto qLoss = m_commit * f.q.commit + entropyTerm;
        const double wq = quantizerWeight(step);
        auto total = recon + wq * qLoss;
        std::map<std::string, double> out;
        if (m_disc && step >= m_discStart) {
            auto real = (mel + half) / half, fake = (f.recon + half) / half;
            m_disc->train();
            m_optD->zero_grad();
            auto dl = checkLoss(losses::hingeDiscriminatorLoss(m_disc->forward(real), m_disc->forward(fake.detach())),
                                "discriminator");
            dl.backward();
            syncGradients(m_disc->parameters());
            m_optD->step();
            out["d_total"] = dl.item<double>();
            auto g = losses::hingeGeneratorLoss(m_disc->forward(fake));
            out["g_adv"] = g.item<double>();
            total = total + m_lambdaDisc * g;
        }
        auto loss = checkLoss(total, "tokenizer");
        loss.backward();
        syncGradients(m_model->parameters());
        if (m_clip > 0) torch::nn::utils::clip_grad_norm_(m_model->parameters(), m_clip);
        m_opt->step();
        out["total"] = loss.item<double>();
        out["recon"] = recon.item<double>();
        {
            torch::NoGradGuard ng;
            auto d = f.recon - mel;
            out["mse_db"] = d.pow(2).mean().item<double>();
            out["mae_db"] = d.abs().mean().item<double>();
        }
        out["commit"] = f.q.commit.item<double>();
        out["h_sample_bits"] = f.q.sampleEntropy.item<double>() / std::log(2.0);
        out["h_codebook_bits"] = f.q.codebookEntropy.item<double>() / std::log(2.0);
        out["q_weight"] = wq;
        out["lr"] = scheduledLr(step);
        return out;
    }

    double learningRate() const override { return scheduledLr(currentStep); }
    bool weightsFinite() const override { return moduleFinite(*m_model) && (!m_disc || moduleFinite(*m_disc)); }
    std::vector<torch::Tensor> syncedTensors() const override {
        if (m_disc) return tensorsOf({m_model.get(), m_disc.get()});
        return tensorsOf({m_model.get()});
    }

    Status save(const stdfs::path &dir, nlohmann::json &state) const override {
        Status st = io::saveModule(*m_model, fs::u8string(dir / "bsq.safetensors"), {{"config", m_cfg.toJson().dump()}});
        if (st) st = saveOptimizer(*m_opt, fs::u8string(dir / "optimizer.pt"));
        if (st && m_disc) st = io::saveModule(*m_disc, fs::u8string(dir / "patchgan.safetensors"));
        if (st && m_optD) st = saveOptimizer(*m_optD, fs::u8string(dir / "optimizer_d.pt"));
        if (!st) return st;
        state["config"] = {{"bsq", m_cfg.toJson()}};
        return {};
    }

    Status load(const stdfs::path &dir, const nlohmann::json &) override {
        Status st = io::loadModule(*m_model, fs::u8string(dir / "bsq.safetensors"));
        if (st) st = loadOptimizer(*m_opt, fs::u8string(dir / "optimizer.pt"), m_device);
        if (st && m_disc) st = io::loadModule(*m_disc, fs::u8string(dir / "patchgan.safetensors"));
        if (st && m_optD) st = loadOptimizer(*m_optD, fs::u8string(dir / "optimizer_d.pt"), m_device);
        return st;
    }

    // The loudest of the first 16 windows: its mel and the reconstruction (dB,
    // [mels, frames]), both as audio by Griffin-Lim, and its codes [L, tokens].
    Status preview(const TrainData &, const stdfs::path &dir, long long) override {
        torch::NoGradGuard ng;
        m_model->eval();
        const int64_t n = windowSamples();
        torch::Tensor best;
        double bestE = -1;
        for (int64_t k = 0; k < 16 && k * n < m_data->totalSamples(); ++k) {
            auto c = m_data->stream(k * n, n)[0];
            const double e = c.pow(2).mean().item<double>();
            if (e > bestE) bestE = e, best = c;
        }
        auto mel = (*m_front)(best.unsqueeze(0).to(m_device));
        auto f = m_model->forward(mel);
        m_model->train();
        auto codes = (f.q.zq[0] > 0).to(torch::kFloat).mul(2).sub(1).t().contiguous().to(torch::kCPU);
        auto wave = [&](const torch::Tensor &m) {
            auto y = m_front->griffinLim(m[0].to(torch::kCPU), 32).clamp(-1, 1).contiguous();
            audio::AudioBuffer b;
            b.sampleRate = m_cfg.sampleRate;
            b.channels.emplace_back(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
            return b;
        };
        Status st = saveMel(fs::u8string(dir / "target_mel.safetensors"), mel[0].t().to(torch::kCPU).contiguous());
        if (st) st = saveMel(fs::u8string(dir / "output_mel.safetensors"), f.recon[0].t().to(torch::kCPU).contiguous());
        if (st) st = io::saveTensors(fs::u8string(dir / "latent.safetensors"), {{"latent", codes}});
        if (st) st = audio::writeAudio(fs::u8string(dir / "target.wav"), wave(mel));
        if (st) st = audio::writeAudio(fs::u8string(dir / "output.wav"), wave(f.recon));
        return st;
    }

    nlohmann::json recipe() const override {
        return {{"batch", m_batch}, {"lr", m_lr},
                {"lr_note", "bsq-vit's base rate 4e-7 x batch 32 x 8 GPUs = 1.024e-4 is the default"},
                {"schedule", {{"warmup_steps", m_warmup}, {"from", 0.1}, {"cosine_to", 0.5}, {"decay_steps", m_decaySteps}}},
                {"optimizer", "AdamW"}, {"betas", {m_beta1, m_beta2}}, {"weight_decay", m_wd}, {"grad_clip", m_clip},
                {"reconstruction", m_recon + " on (dB + 40) / 40"},
                {"quantizer", {{"lambda_q", m_lambdaQ}, {"rampup_steps", m_rampup}, {"rampup_multiplier", 3.0},
                               {"commit", m_commit}, {"gamma0", m_gamma0}, {"gamma", m_gamma}, {"zeta", m_zeta}}},
                {"specaugment", m_specAugment == "on" ? nlohmann::json{{"p", 0.5}, {"time_mask_max", m_cfg.frames / 10},
                                                                      {"freq_mask_max", m_cfg.nMels / 10}, {"fill_db", m_cfg.dbFloor}}
                                                      : nlohmann::json(false)},
                {"discriminator", m_discStart >= 0 ? nlohmann::json{{"type", "PatchGAN (NLayerDiscriminator)"}, {"from_step", m_discStart},
                                                                   {"loss", "hinge"}, {"lambda", m_lambdaDisc},
                                                                   {"channels", m_discChannels}, {"layers", m_discLayers},
                                                                   {"lr", m_discLr}}
                                                   : nlohmann::json(false)},
                {"window_samples", windowSamples()}, {"max_minutes", m_maxMinutes},
                {"model", {{"bsq", m_cfg.toJson()}}}};
    }
    nlohmann::json flags() const override {
        return {{"lr", m_lr},         {"warmup", m_warmup},   {"decay-steps", m_decaySteps}, {"beta1", m_beta1},
                {"beta2", m_beta2},   {"weight-decay", m_wd}, {"grad-clip", m_clip},         {"lambda-q", m_lambdaQ},
                {"q-rampup", m_rampup}, {"commit", m_commit}, {"gamma0", m_gamma0},          {"gamma", m_gamma},
                {"zeta", m_zeta},     {"recon", m_recon},     {"specaugment", m_specAugment}, {"max-minutes", m_maxMinutes},
                {"conformer", m_conformerFlag}, {"disc-start", m_discStart}, {"lambda-disc", m_lambdaDisc},
                {"disc-channels", m_discChannels}, {"disc-layers", m_discLayers}, {"disc-lr", m_discLr}};
    }
    std::string component() const override { return "bsq"; }
    std::string family() const override { return "bsq"; }

private:
    std::string m_preset, m_conformerFlag = "preset", m_recon = "mse", m_specAugment = "on";
    BsqConfig m_cfg;
    int m_batch = 32;
    double m_lr = 1.024e-4, m_beta1 = 0.9, m_beta2 = 0.99, m_wd = 1e-4, m_clip = 1.0;
    double m_lambdaQ = 0.1, m_commit = 0.0, m_gamma0 = 1.0, m_gamma = 1.0, m_zeta = 1.0, m_maxMinutes = 0.0;
    long long m_warmup = 5000, m_decaySteps = 500000, m_rampup = 2000, m_discStart = -1;
    double m_lambdaDisc = 0.1, m_discLr = 1.024e-4;
    int m_discChannels = 64, m_discLayers = 3;
    PatchDiscriminator m_disc{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_optD;
    torch::Device m_device = torch::kCPU;
    const AudioFolderData *m_data = nullptr;
    BsqVit m_model{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_opt;
    std::unique_ptr<BsqFrontEnd> m_front;
};

} // namespace

std::unique_ptr<Trainer> makeTokenizerTrainer() { return std::make_unique<TokenizerTrainer>(); }

} // namespace ms::jobs::bsq
