#pragma once
// What the bench* commands share: the process's peak memory and a timing loop.
#include "cli/Args.h"
#include "device/Device.h"
#include "io/ModelDirs.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace ms::cli {

// The process's peak resident memory so far (VmHWM), in MB; 0 where unknown.
inline double peakMb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    return 0;
}

// Mean milliseconds of `reps` calls of f after one warm-up call.
template <class F>
double timeMs(F &&f, int reps) {
    f();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / reps;
}

// The flags of the model benches (bench-wavevae, bench-tokenizer): --preset
// P|all or --model M, --seconds, --reps, --threads, --json. `sources` are
// loader names: "random:PRESET" or a model folder (a run's newest checkpoint).
struct BenchOptions {
    std::vector<std::string> sources;
    double seconds = 10;
    int reps = 2;
    bool json = false;
};

inline bool parseBenchOptions(cli::Args &a, const char *command, const char *usage, double defaultSeconds,
                              BenchOptions *out) {
    const std::string presetArg = a.get("preset", "all"), model = a.get("model");
    out->seconds = a.getDouble("seconds", defaultSeconds);
    out->reps = a.getInt("reps", 2);
    out->json = a.has("json");
    device::configureThreads(a.getInt("threads", 0));
    if (!a.error().empty() || !a.unused().empty() || out->seconds <= 0 || out->reps < 1) {
        std::fprintf(stderr, "%s: %s\n%s\n", command,
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                                           : "--seconds and --reps must be positive",
                     usage);
        return false;
    }
    if (!model.empty()) out->sources.push_back(io::newestCheckpointDir(model));
    else if (presetArg == "all") out->sources = {"random:cpu", "random:paper"};
    else out->sources.push_back("random:" + presetArg);
    return true;
}

// One timing row: JSON (name, model, parameters, seconds, ms, x_real_time,
// peak_mb, threads) or a text line.
inline void printBenchRow(const char *row, const std::string &model, long long params, double seconds, double ms,
                          bool json) {
    const double xrt = seconds * 1000.0 / ms;
    if (json)
        std::printf("%s\n", nlohmann::json{{"name", row}, {"model", model}, {"parameters", params}, {"seconds", seconds},
                                           {"ms", ms}, {"x_real_time", xrt}, {"peak_mb", peakMb()},
                                           {"threads", device::threads()}}
                                .dump()
                                .c_str());
    else
        std::printf("%-22s %-10s %10.1f ms  %7.2fx real time  peak %6.0f MB\n", row, model.c_str(), ms, xrt, peakMb());
}

} // namespace ms::cli
