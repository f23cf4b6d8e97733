// melstudio-cli params: parameter counts of a family's models, from the built modules.
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/bsq/Commands.h"
#include "cli/sr/ParamsSr.h"
#include "io/Json.h"
#include "io/ModelDirs.h"
#include "models/kick/Tools.h"
#include "models/wavevae/WaveVae.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli params [--family kick|sr|wavevae|bsq] [--model PKG | --preset P] [--shapes] [--keys] [--json]\n\n"
    "Without --family, a --model package's model.json names it (kick otherwise).\n"
    "--family wavevae (presets paper, cpu, tiny): the Snake waveform VAE's encoder and decoder beside Stable\n"
    "Audio Open's autoencoder (Oobleck, ~156 M), with the reason for the difference.\n"
    "--family bsq (presets paper, paper-b36, cpu, tiny): the BSQ-ViT tokenizer's encoder, decoder and the\n"
    "Conformer modules' share.\n"
    "--family sr (presets audiosr, tiny): the super-resolution model's parts beside design document 000's\n"
    "figures, with the reason for each difference; --no-global leaves document 000's global parts out.\n"
    "--keys (any family): every parameter and buffer, one {\"name\": ..., \"shape\": [...]} per line, to\n"
    "hold a module against a checkpoint.\n\n"
    "--family kick (the default, presets tiny, paper):\n"
    "Builds each module of the kick latent diffusion model (VAE encoder/decoder, LatentUNet, keyword\n"
    "encoder, HiFi-GAN generator, multi-period and multi-scale discriminators) and counts its parameters.\n"
    "--json prints one object per line: {\"module\":\"unet\",\"params\":N}.\n"
    "--shapes adds the input and output shape of every stage, measured by running one item through the\n"
    "modules (JSON: {\"module\":\"vae.encoder\",\"stage\":\"net.0 (Conv2d)\",\"in\":[1,128,173],\"out\":[...]}).";

