// train vae: design document 004 "VAE Training". Loss MSE + L1 + kl_weight * KL,
// kl_weight linear from 1e-4 to 1e-3 over the first 20 epochs, AdamW 1e-4,
// batch 32, fp16 autocast with loss scaling on CUDA, fp32 on CPU.
#include "jobs/TrainLoop.h"

#include "cli/Args.h"
#include "io/TensorIO.h"
#include "models/kick/Config.h"
#include "models/kick/Vae.h"
#include "util/Fs.h"

namespace ms::jobs::kick {

namespace {

using namespace ms::models::kick;

class VaeTrainer : public Trainer {
public:
    Status configure(const cli::Args &a, CommonOptions &c) override {
        m_batch = c.batch > 0 ? c.batch : 32;
        c.batch = m_batch;
        m_lr = a.getDouble("lr", 1e-4);
        m_wd = a.getDouble("weight-decay", 0.01);
        m_klStart = a.getDouble("kl-start", 1e-4);
        m_klEnd = a.getDouble("kl-end", 1e-3);
        m_klEpochs = a.getDouble("kl-anneal-epochs", 20);
        m_klReduction = a.get("kl-reduction", "mean");
        m_clip = a.getDouble("grad-clip", 0.0);
        if (m_klReduction != "mean" && m_klReduction != "sum")
            return fail("--kl-reduction must be 'mean' (over all latent values) or 'sum' (per item, averaged)");
        try {
            m_cfg = VaeConfig::preset(c.preset);
        } catch (const std::exception &e) {
            return fail("--preset " + c.preset + ": " + e.what());
        }
        m_amp = c.amp;
        return {};
    }

    Status build(const TrainData &data, torch::Device device, RunFolder *) override {
        if (data.nMels() != m_cfg.nMels || data.frames() != m_cfg.frames)
            return fail("dataset mels are " + std::to_string(data.nMels()) + "x" + std::to_string(data.frames()) +
                        " but the VAE expects " + std::to_string(m_cfg.nMels) + "x" + std::to_string(m_cfg.frames));
        m_device = device;
        m_vae = KickVAE(m_cfg);
        m_vae->to(device);
        m_opt = std::make_unique<torch::optim::AdamW>(
            m_vae->parameters(), torch::optim::AdamWOptions(m_lr).weight_decay(m_wd));
        const bool cuda = device.is_cuda();
        m_useAmp = cuda && m_amp != "off";
        m_scaler = GradScaler(m_useAmp);
        return {};
    }

    int samplesPerStep() const override { return m_batch; }

    double klWeight(double epoch) const {
        if (m_klEpochs <= 0) return m_klEnd;
        const double t = std::min(1.0, std::floor(epoch) / m_klEpochs);
        return m_klStart + (m_klEnd - m_klStart) * t;
    }

    std::map<std::string, double> step(const TrainData &data, const std::vector<size_t> &idx, long long,
                                       double epoch) override {
        m_vae->train();
        auto x = melBatch(data, idx).to(m_device);
        m_opt->zero_grad();
        torch::Tensor mse, l1, kl;
        {
            AutocastScope ac(m_useAmp);
            // KickVAE::forward, with the reparameterisation noise drawn for the global
            // batch (this rank's rows of it: see Trainer::mine).
            auto [muH, logvarH] = m_vae->encode(x);
            auto stdv = torch::exp(0.5 * logvarH);
            auto gshape = stdv.sizes().vec();
            gshape[0] = global(gshape[0]);
            auto eps = mine(torch::randn(gshape, stdv.options()));
            auto recon = m_vae->decode(muH + eps * stdv).to(torch::kFloat);
            auto mu = muH.to(torch::kFloat), logvar = logvarH.to(torch::kFloat);
            mse = torch::mse_loss(recon, x);
            l1 = torch::l1_loss(recon, x);
            auto klTerm = 1 + logvar - mu.pow(2) - logvar.exp();
            kl = m_klReduction == "mean" ? -0.5 * klTerm.mean() : -0.5 * klTerm.flatten(1).sum(1).mean();
        }
        m_kw = klWeight(epoch);
        auto loss = checkLoss(mse + l1 + m_kw * kl, "vae");
        m_scaler.scale(loss).backward();
        syncGradients(m_vae->parameters());
        const bool ok = m_scaler.unscale(m_vae->parameters());
        if (ok) {
            if (m_clip > 0) torch::nn::utils::clip_grad_norm_(m_vae->parameters(), m_clip);
            m_opt->step();
        }
        m_scaler.update(ok);
        return {{"total", loss.item<double>()}, {"mse", mse.item<double>()}, {"l1", l1.item<double>()},
                {"kl", kl.item<double>()}, {"kl_weight", m_kw}};
    }

