#pragma once
// The one place that decides devices and CPU threads (no torch in the header).

#include <string>
#include <vector>

namespace ms::device {

// "auto" -> "cuda" when available, else "cpu"; "cuda:1", "cpu" pass through.
// An unavailable CUDA request becomes an error message in `error`.
std::string resolve(const std::string &requested, std::string *error = nullptr);

// Sets intra-op threads (0: hardware_concurrency). Debian's LibTorch starts at 1.
void configureThreads(int threads = 0);
int threads();

// "cpu", "cuda:0 (NVIDIA H100 ...)", ... as found at run time.
std::vector<std::string> available();

std::string torchVersion();       // "1.13.1"
bool cudaAvailable();

// One line for benchmarks: threads, OMP/BLAS settings.
std::string threadSummary();

} // namespace ms::device
