// melstudio-cli aggregate SRC DST: collect kick samples into a flat dataset folder.
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/Progress.h"
#include "data/Aggregate.h"

#include <csignal>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

namespace {

std::atomic<bool> g_cancel{false};
void onSignal(int) { g_cancel = true; }

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv, {"follow-symlinks", "no-decode-check"});
    ms::data::AggregateParams p;
    if (args.positionals().size() != 2) {
        std::fprintf(stderr, "usage: melstudio-cli aggregate SRC DST [--min-kb 5] [--max-kb 1024] [--filter kick]\n");
        return 2;
    }
    p.src = args.positionals()[0];
    p.dst = args.positionals()[1];
    p.minBytes = (unsigned long long)(args.getDouble("min-kb", 5) * 1024);
    p.maxBytes = (unsigned long long)(args.getDouble("max-kb", 1024) * 1024);
    p.nameFilter = args.get("filter", "kick");
    p.followSymlinks = args.has("follow-symlinks");
    p.decodeCheck = !args.has("no-decode-check");
    const int shown = args.getInt("show-skipped", 10);
    if (!args.error().empty()) { std::fprintf(stderr, "aggregate: %s\n", args.error().c_str()); return 2; }
    for (const auto &u : args.unused()) { std::fprintf(stderr, "aggregate: unknown option --%s\n", u.c_str()); return 2; }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<ms::cli::Progress> bar;
    auto res = ms::data::aggregate(p, [&](long long done, long long total, const std::string &) {
        if (!bar) bar = std::make_unique<ms::cli::Progress>("aggregate", total);
        bar->update(done);
    }, &g_cancel);
    if (!res) {
        std::fprintf(stderr, "aggregate: %s\n", res.error().c_str());
        return 1;
    }
    const auto &r = *res;
    long long skippedTotal = 0;
    for (const auto &[k, n] : r.countsByReason) skippedTotal += n;
    std::printf("aggregate %s -> %s%s\n", p.src.c_str(), p.dst.c_str(), r.cancelled ? " (cancelled)" : "");
    std::printf("files seen: %lld, kept: %zu (%lld already present), skipped: %lld\n", r.filesSeen, r.kept.size(),
                r.alreadyPresent, skippedTotal);
    for (const auto &[k, n] : r.countsByReason) std::printf("  skipped %-20s %lld\n", k.c_str(), n);
    int i = 0;
    for (const auto &s : r.skipped) {
        if (i++ >= shown) { std::printf("  ... %zu more (--show-skipped N)\n", r.skipped.size() - shown); break; }
        std::printf("  %s [%s]: %s\n", s.path.c_str(), s.reason.c_str(), s.detail.c_str());
    }
    std::printf("metadata.csv: %lld rows\n", r.metadataRows);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("time: %.2f s for %lld files (%.1f files/s, walk included)\n", secs, r.filesSeen,
                r.filesSeen / std::max(1e-9, secs));
    return r.cancelled ? 130 : 0;
}

ms::cli::Registrar reg({"aggregate", "collect kick samples from a nested library into a dataset folder",
                        "usage: melstudio-cli aggregate SRC DST [options]\n"
                        "  Walks SRC recursively and copies (never moves) every file whose name contains the\n"
                        "  filter word, is audio, is not a loop or BPM-tagged, and is within the size limits,\n"
                        "  into DST as <8 hex of content hash>_<name>; writes DST/metadata.csv.\n"
                        "  --min-kb N          smallest file kept, KB (default 5)\n"
                        "  --max-kb N          largest file kept, KB (default 1024)\n"
                        "  --filter WORD       case-insensitive name filter (default kick; \"\" keeps all)\n"
                        "  --follow-symlinks   follow symbolic links (default: skip them)\n"
                        "  --no-decode-check   only read headers instead of decoding each candidate\n"
                        "  --show-skipped N    list the first N skipped files (default 10)\n"
                        "Exit code 0 when the run completed (also with skipped files), 1 on fatal errors.",
                        run});

} // namespace
