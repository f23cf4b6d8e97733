// train diffusion: design document 004 "Diffusion Model Training". Latents are
// pre-encoded once with the frozen VAE encoder (mu) and cached in the run
// folder; the UNet predicts eps on z / latent_std (the std of the latents, the
// number a package stores as latent_scale); linear betas 1e-4..0.02 over 1000
// steps, AdamW 1e-4, batch 16 x gradient accumulation 2, EMA 0.9999 (with
// warm-up), 15% keyword dropout.
#include "jobs/TrainLoop.h"

#include "jobs/Recipe.h"

#include "cli/Args.h"
#include "io/TensorIO.h"
#include "models/kick/Config.h"
#include "models/kick/Diffusion.h"
#include "models/kick/UNet.h"
#include "models/kick/Vae.h"
#include "models/kick/Vocab.h"
#include "util/Fs.h"

namespace ms::jobs::kick {

namespace {

using namespace ms::models::kick;

struct VaeSource {
    KickVAE vae{nullptr};
    VaeConfig config;
    std::string description;
    std::string checkpoint;   // absolute checkpoint folder ("" for a package)
    std::string package;      // absolute package folder ("" for a run checkpoint)
};

// A frozen VAE from a model package (model.json + vae.safetensors), a VAE run
// folder (newest checkpoint) or a VAE checkpoint folder.
Result<VaeSource> loadVaeSource(const std::string &path, torch::Device device) {
    const stdfs::path root = fs::u8path(path);
    std::error_code ec;
    VaeSource out;
    std::string weights;
    try {
        if (stdfs::exists(root / "model.json", ec)) {
            auto text = fs::readFile(root / "model.json");
            if (!text) return fail(text.error());
            auto j = nlohmann::json::parse(*text);
            if (!j.contains("components") || !j["components"].contains("vae"))
                return fail(path + "/model.json has no components.vae");
            out.config = VaeConfig::fromJson(j["components"]["vae"]);
            weights = fs::u8string(root / "vae.safetensors");
            out.description = "package " + path;
            out.package = fs::u8string(stdfs::absolute(root, ec).lexically_normal());
        } else {
            auto ref = RunReader::resolveCheckpoint(path);
            if (!ref) return fail("--vae: " + ref.error());
            if (!ref->state.contains("config") || !ref->state["config"].contains("vae"))
                return fail("--vae: checkpoint " + ref->dir + " has no VAE config (is it a VAE run?)");
            out.config = VaeConfig::fromJson(ref->state["config"]["vae"]);
            weights = fs::u8string(fs::u8path(ref->dir) / "vae.safetensors");
            out.description = "run checkpoint " + ref->dir;
            out.checkpoint = fs::u8string(stdfs::absolute(fs::u8path(ref->dir), ec).lexically_normal());
        }
    } catch (const std::exception &e) {
        return fail("--vae " + path + ": " + e.what());
    }
    out.vae = KickVAE(out.config);
    Status st = io::loadModule(*out.vae, weights);
    if (!st) return fail("--vae: " + st.error());
    out.vae->to(device);
    out.vae->eval();
    for (auto &p : out.vae->parameters()) p.set_requires_grad(false);
    return out;
}

class DiffusionTrainer : public Trainer {
public:
    Status configure(const cli::Args &a, CommonOptions &c) override {
        m_batch = c.batch > 0 ? c.batch : 16;
        c.batch = m_batch;
        m_accum = std::max(1, a.getInt("accum", 2));
        m_lr = a.getDouble("lr", 1e-4);
        m_wd = a.getDouble("weight-decay", 0.01);
        m_emaDecay = a.getDouble("ema", 0.9999);
        m_emaWarmup = a.get("ema-warmup", "on") != "off";
        m_cfgDrop = a.getDouble("cfg-dropout", 0.15);
        m_minCount = a.getInt("min-count", 5);
        m_clip = a.getDouble("grad-clip", 0.0);
        m_vaeSource = a.get("vae");
        // Recorded absolute, so that a resume from another folder finds the same VAE.
        if (m_vaeSource != "random") m_vaeSource = absolutePath(m_vaeSource);
        m_diff.timesteps = a.getInt("timesteps", 1000);
        m_diff.betaStart = a.getDouble("beta-start", 1e-4);
        m_diff.betaEnd = a.getDouble("beta-end", 0.02);
        m_amp = c.amp;
        m_preset = c.preset;
        if (m_vaeSource.empty())
            return fail("--vae RUN_OR_PACKAGE is required (a VAE run folder, checkpoint folder or model package)");
        try {
            m_unetCfg = UNetConfig::preset(c.preset);
            m_textCfg = TextConfig::preset(c.preset);
        } catch (const std::exception &e) {
            return fail("--preset " + c.preset + ": " + e.what());
        }
        return {};
    }

