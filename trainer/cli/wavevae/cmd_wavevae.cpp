// melstudio-cli encode / decode: audio <-> the wave VAE's latent (design document 002).
#include "audio/AudioFile.h"
#include "audio/Resample.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/ExportPackage.h"
#include "device/Device.h"
#include "io/SafeTensors.h"
#include "io/TensorIO.h"
#include "metrics/AudioMetrics.h"
#include "io/Json.h"
#include "io/ModelDirs.h"
#include "models/wavevae/WaveVae.h"
#include "cli/wavevae/Commands.h"
#include "util/Fs.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace {

using namespace ms;
using namespace ms::models::wavevae;
namespace stdfs = std::filesystem;

const char *kEncodeUsage =
    "usage: melstudio-cli encode IN... --out DIR [--model M] [--chunk 256] [--overlap 16] [--threads N]\n\n"
    "Encodes audio files of any length into the wave VAE's latent (the mean, 64 channels at 44100 / 2048 =\n"
    "21.5 frames/s for the document's model) and writes DIR/<name>.latent.safetensors: the tensor \"latent\"\n"
    "[channels, frames] (float32) with metadata sample_rate, hop, samples (the length to decode back to),\n"
    "source, model. Python: safetensors.torch.load_file(path)[\"latent\"].\n"
    "Inputs are resampled to the model's rate; mono is doubled to stereo. Long files are encoded in windows\n"
    "of --chunk frames with --overlap frames of context on each side (the same latent as in one piece).\n"
    "  --model M   the bundled wavevae-default when not given; a wave VAE package (model.json +\n"
    "              wavevae.safetensors), a `train wavevae` run folder\n"
    "              (its newest checkpoint) or one of its checkpoints; random:paper|cpu|tiny for speed.\n"
    "A bad file is reported and the batch goes on; the exit status is 1 when any file failed.";

const char *kDecodeUsage =
    "usage: melstudio-cli decode LATENT... --out DIR [--model M] [--chunk 256] [--overlap 16] [--threads N]\n\n"
    "Decodes latent files written by `encode` into DIR/<name>.wav (stereo, the model's rate, 16-bit,\n"
    "cut to the encoded file's length). A bad file is reported and the batch goes on.";

// The folder to load: the bundled default when none is named, a run folder's
// newest complete checkpoint, or the folder itself.
Result<std::string> modelDir(const std::string &m) {
    if (m.empty()) {
        const std::string def = io::defaultModelDir("wavevae-default");
        if (def.empty())
            return fail("no wave VAE model is installed (wavevae-default); name one with --model: a package, a run or "
                        "a checkpoint");
        return def;
    }
    return io::newestCheckpointDir(m);
}

struct Common {
    std::string outDir;
    int64_t chunk = 256, overlap = 16;
    WaveVae vae{nullptr};
    std::string description;
};

Result<Common> setup(const cli::Args &a, const char *usage) {
    Common c;
    c.outDir = a.get("out");
    c.chunk = a.getInt64("chunk", 256);
    c.overlap = a.getInt64("overlap", 16);
    device::configureThreads(a.getInt("threads", 0));
    const std::string model = a.get("model");
    if (!a.error().empty()) return fail(a.error());
    if (!a.unused().empty()) return fail("unknown option " + a.unused().front() + "\n" + usage);
    if (a.positionals().empty() || c.outDir.empty()) return fail(std::string("IN... and --out DIR are required\n") + usage);
    if (c.chunk <= 0 || c.overlap < 0) return fail("--chunk must be positive and --overlap not negative");
    auto dir = modelDir(model);
    if (!dir) return fail(dir.error());
    auto vae = loadWaveVae(*dir, &c.description);
    if (!vae) return fail(vae.error());
    c.vae = *vae;
    std::error_code ec;
    stdfs::create_directories(fs::u8path(c.outDir), ec);
    if (ec) return fail("cannot create " + c.outDir + ": " + ec.message());
    return c;
}

