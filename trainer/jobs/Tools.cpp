// export (run folders -> model package) and bench-train (one training step
// per model at the document's batch sizes).
#include "jobs/Train.h"
#include "jobs/TrainLoop.h"

#include "cli/Args.h"
#include "device/Device.h"
#include "io/TensorIO.h"
#include "models/kick/Package.h"
#include "util/Fs.h"

#include <chrono>
#include <cstdio>
#include <sstream>

namespace ms::jobs {

namespace {

using namespace ms::models::kick;

Result<nlohmann::json> stateConfig(const CheckpointRef &ref, const char *key, const std::string &flag) {
    if (!ref.state.contains("config") || !ref.state["config"].contains(key))
        return fail(flag + ": checkpoint " + ref.dir + " has no '" + key + "' config (wrong kind of run?)");
    return ref.state["config"][key];
}

std::string lastLosses(const std::string &runDir) {
    if (runDir.empty()) return "n/a";
    auto snap = RunReader::read(runDir);
    if (!snap || snap->metrics.empty()) return "n/a";
    return snap->metrics.back().value("loss", nlohmann::json::object()).dump();
}

std::string cardText(const CheckpointRef &vae, const CheckpointRef &diff, const CheckpointRef *voc,
                     const KickModelConfig &cfg) {
    std::ostringstream o;
    auto dataset = [](const CheckpointRef &r) {
        return r.run.is_object() && r.run.contains("dataset") ? r.run["dataset"].dump() : std::string("unknown");
    };
    o << "# kick-ldm model\n\nExported by melstudio-cli " << MELSTUDIO_VERSION << " export.\n\n"
      << "## Data\n\n" << dataset(diff) << "\n\n"
      << "## Components\n\n"
      << "- VAE: " << vae.dir << " (step " << vae.step << "), last losses " << lastLosses(vae.runDir) << "\n"
      << "- UNet + text encoder (EMA weights): " << diff.dir << " (step " << diff.step << "), last losses "
      << lastLosses(diff.runDir) << "\n";
    if (voc) o << "- Vocoder: " << voc->dir << " (step " << voc->step << "), last losses " << lastLosses(voc->runDir) << "\n";
    else o << "- Vocoder: none (Griffin-Lim is used)\n";
    o << "\nlatent_scale " << cfg.latentScale << ", vocabulary " << cfg.vocab.size() << " keywords.\n\n## Recipes\n\n";
    for (const CheckpointRef *r : {&vae, &diff, voc})
        if (r && r->run.is_object() && r->run.contains("recipe")) {
            auto rec = r->run["recipe"];
            rec.erase("config");
            o << "- " << r->run.value("job", std::string("?")) << ": " << rec.dump() << "\n";
        }
    return o.str();
}

} // namespace

Status exportPackage(const ExportParams &p) {
    if (p.vaeRun.empty() || p.diffusionRun.empty() || p.out.empty())
        return fail("export needs --vae RUN, --diffusion RUN and --out PACKAGE_DIR");
    std::error_code ec;
    if (stdfs::exists(fs::u8path(p.out), ec) && !p.overwrite)
        return fail(p.out + " already exists; pass --overwrite to replace it");
    auto vae = RunReader::resolveCheckpoint(p.vaeRun, p.vaeStep);
    if (!vae) return fail("--vae: " + vae.error());
    auto diff = RunReader::resolveCheckpoint(p.diffusionRun, p.diffusionStep);
    if (!diff) return fail("--diffusion: " + diff.error());
    std::optional<CheckpointRef> voc;
    if (!p.vocoderRun.empty()) {
        auto v = RunReader::resolveCheckpoint(p.vocoderRun, p.vocoderStep);
        if (!v) return fail("--vocoder: " + v.error());
        voc = std::move(*v);
    }
    KickModelConfig cfg;
    try {
        auto vc = stateConfig(*vae, "vae", "--vae");
        if (!vc) return fail(vc.error());
        cfg.vae = VaeConfig::fromJson(*vc);
        for (const char *k : {"unet", "text", "diffusion", "vae"}) {
            auto c = stateConfig(*diff, k, "--diffusion");
            if (!c) return fail(c.error());
        }
        cfg.unet = UNetConfig::fromJson(diff->state["config"]["unet"]);
        cfg.text = TextConfig::fromJson(diff->state["config"]["text"]);
        cfg.diffusion = DiffusionConfig::fromJson(diff->state["config"]["diffusion"]);
        if (VaeConfig::fromJson(diff->state["config"]["vae"]).toJson() != cfg.vae.toJson())
            return fail("the diffusion run was trained on latents of a VAE with another configuration than " + vae->dir);
        if (diff->state.value("vae_source", std::string()).find(vae->dir) == std::string::npos)
            std::fprintf(stderr, "export: warning: the diffusion run used VAE '%s', exporting VAE %s\n",
                         diff->state.value("vae_source", std::string("?")).c_str(), vae->dir.c_str());
        auto vocabText = fs::readFile(fs::u8path(diff->dir) / "vocab.json");
        if (!vocabText) return fail(vocabText.error());
        cfg.vocab = Vocab::fromJson(nlohmann::json::parse(*vocabText));
        // The package's latent_scale is the latents' std, which runs record as latent_std;
        // runs before that recorded its reciprocal as latent_scale.
        cfg.latentScale = diff->state.contains("latent_std") ? diff->state.value("latent_std", 1.0)
                                                             : 1.0 / diff->state.value("latent_scale", 1.0);
        cfg.preset = diff->run.is_object() ? diff->run.value("preset", std::string("paper")) : std::string("paper");
        if (voc) {
            auto c = stateConfig(*voc, "vocoder", "--vocoder");
            if (!c) return fail(c.error());
            cfg.vocoder = VocoderConfig::fromJson(*c);
        }
    } catch (const std::exception &e) {
        return fail(std::string("export: bad checkpoint metadata: ") + e.what());
    }
    std::string bad = cfg.validate();
    if (!bad.empty()) return fail("export: inconsistent components: " + bad);

    KickPackage pkg = KickPackage::create(cfg, torch::kCPU, 0);
    auto load = [](torch::nn::Module &m, const std::string &dir, const char *file) {
        return io::loadModule(m, fs::u8string(fs::u8path(dir) / file));
    };
    Status st = load(*pkg.vae, vae->dir, "vae.safetensors");
    if (st) st = load(*pkg.unet, diff->dir, "unet_ema.safetensors");
    if (st) st = load(*pkg.text, diff->dir, "text_ema.safetensors");
    if (st && voc) st = load(*pkg.vocoder, voc->dir, "generator.safetensors");
    if (!st) return st;
    pkg.card = cardText(*vae, *diff, voc ? &*voc : nullptr, cfg);
    return saveKickPackage(pkg, p.out, false, p.half);
}

// ---------------------------------------------------------------- bench

Result<std::vector<std::string>> benchTrain(const BenchTrainParams &p) {
    device::configureThreads(p.threads);
    std::string devErr;
    const std::string devName = device::resolve(p.device, &devErr);
    if (!devErr.empty()) std::fprintf(stderr, "bench-train: %s\n", devErr.c_str());
    const torch::Device device(devName);
    std::vector<std::string> kinds = p.only.empty() ? std::vector<std::string>{"vae", "diffusion", "vocoder"} : p.only;
    std::vector<std::string> lines;
    for (const auto &kind : kinds) {
        std::unique_ptr<Trainer> tr;
        std::vector<std::string> argv{"--preset", p.preset};
        if (kind == "vae") tr = makeVaeTrainer();
        else if (kind == "diffusion") {
            tr = makeDiffusionTrainer();
            argv.insert(argv.end(), {"--vae", "random"});
        } else if (kind == "vocoder") tr = makeVocoderTrainer();
        else return fail("bench-train: unknown model '" + kind + "'");
        cli::Args args(argv);
        CommonOptions c;
        c.kind = kind;
        c.preset = p.preset;
        Status st = tr->configure(args, c);
        if (!st) return fail("bench-train " + kind + ": " + st.error());
        const size_t n = size_t(tr->samplesPerStep());
        auto data = syntheticTrainData(n, 7, kind == "vocoder");
        st = tr->build(*data, device, nullptr);
        if (!st) return fail("bench-train " + kind + ": " + st.error());
        std::vector<size_t> idx(n);
        for (size_t i = 0; i < n; ++i) idx[i] = i;
        torch::manual_seed(1);
        double ms = 0;
        try {
            for (int i = 0; i < p.warmup; ++i) tr->step(*data, idx, i, 0.0);
            const auto t0 = std::chrono::steady_clock::now();
            for (int i = 0; i < p.iters; ++i) tr->step(*data, idx, p.warmup + i, 0.0);
            ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
                 std::max(1, p.iters);
        } catch (const std::exception &e) {
            std::string what = e.what();
            return fail("bench-train " + kind + ": " + what.substr(0, what.find('\n')));
        }
        nlohmann::json j = {{"name", "train_" + kind + "_step"}, {"ms", ms}, {"device", devName},
                            {"batch", c.batch}, {"samples_per_step", n}, {"samples_per_s", n * 1000.0 / ms},
                            {"preset", p.preset}, {"threads", device::threads()}, {"iters", p.iters},
                            {"thread_summary", device::threadSummary()}};
        if (kind == "diffusion") j["grad_accumulation"] = int(n) / std::max(1, c.batch);
        if (kind == "vocoder") j["segment"] = 8192;
        lines.push_back(j.dump());
    }
    return lines;
}

} // namespace ms::jobs
