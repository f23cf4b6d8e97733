// melstudio-cli bench-mel: log-mel of a 2 s clip, the front end every model uses.
#include "cli/Args.h"
#include "cli/Command.h"
#include "device/Device.h"
#include "dsp/LogMel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

namespace {

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv, {"json"});
    ms::device::configureThreads(args.getInt("threads", 0));
    const int reps = args.getInt("reps", 200);
    const bool json = args.has("json");
    std::vector<float> x(88200);
    std::mt19937 rng(1);
    std::normal_distribution<float> n(0.f, 0.1f);
    for (auto &v : x) v = n(rng);
    ms::dsp::MelConfig cfg;
    for (int i = 0; i < 10; ++i) (void)ms::dsp::logMel(x, cfg);   // warm-up
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        auto a = std::chrono::steady_clock::now();
        auto m = ms::dsp::logMel(x, cfg);
        auto b = std::chrono::steady_clock::now();
        t.push_back(std::chrono::duration<double, std::milli>(b - a).count());
        if (m.frames != 173) return 1;
    }
    std::sort(t.begin(), t.end());
    const double med = t[t.size() / 2];
    if (json)
        std::printf("{\"name\":\"logmel_2s\",\"ms\":%.4f,\"p10_ms\":%.4f,\"p90_ms\":%.4f,\"device\":\"cpu\",\"threads\":%d}\n",
                    med, t[t.size() / 10], t[t.size() * 9 / 10], ms::device::threads());
    else
        std::printf("logmel 2 s @ 44.1 kHz -> 128x173: median %.3f ms (p10 %.3f, p90 %.3f) over %d runs\n%s\n", med,
                    t[t.size() / 10], t[t.size() * 9 / 10], reps, ms::device::threadSummary().c_str());
    return 0;
}

ms::cli::Registrar reg({"bench-mel", "benchmark the log-mel front end on a 2 s clip",
                        "usage: melstudio-cli bench-mel [--reps N] [--threads N] [--json]", run});

} // namespace
