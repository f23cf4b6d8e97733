// export (run folders -> model package) and bench-train (one training step
// per model at the document's batch sizes).
#include "jobs/Train.h"
#include "jobs/TrainLoop.h"

#include "cli/Args.h"
#include "device/Device.h"
#include "io/TensorIO.h"
#include "models/kick/Package.h"
#include "util/Fs.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <sstream>

#include <unistd.h>

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
      << "- VAE: " << vae.dir
      << (vae.step >= 0 ? " (step " + std::to_string(vae.step) + "), last losses " + lastLosses(vae.runDir)
                        : std::string(" (a package's VAE)"))
      << "\n"
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

// The VAE a diffusion checkpoint was trained with: the run checkpoint or the
// package its state records (runs from before those keys: parsed from
// vae_source). A package's VAE comes back as a reference with step -1.
Result<CheckpointRef> trainedWithVae(const CheckpointRef &diff) {
    std::string ckpt = diff.state.value("vae_checkpoint", std::string());
    std::string pkg = diff.state.value("vae_package", std::string());
    const std::string desc = diff.state.value("vae_source", std::string());
    const std::string runPrefix = "run checkpoint ", pkgPrefix = "package ";
    if (ckpt.empty() && pkg.empty()) {
        if (desc.rfind(runPrefix, 0) == 0) ckpt = desc.substr(runPrefix.size());
        else if (desc.rfind(pkgPrefix, 0) == 0) pkg = desc.substr(pkgPrefix.size());
        else return fail(diff.dir + " does not record the VAE it was trained with" +
                         (desc.empty() ? std::string() : " ('" + desc + "')") + "; pass --vae RUN");
    }
    if (!ckpt.empty()) {
        auto r = RunReader::resolveCheckpoint(ckpt);
        if (!r) return fail("the diffusion run was trained with the VAE checkpoint " + ckpt + ", which is gone (" +
                            r.error() + "); pass --vae RUN");
        return r;
    }
    auto text = fs::readFile(fs::u8path(pkg) / "model.json");
    if (!text) return fail("the diffusion run was trained with the VAE of the package " + pkg + ": " + text.error());
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.contains("components") || !j["components"].contains("vae"))
        return fail(pkg + "/model.json has no components.vae");
    CheckpointRef r;
    r.dir = pkg;
    r.state = {{"config", {{"vae", j["components"]["vae"]}}}};
    return r;
}

