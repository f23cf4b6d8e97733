// melstudio-cli bench-dist: data-parallel scaling on this machine. For each model's
// training step, samples/s of 1 rank x T threads against N ranks x T/N threads at
// the same global batch (real `train` jobs on a synthetic dataset, Gloo on CPU).
#include "cli/Args.h"
#include "cli/Command.h"
#include "jobs/RunFolder.h"
#include "jobs/Train.h"
#include "jobs/TrainData.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

const char *kUsage = R"(usage: melstudio-cli bench-dist [--preset paper|tiny|cpu] [--nproc N] [--threads T]
                            [--steps S] [--only vae,diffusion,vocoder-istft,vocoder-hifigan]

For each model, trains S steps twice at the same global batch (the document's:
vae 32, diffusion 16 x accum 2, vocoder istft 8, hifigan 4): once as 1 rank with
T threads, once as N ranks (train --nproc N) with T/N threads each. Prints one
JSON line per run, {"name":"dist_MODEL","ranks","threads","global_batch",
"samples_per_s","step_ms"} (the median over the logged steps after the first two),
and one {"name":"dist_MODEL_scaling","efficiency"}: N-rank samples/s over 1-rank
samples/s (1.0 = the ranks cost nothing; on one machine with T cores, the
question is whether processes beat threads). Defaults: --nproc 2, T = all cores,
--steps 6, --preset paper (every model has paper and tiny; the istft vocoder
also cpu, which the others refuse).)";

struct Model {
    std::string name, kind;
    std::vector<std::string> extra;
    int globalBatch;
};

int runTrain(const std::vector<std::string> &args, const std::string &log) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (!std::freopen(log.c_str(), "w", stderr)) ::_exit(126);
        if (!std::freopen(log.c_str(), "a", stdout)) ::_exit(126);
        std::vector<std::string> a{"melstudio-cli", "train"};
        a.insert(a.end(), args.begin(), args.end());
        std::vector<char *> c;
        for (auto &s : a) c.push_back(s.data());
        c.push_back(nullptr);
        ::execv("/proc/self/exe", c.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv, {"help"});
    if (args.has("help")) {
        std::printf("%s\n", kUsage);
        return 0;
    }
    const std::string preset = args.get("preset", "paper");
    const int nproc = args.getInt("nproc", 2);
    const int hw = int(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = args.getInt("threads", hw);
    const int steps = args.getInt("steps", 6);
    const std::string only = args.get("only", "");
    if (!args.error().empty() || nproc < 2 || threads < nproc || steps < 3 || !args.unused().empty()) {
        std::fprintf(stderr, "bench-dist: %s\n%s\n",
                     args.error().empty() ? "--nproc >= 2, --threads >= --nproc, --steps >= 3" : args.error().c_str(),
                     kUsage);
        return 2;
    }
    const std::vector<Model> models{
        {"vae", "vae", {}, 32},
        {"diffusion", "diffusion", {"--vae", "random", "--accum", "2"}, 16},
        {"vocoder-istft", "vocoder", {"--arch", "istft"}, 8},
        {"vocoder-hifigan", "vocoder", {"--arch", "hifigan"}, 4},
    };
    ms::jobs::ScratchDir scratch("melstudio-bench-dist");
    const std::string data = scratch.path() + "/data";
    if (auto st = ms::jobs::writeSyntheticDataset(data, 64, true, 7); !st) {
        std::fprintf(stderr, "bench-dist: %s\n", st.error().c_str());
        return 1;
    }
    for (const auto &m : models) {
        if (!only.empty() && ("," + only + ",").find("," + m.name + ",") == std::string::npos) continue;
        if (m.globalBatch % nproc != 0) {
            std::fprintf(stderr, "bench-dist: %s: global batch %d is not divisible by %d ranks; skipped\n",
                         m.name.c_str(), m.globalBatch, nproc);
            continue;
        }
        double sps[2] = {0, 0};
        for (int config = 0; config < 2; ++config) {
            const int ranks = config == 0 ? 1 : nproc;
            const int t = threads / ranks;
            const std::string runDir = scratch.path() + "/" + m.name + "-" + std::to_string(ranks);
            std::vector<std::string> a{m.kind, "--data", data, "--run", runDir, "--preset", preset, "--device", "cpu",
                                       "--steps", std::to_string(steps), "--log-every", "1", "--checkpoint-every",
                                       "100000", "--preview-every", "0", "--threads", std::to_string(t), "--batch",
                                       std::to_string(m.globalBatch / ranks)};
            a.insert(a.end(), m.extra.begin(), m.extra.end());
            if (ranks > 1) {
                a.push_back("--nproc");
                a.push_back(std::to_string(ranks));
            }
            const std::string log = runDir + ".log";
            if (const int code = runTrain(a, log); code != 0) {
                std::fprintf(stderr, "bench-dist: %s with %d rank(s) failed (exit %d); its log: %s\n", m.name.c_str(),
                             ranks, code, log.c_str());
                return 1;
            }
            auto snap = ms::jobs::RunReader::read(runDir);
            std::vector<double> v;
            if (snap)
                for (size_t i = 2; i < snap->metrics.size(); ++i) v.push_back(snap->metrics[i].value("samples_per_s", 0.0));
            if (v.empty()) {
                std::fprintf(stderr, "bench-dist: %s: no metrics in %s\n", m.name.c_str(), runDir.c_str());
                return 1;
            }
            std::sort(v.begin(), v.end());
            sps[config] = v[v.size() / 2];
            // The global batch as the trainer counts it (diffusion: batch x accum).
            const int global = snap->run.value("global_batch", m.globalBatch);
            nlohmann::json row = {{"name", "dist_" + m.name}, {"preset", preset}, {"ranks", ranks},
                                  {"threads", t}, {"global_batch", global}, {"samples_per_s", sps[config]},
                                  {"step_ms", 1000.0 * global / sps[config]}, {"backend", ranks > 1 ? "gloo" : "none"}};
            std::printf("%s\n", row.dump().c_str());
            std::fflush(stdout);
        }
        nlohmann::json eff = {{"name", "dist_" + m.name + "_scaling"},
                              {"config", "1x" + std::to_string(threads) + " vs " + std::to_string(nproc) + "x" +
                                             std::to_string(threads / nproc)},
                              {"efficiency", sps[1] / sps[0]}};
        std::printf("%s\n", eff.dump().c_str());
        std::fflush(stdout);
    }
    return 0;
}

ms::cli::Registrar reg({"bench-dist", "data-parallel scaling: samples/s of 1 rank x T threads against N ranks",
                        kUsage, run});

} // namespace
