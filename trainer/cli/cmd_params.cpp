// melstudio-cli params: parameter counts of the kick models, from the built modules.
#include "cli/Args.h"
#include "cli/Command.h"
#include "models/kick/Tools.h"

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli params [--model PKG | --preset tiny|paper] [--shapes] [--json]\n\n"
    "Builds each module of the kick latent diffusion model (VAE encoder/decoder, LatentUNet, keyword\n"
    "encoder, HiFi-GAN generator, multi-period and multi-scale discriminators) and counts its parameters.\n"
    "--json prints one object per line: {\"module\":\"unet\",\"params\":N}.\n"
    "--shapes adds the input and output shape of every stage, measured by running one item through the\n"
    "modules (JSON: {\"module\":\"vae.encoder\",\"stage\":\"net.0 (Conv2d)\",\"in\":[1,128,173],\"out\":[...]}).";

int run(const std::vector<std::string> &argv) {
    namespace mk = ms::models::kick;
    ms::cli::Args a(argv, {"json", "shapes"});
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
