// melstudio-cli bench-wavevae: the wave VAE's encode and decode speed and memory.
#include "cli/Args.h"
#include "cli/Bench.h"
#include "cli/Command.h"
#include "device/Device.h"
#include "io/ModelDirs.h"
#include "models/wavevae/WaveVae.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace {

using namespace ms;
using namespace ms::models::wavevae;

const char *kUsage =
    "usage: melstudio-cli bench-wavevae [--preset cpu|paper|tiny|all | --model M] [--seconds 10] [--reps 2]\n"
    "                                   [--threads N] [--json]\n\n"
    "Times the wave VAE on seconds of stereo noise at 44.1 kHz, in windows of 256 latent frames with 16 of\n"
    "context (as encode/decode run): wavevae_encode and wavevae_decode, each in milliseconds, x real time\n"
    "and the process's peak memory so far (VmHWM). Random weights cost what trained ones cost; --model\n"
    "times a package, run or checkpoint (default: --preset all = cpu then paper).";

int run(const std::vector<std::string> &argv) {
    cli::Args a(argv, {"json"});
    const std::string presetArg = a.get("preset", "all"), model = a.get("model");
    const double seconds = a.getDouble("seconds", 10.0);
    const int reps = a.getInt("reps", 2);
    const bool json = a.has("json");
    device::configureThreads(a.getInt("threads", 0));
    if (!a.error().empty() || !a.unused().empty() || seconds <= 0 || reps < 1) {
        std::fprintf(stderr, "bench-wavevae: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                                           : "--seconds and --reps must be positive",
                     kUsage);
        return 2;
    }
    std::vector<std::string> sources;
    if (!model.empty()) sources.push_back(io::newestCheckpointDir(model));
    else if (presetArg == "all") sources = {"random:cpu", "random:paper"};
    else sources.push_back("random:" + presetArg);
    torch::NoGradGuard ng;
    for (const auto &src : sources) {
        std::string description;
        auto vae = loadWaveVae(src, &description);
        if (!vae) {
            std::fprintf(stderr, "bench-wavevae: %s\n", vae.error().c_str());
            return 1;
        }
        const auto &cfg = (*vae)->config();
        torch::manual_seed(0);
        auto x = 0.1 * torch::randn({2, int64_t(seconds * cfg.sampleRate)});
        torch::Tensor lat;
        const double encMs = cli::timeMs([&] { lat = encodeChunked(**vae, x, 256, 16); }, reps);
        const double decMs = cli::timeMs([&] { decodeChunked(**vae, lat, 256, 16); }, reps);
        int64_t params = 0;
        for (const auto &p : (*vae)->parameters()) params += p.numel();
        const std::string name = src.rfind("random:", 0) == 0 ? src.substr(7) : description;
        for (auto [row, ms] : {std::pair<const char *, double>{"wavevae_encode", encMs}, {"wavevae_decode", decMs}}) {
            const double xrt = seconds * 1000.0 / ms;
            if (json)
                std::printf("%s\n", nlohmann::json{{"name", row}, {"model", name}, {"parameters", params},
                                                   {"seconds", seconds}, {"ms", ms}, {"x_real_time", xrt},
                                                   {"peak_mb", cli::peakMb()}, {"threads", device::threads()}}
                                            .dump()
                                            .c_str());
            else
                std::printf("%-16s %-10s %10.1f ms  %7.2fx real time  peak %6.0f MB\n", row, name.c_str(), ms, xrt,
                            cli::peakMb());
        }
    }
    return 0;
}

cli::Registrar reg({"bench-wavevae", "the wave VAE's encode/decode speed and memory", kUsage, run});

} // namespace
