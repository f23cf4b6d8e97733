// melstudio-cli import: reference PyTorch checkpoints -> kick-ldm package.
#include "cli/Args.h"
#include "cli/Command.h"
#include "models/kick/Import.h"
#include "models/sr/Checkpoint.h"

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli import --from kickwithreverb --vae V.pt --diffusion D.pt [--vocoder G.pt]\n"
    "                            --out PKG [--preset paper|tiny] [--raw-unet]\n\n"
    "Reads the torch.save checkpoints of zhinit/KickWithReverb's kick_gen_trainer (no Python needed),\n"
    "maps their keys (weight-norm parametrizations included) onto melstudio's modules and writes a\n"
    "package. Prints the key report; a checkpoint that does not fit is refused with it (exit 3).\n"
    "--raw-unet uses model_state_dict instead of the EMA weights.\n\n"
    "       melstudio-cli import --from audiosr --checkpoint CKPT --out DIR [--preset audiosr|tiny] [--no-global]\n"
    "                            [--half]\n\n"
    "Reads an AudioSR checkpoint (torch.save with \"state_dict\", a Lightning .ckpt, or safetensors; memory-\n"
    "mapped, tensor by tensor, no Python) into the super-resolution model and writes a model folder for\n"
    "`upsample --model DIR` (model.json + model.safetensors with AudioSR's key names; --half: float16).\n"
    "Prints the key report: missing, unexpected, mis-shaped (any of these refuses the file, exit 3),\n"
    "ignored (EMA copies, CLAP, schedule buffers, the second VAE's decoder and vocoder) and fresh (document\n"
    "000's global encoder and its conditioning, which AudioSR checkpoints lack; their output projection\n"
    "starts at zero, so the model computes what AudioSR computes until they are trained). --no-global\n"
    "builds the model without them.";

int importAudioSr(ms::cli::Args &a) {
    namespace msr = ms::models::sr;
    const std::string ckpt = a.get("checkpoint"), out = a.get("out"), preset = a.get("preset", "audiosr");
    const bool half = a.has("half"), noGlobal = a.has("no-global");
    if (!a.unused().empty() || ckpt.empty() || out.empty()) {
        std::fprintf(stderr, "import: %s\n%s\n",
                     !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str() : "--checkpoint and --out are required",
                     kUsage);
        return 2;
    }
    try {
        auto cfg = msr::SrModelConfig::preset(preset);
        if (noGlobal) cfg.global.enabled = false;
        msr::SrModel model(cfg);
        msr::SrLoadOptions lo;
        lo.progress = [](int64_t done, int64_t total) {
            if (done == total || done % 256 == 0) std::fprintf(stderr, "loading tensors %lld/%lld\n", (long long)done, (long long)total);
        };
        auto r = msr::loadSrCheckpoint(*model, ckpt, lo);
        if (!r) {
            std::fprintf(stderr, "import: %s\n", r.error().c_str());
            return 3;
        }
        std::printf("%s", r->text().c_str());
        if (auto st = msr::writeSrPackage(*model, out, half, ckpt); !st) {
            std::fprintf(stderr, "import: %s\n", st.error().c_str());
            return 1;
        }
        std::printf("wrote %s (model.json, model.safetensors%s)\n", out.c_str(), half ? ", float16" : "");
        return 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "import: %s\n", e.what());
        return 2;
    }
}

int run(const std::vector<std::string> &argv) {
    namespace mk = ms::models::kick;
    ms::cli::Args a(argv, {"raw-unet", "half", "no-global"});
    const std::string from = a.get("from", "kickwithreverb");
    if (from == "audiosr") return importAudioSr(a);
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
                     : from != "kickwithreverb" ? ("unknown source '" + from + "' (kickwithreverb, audiosr)").c_str()
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

ms::cli::Registrar reg({"import", "reference checkpoints (KickWithReverb, AudioSR) -> melstudio model folders", kUsage, run});

} // namespace
