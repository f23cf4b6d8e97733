#pragma once
// Benchmarks of kick generation on this machine (no LibTorch in the header).

#include "util/Result.h"

#include <map>
#include <string>
#include <vector>

namespace ms::infer::kick {

struct KickBenchOptions {
    std::string modelDir;            // empty: a randomly initialised package of `preset`
    std::string preset = "paper";
    std::string device = "auto";
    int reps = 5;                    // timed single-kick runs (median reported)
    int batch = 16;                  // the throughput run
    int steps = 50;
    float guidance = 3.0f;
    int samplerThreads = 0;          // KickParams::samplerThreads for the main rows (0: every core)
    bool samplerThreadsVariant = true;   // also time the kick with the denoising loop on one thread
    std::string precision = "auto";  // KickParams::precision for the main rows
    bool precisionVariant = true;    // CPU: also time the kick with the other precision
};

struct KickBenchRow {
    std::string name;                // e.g. "generate_ddim50_cfg"
    double ms = 0;                   // median
    std::string device;
    std::map<std::string, double> extra;   // per-stage ms, kicks_per_s, ...
};

// Runs: generate_ddim50_cfg (one kick end to end: DDIM + CFG + VAE decode +
// vocoder, with the stage split), the stages alone, the kick with the other
// precision (generate_ddim50_cfg_fp32 or _bf16) and with the loop on one
// thread (_sampler1thread, CPU only; the other precision only where the CPU
// runs bf16 at all), and generate_batch16 (kicks/s). The
// vocoder row is named for the package's vocoder (vocoder_hifigan, vocoder_istft
// or vocoder_griffinlim); on CPU the neural vocoders the package lacks are timed
// alone on the same 2 s mel with random weights (rows vocoder_hifigan /
// vocoder_istft with "random_weights": 1 and their parameter count), and the
// iSTFT vocoder with its priors, alone (vocoder_istft_priors) and followed by
// mel matching (vocoder_istft_priors_melmatch, "mel_match": passes).
Result<std::vector<KickBenchRow>> benchKickGeneration(const KickBenchOptions &options);

} // namespace ms::infer::kick
