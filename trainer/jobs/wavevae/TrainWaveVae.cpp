// melstudio-cli train wavevae: the Snake waveform VAE (design document 002) on
// random stereo crops of an audio folder. Losses as Stable Audio's autoencoder
// recipe: multi-resolution STFT (spectral convergence as auraloss's + log-magnitude L1) of the
// sum and difference signals (x1, averaged) and of each channel (x0.5 each), plus
// KL x1e-4 ((mu^2 + var - log var - 1) summed over latent channels, mean over
// batch and frames). Optional (--disc-start N) from step N on: an adversarial
// phase as Stable Audio's (hinge, adversarial x0.1, feature matching x5.0,
// averaged over sub-discriminators and layers) against the vocoder family's
// discriminators run on each channel: the multi-resolution STFT discriminator
// (the nearest to Stable Audio's EnCodec STFT discriminator) and, with
// --discriminators mpd,mrd, the multi-period one. --lambda-l1 adds a waveform
// L1 (Stable Audio's recipe has it at 0).
#include "jobs/TrainLoop.h"

#include "jobs/AudioFolder.h"

#include "audio/AudioFile.h"
#include "cli/Args.h"
#include "dsp/LogMelTorch.h"
#include "io/ModelDirs.h"
#include "io/TensorIO.h"
#include "losses/Spectral.h"
#include "models/vocoder/ResolutionDiscriminator.h"
#include "models/wavevae/WaveVae.h"
#include "util/Fs.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ms::jobs::wavevae {

using namespace ms::models::wavevae;

namespace {

std::vector<int> parseInts(const std::string &text) {
    std::vector<int> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
    return out;
}

class WaveVaeTrainer : public Trainer {
public:
    Status configure(const cli::Args &a, CommonOptions &c) override {
        m_preset = c.preset;
        try {
            m_cfg = WaveVaeConfig::preset(c.preset);
        } catch (const std::exception &e) {
            return fail(std::string("--preset: ") + e.what());
        }
        m_batch = c.batch > 0 ? c.batch : 4;
        c.batch = m_batch;
        m_segment = a.getInt("segment", c.preset == "tiny" ? 4096 : 65536);
        m_lr = a.getDouble("lr", 1.5e-4);
        m_beta1 = a.getDouble("beta1", 0.8);
        m_beta2 = a.getDouble("beta2", 0.99);
        m_wd = a.getDouble("weight-decay", 1e-3);
        m_klWeight = a.getDouble("lambda-kl", 1e-4);
        m_lambdaSumDiff = a.getDouble("lambda-sum-diff", 1.0);
        m_lambdaChannels = a.getDouble("lambda-channels", 0.5);
        m_fftsText = a.get("mrstft-ffts", c.preset == "tiny" ? "512,256,128,64,32" : "2048,1024,512,256,128,64,32");
        m_maxMinutes = a.getDouble("max-minutes", 60.0);
        m_lambdaL1 = a.getDouble("lambda-l1", 0.0);
        m_encoderStart = a.getInt64("encoder-start", 0);
        m_scForm = a.get("spectral-convergence", "standard");
        if (m_scForm != "standard" && m_scForm != "symmetric")
            return fail("--spectral-convergence: '" + m_scForm + "' is not standard or symmetric");
        m_discStart = a.getInt64("disc-start", -1);
        m_discText = a.get("discriminators", "mrd");
        m_lambdaAdv = a.getDouble("lambda-adv", 0.1);
        m_lambdaFm = a.getDouble("lambda-fm", 5.0);
        m_discLr = a.getDouble("disc-lr", 3e-4);
        m_discSegment = a.getInt("disc-segment", 0);
        m_initFrom = a.get("init-from");
        // A resume from a checkpoint takes every weight from it, not from --init-from
        // (which may have moved on or gone since).
        m_resuming = c.resume && io::newestCheckpointDir(c.runDir) != c.runDir;
        if (m_discSegment < 0 || m_discSegment > m_segment)
            return fail("--disc-segment must be 0 (the whole crop) or at most --segment");
        if (m_discStart >= 0) {   // the STFT discriminator pads by half its largest FFT
            int fft = 0;
            for (const auto &r : models::vocoder::VocoderConfig{}.mrdResolutions) fft = std::max(fft, r[0]);
            if ((m_discSegment > 0 ? m_discSegment : m_segment) <= fft / 2)
                return fail("the discriminators need windows longer than " + std::to_string(fft / 2) +
                            " samples (--disc-segment, or --segment when it is 0)");
        }
        if (m_discText != "mrd" && m_discText != "mpd,mrd" && m_discText != "mrd,mpd")
            return fail("--discriminators: '" + m_discText + "' is not mrd or mpd,mrd");
        if (m_discStart < -1) return fail("--disc-start must be -1 (no adversarial phase) or a step");
        if (m_lambdaL1 < 0 || m_lambdaAdv < 0 || m_lambdaFm < 0 || m_discLr <= 0)
            return fail("--lambda-l1, --lambda-adv and --lambda-fm must be 0 or more, --disc-lr positive");
        try {
            m_ffts = parseInts(m_fftsText);
        } catch (const std::exception &) {
            return fail("--mrstft-ffts: '" + m_fftsText + "' is not a comma-separated list of FFT sizes");
        }
        if (m_ffts.empty()) return fail("--mrstft-ffts: no FFT sizes");
        const int hop = m_cfg.hop();
        if (m_segment < hop || m_segment % hop != 0)
            return fail("--segment must be a positive multiple of the model's hop (" + std::to_string(hop) + " samples)");
        for (int f : m_ffts)
            if (f / 2 >= m_segment) return fail("--mrstft-ffts: " + std::to_string(f) + " is too large for --segment");
        return {};
    }

