#include "models/kick/Package.h"

#include "io/Json.h"
#include "io/ModelDirs.h"
#include "io/TensorIO.h"
#include "models/kick/Tools.h"
#include "models/vocoder/ResolutionDiscriminator.h"
#include "util/Fs.h"

#include <fstream>
#include <sstream>

namespace ms::models::kick {

namespace stdfs = std::filesystem;

namespace {

int64_t countParams(const torch::nn::Module &m) {
    int64_t n = 0;
    for (const auto &p : m.parameters(true)) n += p.numel();
    return n;
}

// Vocoder state with weight norm folded into plain `weight` (PyTorch's names
// after remove_weight_norm).
io::NamedTensors foldedVocoderState(vocoder::GeneratorImpl &gen) {
    io::NamedTensors out;
    torch::NoGradGuard ng;
    for (const auto &item : gen.named_modules("", false)) {
        auto *c = dynamic_cast<vocoder::NormConvImpl *>(item.value().get());
        if (!c) continue;
        out.emplace_back(item.key() + ".weight", c->effectiveWeight().detach().clone());
        out.emplace_back(item.key() + ".bias", c->bias.detach().clone());
    }
    return out;
}

// Maps a folded state (X.weight) onto weight_g/weight_v so that g*v/||v|| == weight.
std::map<std::string, torch::Tensor> unfoldVocoderState(vocoder::GeneratorImpl &gen,
                                                        std::map<std::string, torch::Tensor> state) {
    for (const auto &item : gen.named_modules("", false)) {
        if (!dynamic_cast<vocoder::NormConvImpl *>(item.value().get())) continue;
        auto it = state.find(item.key() + ".weight");
        if (it == state.end()) continue;
        auto w = it->second;
        state.erase(it);
        state[item.key() + ".weight_v"] = w;
        state[item.key() + ".weight_g"] = w.reshape({w.size(0), -1}).norm(2, 1).view(
            [&] { std::vector<int64_t> s(size_t(w.dim()), 1); s[0] = w.size(0); return s; }());
    }
    return state;
}

std::string defaultCard(const KickModelConfig &c) {
    std::ostringstream o;
    o << "# kick-ldm model (" << c.preset << " preset)\n\n"
      << "Kick drum latent diffusion (design document 004): KickVAE, keyword LatentUNet with classifier-free\n"
      << "guidance, "
      << (!c.vocoder ? "no vocoder (Griffin-Lim)" : c.vocoder->istft() ? "iSTFT (Vocos-style) vocoder" : "HiFi-GAN vocoder")
      << ".\n\n"
      << "Vocabulary: " << c.vocab.size() << " keywords. Latent scale: " << c.latentScale << ".\n\n"
      << "## Parameters\n\n";
    for (const auto &p : parameterCounts(c)) o << "- " << p.module << ": " << p.params << "\n";
    o << "\n## Data, recipe, measurements\n\nNot recorded (written by melstudio without training metadata).\n";
    return o.str();
}

} // namespace

KickPackage KickPackage::create(const KickModelConfig &config, torch::Device device, uint64_t seed) {
    const std::string err = config.validate();
    if (!err.empty()) throw std::invalid_argument("kick-ldm configuration: " + err);
    torch::manual_seed(seed);
    KickPackage p;
    p.config = config;
    p.vae = KickVAE(config.vae);
    p.unet = LatentUNet(config.unet);
    p.text = KeywordEncoder(config.text);
    if (config.vocoder) p.vocoder = vocoder::makeGenerator(*config.vocoder);
    p.vae->to(device);
    p.unet->to(device);
    p.text->to(device);
    if (p.vocoder) p.vocoder->to(device);
    return p;
}

nlohmann::json kickModelJson(const KickModelConfig &c, const std::string &weightNorm) {
    nlohmann::json comp = {{"vae", c.vae.toJson()}, {"unet", c.unet.toJson()}, {"text", c.text.toJson()},
                           {"diffusion", c.diffusion.toJson()}};
    if (c.vocoder) comp["vocoder"] = c.vocoder->toJson();
    nlohmann::json j = {{"family", "kick-ldm"}, {"version", 1}, {"preset", c.preset}, {"components", comp},
                        {"vocab", c.vocab.toJson()}, {"sample_rate", c.sampleRate}, {"mel", melConfigToJson(c.mel)},
                        {"latent_scale", c.latentScale}, {"card", "CARD.md"}};
    if (c.vocoder) j["vocoder_weight_norm"] = weightNorm;
    return j;
}

Result<KickModelConfig> kickModelConfigFromJson(const nlohmann::json &j, const std::string &where) {
    try {
        if (!j.is_object()) return fail(where + ": model.json is not a JSON object");
        if (j.value("family", std::string()) != "kick-ldm")
            return fail(where + ": model.json family is '" + j.value("family", std::string("(none)")) +
                        "', expected 'kick-ldm'");
        if (io::jsonValueOr(j, "version", 0) != 1)
            return fail(where + ": model.json version " + std::to_string(io::jsonValueOr(j, "version", 0)) +
                        " is not supported (this melstudio reads version 1)");
        if (!j.contains("components") || !j["components"].is_object())
            return fail(where + ": model.json has no \"components\" object");
        const auto &comp = j["components"];
        KickModelConfig c;
        c.preset = j.value("preset", std::string("custom"));
        for (const char *k : {"vae", "unet", "text"})
            if (!comp.contains(k)) return fail(where + ": model.json components lack \"" + std::string(k) + "\"");
        c.vae = VaeConfig::fromJson(comp["vae"]);
        c.unet = UNetConfig::fromJson(comp["unet"]);
        c.text = TextConfig::fromJson(comp["text"]);
        if (comp.contains("vocoder") && !comp["vocoder"].is_null()) c.vocoder = VocoderConfig::fromJson(comp["vocoder"]);
        if (comp.contains("diffusion")) c.diffusion = DiffusionConfig::fromJson(comp["diffusion"]);
        if (j.contains("vocab")) c.vocab = Vocab::fromJson(j["vocab"]);
        if (j.contains("mel")) c.mel = melConfigFromJson(j["mel"]);
        c.sampleRate = io::jsonValueOr(j, "sample_rate", 44100);
        c.latentScale = io::jsonValueOr(j, "latent_scale", 1.0);
        const std::string err = c.validate();
        if (!err.empty()) return fail(where + ": model.json: " + err);
        return c;
    } catch (const std::exception &e) {
        return fail(where + ": model.json: " + e.what());
    }
}

Result<KickModelConfig> readKickModelConfig(const std::string &dir) {
    const auto path = ms::fs::u8path(dir) / "model.json";
    if (!stdfs::exists(path)) return fail(dir + ": not a model package (no model.json)");
    auto j = io::readJsonFile(ms::fs::u8string(path));
    if (!j) return Error{j.error()};
    return kickModelConfigFromJson(*j, dir);
}

Result<KickPackage> loadKickPackage(const std::string &dir, torch::Device device) {
    auto cfg = readKickModelConfig(dir);
    if (!cfg) return Error{cfg.error()};
    KickPackage p;
    try {
        p = KickPackage::create(*cfg, torch::kCPU, 0);
    } catch (const std::exception &e) {
        return fail(dir + ": cannot build the modules: " + e.what());
    }
    p.dir = dir;
    const auto root = ms::fs::u8path(dir);
    auto file = [&](const char *name) { return ms::fs::u8string(root / name); };
    for (auto [name, mod] : {std::pair<const char *, torch::nn::Module *>{"vae.safetensors", p.vae.get()},
                             {"unet.safetensors", p.unet.get()}, {"text.safetensors", p.text.get()}}) {
        if (!stdfs::exists(root / name)) return fail(file(name) + ": missing (every kick-ldm package needs it)");
        auto st = io::loadModule(*mod, file(name), true);
        if (!st) return Error{st.error()};
    }
    if (p.vocoder) {
        if (!stdfs::exists(root / "vocoder.safetensors")) {
            p.vocoder = nullptr;   // configured but absent: Griffin-Lim, said aloud
            p.config.vocoder.reset();
            p.warnings.push_back(file("vocoder.safetensors") +
                                 ": missing although model.json configures a vocoder; audio comes from Griffin-Lim");
        } else {
            auto state = io::loadTensors(file("vocoder.safetensors"));
            if (!state) return Error{state.error()};
            std::map<std::string, torch::Tensor> s;
            try {
                s = unfoldVocoderState(*p.vocoder, *state);
            } catch (const std::exception &e) {   // e.g. a 0-d "weight" where a conv kernel belongs
                return fail(file("vocoder.safetensors") + ": a weight does not have a convolution's shape");
            }
            auto st = io::loadState(*p.vocoder, s, true);
            if (!st) return fail(file("vocoder.safetensors") + ": " + st.error());
        }
    }
    if (auto card = ms::fs::readFile(root / "CARD.md")) p.card = *card;
    p.vae->to(device);
    p.unet->to(device);
    p.text->to(device);
    if (p.vocoder) p.vocoder->to(device);
    return p;
}

Status saveKickPackage(const KickPackage &pkg, const std::string &dir, bool fold, bool half) {
    const std::string err = pkg.config.validate();
    if (!err.empty()) return fail(dir + ": refusing to save an inconsistent configuration: " + err);
    return io::replaceFolder(dir, [&](const stdfs::path &tmp) {
        const std::map<std::string, std::string> meta{{"format", "pt"}, {"family", "kick-ldm"}};
        auto store = [&](io::NamedTensors state, const char *name) {
            if (half) io::toHalf(state);
            return io::saveTensors(ms::fs::u8string(tmp / name), state, meta);
        };
        auto save = [&](const torch::nn::Module &m, const char *name) { return store(io::stateDict(m), name); };
        Status st = save(*pkg.vae, "vae.safetensors");
        if (st) st = save(*pkg.unet, "unet.safetensors");
        if (st) st = save(*pkg.text, "text.safetensors");
        if (st && pkg.vocoder) {
            if (fold && !pkg.vocoder->config().istft())
                st = store(foldedVocoderState(*pkg.vocoder.ptr()), "vocoder.safetensors");
            else st = save(*pkg.vocoder, "vocoder.safetensors");
        }
        KickModelConfig cfg = pkg.config;
        if (!pkg.vocoder) cfg.vocoder.reset();
        if (st) st = ms::fs::writeFileAtomic(tmp / "model.json", kickModelJson(cfg, fold ? "folded" : "kept").dump(2) + "\n");
        if (st) st = ms::fs::writeFileAtomic(tmp / "CARD.md", pkg.card.empty() ? defaultCard(cfg) : pkg.card);
        return st;
    });
}

namespace {
std::vector<int64_t> itemShape(const torch::Tensor &t) { return {t.sizes().begin() + 1, t.sizes().end()}; }
std::string shortType(const std::string &name) {
    auto s = name.substr(name.rfind(':') == std::string::npos ? 0 : name.rfind(':') + 1);
    if (s.size() > 4 && s.compare(s.size() - 4, 4, "Impl") == 0) s.resize(s.size() - 4);
    return s;
}
} // namespace

std::vector<StageShape> stageShapes(const KickModelConfig &c) {
    c10::InferenceMode guard;
    torch::manual_seed(0);
    std::vector<StageShape> out;
    KickVAE vae(c.vae);
    vae->eval();
    // One row per child of a Sequential, x running through it.
    auto walk = [&out](const std::string &module, torch::nn::Sequential &net, torch::Tensor x) {
        int i = 0;
        for (auto &m : *net) {
            auto y = m.forward(x);
            out.push_back({module, "net." + std::to_string(i++) + " (" + shortType(m.ptr()->name()) + ")",
                           itemShape(x), itemShape(y)});
            x = y;
        }
        return x;
    };
    auto h = walk("vae.encoder", vae->encoder->net, torch::randn({1, c.vae.inChannels, c.vae.nMels, c.vae.frames}));
    auto mu = vae->encoder->conv_mu->forward(h);
    out.push_back({"vae.encoder", "conv_mu / conv_logvar", itemShape(h), itemShape(mu)});
    auto z = walk("vae.decoder", vae->decoder->net, mu);
    auto rec = vae->decode(mu);
    out.push_back({"vae.decoder", "crop", itemShape(z), itemShape(rec)});

    LatentUNet unet(c.unet);
    unet->eval();
    KeywordEncoder text(c.text);
    text->eval();
    auto ids = KeywordEncoderImpl::padIds({{0}});
    auto cond = text->forward(ids);
    out.push_back({"text", "keywords -> cond", {ids.size(1)}, itemShape(cond)});
    auto lat = torch::randn({1, c.unet.latentChannels, mu.size(2), mu.size(3)});
    std::vector<int64_t> prev = itemShape(lat);
    for (const auto &[name, shape] : unet->traceShapes(lat, torch::tensor({int64_t(0)}), cond)) {
        std::vector<int64_t> o(shape.begin() + 1, shape.end());
        out.push_back({"unet", name, prev, o});
        prev = o;
    }
    if (c.vocoder) {
        auto gen = vocoder::makeGenerator(*c.vocoder);
        gen->eval();
        auto mel = torch::randn({1, c.vae.nMels, c.vae.frames});
        auto wave = gen->forward(mel);
        out.push_back({"vocoder.generator", "mel -> waveform", itemShape(mel), itemShape(wave)});
    }
    return out;
}

std::vector<ModuleParams> parameterCounts(const KickModelConfig &c) {
    std::vector<ModuleParams> out;
    KickVAE vae(c.vae);
    out.push_back({"vae.encoder", countParams(*vae->encoder)});
    out.push_back({"vae.decoder", countParams(*vae->decoder)});
    out.push_back({"vae", countParams(*vae)});
    out.push_back({"unet", countParams(*LatentUNet(c.unet))});
    out.push_back({"text", countParams(*KeywordEncoder(c.text))});
    if (c.vocoder) {
        out.push_back({"vocoder.generator", countParams(*vocoder::makeGenerator(*c.vocoder))});
        out.push_back({"vocoder.mpd", countParams(*vocoder::MultiPeriodDiscriminator(*c.vocoder))});
        if (c.vocoder->istft())
            out.push_back({"vocoder.mrd", countParams(*vocoder::MultiResolutionDiscriminator(*c.vocoder))});
        else
            out.push_back({"vocoder.msd", countParams(*vocoder::MultiScaleDiscriminator(*c.vocoder))});
    }
    return out;
}

std::vector<NamedShape> parameterKeys(const KickModelConfig &c) {
    std::vector<NamedShape> out;
    auto add = [&](const std::string &file, const torch::nn::Module &m) {
        for (const auto &p : m.named_parameters()) out.push_back({file + ":" + p.key(), p.value().sizes().vec()});
        for (const auto &b : m.named_buffers()) out.push_back({file + ":" + b.key(), b.value().sizes().vec()});
    };
    add("vae", *KickVAE(c.vae));
    add("unet", *LatentUNet(c.unet));
    add("text", *KeywordEncoder(c.text));
    if (c.vocoder) add("vocoder", *vocoder::makeGenerator(*c.vocoder));
    return out;
}

Status writeRandomKickPackage(const KickModelConfig &config, const std::string &dir, uint64_t seed) {
    try {
        auto p = KickPackage::create(config, torch::kCPU, seed);
        return saveKickPackage(p, dir);
    } catch (const std::exception &e) {
        return fail(dir + ": " + e.what());
    }
}

} // namespace ms::models::kick
