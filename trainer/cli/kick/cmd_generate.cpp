// melstudio-cli generate: kicks from a prompt with the kick latent diffusion model.
#include "audio/AudioFile.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/Progress.h"
#include "device/Device.h"
#include "infer/kick/KickPipeline.h"
#include "jobs/Train.h"
#include "util/Fs.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

namespace {

const char *kUsage =
    "usage: melstudio-cli generate [--model PKG|RUN] [--vocoder-run RUN] [--prompt TEXT] [--count N]\n"
    "                              [--steps N] [--cfg S]\n"
    "                              [--seed N] [--sampler ddim|ddpm] [--eta E] [--vocoder auto|hifigan|istft|griffinlim]\n"
    "                              [--raw] --out DIR [--overwrite] [--device auto|cpu|cuda] [--threads N]\n"
    "                              [--sampler-threads N] [--precision auto|fp32|bf16] [--batch N] [--mel-match N]\n\n"
    "Writes DIR/kick_<words>_s<seed>.wav (24-bit, 44.1 kHz, 2 s) with the prompt, seed and model in the\n"
    "file's title/comment. Take i uses seed + i. Existing files are never replaced without --overwrite.\n"
    "Prompt words missing from the model's vocabulary are reported and ignored. --raw skips the\n"
    "reference post-processing (peak 0.95, fade 1.0-1.75 s). --precision is the denoising loop's arithmetic\n"
    "on CPU (auto: bf16 where the CPU has native bfloat16 units, else fp32; decoder and vocoder stay fp32).\n"
    "--sampler-threads N: the loop's CPU threads (default 0: every thread of --threads).\n"
    "Defaults: count 1, steps 50, cfg 3, seed 1. The kicks are made in batches of --batch (16 on CPU,\n"
    "256 on a GPU) and each batch is written before the next starts.\n\n"
    "--model is a model package, or a diffusion run folder (or one of its checkpoints): its newest\n"
    "checkpoint's EMA weights with the VAE it was trained with. Without --model: the bundled default\n"
    "model. --vocoder-run RUN uses the generator of a vocoder run's newest checkpoint as the vocoder\n"
    "(with a package too: e.g. the default model with a vocoder you are training). --mel-match N:\n"
    "mel matching passes after the neural vocoder (default: the package's mel_match).";

std::string slug(const std::vector<std::string> &words) {
    std::string s;
    for (const auto &w : words) {
        if (s.size() > 40) break;
        s += "_" + w;
    }
    return s;
}

int run(const std::vector<std::string> &argv) {
    ms::cli::Args a(argv, {"overwrite", "raw"});
    ms::infer::kick::KickParams p;
    std::string model = a.get("model");
    const std::string vocoderRun = a.get("vocoder-run");
    p.prompt = a.get("prompt");
    p.count = a.getInt("count", 1);
    p.steps = a.getInt("steps", 50);
    p.guidance = float(a.getDouble("cfg", 3.0));
    p.seed = uint64_t(a.getInt64("seed", 1));
    p.sampler = a.get("sampler", "ddim");
    p.eta = float(a.getDouble("eta", 0.0));
    p.vocoder = a.get("vocoder", "auto");
    const int melMatch = a.getInt("mel-match", -1);
    p.finish = !a.has("raw");
    const std::string out = a.get("out"), device = a.get("device", "auto");
    const bool overwrite = a.has("overwrite");
    const int threads = a.getInt("threads", 0);
    int batch = a.getInt("batch", 0);
    p.samplerThreads = a.getInt("sampler-threads", 0);
    p.precision = a.get("precision", "auto");
    if (!a.error().empty() || !a.unused().empty() || out.empty()) {
        std::fprintf(stderr, "generate: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                                           : "--out is required",
                     kUsage);
        return 2;
    }
    if (p.count < 1 || batch < 0) {
        std::fprintf(stderr, "generate: --count must be at least 1 and --batch at least 0 (0: the device's default)\n");
        return 2;
    }
    ms::device::configureThreads(threads);
    if (model.empty()) model = ms::infer::kick::defaultKickModelDir();
    if (model.empty()) {
        std::fprintf(stderr, "generate: no model installed; pass --model PKG (a kick-ldm package folder)\n");
        return 1;
    }
    ms::jobs::ScratchDir scratch("melstudio-generate");
    std::string note;
    auto folder = ms::jobs::inferenceModel(model, vocoderRun, scratch.path(), &note);
    if (!folder) {
        std::fprintf(stderr, "generate: %s\n", folder.error().c_str());
        return 1;
    }
    if (!note.empty()) std::fprintf(stderr, "generate: model = %s\n", note.c_str());
    auto pipe = ms::infer::kick::KickPipeline::load(*folder, device);
    if (!pipe) {
        std::fprintf(stderr, "generate: %s\n", pipe.error().c_str());
        return 1;
    }
    for (const auto &w : (*pipe)->warnings()) std::fprintf(stderr, "generate: warning: %s\n", w.c_str());
    if (melMatch >= 0) (*pipe)->setMelMatch(melMatch);
    std::vector<std::string> known, unknown;
    (*pipe)->parsePrompt(p.prompt, known, unknown);
    if (!unknown.empty()) {
        std::fprintf(stderr, "generate: not in the model's vocabulary (ignored):");
        for (const auto &w : unknown) std::fprintf(stderr, " %s", w.c_str());
        std::fprintf(stderr, "\n");
    }
    // Refuse before generating when a target exists.
    const auto dir = ms::fs::u8path(out);
    std::vector<std::string> paths;
    for (int i = 0; i < p.count; ++i) {
        auto path = dir / ms::fs::u8path("kick" + slug(known) + "_s" + std::to_string(p.seed + uint64_t(i)) + ".wav");
        paths.push_back(ms::fs::u8string(path));
        std::error_code ec;
        if (!overwrite && std::filesystem::exists(path, ec)) {
            std::fprintf(stderr, "generate: %s exists; pass --overwrite to replace it\n", paths.back().c_str());
            return 1;
        }
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        std::fprintf(stderr, "generate: %s: cannot create the folder: %s\n", out.c_str(), ec.message().c_str());
        return 1;
    }
    if (batch == 0) batch = (*pipe)->device() == "cpu" ? 16 : 256;
    const int total = p.count, chunks = (total + batch - 1) / batch;
    const int stepsPerRun = p.sampler == "ddpm" ? 1000 : p.steps;
    ms::cli::Progress progress("generate", (long long)stepsPerRun * chunks);
    std::string words;
    for (const auto &w : known) words += (words.empty() ? "" : " ") + w;
    std::map<std::string, double> timings;
    std::string precisionUsed, vocoderUsed;
    const std::uint64_t seed0 = p.seed;
    for (int c = 0; c < chunks; ++c) {
        // Batch c: takes c*batch.., seeds seed0 + c*batch.. (take i keeps seed + i).
        ms::infer::kick::KickParams q = p;
        q.count = std::min(batch, total - c * batch);
        q.seed = seed0 + std::uint64_t(c) * std::uint64_t(batch);
        auto res = (*pipe)->run(q, [&](int step, int, const ms::infer::kick::LatentFrame &) {
            progress.update((long long)c * stepsPerRun + step);
        });
        if (!res) {
            // The pipeline's own checks already say "generate: ...".
            const std::string &e = res.error();
            std::fprintf(stderr, "%s%s\n", e.rfind("generate: ", 0) == 0 ? "" : "generate: ", e.c_str());
            return 1;
        }
        for (const auto &[k, v] : res->timingsMs) timings[k] += v;
        precisionUsed = res->precisionUsed;
        vocoderUsed = res->vocoderUsed;
        for (size_t j = 0; j < res->takes.size(); ++j) {
            const size_t i = size_t(c) * size_t(batch) + j;
            const auto &t = res->takes[j];
            ms::audio::WriteOptions wo;
            wo.format = ms::audio::SampleFormat::Pcm24;
            wo.overwrite = overwrite;
            wo.title = "kick: " + (p.prompt.empty() ? std::string("(unconditional)") : p.prompt) + " (seed " +
                       std::to_string(t.seed) + ")";
            char cfgs[32];
            std::snprintf(cfgs, sizeof cfgs, "%g", p.guidance);
            wo.comment = "melstudio " + std::string(MELSTUDIO_VERSION) + "; model=" + res->modelId +
                         "; prompt=" + p.prompt + "; keywords=" + words + "; seed=" + std::to_string(t.seed) +
                         "; sampler=" + p.sampler + "; steps=" + std::to_string(p.steps) + "; cfg=" + cfgs +
                         "; vocoder=" + res->vocoderUsed + "; precision=" + res->precisionUsed;
            auto st = ms::audio::writeAudio(paths[i], ms::audio::AudioBuffer::mono(t.audio, t.sampleRate), wo);
            if (!st) {
                std::fprintf(stderr, "generate: %s\n", st.error().c_str());
                return 1;
            }
            std::printf("%s\n", paths[i].c_str());
            std::fflush(stdout);
        }
    }
    std::fprintf(stderr, "%d kick(s) in %.0f ms (sample %.0f [%s], decode %.0f, %s %.0f) on %s; %s\n", p.count,
                 timings["total"], timings["sample"], precisionUsed.c_str(), timings["decode"], vocoderUsed.c_str(),
                 timings["vocoder"], (*pipe)->device().c_str(), ms::device::threadSummary().c_str());
    return 0;
}

ms::cli::Registrar reg({"generate", "generate kicks from a prompt with a kick-ldm model", kUsage, run});

} // namespace
