// melstudio-cli upsample: audio super-resolution of files and folders.
#include "cli/Args.h"
#include "cli/Command.h"
#include "device/Device.h"
#include "infer/sr/SrPipeline.h"
#include "util/Fs.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <set>
#include <unistd.h>

namespace {

const char *kUsage =
    "usage: melstudio-cli upsample IN... --out DIR [--model M] [--steps 50] [--guidance 3.5] [--seed 42]\n"
    "                          [--cutoff HZ] [--no-global] [--keep-raised-level] [--level normalize|quiet]\n"
    "                          [--filter butter|cheby1] [--format wav|flac] [--overwrite] [--device cpu|cuda]\n"
    "                          [--precision auto|fp32|bf16] [--threads N]\n\n"
    "Restores the high band of band-limited audio (AudioSR's latent diffusion with document 000's global\n"
    "encoder) and writes 48 kHz files named like the inputs into DIR. IN may be files or folders (audio files\n"
    "directly inside are taken). Any length (10.24 s chunks cross-faded over 1.28 s, bounded memory), every\n"
    "channel (stereo in, stereo out), any input rate (resampled to 48 kHz).\n\n"
    "  --model M      a model folder (model.json + model.safetensors), an AudioSR checkpoint (.pt/.bin/.ckpt/\n"
    "                 .safetensors, loaded with the audiosr preset; its report is printed), or random:PRESET.\n"
    "                 Default: the bundled model when one is installed.\n"
    "  --cutoff HZ    the input's band edge; default: detected as AudioSR does (0.985 of the spectrum's energy).\n"
    "  --level        normalize (default): the model sees AudioSR's level (peak 0.5, gain at most 1000x);\n"
    "                 quiet: only inputs under RMS 0.001 are raised, to RMS 0.05 (document 003).\n"
    "                 The output returns to the input's level unless --keep-raised-level.\n"
    "  --no-global    leave the global encoder's context out (what AudioSR computes).\n"
    "  --precision    the model's arithmetic: auto (bf16 where the CPU multiplies bfloat16 natively, fp16 on\n"
    "                 CUDA, else fp32), fp32 (AudioSR's own), bf16.\n"
    "The parameters are written into each output file's comment. Inputs are never modified; an existing\n"
    "output is kept unless --overwrite. A bad file is reported and the batch goes on; the exit status is 1\n"
    "when any file failed.";

std::atomic<bool> g_cancel{false};
void onSignal(int) { g_cancel = true; }

bool isAudioName(const std::filesystem::path &p) {
    static const std::set<std::string> ext{".wav", ".flac", ".ogg", ".aiff", ".aif", ".mp3", ".opus", ".w64", ".caf"};
    auto e = p.extension().string();
    for (auto &c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
    return ext.count(e) > 0;
}

std::string defaultModel() {
    for (const char *dir : {"resources/models/sr-default", "/usr/share/melstudio/models/sr-default"})
        if (std::filesystem::exists(std::string(dir) + "/model.json")) return dir;
    return {};
}

int run(const std::vector<std::string> &argv) {
    namespace sr = ms::infer::sr;
    ms::cli::Args a(argv, {"no-global", "keep-raised-level", "overwrite"});
    const std::string outDir = a.get("out");
    std::string model = a.get("model");
    sr::SrOptions opt;
    opt.steps = a.getInt("steps", 50);
    opt.guidance = a.getDouble("guidance", 3.5);
    opt.seed = uint64_t(a.getInt64("seed", 42));
    opt.cutoffHz = a.getDouble("cutoff", 0);
    opt.useGlobal = !a.has("no-global");
    opt.restoreLevel = !a.has("keep-raised-level");
    opt.filter = a.get("filter", "butter");
    const std::string level = a.get("level", "normalize"), format = a.get("format", "wav");
    const bool overwrite = a.has("overwrite");
    const std::string deviceName = a.get("device", "cpu");
    opt.precision = a.get("precision", "auto");
    const int threads = a.getInt("threads", 0);   // read before the unused-option check
    if (!a.error().empty()) {
        std::fprintf(stderr, "upsample: %s\n", a.error().c_str());
        return 2;
    }
    if (!a.unused().empty() || a.positionals().empty() || outDir.empty()) {
        if (!a.unused().empty()) std::fprintf(stderr, "upsample: unknown option %s\n", a.unused()[0].c_str());
        std::fprintf(stderr, "%s\n", kUsage);
        return 2;
    }
    if (level != "normalize" && level != "quiet") {
        std::fprintf(stderr, "upsample: --level must be normalize or quiet\n");
        return 2;
    }
    opt.level = level == "quiet" ? sr::LevelMode::QuietOnly : sr::LevelMode::Normalize;
    if (format != "wav" && format != "flac") {
        std::fprintf(stderr, "upsample: --format must be wav or flac\n");
        return 2;
    }
    if (model.empty()) model = defaultModel();
    if (model.empty()) {
        std::fprintf(stderr, "upsample: no --model given and no bundled super-resolution model installed\n");
        return 2;
    }
    std::string deviceError;
    const std::string resolved = ms::device::resolve(deviceName, &deviceError);
    if (!deviceError.empty()) {
        std::fprintf(stderr, "upsample: %s\n", deviceError.c_str());
        return 2;
    }
    ms::device::configureThreads(threads);
    const torch::Device device(resolved);

    // Inputs: files, and the audio files directly inside folders.
    std::vector<std::string> inputs;
    for (const auto &p : a.positionals()) {
        std::error_code ec;
        const auto path = ms::fs::u8path(p);
        if (std::filesystem::is_directory(path, ec)) {
            std::vector<std::string> found;
            for (const auto &e : std::filesystem::directory_iterator(path, ec))
                if (e.is_regular_file() && isAudioName(e.path())) found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            if (found.empty()) std::fprintf(stderr, "upsample: %s: no audio files in this folder\n", p.c_str());
            inputs.insert(inputs.end(), found.begin(), found.end());
        } else {
            inputs.push_back(p);
        }
    }
    std::error_code ec;
    std::filesystem::create_directories(ms::fs::u8path(outDir), ec);
    if (ec) {
        std::fprintf(stderr, "upsample: %s: cannot create the output folder (%s)\n", outDir.c_str(), ec.message().c_str());
        return 1;
    }

    std::fprintf(stderr, "loading %s ...\n", model.c_str());
    std::string report;
    ms::models::sr::SrLoadOptions lo;
    lo.progress = [](int64_t done, int64_t total) {
        if (::isatty(2)) std::fprintf(stderr, "\rloading tensors %lld/%lld\033[K", (long long)done, (long long)total);
        if (done == total) std::fprintf(stderr, "%sloaded %lld tensors\n", ::isatty(2) ? "\r" : "", (long long)total);
    };
    auto pipe = sr::SrPipeline::load(model, device, &report, lo);
    if (!pipe) {
        std::fprintf(stderr, "upsample: %s\n", pipe.error().c_str());
        return 1;
    }
    if (!report.empty()) std::fprintf(stderr, "%s\n", report.c_str());
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    const bool tty = ::isatty(2) != 0;
    int failed = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const auto &in = inputs[i];
        auto stem = ms::fs::u8path(in).stem().string();
        const std::string out = (ms::fs::u8path(outDir) / (stem + "_sr48k." + format)).string();
        ms::audio::WriteOptions w;
        w.container = format == "flac" ? ms::audio::Container::Flac : ms::audio::Container::Wav;
        w.format = ms::audio::SampleFormat::Pcm24;
        w.overwrite = overwrite;
        w.title = stem + " (super-resolution)";
        std::fprintf(stderr, "[%zu/%zu] %s\n", i + 1, inputs.size(), in.c_str());
        int64_t lastChunk = -1;
        auto res = (*pipe)->upsampleFile(in, out, opt, w, [&](const sr::SrProgress &p) {
            if (!tty) {
                // A log, not a terminal: one line per finished chunk.
                if (p.step == p.steps && p.channel + 1 == p.channels && p.chunk != lastChunk) {
                    lastChunk = p.chunk;
                    std::fprintf(stderr, "  chunk %lld/%lld done  %.1f/%.1f s  %.3fx real time  ETA %.0f s\n",
                                 (long long)p.chunk + 1, (long long)p.chunks, p.audioSeconds, p.totalSeconds, p.xRealTime,
                                 p.etaSeconds);
                }
                return;
            }
            std::fprintf(stderr, "\r  chunk %lld/%lld  ch %d/%d  step %d/%d  %.1f/%.1f s  %.3fx real time  ETA %.0f s\033[K",
                         (long long)p.chunk + 1, (long long)p.chunks, p.channel + 1, p.channels, p.step, p.steps,
                         p.audioSeconds, p.totalSeconds, p.xRealTime, p.etaSeconds);
        }, &g_cancel);
        if (tty) std::fprintf(stderr, "\r\033[K");
        if (!res) {
            ++failed;
            std::fprintf(stderr, "  error: %s\n", res.error().c_str());
            if (g_cancel) break;
            continue;
        }
        for (const auto &n : res->notes) std::fprintf(stderr, "  note: %s\n", n.c_str());
        std::printf("%s -> %s  (%d ch, %d Hz -> 48000 Hz, %.2f s, cutoff %.0f Hz, %.1f s, %.3fx real time)\n", in.c_str(),
                    out.c_str(), res->channels, res->inputRate, res->seconds, res->cutoffHz, res->elapsed,
                    res->elapsed > 0 ? res->seconds / res->elapsed : 0.0);
    }
    return failed ? 1 : 0;
}

ms::cli::Registrar reg({"upsample", "audio super-resolution of files or folders to 48 kHz", kUsage, run});

} // namespace
