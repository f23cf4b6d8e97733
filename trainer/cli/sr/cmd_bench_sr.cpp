// melstudio-cli bench-sr: super-resolution speed and memory on this machine.
#include "cli/Args.h"
#include "cli/Bench.h"
#include "cli/Command.h"
#include "device/Device.h"
#include "infer/sr/SrPipeline.h"
#include "nn/Autocast.h"
#include "util/Fs.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

const char *kUsage =
    "usage: melstudio-cli bench-sr [--preset audiosr|tiny | --model M] [--steps 50] [--reps 3] [--threads N]\n"
    "                              [--device cpu|cuda] [--precision auto|fp32|bf16] [--stages-only]\n"
    "                              [--file-minutes M] [--json]\n\n"
    "Times the super-resolution model (random weights cost the same as trained ones):\n"
    "  sr_unet_step_cfg     one UNet evaluation with guidance (batch 2) on a 10.24 s chunk's latent, in fp32\n"
    "                       and (with _bf16/_fp16) in --precision (auto: bf16 where the CPU has it natively);\n"
    "                       the other stages and the pipeline run in --precision\n"
    "  sr_vae_encode_cond   the condition encoder on a 10.24 s mel; sr_global_encoder; sr_vae_decode;\n"
    "  sr_vocoder           the 48 kHz HiFi-GAN on 10.24 s\n"
    "  sr_pipeline_stereo   one 10.24 s stereo chunk end to end at --steps (x real time per channel and\n"
    "                       for the pair), unless --stages-only\n"
    "  sr_file              with --file-minutes M: a synthetic M-minute stereo file through upsample\n"
    "                       (peak memory; chunks are processed one at a time)\n"
    "Each line reports milliseconds, x real time where it applies, and the process's peak memory so far\n"
    "(VmHWM). --json: one object per line.";

using ms::cli::peakMb;
using ms::cli::timeMs;

