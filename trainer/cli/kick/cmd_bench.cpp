// melstudio-cli bench: kick generation speed on this machine.
#include "cli/Args.h"
#include "cli/Command.h"
#include "device/Device.h"
#include "infer/kick/KickBench.h"

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli bench [--model PKG | --preset paper|tiny] [--json] [--threads N] [--device D]\n"
    "                           [--reps N] [--batch N] [--steps N] [--sampler-threads N]\n"
    "                           [--precision auto|fp32|bf16]\n\n"
    "One kick end to end (DDIM 50 + CFG + VAE decode + vocoder), named generate_ddim50_cfg, with the\n"
    "stage split; the stages alone; kicks/s for a batch of 16. Without --model a randomly initialised\n"
    "package of the preset is timed (same cost as a trained one). The denoising loop runs on\n"
    "--sampler-threads (default 0: every thread), the CFG's two branches stacked into one batch, in\n"
    "--precision\n"
    "(auto: bf16 where the CPU has native bfloat16, else fp32). On CPU the kick is also timed with the\n"
    "other precision (generate_ddim50_cfg_fp32 or _bf16) and with the loop on one thread\n"
    "(generate_ddim50_cfg_sampler1thread). The vocoder row is named for the package's vocoder\n"
    "(vocoder_hifigan, vocoder_istft, vocoder_griffinlim); on CPU the neural vocoders the package lacks\n"
    "are timed alone on the same 2 s mel with random weights (HiFi-GAN at the preset, the iSTFT\n"
    "vocoder at its cpu preset; \"random_weights\": 1). --json: one object per line.";

int run(const std::vector<std::string> &argv) {
    ms::cli::Args a(argv, {"json"});
    ms::infer::kick::KickBenchOptions o;
    o.modelDir = a.get("model");
    o.preset = a.get("preset", "paper");
    o.device = a.get("device", "auto");
    o.reps = a.getInt("reps", 5);
    o.batch = a.getInt("batch", 16);
    o.steps = a.getInt("steps", 50);
    o.samplerThreads = a.getInt("sampler-threads", 0);
    o.precision = a.get("precision", "auto");
    const bool json = a.has("json");
    const int threads = a.getInt("threads", 0);
    if (!a.error().empty() || !a.unused().empty()) {
        std::fprintf(stderr, "bench: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str() : ("unknown option " + a.unused()[0]).c_str(), kUsage);
        return 2;
    }
    ms::device::configureThreads(threads);
    auto rows = ms::infer::kick::benchKickGeneration(o);
    if (!rows) {
        std::fprintf(stderr, "bench: %s\n", rows.error().c_str());
        return 1;
    }
    const std::string threadsLine = ms::device::threadSummary();
    for (const auto &r : *rows) {
        if (json) {
            std::printf("{\"name\":\"%s\",\"ms\":%.3f,\"device\":\"%s\"", r.name.c_str(), r.ms, r.device.c_str());
            for (const auto &[k, v] : r.extra) std::printf(",\"%s\":%.4g", k.c_str(), v);
            std::printf(",\"model\":\"%s\",\"threads\":\"%s\"}\n", o.modelDir.empty() ? ("preset:" + o.preset).c_str() : o.modelDir.c_str(),
                        threadsLine.c_str());
        } else {
            std::printf("%-28s %10.1f ms  (%s)", r.name.c_str(), r.ms, r.device.c_str());
            for (const auto &[k, v] : r.extra) std::printf("  %s=%.1f", k.c_str(), v);
            std::printf("\n");
        }
    }
    if (!json) std::printf("%s\n", threadsLine.c_str());
    return 0;
}

ms::cli::Registrar reg({"bench", "kick generation speed: one kick end to end, stages, batch throughput", kUsage, run});

} // namespace