std::string stem(const std::string &path) {
    std::string s = fs::u8path(path).filename().string();
    for (const char *ext : {".latent.safetensors", ".safetensors"})
        if (s.size() > std::strlen(ext) && s.compare(s.size() - std::strlen(ext), std::strlen(ext), ext) == 0)
            return s.substr(0, s.size() - std::strlen(ext));
    return fs::u8path(path).stem().string();
}

// A file as [2, L] float at the model's rate (mono doubled), or why not (the
// message names the file): unreadable, more than two channels, empty, NaN/Inf.
Result<torch::Tensor> loadStereo(const std::string &in, int rate) {
    auto buf = audio::readAudio(in);
    if (!buf) return fail(buf.error());
    audio::AudioBuffer b = std::move(*buf);
    if (b.channelCount() > 2)
        return fail(in + ": " + std::to_string(b.channelCount()) + " channels; the wave VAE takes mono or stereo");
    if (b.sampleRate != rate) {
        auto r = audio::resample(b, rate);
        if (!r) return fail(in + ": " + r.error());
        b = std::move(*r);
    }
    const int64_t L = int64_t(b.frames());
    if (L == 0) return fail(in + ": no samples");
    auto x = torch::empty({2, L});
    auto acc = x.accessor<float, 2>();
    for (int ch = 0; ch < 2; ++ch) {
        const auto &src = b.channels[size_t(std::min(ch, b.channelCount() - 1))];
        for (int64_t i = 0; i < L; ++i) {
            if (!std::isfinite(src[size_t(i)])) return fail(in + ": the audio holds NaN or infinite samples");
            acc[ch][i] = src[size_t(i)];
        }
    }
    return x;
}

int encode(const std::vector<std::string> &argv) {
    cli::Args a(argv);
    auto c = setup(a, kEncodeUsage);
    if (!c) {
        std::fprintf(stderr, "encode: %s\n", c.error().c_str());
        return 2;
    }
    const auto &cfg = c->vae->config();
    std::printf("model: %s; %d channels x %.2f frames/s = %.1f kb/s at float16\n", c->description.c_str(),
                cfg.latentDim, cfg.frameRate(), cfg.latentDim * cfg.frameRate() * 16 / 1000.0);
    int failed = 0;
    for (const auto &in : a.positionals()) {
        auto loaded = loadStereo(in, cfg.sampleRate);
        if (!loaded) {   // the message names the file
            std::fprintf(stderr, "encode: %s\n", loaded.error().c_str());
            ++failed;
            continue;
        }
        const torch::Tensor &x = *loaded;
        const int64_t L = x.size(1);
        auto lat = encodeChunked(*c->vae, x, c->chunk, c->overlap).contiguous();
        const std::string out = c->outDir + "/" + stem(in) + ".latent.safetensors";
        io::TensorView v{"latent", io::DType::F32, {lat.size(0), lat.size(1)}, lat.data_ptr<float>(),
                         size_t(lat.numel()) * 4};
        const std::map<std::string, std::string> meta{{"sample_rate", std::to_string(cfg.sampleRate)},
                                                      {"hop", std::to_string(cfg.hop())},
                                                      {"samples", std::to_string(L)},
                                                      {"source", fs::u8path(in).filename().string()},
                                                      {"model", c->description},
                                                      {"config", cfg.toJson().dump()}};
        const std::string tmp = out + ".tmp";
        Status st = io::writeSafeTensors(tmp, {v}, meta);
        std::error_code ec;
        if (st) stdfs::rename(fs::u8path(tmp), fs::u8path(out), ec);
        if (!st || ec) {
            std::fprintf(stderr, "encode: %s: %s\n", out.c_str(), st ? ec.message().c_str() : st.error().c_str());
            stdfs::remove(fs::u8path(tmp), ec);
            ++failed;
            continue;
        }
        std::printf("%s -> %s: [%lld, %lld] (%.2f s)\n", in.c_str(), out.c_str(), (long long)lat.size(0),
                    (long long)lat.size(1), double(L) / cfg.sampleRate);
    }
    return failed ? 1 : 0;
}

