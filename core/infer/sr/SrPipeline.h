#pragma once
// Audio super-resolution of whole files (design documents 000 and 003):
// cutoff detection, AudioSR's low-pass condition, DDIM with classifier-free
// guidance, mel replacement below the cutoff, the vocoder, low-band
// replacement from the input's STFT; any length through the chunker (bounded
// memory), every channel, quiet input raised and the level restored.

#include "audio/AudioFile.h"
#include "models/sr/Checkpoint.h"
#include "models/sr/Frontend.h"
#include "models/sr/Modules.h"
#include "util/Result.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ms::infer::sr {

enum class LevelMode {
    Normalize,   // AudioSR's normalize_wav: mean removed, peak 0.5 (gain at most 1000x)
    QuietOnly,   // document 003 only: RMS < 0.001 raised to 0.05 (gain <= 1000x, peak <= 0.95)
};

struct SrOptions {
    int steps = 50;
    double guidance = 3.5;
    double eta = 1.0;              // AudioSR's generate_batch samples with eta 1
    uint64_t seed = 42;
    double cutoffHz = 0;           // 0: detect as AudioSR does
    bool useGlobal = true;         // the global encoder's context (when the model has one)
    bool restoreLevel = true;      // output at the input's level
    LevelMode level = LevelMode::Normalize;
    std::string filter = "butter"; // the low-pass condition's filter (butter, cheby1)
    int overlapFrames = 128;       // cross-fade between chunks, in mel frames (1.28 s)
    // Model arithmetic: "fp32", "bf16" (CPU autocast; CUDA: fp16 autocast), or
    // "auto" (bf16 where the CPU multiplies bfloat16 natively, fp16 on CUDA).
    std::string precision = "auto";
};

// The precision "auto" resolves to on this machine and device: "fp32", "bf16" or "fp16".
std::string resolvePrecision(const std::string &requested, torch::Device device);

struct SrProgress {
    int64_t chunk = 0, chunks = 0;       // chunk done / total
    int step = 0, steps = 0;             // DDIM step within the chunk
    int channel = 0, channels = 0;
    double audioSeconds = 0, totalSeconds = 0, elapsed = 0;
    double xRealTime = 0, etaSeconds = 0;
};
using SrProgressFn = std::function<void(const SrProgress &)>;

struct SrFileResult {
    std::string input, output;
    int inputRate = 0, channels = 0;
    double seconds = 0, cutoffHz = 0, modelGain = 1, elapsed = 0;
    bool quiet = false, unchanged = false;
    std::vector<std::string> notes;   // what a user should know (quiet input, already full band, ...)
};

// AudioSR's cutoff rule on per-bin |STFT| sums (2048-point at 48 kHz): the
// 0.985 energy point; under 1 kHz means "almost empty", taken as full band.
double detectCutoffHz(const std::vector<double> &energy, int sampleRate, int nFft);

class SrPipeline {
public:
    SrPipeline(models::sr::SrModel model, torch::Device device);
    // A model folder (model.json + model.safetensors), an AudioSR checkpoint
    // (.pt/.bin/.ckpt/.safetensors; the preset "audiosr" is assumed), or a
    // preset name with random weights ("random:tiny", for tests and benches).
    static Result<std::unique_ptr<SrPipeline>> load(const std::string &source, torch::Device device,
                                                   std::string *report = nullptr,
                                                   const models::sr::SrLoadOptions &options = {});

    // One mono chunk at the model's rate (length <= chunk samples), at model
    // level, cut off at cutoffHz -> the enhanced chunk, same length.
    std::vector<float> enhanceChunk(const std::vector<float> &x, double cutoffHz, uint64_t seed,
                                    const SrOptions &options, const std::function<void(int, int)> &stepProgress = {});

    // A whole file. Never overwrites unless write.overwrite; never touches the input.
    Result<SrFileResult> upsampleFile(const std::string &input, const std::string &output, const SrOptions &options,
                                      const audio::WriteOptions &write, const SrProgressFn &progress = {},
                                      const std::atomic<bool> *cancel = nullptr);

    models::sr::SrModel &model() { return m_model; }
    const models::sr::SrModelConfig &config() const { return m_model->config(); }
    torch::Device device() const { return m_device; }

private:
    models::sr::SrModel m_model;
    torch::Device m_device;
    models::sr::SrFrontend m_frontend;
};

// AudioSR's low-pass condition (lowpass.py): zero-phase IIR of order 8, a
// band-limiting resample to 2 x cutoff and back, the IIR again.
std::vector<float> audioSrLowpass(const std::vector<float> &x, double cutoffHz, int sampleRate,
                                  const std::string &filter = "butter", int order = 8);

} // namespace ms::infer::sr
