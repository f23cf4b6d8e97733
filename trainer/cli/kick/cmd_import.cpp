// melstudio-cli import: reference PyTorch checkpoints -> kick-ldm package.
#include "cli/Args.h"
#include "cli/Command.h"
#include "models/kick/Import.h"

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli import --from kickwithreverb --vae V.pt --diffusion D.pt [--vocoder G.pt]\n"
    "                            --out PKG [--preset paper|tiny] [--raw-unet]\n\n"
    "Reads the torch.save checkpoints of zhinit/KickWithReverb's kick_gen_trainer (no Python needed),\n"
    "maps their keys (weight-norm parametrizations included) onto melstudio's modules and writes a\n"
    "package. Prints the key report; a checkpoint that does not fit is refused with it (exit 3).\n"
    "--raw-unet uses model_state_dict instead of the EMA weights.";

int run(const std::vector<std::string> &argv) {
    namespace mk = ms::models::kick;
    ms::cli::Args a(argv, {"raw-unet"});
    const std::string from = a.get("from", "kickwithreverb");
    mk::KwrImportOptions o;
    o.vaePath = a.get("vae");
    o.diffusionPath = a.get("diffusion");
    o.vocoderPath = a.get("vocoder");
    o.outDir = a.get("out");
    o.preset = a.get("preset", "paper");
    o.useEma = !a.has("raw-unet");
    if (!a.unused().empty() || from != "kickwithreverb" || o.vaePath.empty() || o.diffusionPath.empty() ||
        o.outDir.empty()) {
        std::fprintf(stderr, "import: %s\n%s\n",
                     !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                     : from != "kickwithreverb" ? ("unknown source '" + from + "' (kickwithreverb)").c_str()
                                                : "--vae, --diffusion and --out are required",
                     kUsage);
        return 2;
    }
    auto r = mk::importKickWithReverb(o);
    if (!r) {
        std::fprintf(stderr, "import: %s\n", r.error().c_str());
        return 1;
    }
    std::fprintf(r->ok ? stdout : stderr, "%s", r->report.c_str());
    return r->ok ? 0 : 3;
}

ms::cli::Registrar reg({"import", "import reference PyTorch kick checkpoints into a model package", kUsage, run});

} // namespace