int run(const std::vector<std::string> &argv) {
    namespace mk = ms::models::kick;
    ms::cli::Args a(argv, {"json", "shapes", "keys", "no-global"});
    std::string family = a.get("family");
    if (family.empty() && !a.get("model").empty()) {   // a package says its family (model.json "family")
        auto j = ms::io::readJsonFile(ms::io::newestCheckpointDir(a.get("model")) + "/model.json");
        const std::string f = j ? ms::io::jsonValueOr<std::string>(*j, "family", "") : std::string();
        if (f == "wavevae" || f == "bsq") family = f;
    }
    if (family.empty()) family = "kick";
    const bool keys = a.has("keys");
    if (family == "sr") {
        const bool noGlobal = a.has("no-global");
        const std::string src = a.get("model").empty() ? a.get("preset", "audiosr") : a.get("model");
        const bool js = a.has("json");
        if (!a.unused().empty()) {
            std::fprintf(stderr, "params: unknown option %s\n%s\n", a.unused()[0].c_str(), kUsage);
            return 2;
        }
        return ms::cli::sr::printParams(src, js, keys, !noGlobal);
    }
    if (family == "bsq") {
        const bool js = a.has("json");
        const std::string model = a.get("model"), preset = a.get("preset", "paper");
        a.has("shapes");
        if (!a.unused().empty()) {
            std::fprintf(stderr, "params: unknown option %s\n%s\n", a.unused()[0].c_str(), kUsage);
            return 2;
        }
        return ms::cli::bsq::printParams(model, preset, js, keys);
    }
    if (family == "wavevae") {
        namespace mw = ms::models::wavevae;
        const std::string model = a.get("model");
        std::string preset = a.get("preset", "paper");
        const bool js = a.has("json");
        a.has("shapes");   // accepted (the Models page asks every package so); the wave VAE prints none
        if (!a.unused().empty()) {
            std::fprintf(stderr, "params: unknown option %s\n%s\n", a.unused()[0].c_str(), kUsage);
            return 2;
        }
        mw::WaveVae vae{nullptr};
        if (!model.empty()) {
            auto loaded = mw::loadWaveVae(ms::io::newestCheckpointDir(model));
            if (!loaded) {
                std::fprintf(stderr, "params: %s\n", loaded.error().c_str());
                return 1;
            }
            vae = *loaded;
            preset = "model " + model;
        } else {
            try {
                vae = mw::WaveVae(mw::WaveVaeConfig::preset(preset));
                preset = "preset " + preset;
            } catch (const std::exception &e) {
                std::fprintf(stderr, "params: %s\n", e.what());
                return 2;
            }
        }
        const mw::WaveVaeConfig cfg = vae->config();
        auto count = [](const torch::nn::Module &m) {
            int64_t n = 0;
            for (const auto &p : m.parameters()) n += p.numel();
            return n;
        };
        if (keys) {
            for (const auto &kv : vae->named_parameters())
                std::printf("%s\n", nlohmann::json{{"name", kv.key()}, {"shape", kv.value().sizes().vec()}}.dump().c_str());
            return 0;
        }
        const int64_t e = count(*vae->encoder), d = count(*vae->decoder);
        if (js) {
            for (auto [m, n] : {std::pair<const char *, int64_t>{"wavevae.encoder", e}, {"wavevae.decoder", d},
                                {"wavevae", e + d}})
                std::printf("%s\n", nlohmann::json{{"module", m}, {"params", n}}.dump().c_str());
            return 0;
        }
        std::printf("wavevae %s: %d channels in, widths", preset.c_str(), cfg.audioChannels);
        for (int c : cfg.channels) std::printf(" %d", c);
        std::printf(", hop %d (%.2f frames/s), latent %d\n", cfg.hop(), cfg.frameRate(), cfg.latentDim);
        std::printf("  encoder %14lld\n  decoder %14lld\n  total   %14lld\n", (long long)e, (long long)d,
                    (long long)(e + d));
        if (preset == "preset paper")
            std::printf("Stable Audio Open's autoencoder (Oobleck): ~156 M (encoder 77,989,888, decoder 78,122,626).\n"
                        "The document's table makes each block twice as wide at its input (128 -> 256 in the first\n"
                        "block where Oobleck stays at 128) and keeps 2048 -> 2048 in the last (Oobleck: 1024 -> 2048);\n"
                        "a residual unit costs ~8 C^2, so the widths account for the ~3x.\n");
        return 0;
    }
    if (family != "kick") {
        std::fprintf(stderr, "params: unknown family '%s' (kick, sr, wavevae, bsq)\n", family.c_str());
        return 2;
    }
    const std::string model = a.get("model"), preset = a.get("preset", "paper");
    const bool json = a.has("json"), shapes = a.has("shapes");
    if (!a.unused().empty()) {
        std::fprintf(stderr, "params: unknown option %s\n%s\n", a.unused()[0].c_str(), kUsage);
        return 2;
    }
    mk::KickModelConfig cfg;
    if (!model.empty()) {
        auto c = mk::readKickModelConfig(model);
        if (!c) {
            std::fprintf(stderr, "params: %s\n", c.error().c_str());
            return 1;
        }
        cfg = *c;   // a package without a vocoder lists no vocoder modules
    } else {
        try {
            cfg = mk::KickModelConfig::fromPreset(preset, mk::Vocab({"kick"}));
        } catch (const std::exception &e) {
            std::fprintf(stderr, "params: %s\n", e.what());
            return 2;
        }
    }
    if (keys) {
        for (const auto &k : mk::parameterKeys(cfg)) {
            std::string shape = "[";
            for (size_t i = 0; i < k.shape.size(); ++i) shape += (i ? "," : "") + std::to_string(k.shape[i]);
            std::printf("{\"name\":\"%s\",\"shape\":%s]}\n", k.name.c_str(), shape.c_str());
        }
        return 0;
    }
    const auto counts = mk::parameterCounts(cfg);
    std::vector<mk::StageShape> stages;
    if (shapes) stages = mk::stageShapes(cfg);
    auto dims = [](const std::vector<int64_t> &v, const char *open, const char *sep, const char *close) {
        std::string s = open;
        for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
        return s + close;
    };
    if (json) {
        for (const auto &c : counts) std::printf("{\"module\":\"%s\",\"params\":%lld}\n", c.module.c_str(), (long long)c.params);
        for (const auto &s : stages)
            std::printf("{\"module\":\"%s\",\"stage\":\"%s\",\"in\":%s,\"out\":%s}\n", s.module.c_str(), s.stage.c_str(),
                        dims(s.in, "[", ",", "]").c_str(), dims(s.out, "[", ",", "]").c_str());
        return 0;
    }
    std::printf("kick-ldm %s (vocabulary %d)\n", model.empty() ? ("preset " + preset).c_str() : model.c_str(),
                cfg.vocab.size());
    for (const auto &c : counts) std::printf("  %-18s %12lld\n", c.module.c_str(), (long long)c.params);
    if (!stages.empty()) std::printf("\nstages (one item, batch dimension left out):\n");
    for (const auto &s : stages)
        std::printf("  %-18s %-32s %-16s -> %s\n", s.module.c_str(), s.stage.c_str(), dims(s.in, "(", ",", ")").c_str(),
                    dims(s.out, "(", ",", ")").c_str());
    return 0;
}

ms::cli::Registrar reg({"params", "parameter counts of the kick models (from the built modules)", kUsage, run});

} // namespace