    Status build(const TrainData &data, torch::Device device, RunFolder *run) override {
        m_device = device;
        m_schedule = std::make_unique<NoiseSchedule>(m_diff, device);
        if (m_vaeSource == "random") {
            // Benchmarks only: an untrained VAE of the preset.
            m_vaeCfg = VaeConfig::preset(m_preset);
            m_vae = KickVAE(m_vaeCfg);
            m_vae->to(device);
            m_vaeDesc = "random " + m_preset;
        } else {
            auto vae = loadVaeSource(m_vaeSource, device);
            if (!vae) return fail(vae.error());
            m_vae = vae->vae;
            m_vaeCfg = vae->config;
            m_vaeDesc = vae->description;
            m_vaeCheckpoint = vae->checkpoint;
            m_vaePackage = vae->package;
        }
        m_vae->eval();
        Status st = encodeLatents(data, run);
        if (!st) return st;

        // Vocabulary: from the dataset keywords; a resumed run keeps its own.
        const stdfs::path vocabPath = run ? run->dir() / "vocab.json" : stdfs::path();
        std::error_code ec;
        if (run && stdfs::exists(vocabPath, ec)) {
            auto text = fs::readFile(vocabPath);
            if (!text) return fail(text.error());
            m_vocab = Vocab::fromJson(nlohmann::json::parse(*text));
        } else {
            std::vector<std::vector<std::string>> lists(data.size());
            for (size_t i = 0; i < data.size(); ++i) lists[i] = data.keywords(i);
            m_vocab = Vocab::build(lists, m_minCount);
            if (run) {
                st = fs::writeFileAtomic(vocabPath, m_vocab.toJson().dump() + "\n");
                if (!st) return st;
            }
        }
        m_ids.resize(data.size());
        for (size_t i = 0; i < data.size(); ++i) m_ids[i] = m_vocab.encode(data.keywords(i));

        m_textCfg.vocabSize = std::max(1, m_vocab.size());
        m_unet = LatentUNet(m_unetCfg);
        m_text = KeywordEncoder(m_textCfg);
        m_emaUnet = LatentUNet(m_unetCfg);
        m_emaText = KeywordEncoder(m_textCfg);
        for (torch::nn::Module *m : std::vector<torch::nn::Module *>{m_unet.get(), m_text.get(), m_emaUnet.get(), m_emaText.get()})
            m->to(device);
        copyModule(*m_emaUnet, *m_unet);
        copyModule(*m_emaText, *m_text);
        m_emaUnet->eval();
        m_emaText->eval();
        auto params = parametersOf({m_unet.get(), m_text.get()});
        m_opt = std::make_unique<torch::optim::AdamW>(params, torch::optim::AdamWOptions(m_lr).weight_decay(m_wd));
        m_ema = std::make_unique<Ema>(m_emaDecay, m_emaWarmup);
        m_useAmp = device.is_cuda() && m_amp != "off";
        m_scaler = GradScaler(m_useAmp);
        return {};
    }