int run(const std::vector<std::string> &argv) {
    namespace sr = ms::infer::sr;
    ms::cli::Args a(argv, {"json", "stages-only"});
    const std::string preset = a.get("preset", "audiosr"), modelPath = a.get("model"), deviceName = a.get("device", "cpu");
    const int steps = a.getInt("steps", 50), reps = a.getInt("reps", 3), threads = a.getInt("threads", 0);
    const double fileMinutes = a.getDouble("file-minutes", 0);
    const bool json = a.has("json"), stagesOnly = a.has("stages-only");
    const std::string precisionArg = a.get("precision", "auto");
    if (!a.error().empty() || !a.unused().empty()) {
        std::fprintf(stderr, "bench-sr: %s\n%s\n", !a.error().empty() ? a.error().c_str() : ("unknown option " + a.unused()[0]).c_str(), kUsage);
        return 2;
    }
    std::string deviceError;
    const std::string resolved = ms::device::resolve(deviceName, &deviceError);
    if (!deviceError.empty()) {
        std::fprintf(stderr, "bench-sr: %s\n", deviceError.c_str());
        return 2;
    }
    ms::device::configureThreads(threads);
    const torch::Device device(resolved);
    auto pipe = sr::SrPipeline::load(modelPath.empty() ? "random:" + preset : modelPath, device);
    if (!pipe) {
        std::fprintf(stderr, "bench-sr: %s\n", pipe.error().c_str());
        return 1;
    }
    auto &p = **pipe;
    auto &m = *p.model();
    const auto &cfg = p.config();
    const double chunkSeconds = double(cfg.chunkSamples()) / cfg.mel.sampleRate;
    auto report = [&](const std::string &name, double ms, double xrt, const std::string &extra = "") {
        if (json)
            std::printf("{\"name\":\"%s\",\"preset\":\"%s\",\"ms\":%.1f,\"x_real_time\":%.4f,\"peak_mb\":%.0f,\"threads\":%d,"
                        "\"device\":\"%s\",\"torch\":\"%s\"%s}\n",
                        name.c_str(), cfg.presetName.c_str(), ms, xrt, peakMb(), ms::device::threads(), resolved.c_str(),
                        ms::device::torchVersion().c_str(), extra.c_str());
        else
            std::printf("%-22s %10.1f ms  %8.4fx real time  peak %6.0f MB\n", name.c_str(), ms, xrt, peakMb());
        std::fflush(stdout);
    };
    if (!json)
        std::printf("super-resolution bench: preset %s, %s, %s, chunk %.2f s\n", cfg.presetName.c_str(), resolved.c_str(),
                    ms::device::threadSummary().c_str(), chunkSeconds);

    c10::InferenceMode guard;
    const int T = cfg.chunkFrames, M = cfg.mel.nMels, f = cfg.vae.downsampleFactor(), z = cfg.vae.embedDim;
    auto opts = torch::TensorOptions().device(device);
    auto mel = torch::randn({1, T, M}, opts) - 5.0;
    auto ctx = m.globalContext(mel);
    auto x2 = torch::randn({2, z, T / f, M / f}, opts), c2 = torch::randn({2, z, T / f, M / f}, opts);
    auto t2 = torch::full({2}, 501, torch::TensorOptions().dtype(torch::kInt64).device(device));
    auto ctx2 = ctx.defined() ? torch::cat({ctx, ctx}, 0) : ctx;
    const std::string precision = sr::resolvePrecision(precisionArg, device);
    const double unetMs = timeMs([&] { m.denoise(x2, c2, t2, ctx2); }, reps);
    report("sr_unet_step_cfg", unetMs, chunkSeconds / (steps * unetMs / 1000.0),
           ",\"precision\":\"fp32\",\"steps_for_x_real_time\":" + std::to_string(steps));
    if (precision != "fp32") {
        ms::nn::AutocastScope ac(precision, device);
        const double ms16 = timeMs([&] { m.denoise(x2, c2, t2, ctx2); }, reps);
        report("sr_unet_step_cfg_" + precision, ms16, chunkSeconds / (steps * ms16 / 1000.0),
               ",\"precision\":\"" + precision + "\",\"speedup_vs_fp32\":" + std::to_string(unetMs / ms16));
    }
    ms::nn::AutocastScope stagesPrecision(precision, device);
    report("sr_vae_encode_cond", timeMs([&] { m.conditionMoments(mel); }, reps), 0);
    if (cfg.global.enabled) report("sr_global_encoder", timeMs([&] { m.globalContext(mel); }, reps), 0);
    auto zz = torch::randn({1, z, T / f, M / f}, opts);
    report("sr_vae_decode", timeMs([&] { m.decodeLatent(zz); }, std::max(1, reps / 2)), 0);
    report("sr_vocoder", timeMs([&] { m.vocode(mel); }, std::max(1, reps / 2)), 0);

    if (!stagesOnly) {
        sr::SrOptions o;
        o.steps = steps;
        o.precision = precisionArg;
        std::vector<float> x(static_cast<size_t>(cfg.chunkSamples()));
        for (size_t i = 0; i < x.size(); ++i) x[i] = float(0.3 * std::sin(2 * M_PI * 440.0 * double(i) / cfg.mel.sampleRate));
        const auto t0 = std::chrono::steady_clock::now();
        for (int ch = 0; ch < 2; ++ch) p.enhanceChunk(x, 8000.0, 42, o);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        report("sr_pipeline_stereo", ms, 2 * chunkSeconds / (ms / 1000.0),
               ",\"steps\":" + std::to_string(steps) + ",\"x_real_time_stereo_pair\":" + std::to_string(chunkSeconds / (ms / 1000.0)));
    }
    if (fileMinutes > 0) {
        const auto dir = std::filesystem::temp_directory_path() / ("melstudio-bench-sr-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        const std::string in = (dir / "in.wav").string(), out = (dir / "out.wav").string();
        {
            ms::audio::WriteOptions w;
            w.format = ms::audio::SampleFormat::Pcm16;
            auto wr = ms::audio::AudioWriter::create(in, 44100, 2, w);
            if (!wr) { std::fprintf(stderr, "bench-sr: %s\n", wr.error().c_str()); return 1; }
            const int64_t total = int64_t(fileMinutes * 60 * 44100);
            for (int64_t s = 0; s < total; s += 44100) {
                const int64_t n = std::min<int64_t>(44100, total - s);
                std::vector<std::vector<float>> c(2, std::vector<float>(size_t(n)));
                for (int64_t i = 0; i < n; ++i) {
                    const double t = double(s + i) / 44100;
                    c[0][size_t(i)] = float(0.2 * std::sin(2 * M_PI * 330 * t));
                    c[1][size_t(i)] = float(0.2 * std::sin(2 * M_PI * 440 * t));
                }
                if (!(*wr)->write(c)) return 1;
            }
            if (!(*wr)->finish()) return 1;
        }
        sr::SrOptions o;
        o.steps = steps;
        o.precision = precisionArg;
        o.cutoffHz = 4000;
        ms::audio::WriteOptions w;
        w.overwrite = true;
        auto res = p.upsampleFile(in, out, o, w);
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        if (!res) { std::fprintf(stderr, "bench-sr: %s\n", res.error().c_str()); return 1; }
        report("sr_file", res->elapsed * 1000.0, res->seconds / res->elapsed,
               ",\"minutes\":" + std::to_string(fileMinutes) + ",\"channels\":2");
    }
    return 0;
}

ms::cli::Registrar reg({"bench-sr", "super-resolution speed and memory (UNet step, stages, a stereo chunk)", kUsage, run});

} // namespace
