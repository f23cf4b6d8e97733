// melstudio-cli bench-train: training step time per model at the document's batch sizes.
#include "cli/Args.h"
#include "cli/Command.h"
#include "jobs/Train.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli bench-train [--preset paper|tiny] [--device auto|cpu|cuda] [--threads N]\n"
    "                                 [--iters N] [--warmup N] [--only vae,diffusion,vocoder] [--json]\n\n"
    "Times one optimiser step of each model on synthetic data of the real shapes: vae batch 32,\n"
    "diffusion batch 16 x accumulation 2, vocoder 4 segments of 8192 samples. --json prints one\n"
    "object per line: {\"name\":\"train_vae_step\",\"ms\":...,\"device\":...,\"batch\":...}.\n"
    "--only also takes vocoder_istft (the iSTFT vocoder's spectral-loss step) and vocoder_istft_gan\n"
    "(its GAN step): 8 segments of 16384 samples; their presets are tiny, cpu and paper.";

int run(const std::vector<std::string> &argv) {
    ms::cli::Args a(argv, {"json"});
    ms::jobs::BenchTrainParams p;
    p.preset = a.get("preset", "paper");
    p.device = a.get("device", "auto");
    p.threads = a.getInt("threads", 0);
    p.iters = a.getInt("iters", 3);
    p.warmup = a.getInt("warmup", 1);
    const bool json = a.has("json");
    std::string only = a.get("only");
    for (size_t s = 0; !only.empty() && s <= only.size();) {
        size_t e = only.find(',', s);
        if (e == std::string::npos) e = only.size();
        if (e > s) p.only.push_back(only.substr(s, e - s));
        s = e + 1;
    }
    if (!a.error().empty() || !a.unused().empty()) {
        std::fprintf(stderr, "bench-train: %s\n%s\n", a.error().empty() ? ("unknown option " + a.unused()[0]).c_str() : a.error().c_str(), kUsage);
        return 2;
    }
    // One model at a time so that each line appears as soon as it is measured.
    const std::vector<std::string> kinds = p.only.empty() ? std::vector<std::string>{"vae", "diffusion", "vocoder"} : p.only;
    int rc = 0;
    for (const auto &kind : kinds) {
        ms::jobs::BenchTrainParams one = p;
        one.only = {kind};
        auto lines = ms::jobs::benchTrain(one);
        if (!lines) {
            std::fprintf(stderr, "%s\n", lines.error().c_str());
            rc = 1;
            continue;
        }
        for (const auto &l : *lines) {
            if (json) {
                std::printf("%s\n", l.c_str());
            } else {
                auto j = nlohmann::json::parse(l);
                std::printf("%-22s %10.1f ms  %8.1f samples/s  batch %d  %s  (%s)\n", j["name"].get<std::string>().c_str(),
                            j["ms"].get<double>(), j["samples_per_s"].get<double>(), j["batch"].get<int>(),
                            j["device"].get<std::string>().c_str(), j["thread_summary"].get<std::string>().c_str());
            }
            std::fflush(stdout);
        }
    }
    return rc;
}

ms::cli::Registrar reg({"bench-train", "time one training step of each kick model", kUsage, run});

} // namespace