    Result<std::unique_ptr<TrainData>> openData(const std::string &dir) const override {
        std::vector<std::string> warnings;
        auto d = AudioFolderData::open(dir, m_cfg.sampleRate, 2, m_maxMinutes, &warnings);
        if (!d) return fail(d.error());
        for (const auto &w : warnings) std::fprintf(stderr, "train wavevae: %s\n", w.c_str());
        return std::unique_ptr<TrainData>(std::move(*d));
    }

    Status build(const TrainData &data, torch::Device device, RunFolder *) override {
        m_device = device;
        m_data = dynamic_cast<const AudioFolderData *>(&data);
        if (!m_data) return fail("train wavevae needs a folder of audio files");
        m_vae = WaveVae(m_cfg);
        if (!m_initFrom.empty() && !m_resuming) {   // start from another run's weights (a new optimizer)
            m_initFromResolved = io::newestCheckpointDir(m_initFrom);
            auto from = loadWaveVae(m_initFromResolved);
            if (!from) return fail("--init-from: " + from.error());
            if ((*from)->config().toJson() != m_cfg.toJson())
                return fail("--init-from: " + m_initFrom + " is not a wave VAE of preset " + m_preset);
            torch::NoGradGuard ng;
            auto src = (*from)->named_parameters(true);
            for (auto &p : m_vae->named_parameters(true)) p.value().copy_(src[p.key()]);
        }
        m_vae->to(device);
        m_opt = std::make_unique<torch::optim::AdamW>(
                m_vae->parameters(),
                torch::optim::AdamWOptions(m_lr).betas({m_beta1, m_beta2}).weight_decay(m_wd));
        m_mrstft = std::make_unique<losses::MultiResolutionStftLoss>(
                m_ffts, device, m_scForm == "standard" ? losses::SpectralConvergence::Standard
                                                       : losses::SpectralConvergence::Symmetric);
        if (adversarial()) {
            const models::vocoder::VocoderConfig dcfg;   // the vocoders' discriminator sizes
            m_mrd = models::vocoder::MultiResolutionDiscriminator(dcfg);
            m_mrd->to(device);
            if (m_discText != "mrd") {
                m_mpd = models::vocoder::MultiPeriodDiscriminator(dcfg);
                m_mpd->to(device);
            }
            m_optD = std::make_unique<torch::optim::AdamW>(
                    parametersOf(discriminators()),
                    torch::optim::AdamWOptions(m_discLr).betas({m_beta1, m_beta2}).weight_decay(m_wd));
        }
        m_mel = std::make_unique<dsp::LogMelTransform>(dsp::MelConfig{}, device);
        return {};
    }

    bool adversarial() const { return m_discStart >= 0; }
    std::vector<const torch::nn::Module *> discriminators() const {
        std::vector<const torch::nn::Module *> d;
        if (m_mrd) d.push_back(m_mrd.get());
        if (m_mpd) d.push_back(m_mpd.get());
        return d;
    }
    // Every discriminator on [B*2, 1, T] (the channels side by side), each output
    // split into the first B*2 rows (real) and the rest (generated).
    std::vector<std::pair<losses::DiscOutput, losses::DiscOutput>> discriminate(const torch::Tensor &real,
                                                                                const torch::Tensor &fake) {
        const int64_t n = real.size(0) * real.size(1);
        auto both = torch::cat({real.reshape({n, 1, -1}), fake.reshape({n, 1, -1})}, 0);
        if (m_discStarts.defined()) {   // --disc-segment: each channel's window, the same for real and fake
            std::vector<torch::Tensor> rows;
            for (int64_t i = 0; i < 2 * n; ++i)
                rows.push_back(both[i].narrow(1, m_discStarts[i % n].item<int64_t>(), m_discSegment));
            both = torch::stack(rows);
        }
        std::vector<std::pair<losses::DiscOutput, losses::DiscOutput>> out;
        out.push_back(losses::splitBatch(m_mrd->forward(both), n));
        if (m_mpd) out.push_back(losses::splitBatch(m_mpd->forward(both), n));
        return out;
    }
    static double featureCount(const losses::DiscOutput &o) {
        size_t n = 0;
        for (const auto &f : o.features) n += f.size();
        return double(std::max<size_t>(1, n));
    }

