#include "device/Device.h"

#include "torch/Torch.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <dirent.h>
#include <dlfcn.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sched.h>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ms::device {

bool cudaAvailable() { return torch::cuda::is_available(); }

std::string resolve(const std::string &requested, std::string *error) {
    if (requested.empty() || requested == "auto") return cudaAvailable() ? "cuda" : "cpu";
    if (requested.rfind("cuda", 0) == 0 && !cudaAvailable()) {
        if (error) *error = "CUDA was requested but this LibTorch build has no usable GPU; using cpu";
        return "cpu";
    }
    try {
        torch::Device d(requested);
        return d.str();
    } catch (const std::exception &) {
        if (error) *error = "unknown device '" + requested + "'; using cpu";
        return "cpu";
    }
}

void tuneAllocator() {
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        // glibc serves blocks above 128 KiB-32 MiB (dynamic) with mmap and gives
        // them back on free, so every vocoder layer's output (up to ~3 MB)
        // page-faults in fresh zeroed pages. On the 2-core VM that made a
        // one-thread HiFi-GAN pass 805 ms instead of 275 ms. Keep them in the heap.
        if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        if (!std::getenv("MALLOC_TRIM_THRESHOLD_")) mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    });
#endif
}

namespace {

// OpenBLAS's entry points, looked up at run time: Debian's LibTorch calls
// whichever libblas.so.3 the alternatives system points at (OpenBLAS,
// reference BLAS, BLIS, MKL), so nothing here may link against one of them.
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();

SetThreadsFn openblasSetThreads() {
    static auto f = reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    return f;
}

GetThreadsFn openblasGetThreads() {
    static auto f = reinterpret_cast<GetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return f;
}

} // namespace

int blasThreads() {
    if (auto get = openblasGetThreads()) return get();
    return -1;
}

void configureBlasThreads() {
    // OpenBLAS's pthread build keeps a pool of its own, sized to the cores,
    // whose threads spin after every call. LibTorch calls BLAS from inside its
    // OpenMP regions (im2col convolutions, batched matmuls), so both pools run
    // at once and wait on each other. On the 2-core VM one OpenBLAS thread made
    // a diffusion training step 3-7x faster and a VAE step 2x
    // (`bench-train`). An explicit OPENBLAS_NUM_THREADS wins.
    if (std::getenv("OPENBLAS_NUM_THREADS")) return;
    if (auto set = openblasSetThreads()) set(1);
}

int cpuQuotaCores(const std::string &quota, const std::string &period) {
    char *end = nullptr;
    const double q = std::strtod(quota.c_str(), &end);
    if (quota.empty() || end == quota.c_str() || q <= 0) return 0; // "max" or v1's -1: no limit
    const double p = std::strtod(period.c_str(), &end);
    if (period.empty() || end == period.c_str() || p <= 0) return 0;
    return std::max(1, int(std::floor(q / p)));
}

namespace {
std::string readLine(const std::string &path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}
int tighter(int a, int b) { return a == 0 ? b : b == 0 ? a : std::min(a, b); }
} // namespace

int cgroupCpuLimit(const std::string &root, const std::string &procSelfCgroup) {
    int limit = 0;
    std::ifstream in(procSelfCgroup);
    std::string line;
    while (std::getline(in, line)) {
        // "0::/path" (v2) or "N:cpu,cpuacct:/path" (v1); the quota of every ancestor applies.
        const auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1);
        std::string path = line.substr(b + 1);
        std::string dir;
        bool v1 = false;
        if (controllers.empty()) dir = root;
        else {
            std::stringstream list(controllers);
            std::string c;
            while (std::getline(list, c, ',')) v1 = v1 || c == "cpu";
            if (!v1) continue;
            dir = root + "/" + controllers;
            if (!std::ifstream(dir + "/cpu.cfs_quota_us")) dir = root + "/cpu";
        }
        for (;;) {
            const std::string here = dir + (path == "/" ? std::string() : path);
            if (v1) {
                limit = tighter(limit, cpuQuotaCores(readLine(here + "/cpu.cfs_quota_us"),
                                                     readLine(here + "/cpu.cfs_period_us")));
            } else {
                std::stringstream max(readLine(here + "/cpu.max"));
                std::string q, p;
                max >> q >> p;
                limit = tighter(limit, cpuQuotaCores(q, p));
            }
            if (path.empty() || path == "/") break;
            const auto slash = path.rfind('/');
            path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
        }
    }
    return limit;
}

int usableCores() {
    int n = int(std::max(1u, std::thread::hardware_concurrency()));
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) n = CPU_COUNT(&set);
    static const int quota = cgroupCpuLimit();
    if (quota > 0) n = std::min(n, quota);
#endif
    return n;
}

int lowerPriority(int nice, std::string *error) {
    auto fail = [&](const std::string &why) {
        if (error) *error = why;
        return -1;
    };
    if (nice < 0 || nice > 19) return fail("niceness must be 0-19, not " + std::to_string(nice));
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, 0);
    if (now == -1 && errno != 0) return fail(std::strerror(errno));
    if (nice <= now) return now; // already at least this low; never raise it
#if defined(__linux__)
    // Every thread already running (LibTorch may have started pools), then this one,
    // whose niceness the threads started later inherit.
    if (DIR *d = ::opendir("/proc/self/task")) {
        while (const dirent *e = ::readdir(d)) {
            const int tid = std::atoi(e->d_name);
            if (tid > 0) ::setpriority(PRIO_PROCESS, id_t(tid), nice);
        }
        ::closedir(d);
    }
#endif
    if (::setpriority(PRIO_PROCESS, 0, nice) != 0) return fail(std::strerror(errno));
    return ::getpriority(PRIO_PROCESS, 0);
}

void configureThreads(int n) {
    tuneAllocator();
    configureBlasThreads();
    if (n <= 0) n = usableCores();
    at::set_num_threads(n);
}

int threads() { return at::get_num_threads(); }

ScopedThreads::ScopedThreads(int n, bool cpu) : m_before(at::get_num_threads()) {
    if (cpu && n > 0 && n != m_before) {
        at::set_num_threads(n);
        m_set = true;
    }
}

ScopedThreads::~ScopedThreads() {
    if (m_set) at::set_num_threads(m_before);
}

std::vector<std::string> available() {
    std::vector<std::string> out{"cpu"};
    if (cudaAvailable())
        for (int i = 0; i < int(torch::cuda::device_count()); ++i) out.push_back("cuda:" + std::to_string(i));
    return out;
}

std::string torchVersion() {
#ifdef TORCH_VERSION
    return TORCH_VERSION;
#else
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
#endif
}

std::string threadSummary() {
    auto env = [](const char *k) { const char *v = std::getenv(k); return std::string(k) + "=" + (v ? v : "unset"); };
    const int blas = blasThreads();
    return "torch threads=" + std::to_string(at::get_num_threads()) + " interop=" +
           std::to_string(at::get_num_interop_threads()) + " " + env("OMP_NUM_THREADS") + " " +
           env("OMP_PROC_BIND") + " " + env("OMP_WAIT_POLICY") +
           (blas > 0 ? " openblas=" + std::to_string(blas) : std::string()) + " cores=" +
           std::to_string(usableCores()) + " hw=" + std::to_string(std::thread::hardware_concurrency());
}

} // namespace ms::device