    // Encodes every mel to mu once; cached as latents.safetensors in the run folder.
    Status encodeLatents(const TrainData &data, RunFolder *run) {
        const stdfs::path cache = run ? run->dir() / "latents.safetensors" : stdfs::path();
        std::error_code ec;
        if (run && stdfs::exists(cache, ec)) {
            auto t = io::loadTensors(fs::u8string(cache));
            if (t && t->count("latents") && t->at("latents").size(0) == int64_t(data.size())) {
                m_latents = t->at("latents").to(m_device);
                m_latentStd = m_latents.std().item<double>();
                return {};
            }
        }
        torch::NoGradGuard ng;
        std::vector<torch::Tensor> parts;
        const size_t chunk = 64;
        for (size_t s = 0; s < data.size(); s += chunk) {
            std::vector<size_t> idx;
            for (size_t i = s; i < std::min(data.size(), s + chunk); ++i) idx.push_back(i);
            parts.push_back(m_vae->encode(melBatch(data, idx).to(m_device)).first.to(torch::kFloat));
        }
        m_latents = torch::cat(parts, 0).contiguous();
        if (!torch::isfinite(m_latents).all().item<bool>())
            return fail("the VAE (" + m_vaeDesc + ") gives non-finite latents for this dataset");
        const double sd = m_latents.std().item<double>();
        if (!(sd > 0)) return fail("the VAE latents have zero spread; is the VAE trained?");
        m_latentStd = sd;
        if (run) {
            Status st = io::saveTensors(fs::u8string(cache), {{"latents", m_latents}},
                                        {{"vae", m_vaeDesc}, {"latent_std", std::to_string(m_latentStd)}});
            if (!st) return st;
            run->log("encoded " + std::to_string(data.size()) + " latents with the frozen VAE encoder; latent_std " +
                     std::to_string(m_latentStd));
        }
        return {};
    }

    int samplesPerStep() const override { return m_batch * m_accum; }
    int microBatches() const override { return m_accum; }

    std::map<std::string, double> step(const TrainData &, const std::vector<size_t> &idx, long long,
                                       double) override {
        m_unet->train();
        m_text->train();
        m_opt->zero_grad();
        double total = 0;
        for (int k = 0; k < m_accum; ++k) {
            std::vector<int64_t> rowsIdx;
            std::vector<std::vector<int64_t>> rows;
            // Every random draw is made for the global batch and this rank keeps its rows.
            auto drop = mine(torch::rand({global(m_batch)}));
            for (int b = 0; b < m_batch; ++b) {
                const size_t i = idx[size_t(k * m_batch + b)];
                rowsIdx.push_back(int64_t(i));
                rows.push_back(drop[b].item<float>() < m_cfgDrop ? std::vector<int64_t>{} : m_ids[i]);
            }
            auto sel = torch::tensor(rowsIdx, torch::kLong).to(m_device);
            auto x0 = m_latents.index_select(0, sel) * latentScale();
            auto nshape = x0.sizes().vec();
            nshape[0] = global(nshape[0]);
            auto noise = mine(torch::randn(nshape, x0.options()));
            auto t = mine(torch::randint(0, m_diff.timesteps, {global(m_batch)}, torch::kLong)).to(m_device);
            auto xt = m_schedule->addNoise(x0, noise, t);
            auto ids = KeywordEncoderImpl::padIds(rows).to(m_device);
            torch::Tensor loss;
            {
                AutocastScope ac(m_useAmp);
                auto cond = m_text->forward(ids);
                auto eps = m_unet->forward(xt, t, cond);
                loss = torch::mse_loss(eps.to(torch::kFloat), noise);
            }
            loss = checkLoss(loss, "diffusion");
            total += loss.item<double>() / m_accum;
            m_scaler.scale(loss / m_accum).backward();
        }
        auto params = parametersOf({m_unet.get(), m_text.get()});
        syncGradients(params);
        const bool ok = m_scaler.unscale(params);
        if (ok) {
            if (m_clip > 0) torch::nn::utils::clip_grad_norm_(params, m_clip);
            m_opt->step();
            m_ema->update(*m_emaUnet, *m_unet);
            m_ema->update(*m_emaText, *m_text);
            m_ema->tick();
        }
        m_scaler.update(ok);
        return {{"mse", total}, {"ema_decay", m_ema->currentDecay()}};
    }

