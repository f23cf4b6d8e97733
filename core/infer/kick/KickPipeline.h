#pragma once
// Kick latent diffusion inference: prompt -> latent (DDIM/DDPM + CFG) -> VAE
// decode -> mel -> vocoder (or Griffin-Lim) -> 2 s at 44.1 kHz.
// No LibTorch in this header: the studio includes it.

#include "dsp/MelConfig.h"
#include "util/Result.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ms::infer::kick {

struct KickParams {
    std::string prompt;          // free text; words are matched against the vocabulary
    int count = 1;               // kicks generated in one batch
    int steps = 50;              // DDIM steps (DDPM always uses the full schedule)
    float guidance = 3.0f;       // classifier-free guidance scale (1 = conditional only)
    std::uint64_t seed = 1;      // take i uses seed + i
    std::string sampler = "ddim";   // "ddim" or "ddpm"
    float eta = 0.0f;            // DDIM eta (0 = deterministic)
    std::string vocoder = "auto";   // "auto" (model's vocoder if present), "hifigan" or "istft" (the
                                    // model's vocoder, which must be of that kind), "griffinlim"
    int griffinLimIterations = 64;
    // The reference post-processing plus a DC blocker (finishKick below). Off:
    // the raw decoder/vocoder output (trimmed to 2 s).
    bool finish = true;
    // Intra-op threads for the denoising loop only (0: keep the current
    // setting, normally every core). Measured on the 2-core machine (DDIM 50 +
    // CFG): a bf16 loop for one kick is ~10 ms faster on one thread, but the
    // decoder and vocoder after it then lose ~25 ms while OpenMP wakes its
    // second thread again (end to end 284-316 ms against 287-292 ms on both
    // threads); the fp32 loop (171-195 against 207-280 ms) and batches (bf16,
    // 16 kicks: 598 against 1459 ms) gain from every core. So 0 is the default.
    int samplerThreads = 0;
    // Arithmetic of the denoising loop on CPU: "fp32", "bf16", or "auto"
    // (bf16 where the CPU has native bfloat16 units, else fp32). The VAE
    // decoder and the vocoder always run in float32. GPU runs ignore it.
    std::string precision = "auto";
};

struct KickTake {
    std::vector<float> audio;    // mono, sampleRate, 2 s
    int sampleRate = 44100;
    std::vector<float> mel;      // log-mel, row-major [nMels][frames]
    int nMels = 128, frames = 173;
    std::vector<float> latent;   // final latent [channels][h][w]
    std::uint64_t seed = 0;
};

struct KickResult {
    std::vector<KickTake> takes;
    KickParams params;
    std::vector<std::string> keywordsUsed;   // prompt words found in the vocabulary
    std::vector<std::string> unknownWords;   // prompt words not in the vocabulary
    std::string modelId;                     // package folder name + version
    std::string vocoderUsed;                 // "hifigan", "istft" or "griffinlim"
    std::string precisionUsed;               // denoising loop: "fp32", "bf16" ("fp32" on GPU)
    int samplerThreadsUsed = 0;              // the denoising loop's CPU threads (0 on GPU)
    std::map<std::string, double> timingsMs; // "sample", "decode", "vocoder", "total"
    bool cancelled = false;
};

// Latent shape for the live view: [count][channels][h][w] flattened.
struct LatentFrame {
    int count = 0, channels = 0, height = 0, width = 0;
    std::vector<float> data;
};

// Called on the worker thread after each denoising step (step is 1-based).
using StepCallback = std::function<void(int step, int total, const LatentFrame &latent)>;

class KickPipeline {
public:
    ~KickPipeline();

    // Loads a model package folder (model.json + safetensors) onto a device
    // ("auto", "cpu", "cuda"). Errors name the folder and the problem.
    static Result<std::unique_ptr<KickPipeline>> load(const std::string &packageDir,
                                                      const std::string &device = "auto");

    // Generates params.count kicks. Checks `cancel` between steps; a cancelled
    // run returns with cancelled = true and no takes.
    Result<KickResult> run(const KickParams &params, const StepCallback &onStep = {},
                           const std::atomic<bool> *cancel = nullptr);

    // Splits a prompt into known keywords and unknown words.
    void parsePrompt(const std::string &prompt, std::vector<std::string> &known,
                     std::vector<std::string> &unknown) const;

    const std::vector<std::string> &vocabulary() const;
    bool hasVocoder() const;
    // The package vocoder's architecture ("hifigan", "istft"), or "griffinlim" when it has none.
    std::string vocoderName() const;
    // Mel matching passes after the neural vocoder (VocoderConfig::melMatch):
    // the package's unless set here (-1: the package's again).
    int melMatch() const;
    void setMelMatch(int passes);
    // What loading the package had to assume (KickPackage::warnings).
    const std::vector<std::string> &warnings() const;
    std::string device() const;
    // The denoising loop can run in bf16 here (CPU with oneDNN), and what
    // KickParams::precision "auto" resolves to ("bf16" or "fp32").
    bool supportsBf16() const;
    std::string autoPrecision() const;
    std::string modelId() const;
    std::string packageDir() const;

    // Audio -> mel -> VAE -> mel -> vocoder: the model's reconstruction of a
    // mono clip at 44.1 kHz (trimmed/padded to 2 s). griffinLim: Griffin-Lim
    // (64 iterations) even when the package has a vocoder.
    Result<KickTake> reconstruct(const std::vector<float> &mono44k, bool griffinLim = false);
    // Audio -> mel -> vocoder (or Griffin-Lim): resynthesis without the VAE.
    Result<KickTake> vocode(const std::vector<float> &mono44k, bool griffinLim = false);
    // Measurement helpers on log-mels already computed with the model's mel
    // settings (row-major [nMels][frames], e.g. a dataset's mels): the VAE's
    // reconstruction (encoder mu -> decoder), and audio from a mel by
    // the package's vocoder ("hifigan" / "istft", whichever it has) or "griffinlim" (2 s, no
    // post-processing).
    Result<std::vector<float>> autoencodeMel(const std::vector<float> &mel);
    Result<std::vector<float>> synthesizeMel(const std::vector<float> &mel, const std::string &vocoder,
                                             int griffinLimIterations = 64, std::uint64_t seed = 0);
    int melBins() const;
    int melFrames() const;
    const dsp::MelConfig &melConfig() const;   // the package's mel front end

private:
    KickPipeline();
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Where the bundled default model lives: $MELSTUDIO_MODEL_DIR, then
// <exe>/../share/melstudio/models/kick-default, then the source tree's
// resources/models/kick-default. Empty when none is installed.
std::string defaultKickModelDir();

// The finish of a generated kick, in place: a DC blocker (one-pole high-pass
// at 10 Hz: -0.2 dB at 40 Hz; a vocoder trained on mel losses alone can leave
// an offset the mels do not see), then the reference generate.py finish:
// peak to 0.95, cubic fade-out 1.0-1.75 s, silence after.
void finishKick(std::vector<float> &x, int sampleRate);

} // namespace ms::infer::kick
