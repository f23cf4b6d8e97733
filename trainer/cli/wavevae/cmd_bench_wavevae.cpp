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
    cli::BenchOptions o;
    if (!cli::parseBenchOptions(a, "bench-wavevae", kUsage, 10.0, &o)) return 2;
    const double seconds = o.seconds;
    const int reps = o.reps;
    torch::NoGradGuard ng;
    for (const auto &src : o.sources) {
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
        for (auto [row, ms] : {std::pair<const char *, double>{"wavevae_encode", encMs}, {"wavevae_decode", decMs}})
            cli::printBenchRow(row, name, params, seconds, ms, o.json);
    }
    return 0;
}

cli::Registrar reg({"bench-wavevae", "the wave VAE's encode/decode speed and memory", kUsage, run});

} // namespace