    double learningRate() const override { return m_lr; }
    bool weightsFinite() const override { return moduleFinite(*m_unet) && moduleFinite(*m_text); }
    std::vector<torch::Tensor> syncedTensors() const override {
        return tensorsOf({m_unet.get(), m_text.get(), m_emaUnet.get(), m_emaText.get()});
    }

    Status save(const stdfs::path &dir, nlohmann::json &state) const override {
        auto p = [&](const char *n) { return fs::u8string(dir / n); };
        Status st = io::saveModule(*m_unet, p("unet.safetensors"));
        if (st) st = io::saveModule(*m_text, p("text.safetensors"));
        if (st) st = io::saveModule(*m_emaUnet, p("unet_ema.safetensors"));
        if (st) st = io::saveModule(*m_emaText, p("text_ema.safetensors"));
        if (st) st = saveOptimizer(*m_opt, p("optimizer.pt"));
        if (st) st = fs::writeFileAtomic(dir / "vocab.json", m_vocab.toJson().dump() + "\n");
        if (!st) return st;
        state["scheduler"] = {{"type", "constant"}, {"lr", m_lr}};
        state["ema"] = {{"decay", m_emaDecay}, {"warmup", m_emaWarmup}, {"updates", m_ema->updates()},
                        {"current_decay", m_ema->currentDecay()}};
        state["scaler"] = m_scaler.state();
        state["latent_std"] = m_latentStd;
        state["vae_source"] = m_vaeDesc;
        // Where the VAE is, for `export` and `generate --model RUN` without --vae.
        if (!m_vaeCheckpoint.empty()) state["vae_checkpoint"] = m_vaeCheckpoint;
        if (!m_vaePackage.empty()) state["vae_package"] = m_vaePackage;
        state["config"] = {{"vae", m_vaeCfg.toJson()}, {"unet", m_unetCfg.toJson()}, {"text", m_textCfg.toJson()},
                           {"diffusion", m_diff.toJson()}};
        state["files"] = {"unet.safetensors", "text.safetensors", "unet_ema.safetensors", "text_ema.safetensors",
                          "optimizer.pt", "vocab.json", "rng.safetensors"};
        return {};
    }

    Status load(const stdfs::path &dir, const nlohmann::json &state) override {
        auto p = [&](const char *n) { return fs::u8string(dir / n); };
        Status st = io::loadModule(*m_unet, p("unet.safetensors"));
        if (st) st = io::loadModule(*m_text, p("text.safetensors"));
        if (st) st = io::loadModule(*m_emaUnet, p("unet_ema.safetensors"));
        if (st) st = io::loadModule(*m_emaText, p("text_ema.safetensors"));
        if (st) st = loadOptimizer(*m_opt, p("optimizer.pt"), m_device);
        if (!st) return st;
        if (state.contains("ema")) m_ema->setUpdates(state["ema"].value("updates", 0LL));
        if (state.contains("scaler")) m_scaler.setState(state["scaler"]);
        return {};
    }

