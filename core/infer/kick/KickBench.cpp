#include "infer/kick/KickBench.h"

#include "device/Device.h"
#include "dsp/LogMelTorch.h"
#include "infer/kick/KickPipeline.h"
#include "models/kick/Tools.h"
#include "models/vocoder/Generator.h"
#include "util/Fs.h"
#include "util/Stats.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <unistd.h>

namespace ms::infer::kick {

using ms::util::median;

namespace {

// Mel matching passes after the iSTFT vocoder that DEVELOPERS.md recommends
// ("Mel matching"): most of the level correction for two STFT round trips.
constexpr int kRecommendedMelMatch = 2;

// One 2 s kick's mel (173 frames) through a randomly initialised generator of
// `cfg` on the CPU, as the pipeline runs it (inference mode, prepared; then
// cfg.melMatch passes of mel matching on one thread): median ms.
double timeVocoder(const models::vocoder::VocoderConfig &cfg, const dsp::MelConfig &melCfg, int frames, int reps,
                   int64_t *params) {
    c10::InferenceMode guard;
    torch::manual_seed(1);
    auto gen = models::vocoder::makeGenerator(cfg);
    gen->eval();
    gen->prepareInference();
    *params = 0;
    for (const auto &p : gen->parameters()) *params += p.numel();
    const dsp::LogMelTransform melT(melCfg);
    auto mel = torch::randn({1, cfg.nMels, frames}) - 5.0;
    auto once = [&] {
        auto y = gen->forward(mel).squeeze(1);
        if (cfg.melMatch > 0) {
            device::ScopedThreads one(1, true);   // as the pipeline runs it
            y = melT.matchMel(y, mel, cfg.melMatch);
        }
        return y;
    };
    for (int i = 0; i < 2; ++i) once();   // warm-up
    std::vector<double> t;
    for (int i = 0; i < std::max(1, reps); ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        auto y = once();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return median(t);
}

} // namespace

Result<std::vector<KickBenchRow>> benchKickGeneration(const KickBenchOptions &o) {
    namespace stdfs = std::filesystem;
    std::string dir = o.modelDir;
    stdfs::path tmp;
    if (dir.empty()) {
        tmp = stdfs::temp_directory_path() / ("melstudio-bench-" + std::to_string(::getpid()));
        models::kick::KickModelConfig cfg;
        try {
            cfg = models::kick::KickModelConfig::fromPreset(
                o.preset, models::kick::Vocab({"punchy", "808", "deep", "analog", "acoustic", "hard"}));
        } catch (const std::exception &e) {
            return fail(std::string("bench: ") + e.what());
        }
        auto st = models::kick::writeRandomKickPackage(cfg, ms::fs::u8string(tmp), 1);
        if (!st) return Error{st.error()};
        dir = ms::fs::u8string(tmp);
    }
    struct Cleanup {
        stdfs::path p;
        ~Cleanup() { std::error_code ec; if (!p.empty()) stdfs::remove_all(p, ec); }
    } cleanup{tmp};

    auto pipe = KickPipeline::load(dir, o.device);
    if (!pipe) return Error{pipe.error()};
    KickParams p;
    p.prompt = "punchy 808";
    p.steps = o.steps;
    p.guidance = o.guidance;
    p.samplerThreads = o.samplerThreads;
    p.precision = o.precision;
    p.count = 1;
    // Warm-up (allocator, oneDNN primitive caches).
    for (int i = 0; i < 2; ++i) {
        auto r = (*pipe)->run(p);
        if (!r) return Error{r.error()};
    }
    std::map<std::string, std::vector<double>> t;
    std::string precisionUsed;
    int loopThreads = 0;
    for (int i = 0; i < std::max(1, o.reps); ++i) {
        p.seed = uint64_t(i + 1);
        auto r = (*pipe)->run(p);
        if (!r) return Error{r.error()};
        for (const auto &[k, v] : r->timingsMs) t[k].push_back(v);
        precisionUsed = r->precisionUsed;
        loopThreads = r->samplerThreadsUsed;
    }
    const std::string dev = (*pipe)->device();
    const std::string stepsName = "ddim" + std::to_string(o.steps);
    std::vector<KickBenchRow> rows;
    KickBenchRow e2e{"generate_" + stepsName + "_cfg", median(t["total"]), dev, {}};
    for (const char *k : {"prompt", "sample", "decode", "vocoder", "post"}) e2e.extra[std::string(k) + "_ms"] = median(t[k]);
    e2e.extra["hifigan"] = (*pipe)->vocoderName() == "hifigan" ? 1 : 0;
    e2e.extra["istft"] = (*pipe)->vocoderName() == "istft" ? 1 : 0;
    e2e.extra["bf16"] = precisionUsed == "bf16" ? 1 : 0;
    if (dev == "cpu") e2e.extra["sampler_threads"] = loopThreads;
    rows.push_back(e2e);
    rows.push_back({"unet_" + stepsName + "_cfg", median(t["sample"]), dev, {{"unet_calls", o.steps}, {"bf16", e2e.extra["bf16"]}}});
    rows.push_back({"vae_decode", median(t["decode"]), dev, {}});
    rows.push_back({"vocoder_" + (*pipe)->vocoderName(), median(t["vocoder"]), dev, {}});
    // The neural vocoders the package does not have, alone on a 2 s mel with random
    // weights (HiFi-GAN at the bench preset, the iSTFT vocoder at its cpu preset).
    if (dev == "cpu") {
        const bool tiny = o.preset == "tiny";
        const dsp::MelConfig melCfg = (*pipe)->melConfig();
        for (const std::string arch : {"hifigan", "istft"}) {
            if ((*pipe)->vocoderName() == arch) continue;
            const auto cfg = models::vocoder::VocoderConfig::preset(arch == "istft" ? (tiny ? "tiny" : "cpu")
                                                                                    : (tiny ? "tiny" : "paper"),
                                                                    arch);
            int64_t params = 0;
            const double ms = timeVocoder(cfg, melCfg, (*pipe)->melFrames(), o.reps, &params);
            rows.push_back({"vocoder_" + arch, ms, dev, {{"random_weights", 1}, {"params", double(params)}}});
        }
        // The iSTFT vocoder with its priors (mel pseudo-inverse magnitude, phase-locked
        // phase vocoder: a loop over the frames), the recipe DEVELOPERS.md recommends.
        auto priors = models::vocoder::VocoderConfig::preset(tiny ? "tiny" : "cpu", "istft");
        priors.magPrior = "mel_pinv";
        priors.phasePrior = "peaks";
        int64_t params = 0;
        const double ms = timeVocoder(priors, melCfg, (*pipe)->melFrames(), o.reps, &params);
        rows.push_back({"vocoder_istft_priors", ms, dev, {{"random_weights", 1}, {"params", double(params)}}});
        // ... and with mel matching after it (the trained recipe's inference).
        priors.melMatch = kRecommendedMelMatch;
        const double msMatch = timeVocoder(priors, melCfg, (*pipe)->melFrames(), o.reps, &params);
        rows.push_back({"vocoder_istft_priors_melmatch", msMatch, dev,
                        {{"random_weights", 1}, {"params", double(params)}, {"mel_match", kRecommendedMelMatch}}});
    }

    // The same kick with one setting changed; the row carries the stage split.
    auto variant = [&](KickParams q, const std::string &suffix) -> Status {
        std::map<std::string, std::vector<double>> t1;
        if (auto w = (*pipe)->run(q); !w) return Error{w.error()};   // warm-up (builds the variant's weights)
        for (int i = 0; i < std::max(1, o.reps); ++i) {
            q.seed = uint64_t(i + 1);
            auto r = (*pipe)->run(q);
            if (!r) return Error{r.error()};
            for (const auto &[k, v] : r->timingsMs) t1[k].push_back(v);
        }
        KickBenchRow v{"generate_" + stepsName + "_cfg_" + suffix, median(t1["total"]), dev, {}};
        for (const char *k : {"sample", "decode", "vocoder"}) v.extra[std::string(k) + "_ms"] = median(t1[k]);
        rows.push_back(v);
        return {};
    };
    if (o.precisionVariant && dev == "cpu" && (*pipe)->supportsBf16()) {
        // The denoising loop in the other precision.
        KickParams q = p;
        q.precision = precisionUsed == "bf16" ? "fp32" : "bf16";
        if (auto st = variant(q, q.precision); !st) return Error{st.error()};
    }
    if (o.samplerThreadsVariant && dev == "cpu" && loopThreads != 1) {
        // The denoising loop on one thread (vocoder and decoder unchanged).
        KickParams q = p;
        q.samplerThreads = 1;
        if (auto st = variant(q, "sampler1thread"); !st) return Error{st.error()};
    }
    if (o.batch > 1) {
        p.count = o.batch;
        std::vector<double> bt;
        KickResult last;
        for (int i = 0; i < 2; ++i) {
            auto r = (*pipe)->run(p);
            if (!r) return Error{r.error()};
            bt.push_back(r->timingsMs["total"]);
            last = std::move(*r);
        }
        const double ms = *std::min_element(bt.begin(), bt.end());
        KickBenchRow b{"generate_batch" + std::to_string(o.batch), ms, dev, {}};
        b.extra["kicks_per_s"] = 1000.0 * o.batch / ms;
        b.extra["ms_per_kick"] = ms / o.batch;
        if (dev == "cpu") b.extra["sampler_threads"] = last.samplerThreadsUsed;
        for (const char *k : {"sample", "decode", "vocoder"}) b.extra[std::string(k) + "_ms"] = last.timingsMs[k];
        rows.push_back(b);
    }
    return rows;
}

} // namespace ms::infer::kick
