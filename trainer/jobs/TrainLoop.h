#pragma once
// The shared training loop and its pieces (internal to trainer/jobs; includes
// LibTorch, so never include it from Qt code): data access, the step loop with
// checkpoints / previews / metrics, NaN guard, signals, EMA, AMP, state files.

#include "jobs/Distributed.h"
#include "jobs/RunFolder.h"
#include "jobs/TrainData.h"
#include "torch/Torch.h"
#include "util/Result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ms::cli { class Args; }

namespace ms::jobs {

class Collective;

// Mel rows [B, 1, nMels, frames] for the given indices (CPU float).
torch::Tensor melBatch(const TrainData &data, const std::vector<size_t> &idx);

// Thrown by a trainer step when a loss is NaN/Inf; the loop stops the run.
struct NonFiniteLoss : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Flags common to every job, with their defaults already resolved per kind.
struct CommonOptions {
    std::string kind, dataDir, runDir, preset = "paper", device = "auto";
    bool resume = false;
    long long steps = -1;        // optimiser steps (wins over epochs)
    double epochs = -1;
    int batch = 0;
    long long checkpointEvery = 0, previewEvery = 0, logEvery = 10;
    uint64_t seed = 0;
    int threads = 0;
    int nice = 0;                    // CPU priority: 0 (normal) .. 19 (lowest)
    int keep = 3;
    long long debugNanAtStep = -1;   // hidden: makes the loss of that step NaN
    int debugNanRank = -1;           // hidden: ... on that rank only (-1: every rank)
    long long debugHangAfterCheckpoint = -1;   // hidden: waits for a kill after that checkpoint (tests)
    std::string amp = "auto";        // auto (per recipe, CUDA only) | on | off
    DistEnv dist;                    // this rank's place in a data-parallel job (one process: world 1)
    int distTimeout = 300;           // seconds a collective (or the rendezvous) may wait for a peer
    // Every recipe flag as resolved (common and the family's), keyed by flag name:
    // run.json's "flags" when a run starts.
    nlohmann::json flags = nlohmann::json::object();
    // A resume's allowed changes ({"flag","from","to"}, see Recipe.h).
    std::vector<nlohmann::json> resumeChanges;
};

// Mixes a seed with a counter (splitmix64) for per-step / per-epoch streams.
uint64_t mixSeed(uint64_t seed, uint64_t counter);

// fp16 loss scaling for CUDA autocast (LibTorch has no C++ GradScaler).
class GradScaler {
public:
    explicit GradScaler(bool enabled) : m_enabled(enabled) {}
    bool enabled() const { return m_enabled; }
    torch::Tensor scale(const torch::Tensor &loss) const { return m_enabled ? loss * m_scale : loss; }
    // Divides the gradients by the scale; false when any is Inf/NaN (skip the step).
    bool unscale(const std::vector<torch::Tensor> &params);
    // Adjusts the scale after a step (halve on overflow, double after 2000 good steps).
    void update(bool ok);
    nlohmann::json state() const { return {{"scale", m_scale}, {"good", m_good}}; }
    void setState(const nlohmann::json &j);

private:
    bool m_enabled;
    double m_scale = 65536.0;
    int m_good = 0;
};

// Turns CUDA fp16 autocast on for a scope (no-op when off).
class AutocastScope {
public:
    explicit AutocastScope(bool on);
    ~AutocastScope();

private:
    bool m_on;
};

// Exponential moving average of a module's parameters (buffers copied), with a
// warm-up: decay_t = min(decay, (1 + t) / (10 + t)) for update t, so that
// short runs are usable (after 1000 updates the effective decay is ~0.991).
class Ema {
public:
    Ema(double decay, bool warmup) : m_decay(decay), m_warmup(warmup) {}
    // Moves `ema` toward `model` (same architecture) with currentDecay().
    void update(torch::nn::Module &ema, const torch::nn::Module &model) const;
    // Counts one optimiser step (after updating every EMA copy of the step).
    void tick() { ++m_updates; }
    double currentDecay() const;
    long long updates() const { return m_updates; }
    void setUpdates(long long n) { m_updates = n; }

private:
    double m_decay;
    bool m_warmup;
    long long m_updates = 0;
};

// Copies parameters and buffers of src into dst (same architecture).
void copyModule(torch::nn::Module &dst, const torch::nn::Module &src);
// True when every parameter of the module is finite.
bool moduleFinite(const torch::nn::Module &m);
// Parameters of several modules, in order.
std::vector<torch::Tensor> parametersOf(const std::vector<const torch::nn::Module *> &mods);

// Optimiser state through LibTorch's archive (portable across 1.13 / 2.x).
Status saveOptimizer(const torch::optim::Optimizer &opt, const std::string &path);
Status loadOptimizer(torch::optim::Optimizer &opt, const std::string &path, torch::Device device);
// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer &opt, double lr);

// A model family's trainer; the loop calls these.
class Trainer {
public:
    virtual ~Trainer() = default;
    // Reads recipe flags (defaults = design document 004); errors name the flag.
    virtual Status configure(const cli::Args &args, CommonOptions &common) = 0;
    // The training data in --data (after configure): a preprocessed mel dataset by
    // default; the wave VAE reads a folder of audio files.
    virtual Result<std::unique_ptr<TrainData>> openData(const std::string &dir) const { return openTrainData(dir); }
    // Builds models and optimisers on the device for this data (and run folder).
    virtual Status build(const TrainData &data, torch::Device device, RunFolder *run) = 0;
    // Samples consumed by one optimiser step (batch * accumulation).
    virtual int samplesPerStep() const = 0;
    // Items per epoch (dataset size for mel jobs).
    virtual size_t epochItems(const TrainData &data) const { return data.size(); }
    // One optimiser step on these dataset indices; returns named losses.
    virtual std::map<std::string, double> step(const TrainData &data, const std::vector<size_t> &idx,
                                               long long step, double epoch) = 0;
    virtual double learningRate() const = 0;
    virtual bool weightsFinite() const = 0;
    // Weights + optimiser + scheduler + EMA into dir; extra values into state.
    virtual Status save(const stdfs::path &dir, nlohmann::json &state) const = 0;
    virtual Status load(const stdfs::path &dir, const nlohmann::json &state) = 0;
    // Target/output mels (and audio) for a fixed example into dir.
    virtual Status preview(const TrainData &data, const stdfs::path &dir, long long step) = 0;
    // Recipe values and model configs for run.json.
    virtual nlohmann::json recipe() const = 0;
    // The family's flags as configure resolved them, keyed by flag name without
    // "--" (defaults included): every flag configure reads. run.json records them
    // and a resume passes them back to configure, so they must read back exactly.
    virtual nlohmann::json flags() const = 0;
    virtual std::string component() const = 0;   // "vae", "unet", "vocoder", "wavevae"
    virtual std::string family() const { return "kick-ldm"; }   // run.json "family"
    // Parameters and buffers every rank must hold identically: the trained
    // modules, their EMA copies, the discriminators (broadcast from rank 0 at the
    // start, fingerprinted at every checkpoint).
    virtual std::vector<torch::Tensor> syncedTensors() const = 0;
    // Micro-batches per optimiser step (gradient accumulation): the loop hands a
    // step's indices as micro-batch k's rows k*B .. k*B+B-1, B = samplesPerStep()/microBatches().
    virtual int microBatches() const { return 1; }

