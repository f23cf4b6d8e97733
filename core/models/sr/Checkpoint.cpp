// AudioSR checkpoint import (see Checkpoint.h).
#include "models/sr/Checkpoint.h"

#include "io/TensorIO.h"
#include "io/TorchCheckpoint.h"
#include "util/Fs.h"

#include <filesystem>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <unordered_set>

namespace ms::models::sr {

using io::PyPtr;
using io::PyValue;

namespace {

bool startsWith(const std::string &s, const char *p) { return s.rfind(p, 0) == 0; }

std::string shapeText(c10::IntArrayRef s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
    return out + "]";
}

// What AudioSR stores that inference does not read, by group.
const char *ignoredGroup(const std::string &k, bool hasCondEncoder) {
    static const std::set<std::string> schedule{
        "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
        "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
        "posterior_variance", "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
        "logvar"};
    if (schedule.count(k)) return "schedule buffers (recomputed from the cosine schedule)";
    if (startsWith(k, "model_ema.")) return "model_ema.* (EMA copies; the checkpoint's main weights are used)";
    if (startsWith(k, "clap.") || startsWith(k, "cond_stage_models.0.clap") || startsWith(k, "clap_model."))
        return "CLAP (not used by super-resolution)";
    if (startsWith(k, "cond_stage_models.0.vae.")) {
        if (!hasCondEncoder) return "cond_stage_models.0.vae.* (this model encodes the condition with the first stage)";
        if (startsWith(k, "cond_stage_models.0.vae.decoder.") || startsWith(k, "cond_stage_models.0.vae.post_quant_conv.") ||
            startsWith(k, "cond_stage_models.0.vae.vocoder."))
            return "cond_stage_models.0.vae decoder, post_quant_conv and vocoder (only its encoder encodes the condition)";
    }
    return nullptr;
}

const char *freshGroup(const std::string &k) {
    if (startsWith(k, "global_encoder.")) return "global_encoder.* (document 000's encoder: not in AudioSR checkpoints)";
    if (k.find(".global_proj.") != std::string::npos || k.find(".global_attn.") != std::string::npos)
        return "global_proj / global_attn in every spatial transformer (output projection zero: AudioSR's result unchanged)";
    if (k == "scale_factor") return "scale_factor (the preset's value)";
    return nullptr;
}

void walkGlobals(const PyValue &root, std::vector<std::string> &bad) {
    std::unordered_set<const PyValue *> seen;
    std::vector<const PyValue *> stack{&root};
    while (!stack.empty()) {
        const PyValue *v = stack.back();
        stack.pop_back();
        if (!seen.insert(v).second) continue;
        if ((v->kind == PyValue::Kind::Global || v->kind == PyValue::Kind::Object) && !pickleGlobalAllowed(v->s))
            if (std::find(bad.begin(), bad.end(), v->s) == bad.end()) bad.push_back(v->s);
        for (const auto &c : v->items) stack.push_back(c.get());
        for (const auto &[k, x] : v->entries) {
            stack.push_back(k.get());
            stack.push_back(x.get());
        }
        if (v->state) stack.push_back(v->state.get());
    }
}

} // namespace

bool pickleGlobalAllowed(const std::string &name) {
    static const std::set<std::string> exact{
        "collections.OrderedDict", "collections.defaultdict", "builtins.dict", "builtins.list", "builtins.tuple",
        "builtins.set", "builtins.frozenset", "torch.Size", "torch.device", "torch.dtype",
        "numpy.core.multiarray.scalar", "numpy.core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype",
        "pathlib.PosixPath", "pathlib.WindowsPath", "argparse.Namespace", "_codecs.encode"};
    if (exact.count(name)) return true;
    // torch._utils rebuilders, torch.*Storage, torch.float32 and the like;
    // Lightning's own data classes (hyper-parameters, callbacks' state).
    for (const char *p : {"torch._utils._rebuild_", "pytorch_lightning.", "lightning.", "lightning_fabric."})
        if (startsWith(name, p)) return true;
    if (startsWith(name, "torch.") && (name.find("Storage") != std::string::npos || name.find('.', 6) == std::string::npos))
        return name != "torch.load" && name != "torch.save";
    return false;
}

std::string SrKeyReport::text() const {
    std::ostringstream o;
    o << "format " << format << ": " << loaded << " tensors loaded, " << missing.size() << " missing, "
      << unexpected.size() << " unexpected, " << mismatched.size() << " mis-shaped\n";
    auto list = [&](const char *what, const std::vector<std::string> &v, size_t max) {
        for (size_t i = 0; i < v.size() && i < max; ++i) o << "  " << what << ": " << v[i] << "\n";
        if (v.size() > max) o << "  " << what << ": ... and " << (v.size() - max) << " more\n";
    };
    list("missing", missing, 40);
    list("unexpected", unexpected, 40);
    list("mis-shaped", mismatched, 40);
    list("ignored", ignored, 100);
    list("fresh", fresh, 100);
    return o.str();
}

Result<SrKeyReport> loadSrCheckpoint(SrModelImpl &model, const std::string &path, const SrLoadOptions &options) {
    SrKeyReport report;
    std::map<std::string, torch::Tensor> file;
    const bool safetensors = path.size() > 12 && path.compare(path.size() - 12, 12, ".safetensors") == 0;
    PyPtr tree;   // keeps the mapped file alive while its tensors are views
    if (safetensors) {
        auto t = io::loadTensors(path);
        if (!t) return fail(t.error());
        file = std::move(*t);
        report.format = "safetensors";
    } else {
        auto parsed = io::loadTorchCheckpoint(path, io::TorchLoadOptions{/*viewsOfFile=*/true});
        if (!parsed) return fail(parsed.error());
        tree = *parsed;
        std::vector<std::string> bad;
        walkGlobals(*tree, bad);
        if (!bad.empty()) {
            std::string names;
            for (size_t i = 0; i < bad.size() && i < 5; ++i) names += (i ? ", " : "") + bad[i];
            return fail(path + ": refused: the pickle names globals a checkpoint has no reason to contain (" + names +
                       "); only tensors and plain containers are read");
        }
        const PyValue *sd = tree->get("state_dict");
        report.format = tree->get("pytorch-lightning_version") || tree->get("global_step") ? "lightning" : "torch.save";
        file = io::tensorEntries(sd ? *sd : *tree);
        if (file.empty()) return fail(path + ": no tensors found (expected a dict with \"state_dict\")");
    }

    // The model's tensors by name.
    std::map<std::string, torch::Tensor> own;
    for (const auto &p : model.named_parameters()) own[p.key()] = p.value();
    for (const auto &b : model.named_buffers()) own[b.key()] = b.value();
    const bool condEncoder = bool(model.cond_vae);

    std::set<std::string> ignoredGroups, freshGroups;
    std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;   // (destination, source)
    for (const auto &[k, t] : file) {
        auto it = own.find(k);
        if (it == own.end()) {
            if (const char *g = ignoredGroup(k, condEncoder)) ignoredGroups.insert(g);
            else report.unexpected.push_back(k);
            continue;
        }
        if (it->second.sizes() != t.sizes()) {
            report.mismatched.push_back(k + ": file " + shapeText(t.sizes()) + " vs model " + shapeText(it->second.sizes()));
            continue;
        }
        copies.emplace_back(it->second, t);
    }
    bool condFromFirstStage = false;
    for (const auto &[k, t] : own) {
        if (file.count(k)) continue;
        if (k.find("num_batches_tracked") != std::string::npos && startsWith(k, "global_encoder.")) continue;
        if (const char *g = freshGroup(k)) freshGroups.insert(g);
        else if (startsWith(k, "cond_stage_models.0.vae.")) condFromFirstStage = true;
        else report.missing.push_back(k);
    }
    if (condFromFirstStage) {
        // Without AudioSR's second VAE the first stage's encoder encodes the condition,
        // unless the file has some but not all of it.
        for (const auto &[k, t] : file)
            if (startsWith(k, "cond_stage_models.0.vae.encoder.") || startsWith(k, "cond_stage_models.0.vae.quant_conv."))
                return fail(path + ": the condition encoder (cond_stage_models.0.vae) is incomplete in the file\n" + report.text());
        freshGroups.insert("cond_stage_models.0.vae encoder: not in the file, the first stage's encoder is used");
        for (const auto &[k, t] : own) {
            if (!startsWith(k, "cond_stage_models.0.vae.")) continue;
            const std::string src = "first_stage_model." + k.substr(std::string("cond_stage_models.0.vae.").size());
            auto f = file.find(src);
            if (f != file.end() && f->second.sizes() == t.sizes()) copies.emplace_back(t, f->second);
            else report.missing.push_back(src + " (for the condition encoder)");
        }
    }
    report.ignored.assign(ignoredGroups.begin(), ignoredGroups.end());
    report.fresh.assign(freshGroups.begin(), freshGroups.end());
    if (!report.ok()) return fail(path + ": does not fit the " + model.config().presetName + " model\n" + report.text());

    torch::NoGradGuard ng;
    file.clear();   // `copies` holds what is used; the rest is released before copying
    const int64_t total = int64_t(copies.size());
    for (auto &[dst, src] : copies) {
        dst.copy_(src.to(dst.scalar_type()));
        src = torch::Tensor();   // a view of the map: nothing to free; a copy: freed after its last use
        ++report.loaded;
        if (options.progress && (report.loaded % 16 == 0 || report.loaded == total)) options.progress(report.loaded, total);
    }
    return report;
}

Status writeSrPackage(SrModelImpl &model, const std::string &dir, bool half, const std::string &source) {
    std::error_code ec;
    std::filesystem::create_directories(fs::u8path(dir), ec);
    if (ec) return fail(dir + ": cannot create the folder (" + ec.message() + ")");
    io::NamedTensors tensors;
    for (auto &[name, t] : io::stateDict(model)) {
        auto c = t.detach().to(torch::kCPU);
        if (half && c.is_floating_point() && c.dim() > 0) c = c.to(torch::kFloat16);
        tensors.emplace_back(name, c.contiguous());
    }
    if (auto st = io::saveTensors(dir + "/model.safetensors", tensors, {{"format", "pt"}, {"family", "sr"}}); !st) return st;
    nlohmann::json j = {{"family", "sr"},
                        {"version", 1},
                        {"preset", model.config().presetName},
                        {"components", model.config().toJson()},
                        {"sample_rate", model.config().mel.sampleRate},
                        {"weights_dtype", half ? "float16" : "float32"},
                        {"source", source}};
    return fs::writeFileAtomic(fs::u8path(dir + "/model.json"), j.dump(2) + "\n");
}

} // namespace ms::models::sr