// The package of resolved checkpoints (voc may be null), written to `out`.
Status exportResolved(const CheckpointRef &diff, const CheckpointRef &vae, const CheckpointRef *voc,
                      const std::string &out, bool half, int melMatch = -1) {
    KickModelConfig cfg;
    try {
        auto vc = stateConfig(vae, "vae", "--vae");
        if (!vc) return fail(vc.error());
        cfg.vae = VaeConfig::fromJson(*vc);
        for (const char *k : {"unet", "text", "diffusion", "vae"}) {
            auto c = stateConfig(diff, k, "--diffusion");
            if (!c) return fail(c.error());
        }
        cfg.unet = UNetConfig::fromJson(diff.state["config"]["unet"]);
        cfg.text = TextConfig::fromJson(diff.state["config"]["text"]);
        cfg.diffusion = DiffusionConfig::fromJson(diff.state["config"]["diffusion"]);
        if (VaeConfig::fromJson(diff.state["config"]["vae"]).toJson() != cfg.vae.toJson())
            return fail("the diffusion run was trained on latents of a VAE with another configuration than " + vae.dir);
        if (diff.state.value("vae_source", std::string()).find(vae.dir) == std::string::npos)
            std::fprintf(stderr, "export: warning: the diffusion run used VAE '%s', exporting VAE %s\n",
                         diff.state.value("vae_source", std::string("?")).c_str(), vae.dir.c_str());
        auto vocabText = fs::readFile(fs::u8path(diff.dir) / "vocab.json");
        if (!vocabText) return fail(vocabText.error());
        cfg.vocab = Vocab::fromJson(nlohmann::json::parse(*vocabText));
        // The package's latent_scale is the latents' std, which runs record as latent_std;
        // runs before that recorded its reciprocal as latent_scale.
        cfg.latentScale = diff.state.contains("latent_std") ? diff.state.value("latent_std", 1.0)
                                                            : 1.0 / diff.state.value("latent_scale", 1.0);
        cfg.preset = diff.run.is_object() ? diff.run.value("preset", std::string("paper")) : std::string("paper");
        if (voc) {
            auto c = stateConfig(*voc, "vocoder", "--vocoder");
            if (!c) return fail(c.error());
            cfg.vocoder = VocoderConfig::fromJson(*c);
            if (melMatch >= 0) cfg.vocoder->melMatch = melMatch;
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
    Status st = load(*pkg.vae, vae.dir, "vae.safetensors");
    if (st) st = load(*pkg.unet, diff.dir, "unet_ema.safetensors");
    if (st) st = load(*pkg.text, diff.dir, "text_ema.safetensors");
    if (st && voc) st = load(*pkg.vocoder, voc->dir, "generator.safetensors");
    if (!st) return st;
    pkg.card = cardText(vae, diff, voc, cfg);
    return saveKickPackage(pkg, out, false, half);
}

} // namespace

// A copy of the package `dir` whose vocoder is the generator of vocoderRun's
// checkpoint `step` (-1: newest), written to outDir, or when that is empty
// (float32) into scratchDir/<package>+<run>@<step>. melMatch >= 0 sets the
// vocoder's mel matching passes.
static Result<std::string> withVocoder(const std::string &dir, const std::string &vocoderRun,
                                       const std::string &scratchDir, std::string *note,
                                       const std::string &outDir = {}, long long step = -1, int melMatch = -1,
                                       bool half = false);

Status exportPackage(const ExportParams &p) {
    if ((p.diffusionRun.empty() && p.package.empty()) || p.out.empty())
        return fail("export needs --diffusion RUN (or --package PKG --vocoder RUN) and --out PACKAGE_DIR");
    std::error_code ec;
    if (stdfs::exists(fs::u8path(p.out), ec) && !p.overwrite)
        return fail(p.out + " already exists; pass --overwrite to replace it");
    if (!p.package.empty()) {
        if (!p.diffusionRun.empty() || !p.vaeRun.empty())
            return fail("--package takes the VAE and UNet from the package: no --diffusion or --vae with it");
        if (p.vocoderRun.empty()) return fail("--package needs --vocoder RUN (the vocoder it gets)");
        if (stdfs::equivalent(fs::u8path(p.package), fs::u8path(p.out), ec))
            return fail("--out must be another folder than --package " + p.package);
        auto r = withVocoder(p.package, p.vocoderRun, {}, nullptr, p.out, p.vocoderStep, p.melMatch, p.half);
        if (!r) return fail(r.error());
        return {};
    }
    auto diff = RunReader::resolveCheckpoint(p.diffusionRun, p.diffusionStep);
    if (!diff) return fail("--diffusion: " + diff.error());
    if (!diff->state.contains("config") || !diff->state["config"].contains("unet"))
        return fail(diff->dir + " is not a diffusion checkpoint (its state.json has no UNet config)");
    auto vae = p.vaeRun.empty() ? trainedWithVae(*diff) : RunReader::resolveCheckpoint(p.vaeRun, p.vaeStep);
    if (!vae) return fail("--vae: " + vae.error());
    std::optional<CheckpointRef> voc;
    if (!p.vocoderRun.empty()) {
        auto v = RunReader::resolveCheckpoint(p.vocoderRun, p.vocoderStep);
        if (!v) return fail("--vocoder: " + v.error());
        voc = std::move(*v);
    }
    return exportResolved(*diff, *vae, voc ? &*voc : nullptr, p.out, p.half, p.melMatch);
}

static Result<std::string> withVocoder(const std::string &dir, const std::string &vocoderRun,
                                       const std::string &scratchDir, std::string *note,
                                       const std::string &outDir, long long step, int melMatch, bool half) {
    if (scratchDir.empty() && outDir.empty())
        return fail("cannot create a temporary folder to assemble " + dir + " in");
    auto voc = RunReader::resolveCheckpoint(vocoderRun, step);
    if (!voc) return fail("--vocoder-run: " + voc.error());
    auto vc = stateConfig(*voc, "vocoder", "--vocoder-run");
    if (!vc) return fail(vc.error());
    auto pkg = loadKickPackage(dir);
    if (!pkg) return fail(pkg.error());
    try {
        pkg->config.vocoder = VocoderConfig::fromJson(*vc);
        if (melMatch >= 0) pkg->config.vocoder->melMatch = melMatch;
    } catch (const std::exception &e) {
        return fail("--vocoder-run: bad vocoder config in " + voc->dir + ": " + e.what());
    }
    const std::string bad = pkg->config.validate();
    if (!bad.empty()) return fail("the vocoder of " + voc->dir + " does not fit the package " + dir + ": " + bad);
    pkg->vocoder = models::vocoder::makeGenerator(*pkg->config.vocoder);
    Status st = io::loadModule(*pkg->vocoder, fs::u8string(fs::u8path(voc->dir) / "generator.safetensors"));
    if (!st) return fail("--vocoder-run: " + st.error());
    auto name = [](const std::string &d) {
        std::string n = fs::u8string(fs::u8path(d).lexically_normal().filename());
        return n.empty() ? fs::u8string(fs::u8path(d).lexically_normal().parent_path().filename()) : n;
    };
    const std::string runName = name(voc->runDir.empty() ? voc->dir : voc->runDir);
    const std::string out = !outDir.empty() ? outDir
                            : fs::u8string(fs::u8path(scratchDir) /
                                           (name(dir) + "+" + runName + "@" + std::to_string(voc->step)));
    pkg->card += "\n\nVocoder replaced by the generator of " + voc->dir + " (step " + std::to_string(voc->step) +
                 ").\n";
    st = saveKickPackage(*pkg, out, false, half);
    if (!st) return fail(st.error());
    if (note) *note = "package " + dir + " with the vocoder " + voc->dir;
    return out;
}

Result<std::string> inferenceModel(const std::string &dir, const std::string &vocoderRun,
                                   const std::string &scratchDir, std::string *note) {
    if (note) note->clear();
    std::error_code ec;
    const stdfs::path root = fs::u8path(dir);
    if (stdfs::exists(root / "model.json", ec)) {
        if (vocoderRun.empty()) return dir;
        return withVocoder(dir, vocoderRun, scratchDir, note);
    }
    if (!stdfs::exists(root, ec)) return fail(dir + " does not exist");
    auto diff = RunReader::resolveCheckpoint(dir);
    if (!diff)
        return fail(dir + " is neither a model package (no model.json) nor a training run: " + diff.error());
    if (!diff->state.contains("config") || !diff->state["config"].contains("unet")) {
        const std::string job = diff->run.is_object() ? diff->run.value("job", std::string("?")) : std::string("?");
        return fail(dir + " is a " + job + " run; --model takes a package or a diffusion run");
    }
    if (scratchDir.empty()) return fail("cannot create a temporary folder to assemble " + dir + " in");
    const std::string from = diff->runDir.empty() ? diff->dir : diff->runDir;
    std::string name = fs::u8string(fs::u8path(from).lexically_normal().filename());
    if (name.empty()) name = "run";
    const std::string out = fs::u8string(fs::u8path(scratchDir) / (name + "@" + std::to_string(diff->step)));
    auto vae = trainedWithVae(*diff);
    if (!vae) return fail(dir + ": " + vae.error());
    std::optional<CheckpointRef> voc;
    if (!vocoderRun.empty()) {
        auto v = RunReader::resolveCheckpoint(vocoderRun);
        if (!v) return fail("--vocoder-run: " + v.error());
        voc = std::move(*v);
    }
    Status st = exportResolved(*diff, *vae, voc ? &*voc : nullptr, out, false);
    if (!st) return fail(dir + ": " + st.error());
    if (note)
        *note = "diffusion checkpoint " + diff->dir + " (EMA weights) with the VAE " + vae->dir +
                (voc ? " and the vocoder " + voc->dir : std::string(" and Griffin-Lim"));
    return out;
}

ScratchDir::ScratchDir(const std::string &prefix) {
    std::error_code ec;
    const stdfs::path base = stdfs::temp_directory_path(ec);
    if (ec || base.empty()) return;   // path() stays empty: callers report it
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100 && m_path.empty(); ++attempt) {
        const stdfs::path p = base / (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        if (stdfs::create_directory(p, ec)) m_path = fs::u8string(p);
    }
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    if (!m_path.empty()) stdfs::remove_all(fs::u8path(m_path), ec);
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
        if (kind == "vae") tr = kick::makeVaeTrainer();
        else if (kind == "diffusion") {
            tr = kick::makeDiffusionTrainer();
            argv.insert(argv.end(), {"--vae", "random"});
        } else if (kind == "vocoder") tr = vocoder::makeVocoderTrainer();
        else if (kind == "vocoder_istft" || kind == "vocoder_istft_gan") {
            // The iSTFT vocoder's spectral-loss step (the warm-up) and its GAN step.
            tr = vocoder::makeVocoderTrainer();
            argv.insert(argv.end(), {"--arch", "istft", "--disc-start", kind == "vocoder_istft" ? "1000000000" : "0"});
        } else return fail("bench-train: unknown model '" + kind + "'");
        cli::Args args(argv);
        CommonOptions c;
        c.kind = kind;
        c.preset = p.preset;
        Status st = tr->configure(args, c);
        if (!st) return fail("bench-train " + kind + ": " + st.error());
        const size_t n = size_t(tr->samplesPerStep());
        const bool vocoderKind = kind.rfind("vocoder", 0) == 0;
        auto data = syntheticTrainData(n, 7, vocoderKind);
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
        if (vocoderKind) j["segment"] = args.getInt("segment", kind == "vocoder" ? 8192 : 16384);
        lines.push_back(j.dump());
    }
    return lines;
}

} // namespace ms::jobs