int decode(const std::vector<std::string> &argv) {
    cli::Args a(argv);
    auto c = setup(a, kDecodeUsage);
    if (!c) {
        std::fprintf(stderr, "decode: %s\n", c.error().c_str());
        return 2;
    }
    const auto &cfg = c->vae->config();
    int failed = 0;
    for (const auto &in : a.positionals()) {
        auto f = io::SafeTensorsFile::open(in);
        auto t = f ? io::loadTensors(in) : Result<std::map<std::string, torch::Tensor>>(fail(f.error()));
        if (!t || !t->count("latent")) {
            std::fprintf(stderr, "decode: %s: %s\n", in.c_str(), t ? "no tensor \"latent\"" : t.error().c_str());
            ++failed;
            continue;
        }
        auto lat = t->at("latent").to(torch::kFloat);
        if (lat.dim() != 2 || lat.size(0) != cfg.latentDim) {
            std::fprintf(stderr, "decode: %s: latent of shape [%s] does not fit the model's %d channels\n",
                         in.c_str(), c10::str(lat.sizes()).c_str(), cfg.latentDim);
            ++failed;
            continue;
        }
        int64_t samples = lat.size(1) * cfg.hop();
        if (auto it = (*f)->metadata().find("samples"); it != (*f)->metadata().end())
            samples = std::min<int64_t>(samples, std::atoll(it->second.c_str()));
        auto y = decodeChunked(*c->vae, lat, c->chunk, c->overlap).narrow(1, 0, samples).clamp(-1, 1).contiguous();
        audio::AudioBuffer b;
        b.sampleRate = cfg.sampleRate;
        for (int ch = 0; ch < y.size(0); ++ch) b.channels.emplace_back(y[ch].data_ptr<float>(), y[ch].data_ptr<float>() + samples);
        const std::string out = c->outDir + "/" + stem(in) + ".wav";
        if (Status st = audio::writeAudio(out, b); !st) {
            std::fprintf(stderr, "decode: %s: %s\n", out.c_str(), st.error().c_str());
            ++failed;
            continue;
        }
        std::printf("%s -> %s (%.2f s)\n", in.c_str(), out.c_str(), double(samples) / cfg.sampleRate);
    }
    return failed ? 1 : 0;
}

} // namespace

