// melstudio-cli package: a randomly initialised kick-ldm model package.
#include "cli/Args.h"
#include "cli/Command.h"
#include "models/kick/Tools.h"

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli package --preset tiny|paper --vocab \"a,b,c\" --out PKG [--seed N] [--no-vocoder]\n\n"
    "Writes a kick-ldm package (model.json, vae/unet/text/vocoder.safetensors, CARD.md) with random\n"
    "weights: a model to test the studio and the pipelines with before any training.";

int run(const std::vector<std::string> &argv) {
    namespace mk = ms::models::kick;
    ms::cli::Args a(argv, {"no-vocoder"});
    const std::string preset = a.get("preset", "tiny"), vocabArg = a.get("vocab"), out = a.get("out");
    const long long seed = a.getInt64("seed", 0);
    const bool noVocoder = a.has("no-vocoder");
    if (!a.error().empty() || !a.unused().empty() || out.empty()) {
        std::fprintf(stderr, "package: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                                           : "--out is required",
                     kUsage);
        return 2;
    }
    std::vector<std::string> words;
    for (const auto &w : mk::tokenizePrompt(vocabArg)) words.push_back(w);
    mk::KickModelConfig cfg;
    try {
        cfg = mk::KickModelConfig::fromPreset(preset, mk::Vocab(words), !noVocoder);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "package: %s\n", e.what());
        return 2;
    }
    auto st = mk::writeRandomKickPackage(cfg, out, uint64_t(seed));
    if (!st) {
        std::fprintf(stderr, "package: %s\n", st.error().c_str());
        return 1;
    }
    std::printf("wrote %s (preset %s, %d keywords, %s)\n", out.c_str(), preset.c_str(), cfg.vocab.size(),
                noVocoder ? "no vocoder" : "with vocoder");
    return 0;
}

ms::cli::Registrar reg({"package", "write a randomly initialised kick model package", kUsage, run});

} // namespace
