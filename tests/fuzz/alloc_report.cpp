// alloc-report: what each reader allocates for each file of a corpus,
// against its input's size. Counts every malloc-family call of the process
// (operator new, LibTorch's CPU allocator, libsndfile) by interposing malloc
// here, so it must not run under ASan. Usage:
//   build/tests/fuzz/alloc-report [--dir READER=FOLDER ...]
// Without arguments it reads tests/fuzz/corpus/<reader>/ for every reader.
// Prints per reader the largest peak (bytes above the baseline while one
// input is read) and the largest peak / input size, and whether every input
// stayed within its reader's budget (FuzzTargets.h).
#include "FuzzTargets.h"
#include "io/Bounds.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <malloc.h>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
void __libc_free(void *);
}

namespace {
std::atomic<int64_t> g_now{0}, g_peak{0};
void grew(void *p) {
    if (!p) return;
    const int64_t n = g_now += int64_t(malloc_usable_size(p));
    int64_t peak = g_peak.load();
    while (n > peak && !g_peak.compare_exchange_weak(peak, n)) {}
}
void shrank(void *p) {
    if (p) g_now -= int64_t(malloc_usable_size(p));
}
} // namespace

extern "C" {
void *malloc(size_t n) { void *p = __libc_malloc(n); grew(p); return p; }
void *calloc(size_t a, size_t b) { void *p = __libc_calloc(a, b); grew(p); return p; }
void free(void *p) { shrank(p); __libc_free(p); }
void *realloc(void *old, size_t n) {
    shrank(old);
    void *p = __libc_realloc(old, n);
    if (p) grew(p);
    else if (old && n) grew(old);
    return p;
}
void *memalign(size_t a, size_t n) { void *p = __libc_memalign(a, n); grew(p); return p; }
void *aligned_alloc(size_t a, size_t n) { return memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) {
    void *p = memalign(a, n);
    if (!p) return 12;   // ENOMEM
    *out = p;
    return 0;
}
}

int main(int argc, char **argv) {
    namespace stdfs = std::filesystem;
    std::map<std::string, std::string> dirs;
    for (const auto &t : ms::fuzz::targets())
        dirs[t.name] = std::string(MELSTUDIO_SOURCE_DIR) + "/tests/fuzz/corpus/" + t.name;
    for (int i = 1; i + 1 < argc; i += 2)
        if (std::strcmp(argv[i], "--dir") == 0) {
            std::string a = argv[i + 1];
            auto eq = a.find('=');
            if (eq != std::string::npos) dirs[a.substr(0, eq)] = a.substr(eq + 1);
        }
    bool allWithin = true;
    for (const auto &t : ms::fuzz::targets()) {
        std::error_code ec;
        if (!stdfs::is_directory(dirs[t.name], ec)) continue;
        size_t files = 0, over = 0;
        double worstRatio = 0, worstLargeRatio = 0;   // the second over inputs of 4 KB and more
        int64_t worstPeak = 0;
        std::string worstFile;
        for (const auto &e : stdfs::directory_iterator(dirs[t.name])) {
            if (!e.is_regular_file()) continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (bytes.empty()) continue;
            t.fn(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());   // warm-up: lazy statics
            const int64_t base = g_now.load();
            g_peak = base;
            t.fn(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
            const int64_t peak = g_peak.load() - base;
            const double ratio = double(peak) / double(bytes.size());
            ++files;
            if (uint64_t(peak) > t.budget(bytes.size())) ++over;
            if (peak > worstPeak) worstPeak = peak;
            if (ratio > worstRatio) { worstRatio = ratio; worstFile = e.path().filename().string(); }
            if (bytes.size() >= 4096 && ratio > worstLargeRatio) worstLargeRatio = ratio;
        }
        std::printf("%-17s %6zu inputs  largest peak %9.1f KB  largest peak/size %7.1f x (%s), %.1f x over inputs >= 4 KB"
                    "  over budget: %zu\n",
                    t.name, files, double(worstPeak) / 1024, worstRatio, worstFile.c_str(), worstLargeRatio, over);
        allWithin = allWithin && over == 0;
    }
    std::printf("budgets: %zu x input + %zu MB (checkpoints, safetensors), 16 x (JSON), 32 x (CSV), "
                "%llu MB (audio, two buffers of the decoding cap); %s\n",
                ms::io::kAllocFactor, ms::io::kAllocSlack >> 20, (unsigned long long)(ms::fuzz::targets().back().budget(0) >> 20),
                allWithin ? "every input within its budget" : "SOME INPUTS OVER BUDGET");
    return allWithin ? 0 : 1;
}
