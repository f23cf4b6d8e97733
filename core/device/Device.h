#pragma once
// The one place that decides devices and CPU threads (no torch in the header).

#include <string>
#include <vector>

namespace ms::device {

// "auto" -> "cuda" when available, else "cpu"; "cuda:1", "cpu" pass through.
// An unavailable CUDA request becomes an error message in `error`.
std::string resolve(const std::string &requested, std::string *error = nullptr);

// Sets intra-op threads (0: usableCores(); Debian's LibTorch starts at 1), OpenBLAS to one thread (configureBlasThreads) and tunes the allocator
// (tuneAllocator). Every program calls it first.
void configureThreads(int threads = 0);
// The CPUs this process may run on (its affinity mask: taskset, a container's
// cpuset), else hardware_concurrency, and no more than a cgroup CPU quota allows
// (`docker --cpus 2` on a 64-core host: 2). More threads than that only contend.
int usableCores();
// The whole cores a cgroup CPU quota allows this process (cgroup v2 cpu.max or v1
// cpu.cfs_quota_us / cpu.cfs_period_us, the tightest of its cgroup and every
// ancestor), 0 when there is none. The paths are parameters for tests.
int cgroupCpuLimit(const std::string &root = "/sys/fs/cgroup",
                   const std::string &procSelfCgroup = "/proc/self/cgroup");
// floor(quota / period), at least 1; 0 for "max", -1 or anything unreadable.
int cpuQuotaCores(const std::string &quota, const std::string &period);
// Lowers this process's CPU priority to niceness `nice` (0-19) for every thread it
// has and will start (Linux keeps a niceness per thread), so that a training job
// yields the cores to the studio, playback and generation. Returns the niceness now
// in effect, or -1 with the reason in `error`. Raising priority is refused.
int lowerPriority(int nice, std::string *error = nullptr);
// OpenBLAS, when it is the BLAS LibTorch calls: one thread of its own, since
// LibTorch already calls it from its parallel regions (OPENBLAS_NUM_THREADS in
// the environment wins). Nothing happens under another BLAS.
void configureBlasThreads();
// OpenBLAS's thread count, or -1 when the BLAS in use is not OpenBLAS.
int blasThreads();
// glibc: large blocks stay in the heap instead of mmap/munmap per tensor (once;
// MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ in the environment win).
void tuneAllocator();
int threads();

// Intra-op threads for a scope (CPU only; n <= 0 leaves the setting alone),
// restored when it ends.
class ScopedThreads {
public:
    ScopedThreads(int n, bool cpu);
    ~ScopedThreads();
    ScopedThreads(const ScopedThreads &) = delete;
    ScopedThreads &operator=(const ScopedThreads &) = delete;

private:
    int m_before;
    bool m_set = false;
};

// "cpu", "cuda:0 (NVIDIA H100 ...)", ... as found at run time.
std::vector<std::string> available();

std::string torchVersion();       // "1.13.1"
bool cudaAvailable();

// One line for benchmarks: threads, OMP/BLAS settings.
std::string threadSummary();

} // namespace ms::device
