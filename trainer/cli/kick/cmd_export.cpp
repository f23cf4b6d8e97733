// melstudio-cli export: run folders -> a kick-ldm model package (or, with
// --family wavevae, a wave VAE package: trainer/cli/wavevae; --family bsq, a tokenizer: trainer/cli/bsq).
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/bsq/Commands.h"
#include "cli/wavevae/Commands.h"
#include "jobs/Train.h"

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli export --diffusion RUN [--vae RUN] [--vocoder RUN] --out PACKAGE_DIR\n"
    "                            [--vae-step N] [--diffusion-step N] [--vocoder-step N] [--overwrite]\n"
    "                            [--half] [--mel-match N]\n\n"
    "Assembles a model package (model.json, vae/unet/text[/vocoder].safetensors, CARD.md) from the\n"
    "newest complete checkpoint of each run folder (or the given steps); the UNet and text encoder\n"
    "are the EMA weights. RUN may also be a checkpoint folder (RUN/checkpoints/STEP). Without --vae:\n"
    "the VAE checkpoint (or package) the diffusion run was trained with.\n"
    "--half stores the weights as float16 (half the size; they are computed in float32 after loading).\n"
    "--mel-match N: the vocoder's mel matching passes at inference (model.json vocoder.mel_match).\n\n"
    "   or: melstudio-cli export --package PKG --vocoder RUN --out PACKAGE_DIR [--vocoder-step N] [--half]\n"
    "                            [--mel-match N] [--overwrite]\n"
    "       (PKG with RUN's generator as its vocoder; everything else copied)\n\n"
    "   or: melstudio-cli export --family wavevae|bsq --run RUN --out PACKAGE_DIR [--half] [--card CARD.md]";

int run(const std::vector<std::string> &argv) {
    for (size_t i = 0; i + 1 < argv.size(); ++i) {   // the other families' packages
        if (argv[i] == "--family" && argv[i + 1] == "wavevae") return ms::cli::wavevae::exportPackage(argv);
        if (argv[i] == "--family" && argv[i + 1] == "bsq") return ms::cli::bsq::exportPackage(argv);
    }
    ms::cli::Args a(argv, {"overwrite", "half"});
    ms::jobs::ExportParams p;
    p.vaeRun = a.get("vae");
    p.diffusionRun = a.get("diffusion");
    p.vocoderRun = a.get("vocoder");
    p.package = a.get("package");
    p.melMatch = a.getInt("mel-match", -1);
    p.vaeStep = a.getInt64("vae-step", -1);
    p.diffusionStep = a.getInt64("diffusion-step", -1);
    p.vocoderStep = a.getInt64("vocoder-step", -1);
    p.out = a.get("out");
    p.overwrite = a.has("overwrite");
    p.half = a.has("half");
    if (!a.error().empty()) {
        std::fprintf(stderr, "export: %s\n", a.error().c_str());
        return 2;
    }
    if (!a.unused().empty() || !a.positionals().empty()) {
        std::fprintf(stderr, "export: unexpected argument %s\n%s\n",
                     (a.unused().empty() ? a.positionals()[0] : a.unused()[0]).c_str(), kUsage);
        return 2;
    }
    auto st = ms::jobs::exportPackage(p);
    if (!st) {
        std::fprintf(stderr, "export: %s\n", st.error().c_str());
        return 1;
    }
    std::printf("wrote %s\n", p.out.c_str());
    return 0;
}

ms::cli::Registrar reg({"export", "assemble a kick model package from training run folders", kUsage, run});

} // namespace