    int samplesPerStep() const override { return m_batch; }
    size_t epochItems(const TrainData &) const override {
        return size_t(std::max<int64_t>(1, m_data->totalSamples() / m_segment));
    }

    torch::Tensor stft(const torch::Tensor &g, const torch::Tensor &y, std::map<std::string, double> &out,
                       const std::string &name) {
        auto t = (*m_mrstft)(g, y);
        auto v = t.sc + t.logMag;
        out[name] = v.item<double>();
        return v;
    }

    std::map<std::string, double> step(const TrainData &, const std::vector<size_t> &idx, long long step,
                                       double) override {
        m_vae->train();
        // Item i is the stretch [i, i+1) x segment of the files laid end to end; the
        // crop starts at a random point of it (drawn for the global batch).
        const int64_t B = int64_t(idx.size());
        auto u = mine(torch::rand({global(B)}, torch::kDouble));
        std::vector<torch::Tensor> crops;
        for (int64_t b = 0; b < B; ++b) {
            const int64_t at = int64_t(idx[size_t(b)]) * m_segment + int64_t(u[b].item<double>() * m_segment);
            crops.push_back(m_data->crop(at, m_segment));
        }
        auto y = torch::stack(crops).to(m_device);
        const int64_t frames = m_cfg.framesFor(m_segment);
        auto eps = mine(torch::randn({global(B), m_cfg.latentDim, frames})).to(m_device);
        m_opt->zero_grad();
        // --encoder-start: until then the encoder stays as initialised (a fixed
        // random projection that follows the audio) and only the decoder learns
        // to read it; then both train.
        WaveVaeOutput outp;
        if (step < m_encoderStart) {
            torch::Tensor mu, logvar;
            {
                torch::NoGradGuard ng;
                std::tie(mu, logvar) = m_vae->encode(y);
            }
            outp = {m_vae->decode(mu + eps * torch::exp(0.5 * logvar)), mu, logvar};
        } else {
            outp = m_vae->forward(y, eps);
        }
        auto g = outp.recon;
        std::map<std::string, double> out;
        auto yl = y.select(1, 0), yr = y.select(1, 1), gl = g.select(1, 0), gr = g.select(1, 1);
        auto sumDiff = 0.5 * (stft(0.5 * (gl + gr), 0.5 * (yl + yr), out, "stft_sum") +
                              stft(0.5 * (gl - gr), 0.5 * (yl - yr), out, "stft_diff"));
        auto channels = stft(gl, yl, out, "stft_left") + stft(gr, yr, out, "stft_right");
        auto var = outp.logvar.exp();
        auto kl = (outp.mu.pow(2) + var - outp.logvar - 1).sum(1).mean();
        out["kl"] = kl.item<double>();
        auto loss = m_lambdaSumDiff * sumDiff + m_lambdaChannels * channels + m_klWeight * kl;
        if (m_lambdaL1 > 0) {
            auto l1 = (g - y).abs().mean();
            out["l1"] = l1.item<double>();
            loss = loss + m_lambdaL1 * l1;
        }
        if (adversarial() && step >= m_discStart) {
            m_discStarts = torch::Tensor();
            if (m_discSegment > 0 && m_discSegment < m_segment)
                m_discStarts = mine(torch::randint(m_segment - m_discSegment + 1, {global(B), 2}, torch::kLong)).reshape({-1});
            // The discriminators first, on the detached reconstruction (hinge, each
            // divided by its number of sub-discriminators) ...
            m_mrd->train();
            if (m_mpd) m_mpd->train();
            m_optD->zero_grad();
            torch::Tensor lossD;
            for (const auto &[r, f] : discriminate(y, g.detach())) {
                auto t = losses::hingeDiscriminatorLoss(r, f) / double(r.logits.size());
                lossD = lossD.defined() ? lossD + t : t;
            }
            lossD = checkLoss(lossD, "discriminator");
            lossD.backward();
            syncGradients(parametersOf(discriminators()));
            m_optD->step();
            out["d_total"] = lossD.item<double>();
            // ... then the autoencoder against them: hinge adversarial term and
            // feature matching averaged over sub-discriminators and layers.
            torch::Tensor adv, fm;
            for (const auto &[r, f] : discriminate(y, g)) {
                auto a = losses::hingeGeneratorLoss(f) / double(f.logits.size());
                auto m = losses::featureMatchingLoss(r, f) / featureCount(f);
                adv = adv.defined() ? adv + a : a;
                fm = fm.defined() ? fm + m : m;
            }
            out["g_adv"] = adv.item<double>();
            out["g_fm"] = fm.item<double>();
            loss = loss + m_lambdaAdv * adv + m_lambdaFm * fm;
        }
        loss = checkLoss(loss, "wavevae");
        out["total"] = loss.item<double>();
        loss.backward();
        syncGradients(m_vae->parameters());
        m_opt->step();
        return out;
    }

