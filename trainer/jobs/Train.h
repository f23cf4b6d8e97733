#pragma once
// Training jobs behind `melstudio-cli train vae|diffusion|vocoder`, export of
// run folders into a model package, and training benchmarks. No LibTorch here.

#include "util/Result.h"

#include <string>
#include <vector>

namespace ms::cli { class Args; }

namespace ms::jobs {

// Exit codes of a training run.
enum TrainExit : int {
    kTrainOk = 0,          // finished, or paused by SIGINT/SIGTERM after a checkpoint
    kTrainFailed = 1,      // setup or I/O error (message in log.txt / stderr)
    kTrainUsage = 2,       // bad flags
    kTrainNonFinite = 3,   // NaN/Inf loss or weights: run stopped, last good checkpoint kept
};

// Runs `train KIND` with the parsed flags; returns a TrainExit code. Unknown
// flags are refused before anything is written, and so is a --resume that gives
// a recipe flag another value than the run's (see jobs/Recipe.h).
int runTrain(const std::string &kind, const cli::Args &args);

// `train KIND ... --nproc N` in a process that is not a rank yet: starts N local
// ranks running the same command (without --nproc) and returns the job's exit
// code once they end; -1 when there is nothing to launch (one process, or a
// rank started by torchrun, srun or a launcher). argv: the command's arguments.
int launchRanksIfAsked(const cli::Args &args, const std::vector<std::string> &argv);

// Help text of `melstudio-cli train`, listing every flag and its default.
std::string trainUsage();

// Assembles a model package from run folders (newest or chosen checkpoints).
// Without vaeRun, the VAE the diffusion run was trained with (its state
// records the checkpoint or package).
struct ExportParams {
    std::string vaeRun, diffusionRun, vocoderRun;   // VAE and vocoder optional
    // Instead of diffusionRun: an existing package whose vocoder is replaced
    // by vocoderRun's generator (everything else copied as it is).
    std::string package;
    int melMatch = -1;   // the vocoder's mel_match passes; -1: the run's (0)
    long long vaeStep = -1, diffusionStep = -1, vocoderStep = -1;   // -1: newest
    std::string out;
    bool overwrite = false;
    bool half = false;   // F16 weights in the package
};
Status exportPackage(const ExportParams &params);

// A model folder for inference from what a user passes as --model: a package
// is returned as it is; a diffusion run folder (or one of its checkpoints) is
// exported (EMA weights, float32, the VAE it was trained with, vocoderRun's
// generator when given) into scratchDir/<run>@<step>, which is returned. A
// package with a vocoderRun is copied into scratchDir with that run's
// generator as its vocoder.
// `note` gets a line saying what was assembled ("" for a package).
Result<std::string> inferenceModel(const std::string &dir, const std::string &vocoderRun,
                                   const std::string &scratchDir, std::string *note = nullptr);

// A fresh folder under the system's temporary folder, removed with the object.
class ScratchDir {
public:
    explicit ScratchDir(const std::string &prefix);
    ~ScratchDir();
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
};

// One training-step timing per model: {"name","ms","device","batch",...} lines.
struct BenchTrainParams {
    std::string preset = "paper";
    std::string device = "auto";
    int threads = 0;
    int warmup = 1, iters = 3;
    std::vector<std::string> only;   // empty: vae, diffusion, vocoder
};
Result<std::vector<std::string>> benchTrain(const BenchTrainParams &params);

} // namespace ms::jobs
