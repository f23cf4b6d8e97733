#include "models/kick/Import.h"

#include "io/TensorIO.h"
#include "io/TorchCheckpoint.h"
#include "models/kick/Package.h"

#include <cmath>
#include <cstring>
#include <sstream>

namespace ms::models::kick {

using io::PyPtr;
using io::PyValue;

namespace {

using State = std::map<std::string, torch::Tensor>;

// Drops wrappers' prefixes (torch.compile's "_orig_mod.", DataParallel's "module.").
State stripPrefixes(State s) {
    State out;
    for (auto &[k, v] : s) {
        std::string key = k;
        for (const char *p : {"_orig_mod.", "module."})
            if (key.rfind(p, 0) == 0) key = key.substr(std::strlen(p));
        out.emplace(key, v);
    }
    return out;
}

// torch.nn.utils.parametrizations.weight_norm keys -> torch.nn.utils.weight_norm names.
State mapWeightNormKeys(const State &s) {
    State out;
    const std::string pre = ".parametrizations.weight.original";
    for (const auto &[k, v] : s) {
        auto pos = k.find(pre);
        if (pos != std::string::npos && pos + pre.size() + 1 == k.size()) {
            const char which = k.back();
            out.emplace(k.substr(0, pos) + (which == '0' ? ".weight_g" : ".weight_v"), v);
        } else {
            out.emplace(k, v);
        }
    }
    return out;
}

const PyValue *firstOf(const PyValue &root, std::initializer_list<const char *> keys, std::string *which) {
    for (const char *k : keys)
        if (const PyValue *v = root.get(k); v && v->isDict()) {
            if (which) *which = k;
            return v;
        }
    return nullptr;
}

// A number of the pickled config; a missing or non-numeric one keeps the
// preset's value and says so.
double configNumber(const PyValue &config, const char *key, double fallback, const std::string &file,
                    std::vector<std::string> &warnings) {
    const PyValue *v = config.get(key);
    if (v && v->kind == PyValue::Kind::Int) return double(v->i);
    if (v && v->kind == PyValue::Kind::Float) return v->f;
    std::ostringstream w;
    w << file << ": its config has " << (v ? "a non-numeric" : "no") << " '" << key << "'; using the preset's "
      << fallback;
    warnings.push_back(w.str());
    return fallback;
}

} // namespace

Result<KwrImportResult> importKickWithReverb(const KwrImportOptions &o) {
    if (o.vaePath.empty() || o.diffusionPath.empty()) return fail("import: --vae and --diffusion are required");
    if (o.outDir.empty()) return fail("import: --out is required");

    auto vaeCk = io::loadTorchCheckpoint(o.vaePath);
    if (!vaeCk) return Error{vaeCk.error()};
    auto diffCk = io::loadTorchCheckpoint(o.diffusionPath);
    if (!diffCk) return Error{diffCk.error()};
    PyPtr vocCk;
    if (!o.vocoderPath.empty()) {
        auto v = io::loadTorchCheckpoint(o.vocoderPath);
        if (!v) return Error{v.error()};
        vocCk = *v;
    }

    KwrImportResult res;
    std::ostringstream rep;
    bool ok = true;

    // State dicts.
    std::string vaeKey, unetKey, textKey, vocKey;
    const PyValue *vaeSd = firstOf(**vaeCk, {"model_state_dict", "state_dict"}, &vaeKey);
    if (!vaeSd && (*vaeCk)->isDict()) { vaeSd = vaeCk->get(); vaeKey = "(top level)"; }
    std::vector<std::string> warnings;
    const PyValue *unetSd = o.useEma ? firstOf(**diffCk, {"ema_state_dict", "model_state_dict"}, &unetKey)
                                     : firstOf(**diffCk, {"model_state_dict"}, &unetKey);
    const bool usedEma = unetKey == "ema_state_dict";
    if (o.useEma && unetSd && !usedEma)
        warnings.push_back(o.diffusionPath + ": no ema_state_dict; the UNet gets the raw training weights "
                           "(model_state_dict), which usually sound worse than the EMA weights");
    const PyValue *textSd = firstOf(**diffCk, {"text_enc_state_dict"}, &textKey);
    const PyValue *vocSd = vocCk ? firstOf(*vocCk, {"generator", "generator_state_dict"}, &vocKey) : nullptr;
    if (!vaeSd) return fail(o.vaePath + ": no model_state_dict in the checkpoint (is it a KickWithReverb VAE checkpoint?)");
    if (!unetSd) return fail(o.diffusionPath + ": no ema_state_dict / model_state_dict in the checkpoint");
    if (!textSd) return fail(o.diffusionPath + ": no text_enc_state_dict in the checkpoint");
    if (vocCk && !vocSd) return fail(o.vocoderPath + ": no generator state dict in the checkpoint");

    const PyValue *vocabV = (*diffCk)->get("vocab");
    if (!vocabV || (vocabV->kind != PyValue::Kind::List && vocabV->kind != PyValue::Kind::Tuple))
        return fail(o.diffusionPath + ": no vocab list in the checkpoint");
    const std::vector<std::string> words = io::stringItems(*vocabV);
    if (words.size() != vocabV->items.size())
        return fail(o.diffusionPath + ": " + std::to_string(vocabV->items.size() - words.size()) +
                    " vocab entries are not strings; the keyword embedding rows would not match their words");
    Vocab vocab(words);

    KickModelConfig cfg;
    try {
        cfg = KickModelConfig::fromPreset(o.preset, vocab, vocSd != nullptr);
    } catch (const std::exception &e) {
        return fail(std::string("import: ") + e.what());
    }
    cfg.text.vocabSize = std::max(1, vocab.size());
    if (const PyValue *c = (*diffCk)->get("config"); c && (c->isDict() || c->kind == PyValue::Kind::Object)) {
        // the pickled DiffusionConfig dataclass
        const double t = configNumber(*c, "timesteps", cfg.diffusion.timesteps, o.diffusionPath, warnings);
        if (t != std::floor(t) || t < 1 || t > 100000)
            return fail(o.diffusionPath + ": config timesteps " + std::to_string(t) + " is not a step count");
        cfg.diffusion.timesteps = int(t);
        cfg.diffusion.betaStart = configNumber(*c, "beta_start", cfg.diffusion.betaStart, o.diffusionPath, warnings);
        cfg.diffusion.betaEnd = configNumber(*c, "beta_end", cfg.diffusion.betaEnd, o.diffusionPath, warnings);
    } else {
        std::ostringstream w;
        w << o.diffusionPath << ": " << (c ? "its config is not a dict or dataclass" : "no config")
          << "; the noise schedule is the preset's (" << cfg.diffusion.timesteps << " steps, betas "
          << cfg.diffusion.betaStart << ".." << cfg.diffusion.betaEnd << "), which may not be the one it was trained with";
        warnings.push_back(w.str());
    }
    cfg.latentScale = 1.0;   // the reference trains on unscaled latents
    const std::string err = cfg.validate();
    if (!err.empty()) return fail("import: configuration: " + err);

    KickPackage pkg = KickPackage::create(cfg, torch::kCPU, 0);
    State vaeS = stripPrefixes(io::tensorEntries(*vaeSd));
    State unetS = stripPrefixes(io::tensorEntries(*unetSd));
    State textS = stripPrefixes(io::tensorEntries(*textSd));
    State vocS = vocSd ? mapWeightNormKeys(stripPrefixes(io::tensorEntries(*vocSd))) : State{};

    auto check = [&](const char *what, torch::nn::Module &m, const State &s, const std::string &file,
                     const std::string &key) {
        io::KeyReport r = io::compareKeys(m, s);
        rep << what << " <- " << file << " [" << key << "]: " << s.size() << " tensors; " << r.summary() << "\n";
        if (!r.clean()) ok = false;
    };
    check("vae", *pkg.vae, vaeS, o.vaePath, vaeKey);
    check("unet", *pkg.unet, unetS, o.diffusionPath, unetKey);
    check("text", *pkg.text, textS, o.diffusionPath, textKey);
    if (vocSd) check("vocoder", *pkg.vocoder, vocS, o.vocoderPath, vocKey);
    rep << "vocabulary: " << vocab.size() << " keywords; diffusion: " << cfg.diffusion.timesteps << " steps, betas "
        << cfg.diffusion.betaStart << ".." << cfg.diffusion.betaEnd << "; preset " << o.preset << "\n";
    if (!vocSd) rep << "vocoder: none given (the package will use Griffin-Lim)\n";
    for (const auto &w : warnings) rep << "warning: " << w << "\n";
    res.warnings = warnings;

    res.ok = ok;
    if (!ok) {
        rep << "refused: the checkpoints do not fit the '" << o.preset << "' modules; nothing was written\n";
        res.report = rep.str();
        return res;
    }
    Status st = io::loadState(*pkg.vae, vaeS);
    if (st) st = io::loadState(*pkg.unet, unetS);
    if (st) st = io::loadState(*pkg.text, textS);
    if (st && vocSd) st = io::loadState(*pkg.vocoder, vocS);
    if (!st) return fail("import: " + st.error());
    std::ostringstream card;
    card << "# kick-ldm imported from KickWithReverb\n\n- VAE: " << o.vaePath << "\n- diffusion: " << o.diffusionPath
         << (usedEma ? " (EMA weights)" : " (raw weights)") << "\n- vocoder: "
         << (vocSd ? o.vocoderPath : std::string("none (Griffin-Lim)")) << "\n\n## Import report\n\n```\n"
         << rep.str() << "```\n";
    pkg.card = card.str();
    st = saveKickPackage(pkg, o.outDir);
    if (!st) return Error{st.error()};
    rep << "wrote " << o.outDir << "\n";
    res.report = rep.str();
    return res;
}

} // namespace ms::models::kick