    double learningRate() const override { return m_lr; }
    bool weightsFinite() const override {
        for (const auto *d : discriminators())
            if (!moduleFinite(*d)) return false;
        return moduleFinite(*m_vae);
    }
    std::vector<torch::Tensor> syncedTensors() const override {
        auto mods = discriminators();
        mods.insert(mods.begin(), m_vae.get());
        return tensorsOf(mods);
    }

    Status save(const stdfs::path &dir, nlohmann::json &state) const override {
        Status st = io::saveModule(*m_vae, fs::u8string(dir / "wavevae.safetensors"), {{"config", m_cfg.toJson().dump()}});
        if (!st) return st;
        st = saveOptimizer(*m_opt, fs::u8string(dir / "optimizer.pt"));
        if (!st) return st;
        if (m_mrd) st = io::saveModule(*m_mrd, fs::u8string(dir / "mrd.safetensors"));
        if (st && m_mpd) st = io::saveModule(*m_mpd, fs::u8string(dir / "mpd.safetensors"));
        if (st && m_optD) st = saveOptimizer(*m_optD, fs::u8string(dir / "optimizer_d.pt"));
        if (!st) return st;
        state["config"] = {{"wavevae", m_cfg.toJson()}};
        return {};
    }

    Status load(const stdfs::path &dir, const nlohmann::json &) override {
        Status st = io::loadModule(*m_vae, fs::u8string(dir / "wavevae.safetensors"));
        if (!st) return st;
        st = loadOptimizer(*m_opt, fs::u8string(dir / "optimizer.pt"), m_device);
        if (st && m_mrd) st = io::loadModule(*m_mrd, fs::u8string(dir / "mrd.safetensors"));
        if (st && m_mpd) st = io::loadModule(*m_mpd, fs::u8string(dir / "mpd.safetensors"));
        if (st && m_optD) st = loadOptimizer(*m_optD, fs::u8string(dir / "optimizer_d.pt"), m_device);
        return st;
    }

    // The loudest of the first 16 stretches, before and after: stereo WAVs, the
    // mid signal's log-mels (the Train page's panels) and the latent [latent, frames].
    Status preview(const TrainData &, const stdfs::path &dir, long long) override {
        torch::NoGradGuard ng;
        m_vae->eval();
        const int64_t n = std::min<int64_t>(int64_t(m_cfg.sampleRate) * 4 / m_cfg.hop() * m_cfg.hop(),
                                            m_data->totalSamples() / m_cfg.hop() * m_cfg.hop());
        torch::Tensor best;
        double bestE = -1;
        for (int64_t k = 0; k < 16; ++k) {
            const int64_t at = k * n;
            if (at >= m_data->totalSamples()) break;
            auto c = m_data->crop(at, n);
            const double e = c.pow(2).mean().item<double>();
            if (e > bestE) bestE = e, best = c;
        }
        auto [mu, logvar] = m_vae->encode(best.unsqueeze(0).to(m_device));
        auto out = m_vae->decode(mu).squeeze(0).to(torch::kCPU);
        m_vae->train();
        auto toBuffer = [&](const torch::Tensor &t) {
            audio::AudioBuffer b;
            b.sampleRate = m_cfg.sampleRate;
            for (int c = 0; c < 2; ++c) {
                auto ch = t[c].clamp(-1, 1).contiguous();
                b.channels.emplace_back(ch.data_ptr<float>(), ch.data_ptr<float>() + ch.numel());
            }
            return b;
        };
        Status st = audio::writeAudio(fs::u8string(dir / "target.wav"), toBuffer(best));
        if (st) st = audio::writeAudio(fs::u8string(dir / "output.wav"), toBuffer(out));
        if (st) st = saveMel(fs::u8string(dir / "target_mel.safetensors"), (*m_mel)(best.mean(0).to(m_device)));
        if (st) st = saveMel(fs::u8string(dir / "output_mel.safetensors"), (*m_mel)(out.mean(0).to(m_device)));
        if (st) st = io::saveTensors(fs::u8string(dir / "latent.safetensors"), {{"latent", mu.squeeze(0).to(torch::kCPU).contiguous()}});
        return st;
    }