    Status preview(const TrainData &data, const stdfs::path &dir, long long step) override {
        torch::NoGradGuard ng;
        auto ids = KeywordEncoderImpl::padIds({m_ids[0]}).to(m_device);
        auto cond = m_emaText->forward(ids);
        auto uncond = m_emaText->nullCond(1);
        auto gens = makeGenerators(uint64_t(step), 1);
        SampleOptions so;
        so.steps = 25;
        auto z = ddim(*m_emaUnet, *m_schedule, cond, uncond, {m_unetCfg.latentChannels, m_latents.size(2), m_latents.size(3)},
                      gens, so);
        auto mel = m_vae->decode(z / latentScale());
        Status st = saveMel(fs::u8string(dir / "target_mel.safetensors"), melBatch(data, {0})[0][0]);
        if (st) st = saveMel(fs::u8string(dir / "output_mel.safetensors"), mel[0][0]);
        if (st) {
            nlohmann::json info = {{"keywords", data.keywords(0)}, {"ddim_steps", so.steps}, {"guidance", so.guidance},
                                   {"seed", step}, {"weights", "ema"}};
            st = fs::writeFileAtomic(dir / "preview.json", info.dump(2) + "\n");
        }
        return st;
    }

    nlohmann::json recipe() const override {
        return {{"batch", m_batch}, {"grad_accumulation", m_accum}, {"lr", m_lr}, {"optimizer", "AdamW"},
                {"weight_decay", m_wd}, {"ema", m_emaDecay},
                {"ema_warmup", m_emaWarmup ? "decay_t = min(ema, (1+t)/(10+t))" : "off"},
                {"cfg_dropout", m_cfgDrop}, {"min_count", m_minCount}, {"grad_clip", m_clip},
                {"loss", "eps-prediction mse"}, {"vae", m_vaeDesc}, {"latent_std", m_latentStd},
                {"vocab_size", m_vocab.size()},
                {"mixed_precision", m_useAmp ? "fp16 autocast + loss scaling" : "fp32"},
                {"config", {{"unet", m_unetCfg.toJson()}, {"text", m_textCfg.toJson()}, {"diffusion", m_diff.toJson()},
                            {"vae", m_vaeCfg.toJson()}}}};
    }
    nlohmann::json flags() const override {
        return {{"accum", m_accum}, {"lr", m_lr}, {"weight-decay", m_wd}, {"ema", m_emaDecay},
                {"ema-warmup", m_emaWarmup ? "on" : "off"}, {"cfg-dropout", m_cfgDrop}, {"min-count", m_minCount},
                {"grad-clip", m_clip}, {"vae", m_vaeSource}, {"timesteps", m_diff.timesteps},
                {"beta-start", m_diff.betaStart}, {"beta-end", m_diff.betaEnd}};
    }
    std::string component() const override { return "unet"; }

private:
    UNetConfig m_unetCfg;
    TextConfig m_textCfg;
    VaeConfig m_vaeCfg;
    DiffusionConfig m_diff;
    int m_batch = 16, m_accum = 2, m_minCount = 5;
    double m_lr = 1e-4, m_wd = 0.01, m_emaDecay = 0.9999, m_cfgDrop = 0.15, m_clip = 0;
    double m_latentStd = 1;   // the latents' std
    // The factor the UNet's input latents are multiplied by.
    double latentScale() const { return 1.0 / m_latentStd; }
    bool m_emaWarmup = true, m_useAmp = false;
    std::string m_vaeSource, m_vaeDesc, m_vaeCheckpoint, m_vaePackage, m_preset, m_amp = "auto";
    torch::Device m_device = torch::kCPU;
    std::unique_ptr<NoiseSchedule> m_schedule;
    KickVAE m_vae{nullptr};
    torch::Tensor m_latents;
    Vocab m_vocab;
    std::vector<std::vector<int64_t>> m_ids;
    LatentUNet m_unet{nullptr}, m_emaUnet{nullptr};
    KeywordEncoder m_text{nullptr}, m_emaText{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_opt;
    std::unique_ptr<Ema> m_ema;
    GradScaler m_scaler{false};
};

} // namespace

std::unique_ptr<Trainer> makeDiffusionTrainer() { return std::make_unique<DiffusionTrainer>(); }

} // namespace ms::jobs::kick