    double learningRate() const override { return m_lr; }
    bool weightsFinite() const override { return moduleFinite(*m_vae); }
    std::vector<torch::Tensor> syncedTensors() const override { return tensorsOf({m_vae.get()}); }

    Status save(const stdfs::path &dir, nlohmann::json &state) const override {
        Status st = io::saveModule(*m_vae, fs::u8string(dir / "vae.safetensors"),
                                   {{"config", m_cfg.toJson().dump()}});
        if (!st) return st;
        st = saveOptimizer(*m_opt, fs::u8string(dir / "optimizer.pt"));
        if (!st) return st;
        state["scheduler"] = {{"type", "constant"}, {"lr", m_lr}, {"kl_weight", m_kw}};
        state["scaler"] = m_scaler.state();
        state["files"] = {"vae.safetensors", "optimizer.pt", "rng.safetensors"};
        state["config"] = {{"vae", m_cfg.toJson()}};
        return {};
    }

    Status load(const stdfs::path &dir, const nlohmann::json &state) override {
        Status st = io::loadModule(*m_vae, fs::u8string(dir / "vae.safetensors"));
        if (!st) return st;
        st = loadOptimizer(*m_opt, fs::u8string(dir / "optimizer.pt"), m_device);
        if (!st) return st;
        if (state.contains("scaler")) m_scaler.setState(state["scaler"]);
        return {};
    }

    Status preview(const TrainData &data, const stdfs::path &dir, long long) override {
        torch::NoGradGuard ng;
        m_vae->eval();
        auto x = melBatch(data, {0}).to(m_device);
        auto mu = m_vae->encode(x).first;
        auto recon = m_vae->decode(mu);
        Status st = saveMel(fs::u8string(dir / "target_mel.safetensors"), x[0][0]);
        if (st) st = saveMel(fs::u8string(dir / "output_mel.safetensors"), recon[0][0]);
        m_vae->train();
        return st;
    }

    nlohmann::json recipe() const override {
        return {{"batch", m_batch}, {"lr", m_lr}, {"optimizer", "AdamW"}, {"weight_decay", m_wd},
                {"loss", "mse + l1 + kl_weight * kl"}, {"kl_start", m_klStart}, {"kl_end", m_klEnd},
                {"kl_anneal_epochs", m_klEpochs}, {"kl_reduction", m_klReduction}, {"grad_clip", m_clip},
                {"mixed_precision", m_useAmp ? "fp16 autocast + loss scaling" : "fp32"},
                {"config", {{"vae", m_cfg.toJson()}}}};
    }
    nlohmann::json flags() const override {
        return {{"lr", m_lr}, {"weight-decay", m_wd}, {"kl-start", m_klStart}, {"kl-end", m_klEnd},
                {"kl-anneal-epochs", m_klEpochs}, {"kl-reduction", m_klReduction}, {"grad-clip", m_clip}};
    }
    std::string component() const override { return "vae"; }

private:
    VaeConfig m_cfg;
    int m_batch = 32;
    double m_lr = 1e-4, m_wd = 0.01, m_klStart = 1e-4, m_klEnd = 1e-3, m_klEpochs = 20, m_clip = 0, m_kw = 0;
    std::string m_klReduction = "mean", m_amp = "auto";
    bool m_useAmp = false;
    torch::Device m_device = torch::kCPU;
    KickVAE m_vae{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_opt;
    GradScaler m_scaler{false};
};

} // namespace

std::unique_ptr<Trainer> makeVaeTrainer() { return std::make_unique<VaeTrainer>(); }

} // namespace ms::jobs::kick