    nlohmann::json recipe() const override {
        return {{"batch", m_batch}, {"segment", m_segment}, {"lr", m_lr}, {"optimizer", "AdamW"},
                {"betas", {m_beta1, m_beta2}}, {"weight_decay", m_wd}, {"lambda_kl", m_klWeight},
                {"lambda_sum_diff", m_lambdaSumDiff}, {"lambda_channels", m_lambdaChannels},
                {"mrstft_ffts", m_ffts}, {"max_minutes", m_maxMinutes}, {"lambda_l1", m_lambdaL1},
                {"encoder_frozen_until_step", m_encoderStart}, {"init_from", m_initFromResolved},
                {"spectral_convergence", m_scForm == "standard" ? "||Y-G||/||Y|| (auraloss), floored"
                                                                : "||Y-G||/(||Y||+||G||)"},
                {"adversarial", adversarial() ? nlohmann::json{{"from_step", m_discStart}, {"discriminators", m_discText},
                                                              {"loss", "hinge"}, {"lambda_adv", m_lambdaAdv},
                                                              {"lambda_fm", m_lambdaFm}, {"disc_lr", m_discLr},
                                                              {"disc_segment", m_discSegment}}
                                              : nlohmann::json(false)},
                {"model", {{"wavevae", m_cfg.toJson()}}}};
    }
    nlohmann::json flags() const override {
        return {{"segment", m_segment}, {"lr", m_lr}, {"beta1", m_beta1}, {"beta2", m_beta2},
                {"weight-decay", m_wd}, {"lambda-kl", m_klWeight}, {"lambda-sum-diff", m_lambdaSumDiff},
                {"lambda-channels", m_lambdaChannels}, {"mrstft-ffts", m_fftsText}, {"max-minutes", m_maxMinutes},
                {"lambda-l1", m_lambdaL1}, {"encoder-start", m_encoderStart}, {"spectral-convergence", m_scForm}, {"disc-start", m_discStart}, {"discriminators", m_discText},
                {"lambda-adv", m_lambdaAdv}, {"lambda-fm", m_lambdaFm}, {"disc-lr", m_discLr},
                {"disc-segment", m_discSegment}, {"init-from", m_initFrom}};
    }
    std::string component() const override { return "wavevae"; }
    std::string family() const override { return "wavevae"; }

private:
    std::string m_preset;
    WaveVaeConfig m_cfg;
    int m_batch = 4, m_segment = 65536;
    double m_lr = 1.5e-4, m_beta1 = 0.8, m_beta2 = 0.99, m_wd = 1e-3, m_klWeight = 1e-4;
    double m_lambdaSumDiff = 1.0, m_lambdaChannels = 0.5, m_maxMinutes = 60.0, m_lambdaL1 = 0.0;
    long long m_discStart = -1, m_encoderStart = 0;
    double m_lambdaAdv = 0.1, m_lambdaFm = 5.0, m_discLr = 3e-4;
    int m_discSegment = 0;
    bool m_resuming = false;
    std::string m_initFrom, m_initFromResolved;   // as given; the checkpoint it named when the run started
    torch::Tensor m_discStarts;   // this step's --disc-segment windows, [B * 2]
    std::string m_fftsText, m_discText = "mrd", m_scForm = "standard";
    std::vector<int> m_ffts;
    torch::Device m_device = torch::kCPU;
    const AudioFolderData *m_data = nullptr;
    WaveVae m_vae{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_opt, m_optD;
    models::vocoder::MultiResolutionDiscriminator m_mrd{nullptr};
    models::vocoder::MultiPeriodDiscriminator m_mpd{nullptr};
    std::unique_ptr<losses::MultiResolutionStftLoss> m_mrstft;
    std::unique_ptr<dsp::LogMelTransform> m_mel;
};

} // namespace

std::unique_ptr<Trainer> makeWaveVaeTrainer() { return std::make_unique<WaveVaeTrainer>(); }

} // namespace ms::jobs::wavevae
