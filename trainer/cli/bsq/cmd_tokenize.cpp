// melstudio-cli tokenize / detokenize / mel-error / bench-tokenizer, and the
// tokenizer's export and reconstruct (design document 001).
#include "audio/AudioFile.h"
#include "audio/Resample.h"
#include "cli/Args.h"
#include "cli/Bench.h"
#include "cli/Command.h"
#include "cli/ExportPackage.h"
#include "cli/bsq/Commands.h"
#include "device/Device.h"
#include "io/ModelDirs.h"
#include "io/SafeTensors.h"
#include "io/TensorIO.h"
#include "metrics/AudioMetrics.h"
#include "models/bsq/BsqVit.h"
#include "util/Fs.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

namespace {

using namespace ms;
using namespace ms::models::bsq;
namespace stdfs = std::filesystem;

const char *kTokenizeUsage =
    "usage: melstudio-cli tokenize IN... --out DIR [--model M] [--threads N]\n\n"
    "Turns audio files of any length into the tokenizer's integer tokens: the file is mixed down to mono,\n"
    "resampled to 16 kHz, its dB log-mel (128 bins, hop 160) cut into consecutive 10.24 s windows (the last\n"
    "padded with the -80 dB floor), and every window's 64 x 8 patches quantised to L-bit ids (L = 18: 900\n"
    "bit/s, 50 tokens/s). Writes DIR/<name>.tokens.safetensors: the int64 tensor \"ids\" [windows, 64, 8]\n"
    "(time patches x frequency patches; bit 0 of the code is the id's most significant bit) with metadata\n"
    "sample_rate, hop, frames_per_window, frames (the file's mel frames), samples (at 16 kHz), code_bits,\n"
    "tokens_per_second, bits_per_second, source, model, config. Python:\n"
    "safetensors.numpy.load_file(path)[\"ids\"].\n"
    "  --model M   the bundled tokenizer-default when not given; a tokenizer package (model.json +\n"
    "              bsq.safetensors), a `train tokenizer` run folder (its newest checkpoint) or a checkpoint.\n"
    "A bad file (unreadable, empty, NaN, more than two channels) is reported by name and the batch goes on;\n"
    "audio below 16 kHz is resampled with a note that its mel is empty above half its rate. Exit status 1\n"
    "when any file failed.";

const char *kDetokenizeUsage =
    "usage: melstudio-cli detokenize TOKENS... --out DIR [--model M] [--iterations 64] [--threads N]\n\n"
    "Decodes token files written by `tokenize` into DIR/<name>.wav (16 kHz mono, 16-bit, the tokenized\n"
    "file's length) and DIR/<name>.mel.safetensors (the decoded dB mel, \"mel\" [frames, 128]). No vocoder\n"
    "has been trained for this front end yet, so the audio is Griffin-Lim's (--iterations rounds) from the\n"
    "mel. The model must be the one that wrote the tokens (its L and grid are checked).";

const char *kMelErrorUsage =
    "usage: melstudio-cli mel-error REF EST... [--json]\n\n"
    "The tokenizer's mel metrics (design document 001): mean squared and mean absolute error, in dB, between\n"
    "the 16 kHz mono dB log-mels (128 bins, n_fft 1024, hop 160, clamped to [-80, 0]) of REF and of each\n"
    "estimate (resampled, mixed down) over their common length. For codecs and resyntheses alike.";

// The folder to load: the bundled default when none is named, a run folder's
// newest complete checkpoint, or the folder itself.
Result<std::string> modelDir(const std::string &m) {
    if (m.empty()) {
        const std::string def = io::defaultModelDir("tokenizer-default");
        if (def.empty())
            return fail("no tokenizer model is installed (tokenizer-default); name one with --model: a package, a run "
                        "or a checkpoint");
        return def;
    }
    return io::newestCheckpointDir(m);
}

std::string stem(const std::string &path) {
    std::string s = fs::u8path(path).filename().string();
    for (const char *ext : {".tokens.safetensors", ".safetensors"})
        if (s.size() > std::strlen(ext) && s.compare(s.size() - std::strlen(ext), std::strlen(ext), ext) == 0)
            return s.substr(0, s.size() - std::strlen(ext));
    return fs::u8path(path).stem().string();
}

// A file as mono [n] at `rate`, or why not (the message names the file). `note`
// gets a remark that is not an error (audio below the model's rate).
Result<torch::Tensor> loadMono(const std::string &in, int rate, std::string *note) {
    auto buf = audio::readAudio(in);
    if (!buf) return fail(buf.error());
    audio::AudioBuffer b = std::move(*buf);
    if (b.channelCount() > 2)
        return fail(in + ": " + std::to_string(b.channelCount()) +
                    " channels; the tokenizer takes mono or stereo (mixed down); mix it down first, e.g. sox IN -c 1 OUT");
    if (b.empty()) return fail(in + ": no samples");
    for (const auto &ch : b.channels)
        for (float v : ch)
            if (!std::isfinite(v)) return fail(in + ": the audio holds NaN or infinite samples");
    if (b.sampleRate < rate && note)
        *note = in + ": " + std::to_string(b.sampleRate) + " Hz, resampled to " + std::to_string(rate) +
                " Hz: its mel is empty above " + std::to_string(b.sampleRate / 2) + " Hz";
    if (b.sampleRate != rate) {
        auto r = audio::resample(b, rate);
        if (!r) return fail(in + ": " + r.error());
        b = std::move(*r);
    }
    const int64_t n = int64_t(b.frames());
    auto x = torch::zeros({n});
    auto acc = x.accessor<float, 1>();
    for (const auto &ch : b.channels)
        for (int64_t i = 0; i < n; ++i) acc[i] += ch[size_t(i)] / float(b.channelCount());
    return x;
}

struct Loaded {
    BsqVit model{nullptr};
    std::string description;
};

Result<Loaded> loadModel(const std::string &name) {
    auto dir = modelDir(name);
    if (!dir) return fail(dir.error());
    Loaded l;
    auto m = loadBsqVit(*dir, &l.description);
    if (!m) return fail(m.error());
    l.model = *m;
    return l;
}

int tokenize(const std::vector<std::string> &argv) {
    cli::Args a(argv);
    const std::string outDir = a.get("out"), model = a.get("model");
    device::configureThreads(a.getInt("threads", 0));
    if (!a.error().empty() || !a.unused().empty() || a.positionals().empty() || outDir.empty()) {
        std::fprintf(stderr, "tokenize: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                                           : "IN... and --out DIR are required",
                     kTokenizeUsage);
        return 2;
    }
    auto l = loadModel(model);
    if (!l) {
        std::fprintf(stderr, "tokenize: %s\n", l.error().c_str());
        return 2;
    }
    std::error_code ec;
    stdfs::create_directories(fs::u8path(outDir), ec);
    if (ec) {
        std::fprintf(stderr, "tokenize: cannot create %s: %s\n", outDir.c_str(), ec.message().c_str());
        return 2;
    }
    const auto &cfg = l->model->config();
    BsqFrontEnd front(cfg);
    std::printf("model: %s; %d-bit tokens, %.0f tokens/s = %.0f bit/s\n", l->description.c_str(), cfg.codeBits,
                cfg.tokensPerSecond(), cfg.bitsPerSecond());
    int failed = 0;
    for (const auto &in : a.positionals()) {
        std::string note;
        auto x = loadMono(in, cfg.sampleRate, &note);
        if (!note.empty()) std::fprintf(stderr, "tokenize: note: %s\n", note.c_str());
        if (!x) {
            std::fprintf(stderr, "tokenize: %s\n", x.error().c_str());
            ++failed;
            continue;
        }
        torch::NoGradGuard ng;
        auto mel = front(*x);
        auto ids = tokenizeMel(*l->model, mel).contiguous();
        const std::string out = outDir + "/" + stem(in) + ".tokens.safetensors";
        if (Status st = saveTokenFile(out, cfg, ids, mel.size(0), x->numel(), fs::u8path(in).filename().string(),
                                      l->description);
            !st) {
            std::fprintf(stderr, "tokenize: %s\n", st.error().c_str());
            ++failed;
            continue;
        }
        const auto u = idUsage(ids);
        std::printf("%s -> %s: %lld windows x %d tokens (%.2f s); %lld distinct ids, %.2f bits/token\n", in.c_str(),
                    out.c_str(), (long long)ids.size(0), cfg.tokens(), double(x->numel()) / cfg.sampleRate,
                    (long long)u.distinct, u.entropyBits);
    }
    return failed ? 1 : 0;
}

// The ids of a token file, checked against the model, or why not.
Result<std::pair<torch::Tensor, std::map<std::string, std::string>>> readTokens(const std::string &in, const BsqConfig &cfg) {
    auto f = io::SafeTensorsFile::open(in);
    if (!f) return fail(f.error());
    const auto *t = (*f)->find("ids");
    if (!t) return fail(in + ": no tensor \"ids\" (not a token file from `tokenize`)");
    if (t->dtype != io::DType::I64 || t->shape.size() != 3 || t->shape[1] != cfg.gridTime() || t->shape[2] != cfg.gridFreq())
        return fail(in + ": \"ids\" must be int64 [windows, " + std::to_string(cfg.gridTime()) + ", " +
                    std::to_string(cfg.gridFreq()) + "] for this model");
    const auto &meta = (*f)->metadata();
    if (auto it = meta.find("code_bits"); it != meta.end() && std::atoi(it->second.c_str()) != cfg.codeBits)
        return fail(in + ": written with " + it->second + "-bit tokens; this model's are " + std::to_string(cfg.codeBits) + "-bit");
    auto ids = torch::from_blob(const_cast<void *>(t->data), {t->shape[0], t->shape[1], t->shape[2]}, torch::kLong).clone();
    if (ids.numel() == 0) return fail(in + ": no tokens");
    if (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= (int64_t(1) << cfg.codeBits))
        return fail(in + ": ids outside [0, 2^" + std::to_string(cfg.codeBits) + ")");
    return std::make_pair(ids, meta);
}

audio::AudioBuffer monoBuffer(const torch::Tensor &y, int rate) {
    audio::AudioBuffer b;
    b.sampleRate = rate;
    auto c = y.contiguous();
    b.channels.emplace_back(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    return b;
}

int detokenize(const std::vector<std::string> &argv) {
    cli::Args a(argv);
    const std::string outDir = a.get("out"), model = a.get("model");
    const int iterations = a.getInt("iterations", 64);
    device::configureThreads(a.getInt("threads", 0));
    if (!a.error().empty() || !a.unused().empty() || a.positionals().empty() || outDir.empty() || iterations < 1) {
        std::fprintf(stderr, "detokenize: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                     : iterations < 1 ? "--iterations must be positive"
                                      : "TOKENS... and --out DIR are required",
                     kDetokenizeUsage);
        return 2;
    }
    auto l = loadModel(model);
    if (!l) {
        std::fprintf(stderr, "detokenize: %s\n", l.error().c_str());
        return 2;
    }
    std::error_code ec;
    stdfs::create_directories(fs::u8path(outDir), ec);
    const auto &cfg = l->model->config();
    BsqFrontEnd front(cfg);
    int failed = 0;
    for (const auto &in : a.positionals()) {
        auto t = readTokens(in, cfg);
        if (!t) {
            std::fprintf(stderr, "detokenize: %s\n", t.error().c_str());
            ++failed;
            continue;
        }
        const auto &[ids, meta] = *t;
        auto mel = detokenizeIds(*l->model, ids);
        int64_t frames = mel.size(0), samples = (frames - 1) * cfg.hop;
        if (auto it = meta.find("frames"); it != meta.end()) frames = std::clamp<int64_t>(std::atoll(it->second.c_str()), 1, frames);
        if (auto it = meta.find("samples"); it != meta.end()) samples = std::max<int64_t>(1, std::atoll(it->second.c_str()));
        mel = mel.narrow(0, 0, frames).contiguous();
        auto y = front.griffinLim(mel, iterations);
        if (y.numel() < samples) y = torch::cat({y, torch::zeros({samples - y.numel()})});
        y = y.narrow(0, 0, samples).clamp(-1, 1).contiguous();
        const std::string base = outDir + "/" + stem(in);
        Status st = audio::writeAudio(base + ".wav", monoBuffer(y, cfg.sampleRate));
        if (st) st = io::saveTensors(base + ".mel.safetensors", {{"mel", mel}}, {{"unit", "dB, 0 = (n_fft/4)^2"}});
        if (!st) {
            std::fprintf(stderr, "detokenize: %s\n", st.error().c_str());
            ++failed;
            continue;
        }
        std::printf("%s -> %s.wav (%.2f s, Griffin-Lim %d rounds)\n", in.c_str(), base.c_str(),
                    double(samples) / cfg.sampleRate, iterations);
    }
    return failed ? 1 : 0;
}

struct MelError {
    double mse, mae;
};

// dB mel errors over the common frames.
MelError melError(const torch::Tensor &a, const torch::Tensor &b) {
    const int64_t n = std::min(a.size(0), b.size(0));
    auto d = a.narrow(0, 0, n) - b.narrow(0, 0, n);
    return {d.pow(2).mean().item<double>(), d.abs().mean().item<double>()};
}

int melErrorCmd(const std::vector<std::string> &argv) {
    cli::Args a(argv, {"json"});
    const bool json = a.has("json");
    if (a.positionals().size() < 2 || !a.unused().empty()) {
        std::fprintf(stderr, "%s\n", kMelErrorUsage);
        return 2;
    }
    const BsqConfig cfg;   // the document's front end
    BsqFrontEnd front(cfg);
    auto ref = loadMono(a.positionals()[0], cfg.sampleRate, nullptr);
    if (!ref) {
        std::fprintf(stderr, "mel-error: %s\n", ref.error().c_str());
        return 1;
    }
    torch::NoGradGuard ng;
    auto refMel = front(*ref);
    int failed = 0;
    for (size_t k = 1; k < a.positionals().size(); ++k) {
        const std::string &path = a.positionals()[k];
        auto est = loadMono(path, cfg.sampleRate, nullptr);
        if (!est) {
            std::fprintf(stderr, "mel-error: %s\n", est.error().c_str());
            ++failed;
            continue;
        }
        auto e = melError(front(*est), refMel);
        if (json)
            std::printf("%s\n", nlohmann::json{{"estimate", path}, {"mel_mse_db2", e.mse}, {"mel_mae_db", e.mae}}.dump().c_str());
        else
            std::printf("%s mel MSE %.2f dB^2  MAE %.3f dB\n", path.c_str(), e.mse, e.mae);
    }
    return failed ? 1 : 0;
}

const char *kBenchUsage =
    "usage: melstudio-cli bench-tokenizer [--preset cpu|paper|tiny|all | --model M] [--seconds 30] [--reps 2]\n"
    "                                     [--threads N] [--json]\n\n"
    "Times the tokenizer on seconds of noise at 16 kHz: tokenizer_tokenize (front end + encoder + BSQ),\n"
    "tokenizer_detokenize (decoder to the mel) and tokenizer_griffin_lim (64 rounds, the mel to audio), each\n"
    "in milliseconds, x real time and the process's peak memory so far (VmHWM). Random weights cost what\n"
    "trained ones cost (default: --preset all = cpu then paper).";

int bench(const std::vector<std::string> &argv) {
    cli::Args a(argv, {"json"});
    cli::BenchOptions o;
    if (!cli::parseBenchOptions(a, "bench-tokenizer", kBenchUsage, 30.0, &o)) return 2;
    const double seconds = o.seconds;
    const int reps = o.reps;
    torch::NoGradGuard ng;
    for (const auto &src : o.sources) {
        std::string description;
        auto m = loadBsqVit(src, &description);
        if (!m) {
            std::fprintf(stderr, "bench-tokenizer: %s\n", m.error().c_str());
            return 1;
        }
        const auto &cfg = (*m)->config();
        BsqFrontEnd front(cfg);
        torch::manual_seed(0);
        auto x = 0.1 * torch::randn({int64_t(seconds * cfg.sampleRate)});
        torch::Tensor ids, mel;
        const double tokMs = cli::timeMs([&] { ids = tokenizeMel(**m, front(x)); }, reps);
        const double detMs = cli::timeMs([&] { mel = detokenizeIds(**m, ids); }, reps);
        const double glMs = cli::timeMs([&] { front.griffinLim(mel.narrow(0, 0, front(x).size(0)), 64); }, reps);
        int64_t params = 0;
        for (const auto &p : (*m)->parameters()) params += p.numel();
        const std::string name = src.rfind("random:", 0) == 0 ? src.substr(7) : description;
        for (auto [row, ms] : {std::pair<const char *, double>{"tokenizer_tokenize", tokMs},
                               {"tokenizer_detokenize", detMs}, {"tokenizer_griffin_lim", glMs}})
            cli::printBenchRow(row, name, params, seconds, ms, o.json);
    }
    return 0;
}

} // namespace

namespace ms::cli::bsq {

const char *kExportUsage =
    "usage: melstudio-cli export --family bsq --run RUN --out PACKAGE_DIR [--half] [--card CARD.md]\n\n"
    "Writes a tokenizer package (model.json, bsq.safetensors[, CARD.md]) from a `train tokenizer` run's newest\n"
    "complete checkpoint (or one checkpoint folder), under a temporary name swapped into place. --half stores\n"
    "float16 weights. `tokenize`, `detokenize` and the studio's Tokenizer page use\n"
    "resources/models/tokenizer-default when no model is named.";

int exportPackage(const std::vector<std::string> &argv) {
    return cli::exportPackage(argv, kExportUsage,
                              [](const std::string &dir, const std::string &out, bool half, const nlohmann::json &extra,
                                 const std::string &card, std::string *description) -> Status {
                                  auto m = loadBsqVit(dir, description);
                                  if (!m) return fail(m.error());
                                  return saveBsqPackage(**m, out, half, extra, card);
                              });
}

const char *kReconstructUsage =
    "usage: melstudio-cli reconstruct --family bsq IN OUT.wav [--model M] [--iterations 64] [--threads N]\n"
    "                               [--json] [--overwrite]\n\n"
    "Tokenizes IN and decodes the tokens back into OUT.wav (16 kHz mono, Griffin-Lim from the decoded mel),\n"
    "then prints: the mel MSE / MAE in dB of the tokens (decoded mel against IN's, the document's metrics)\n"
    "and of OUT.wav's mel; DAC's mel distance of OUT.wav to IN (16 kHz mono) and of Griffin-Lim from IN's own\n"
    "mel (what the vocoder alone loses); bits/s, distinct ids and the ids' entropy in bits per token.";

int reconstruct(const std::vector<std::string> &argv) {
    cli::Args a(argv, {"json", "overwrite"});
    a.get("family");
    const bool json = a.has("json"), overwrite = a.has("overwrite");
    const int iterations = a.getInt("iterations", 64);
    device::configureThreads(a.getInt("threads", 0));
    const std::string model = a.get("model");
    if (!a.error().empty() || !a.unused().empty() || a.positionals().size() != 2 || iterations < 1) {
        std::fprintf(stderr, "reconstruct: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                                           : "give IN and OUT.wav",
                     kReconstructUsage);
        return 2;
    }
    const std::string in = a.positionals()[0], out = a.positionals()[1];
    auto l = loadModel(model);
    if (!l) {
        std::fprintf(stderr, "reconstruct: %s\n", l.error().c_str());
        return 1;
    }
    const auto &cfg = l->model->config();
    BsqFrontEnd front(cfg);
    std::string note;
    auto x = loadMono(in, cfg.sampleRate, &note);
    if (!note.empty()) std::fprintf(stderr, "reconstruct: note: %s\n", note.c_str());
    if (!x) {
        std::fprintf(stderr, "reconstruct: %s\n", x.error().c_str());
        return 1;
    }
    torch::NoGradGuard ng;
    auto mel = front(*x);
    auto ids = tokenizeMel(*l->model, mel);
    auto dec = detokenizeIds(*l->model, ids).narrow(0, 0, mel.size(0)).contiguous();
    const int64_t n = x->numel();
    auto fit = [&](torch::Tensor y) {
        if (y.numel() < n) y = torch::cat({y, torch::zeros({n - y.numel()})});
        return y.narrow(0, 0, n).clamp(-1, 1).contiguous();
    };
    auto y = fit(front.griffinLim(dec, iterations));
    auto ceiling = fit(front.griffinLim(mel, iterations));
    audio::WriteOptions wo;
    wo.format = audio::SampleFormat::Pcm16;
    wo.overwrite = overwrite;
    if (Status st = audio::writeAudio(out, monoBuffer(y, cfg.sampleRate), wo); !st) {
        std::fprintf(stderr, "reconstruct: %s\n", st.error().c_str());
        return 1;
    }
    const auto tok = melError(dec, mel), wav = melError(front(y), mel);
    const auto ref = monoBuffer(*x, cfg.sampleRate);
    const double dac = metrics::channelDistances(monoBuffer(y, cfg.sampleRate), ref).at(0).dacMel;
    const double dacGl = metrics::channelDistances(monoBuffer(ceiling, cfg.sampleRate), ref).at(0).dacMel;
    const auto u = idUsage(ids);
    const nlohmann::json j{{"input", in},
                           {"output", out},
                           {"tokens_mel_mse_db2", tok.mse},
                           {"tokens_mel_mae_db", tok.mae},
                           {"audio_mel_mse_db2", wav.mse},
                           {"audio_mel_mae_db", wav.mae},
                           {"dac_mel", dac},
                           {"dac_mel_griffin_lim_of_input_mel", dacGl},
                           {"bits_per_second", cfg.bitsPerSecond()},
                           {"tokens_per_second", cfg.tokensPerSecond()},
                           {"tokens", ids.numel()},
                           {"distinct_ids", u.distinct},
                           {"entropy_bits_per_token", u.entropyBits}};
    if (json) std::printf("%s\n", j.dump().c_str());
    else
        std::printf("%s -> %s with %s\n  tokens: mel MSE %.2f dB^2, MAE %.3f dB; %lld tokens, %lld distinct, %.2f "
                    "bits/token (%.0f bit/s)\n  audio (Griffin-Lim %d): mel MSE %.2f dB^2, MAE %.3f dB; DAC mel %.4f "
                    "(Griffin-Lim of the input's own mel: %.4f)\n",
                    in.c_str(), out.c_str(), l->description.c_str(), tok.mse, tok.mae, (long long)ids.numel(),
                    (long long)u.distinct, u.entropyBits, cfg.bitsPerSecond(), iterations, wav.mse, wav.mae, dac, dacGl);
    return 0;
}

int printParams(const std::string &model, const std::string &presetName, bool json, bool keys) {
    BsqVit m{nullptr};
    std::string what = "preset " + presetName;
    if (!model.empty()) {
        auto loaded = loadBsqVit(io::newestCheckpointDir(model));
        if (!loaded) {
            std::fprintf(stderr, "params: %s\n", loaded.error().c_str());
            return 1;
        }
        m = *loaded;
        what = "model " + model;
    } else {
        try {
            m = BsqVit(BsqConfig::preset(presetName));
        } catch (const std::exception &e) {
            std::fprintf(stderr, "params: %s\n", e.what());
            return 2;
        }
    }
    if (keys) {
        for (const auto &kv : m->named_parameters())
            std::printf("%s\n", nlohmann::json{{"name", kv.key()}, {"shape", kv.value().sizes().vec()}}.dump().c_str());
        for (const auto &kv : m->named_buffers())
            std::printf("%s\n", nlohmann::json{{"name", kv.key()}, {"shape", kv.value().sizes().vec()}}.dump().c_str());
        return 0;
    }
    auto count = [](const torch::nn::Module &mod) {
        int64_t n = 0;
        for (const auto &p : mod.parameters()) n += p.numel();
        return n;
    };
    int64_t conv = 0;   // the Conformer modules and their norms, both sides
    for (const auto &kv : m->named_parameters())
        if (kv.key().find("conv_module") != std::string::npos || kv.key().find("ln_conv") != std::string::npos) conv += kv.value().numel();
    const int64_t e = count(*m->encoder), d = count(*m->decoder), q = count(*m->quant_embed) + count(*m->post_quant_embed);
    const auto &cfg = m->config();
    if (json) {
        for (auto [name, n] : {std::pair<const char *, int64_t>{"bsq.encoder", e}, {"bsq.quant_embeds", q},
                               {"bsq.decoder", d}, {"bsq.conformer_modules", conv}, {"bsq", e + q + d}})
            std::printf("%s\n", nlohmann::json{{"module", name}, {"params", n}}.dump().c_str());
        return 0;
    }
    std::printf("bsq %s: width %d, %d heads, %d blocks per side%s, L = %d bits, %d tokens of %dx%d per %.2f s "
                "(%.0f bit/s)\n",
                what.c_str(), cfg.width, cfg.heads, cfg.layers, cfg.conformer ? " with the Conformer module" : "",
                cfg.codeBits, cfg.tokens(), cfg.patchTime, cfg.patchFreq, cfg.windowSeconds(), cfg.bitsPerSecond());
    std::printf("  encoder        %14lld\n  quant embeds   %14lld\n  decoder        %14lld\n  total          %14lld\n"
                "  of which the Conformer modules %lld (%.1f %%)\n",
                (long long)e, (long long)q, (long long)d, (long long)(e + q + d), (long long)conv,
                100.0 * double(conv) / double(e + q + d));
    if (presetName == "paper" && model.empty())
        std::printf("For scale: a ViT-B block is 12 d^2 + 13 d = 7.09 M at d = 768, 85 M for 12 blocks, so ViT-B\n"
                    "on both sides is ~170 M before the Conformer modules (3 d^2 + (k + 10) d each, +25 %% per block,\n"
                    "not the 15 %% the audio fork's notes claim).\n");
    return 0;
}

} // namespace ms::cli::bsq

namespace {

cli::Registrar regTokenize({"tokenize", "audio -> the BSQ-ViT tokenizer's integer tokens (safetensors)", kTokenizeUsage, tokenize});
cli::Registrar regDetokenize({"detokenize", "tokens -> mel and audio (Griffin-Lim)", kDetokenizeUsage, detokenize});
cli::Registrar regMelError({"mel-error", "the tokenizer's dB mel MSE / MAE between audio files", kMelErrorUsage, melErrorCmd});
cli::Registrar regBench({"bench-tokenizer", "the tokenizer's tokenize/detokenize speed and memory", kBenchUsage, bench});

} // namespace