    // Set by the loop: the NaN-injection step (tests) and the current step.
    long long debugNanAtStep = -1;
    long long currentStep = 0;
    // Set by the loop in a data-parallel job (world > 1): every rank runs the same
    // steps on its shard of each global batch.
    int rank = 0, world = 1;
    Collective *dist = nullptr;

protected:
    // Throws NonFiniteLoss when the loss is NaN/Inf (after optional injection). In a
    // data-parallel job it only records it: syncGradients then stops every rank.
    torch::Tensor checkLoss(torch::Tensor loss, const std::string &name) const;
    // Averages the gradients of params over the ranks (nothing in one process);
    // throws NonFiniteLoss, on every rank, when any rank's loss was not finite.
    // Call after backward, before clipping, unscaling and the optimiser step.
    void syncGradients(const std::vector<torch::Tensor> &params);
    // Random draws for a global batch: every rank draws the rows of all ranks
    // (same seed, same generator) and keeps its own, so that N ranks draw what one
    // process with the global batch would. global(n) is the global row count.
    int64_t global(int64_t localRows) const { return localRows * world; }
    torch::Tensor mine(const torch::Tensor &globalRows) const;

private:
    mutable std::string m_nonFinite;   // the first non-finite loss of this step (data-parallel)
};

// Parameters and buffers of modules, in order (for Trainer::syncedTensors).
std::vector<torch::Tensor> tensorsOf(const std::vector<const torch::nn::Module *> &mods);

// The trainers, one folder per family (jobs/kick/, jobs/vocoder/).
namespace kick {
std::unique_ptr<Trainer> makeVaeTrainer();
std::unique_ptr<Trainer> makeDiffusionTrainer();
} // namespace kick
namespace vocoder {
std::unique_ptr<Trainer> makeVocoderTrainer();
} // namespace vocoder
namespace wavevae {
std::unique_ptr<Trainer> makeWaveVaeTrainer();
} // namespace wavevae
namespace bsq {
std::unique_ptr<Trainer> makeTokenizerTrainer();
} // namespace bsq

// Runs the loop for a configured trainer; returns a TrainExit code.
int runLoop(Trainer &trainer, const CommonOptions &opt, const cli::Args &args);

// Epoch permutation of n items, deterministic in (seed, epoch).
std::vector<size_t> epochOrder(size_t n, uint64_t seed, long long epoch);

// Writes a [rows, cols] float mel to a safetensors file (name "mel").
Status saveMel(const std::string &path, const torch::Tensor &mel);

} // namespace ms::jobs
