// melstudio-cli preprocess DST: the aggregated folder -> a memory-mappable log-mel dataset.
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/Progress.h"
#include "data/Preprocess.h"

#include <csignal>
#include <algorithm>
#include <cstdio>
#include <memory>

namespace {

std::atomic<bool> g_cancel{false};
void onSignal(int) { g_cancel = true; }

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv, {"no-audio"});
    if (args.positionals().size() != 1) {
        std::fprintf(stderr, "usage: melstudio-cli preprocess DST [--out DIR] [--threads N]\n");
        return 2;
    }
    ms::data::PreprocessParams p;
    p.dst = args.positionals()[0];
    p.out = args.get("out", "");
    p.threads = args.getInt("threads", 0);
    p.storeAudio = !args.has("no-audio");
    const int shown = args.getInt("show-failed", 10);
    if (!args.error().empty()) { std::fprintf(stderr, "preprocess: %s\n", args.error().c_str()); return 2; }
    for (const auto &u : args.unused()) { std::fprintf(stderr, "preprocess: unknown option --%s\n", u.c_str()); return 2; }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::unique_ptr<ms::cli::Progress> bar;
    auto res = ms::data::preprocess(p, [&](long long done, long long total, const std::string &) {
        if (!bar) {
            bar = std::make_unique<ms::cli::Progress>("preprocess", total);
            bar->update(0);
        }
        bar->update(done);
    }, &g_cancel);
    if (!res) {
        std::fprintf(stderr, "preprocess: %s\n", res.error().c_str());
        return 1;
    }
    const auto &r = *res;
    if (r.cancelled) {
        std::printf("preprocess cancelled; the previous dataset in %s is unchanged\n", r.outDir.c_str());
        return 130;
    }
    std::printf("preprocess %s -> %s (%d worker threads)\n", p.dst.c_str(), r.outDir.c_str(), r.threads);
    std::printf("listed: %lld, in dataset: %lld (decoded now: %lld, reused unchanged: %lld), failed: %zu, removed: %lld\n",
                r.listed, r.items, r.processed, r.reused, r.failures.size(), r.removed);
    for (const auto &[k, n] : r.countsByReason) std::printf("  failed %-12s %lld\n", k.c_str(), n);
    int i = 0;
    for (const auto &f : r.failures) {
        if (i++ >= shown) { std::printf("  ... %zu more (--show-failed N)\n", r.failures.size() - shown); break; }
        std::printf("  %s [%s]: %s\n", f.filename.c_str(), f.reason.c_str(), f.detail.c_str());
    }
    std::printf("mels.safetensors: mels F32 [%lld, 1, %d, %d]", r.items, p.mel.nMels,
                p.mel.framesFor(size_t(p.samples)));
    if (p.storeAudio) std::printf("; audio.safetensors: audio F32 [%lld, %d]", r.items, p.samples);
    std::printf("\ntime: %.2f s (%.1f files/s)\n", r.seconds, r.listed / std::max(1e-9, r.seconds));
    if (r.items == 0) std::printf("warning: the dataset is empty\n");
    return 0;
}

ms::cli::Registrar reg({"preprocess", "decode, resample and log-mel an aggregated folder into a dataset",
                        "usage: melstudio-cli preprocess DST [--out DIR] [--threads N] [--no-audio]\n"
                        "  For each file in DST/metadata.csv: decode, mono, 44.1 kHz, pad/trim to 2 s,\n"
                        "  peak -1 dBFS, 0.2 s linear fade-out, log-mel 1x128x173. Writes DIR (default\n"
                        "  DST/processed): mels.safetensors, audio.safetensors, index.json, metadata.csv.\n"
                        "  Re-running decodes only new or changed files.\n"
                        "  --threads N     decode workers (default: all cores)\n"
                        "  --no-audio      do not store the processed waveforms\n"
                        "  --show-failed N list the first N failed files (default 10)",
                        run});

} // namespace
