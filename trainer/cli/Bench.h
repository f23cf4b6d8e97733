#pragma once
// What the bench* commands share: the process's peak memory and a timing loop.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

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

} // namespace ms::cli