namespace ms::cli::wavevae {

const char *kExportUsage =
    "usage: melstudio-cli export --family wavevae --run RUN --out PACKAGE_DIR [--half] [--card CARD.md]\n\n"
    "Writes a wave VAE package (model.json, wavevae.safetensors[, CARD.md]) from a `train wavevae` run's\n"
    "newest complete checkpoint (RUN may also be one checkpoint folder, RUN/checkpoints/STEP). The folder\n"
    "is written under a temporary name and swapped into place. --half stores float16 weights (half the\n"
    "size; computed in float32 after loading). `encode`, `decode` and the studio's Latent page use\n"
    "resources/models/wavevae-default when no model is named.";

int exportPackage(const std::vector<std::string> &argv) {
    return cli::exportPackage(argv, kExportUsage,
                              [](const std::string &dir, const std::string &out, bool half, const nlohmann::json &extra,
                                 const std::string &card, std::string *description) -> Status {
                                  auto vae = loadWaveVae(dir, description);
                                  if (!vae) return fail(vae.error());
                                  return saveWaveVaePackage(**vae, out, half, extra, card);
                              });
}

const char *kReconstructUsage =
    "usage: melstudio-cli reconstruct --family wavevae IN OUT.wav [--model M] [--chunk 256] [--overlap 16]\n"
    "                               [--threads N] [--json] [--overwrite]\n\n"
    "Encodes IN with the wave VAE and decodes it back into OUT.wav (stereo, the model's rate, 16-bit, IN's\n"
    "length), then prints the distances of the result to IN (at the model's rate): DAC mel, MR-STFT and\n"
    "SI-SDR for the left, right and side signals, and the latent's size and bit rate at float16.\n"
    "  --model M   as encode: the bundled wavevae-default when not given.";

int reconstruct(const std::vector<std::string> &argv) {
    cli::Args a(argv, {"json", "overwrite"});
    a.get("family");
    const bool json = a.has("json"), overwrite = a.has("overwrite");
    const int64_t chunk = a.getInt64("chunk", 256), overlap = a.getInt64("overlap", 16);
    device::configureThreads(a.getInt("threads", 0));
    const std::string model = a.get("model");
    if (!a.error().empty() || !a.unused().empty() || a.positionals().size() != 2 || chunk <= 0 || overlap < 0) {
        std::fprintf(stderr, "reconstruct: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                     : a.positionals().size() != 2 ? "give IN and OUT.wav"
                                                    : "--chunk must be positive and --overlap not negative",
                     kReconstructUsage);
        return 2;
    }
    const std::string in = a.positionals()[0], out = a.positionals()[1];
    auto dir = modelDir(model);
    std::string description;
    auto vae = dir ? loadWaveVae(*dir, &description) : Result<WaveVae>(fail(dir.error()));
    if (!vae) {
        std::fprintf(stderr, "reconstruct: %s\n", vae.error().c_str());
        return 1;
    }
    const auto &cfg = (*vae)->config();
    auto x = loadStereo(in, cfg.sampleRate);
    if (!x) {
        std::fprintf(stderr, "reconstruct: %s\n", x.error().c_str());
        return 1;
    }
    const int64_t L = x->size(1);
    torch::NoGradGuard ng;
    auto lat = encodeChunked(**vae, *x, chunk, overlap);
    auto y = decodeChunked(**vae, lat, chunk, overlap).narrow(1, 0, L).clamp(-1, 1).contiguous();
    audio::AudioBuffer ref, est;
    ref.sampleRate = est.sampleRate = cfg.sampleRate;
    for (int c = 0; c < 2; ++c) {
        auto xc = (*x)[c].contiguous();
        ref.channels.emplace_back(xc.data_ptr<float>(), xc.data_ptr<float>() + L);
        est.channels.emplace_back(y[c].data_ptr<float>(), y[c].data_ptr<float>() + L);
    }
    audio::WriteOptions wo;
    wo.format = audio::SampleFormat::Pcm16;
    wo.overwrite = overwrite;
    if (Status st = audio::writeAudio(out, est, wo); !st) {
        std::fprintf(stderr, "reconstruct: %s\n", st.error().c_str());
        return 1;
    }
    const double kbps = cfg.latentDim * cfg.frameRate() * 16 / 1000.0;
    if (!json)
        std::printf("%s -> %s with %s: latent [%lld, %lld] (%.1f kb/s at float16)\n", in.c_str(), out.c_str(),
                    description.c_str(), (long long)lat.size(0), (long long)lat.size(1), kbps);
    for (const auto &d : metrics::channelDistances(est, ref)) {
        if (json)
            std::printf("%s\n", nlohmann::json{{"input", in}, {"output", out}, {"part", d.part}, {"dac_mel", d.dacMel},
                                               {"mrstft", d.mrstft}, {"si_sdr_db", d.siSdrDb},
                                               {"latent_kbps_fp16", kbps}}.dump().c_str());
        else
            std::printf("  %-6s dac_mel %.4f  mrstft %.4f  si_sdr %.2f dB\n", d.part.c_str(), d.dacMel, d.mrstft,
                        d.siSdrDb);
    }
    return 0;
}

} // namespace ms::cli::wavevae

namespace {

cli::Registrar regEncode({"encode", "audio -> the wave VAE's latent (safetensors), any length", kEncodeUsage, encode});
cli::Registrar regDecode({"decode", "the wave VAE's latent -> audio", kDecodeUsage, decode});

} // namespace
