// melstudio-cli dataset DIR: summary of a preprocessed dataset folder.
#include "cli/Args.h"
#include "cli/Command.h"
#include "data/Dataset.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace {

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv);
    if (args.positionals().size() != 1) {
        std::fprintf(stderr, "usage: melstudio-cli dataset DIR [--top N]\n");
        return 2;
    }
    const int top = args.getInt("top", 20);
    auto ds = ms::data::MelDataset::open(args.positionals()[0]);
    if (!ds) {
        std::fprintf(stderr, "dataset: %s\n", ds.error().c_str());
        return 1;
    }
    const auto &d = **ds;
    std::printf("%s: %zu clips, mels [%zu, 1, %d, %d]", d.dir().c_str(), d.size(), d.size(), d.nMels(), d.frames());
    if (d.audioSamples() > 0) std::printf(", audio [%zu, %d]", d.size(), d.audioSamples());
    std::printf("\n");
    std::map<std::string, int> counts;
    double seconds = 0;
    for (size_t i = 0; i < d.size(); ++i) {
        seconds += d.item(i).duration;
        for (const auto &k : d.keywords(i)) counts[k]++;
    }
    std::printf("source audio: %.1f s in total; %zu distinct keywords\n", seconds, counts.size());
    std::vector<std::pair<int, std::string>> sorted;
    for (const auto &[k, n] : counts) sorted.push_back({-n, k});
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < int(sorted.size()) && i < top; ++i)
        std::printf("  %-20s %d\n", sorted[i].second.c_str(), -sorted[i].first);
    return 0;
}

ms::cli::Registrar reg({"dataset", "summary of a preprocessed dataset folder",
                        "usage: melstudio-cli dataset DIR [--top N]\n"
                        "  Prints the clip count, shapes and the most frequent keywords.",
                        run});

} // namespace
