// melstudio-cli evaluate: how well a kick model's autoencoder and vocoder
// reproduce clips it never saw (a held-out preprocessed dataset), next to
// Griffin-Lim and a trivial baseline on the same mels.
#include "analysis/Descriptors.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/Progress.h"
#include "data/Dataset.h"
#include "device/Device.h"
#include "dsp/LogMel.h"
#include "infer/kick/KickPipeline.h"
#include "jobs/Train.h"
#include "metrics/AudioMetrics.h"
#include "util/Stats.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace {

using json = nlohmann::json;

const char *kUsage =
    "usage: melstudio-cli evaluate --data DATASET [--model PKG|RUN] [--vocoder-run RUN] [--gl-iters 64] [--limit N]\n"
    "                              [--mel-match N] [--json] [--device auto|cpu|cuda] [--threads N]\n\n"
    "--mel-match N: mel matching passes after the neural vocoder (default: the package's mel_match).\n"
    "For every clip of a preprocessed dataset (use kits the model never saw, e.g. augment's\n"
    "--holdout-out folder), measures:\n"
    "  vae_mel_l1              mean |VAE(mel) - mel| in log-mel units (encoder mu -> decoder)\n"
    "  mean_mel_l1             the same against the dataset's mean mel: what ignoring the input scores\n"
    "  stft_griffinlim         multi-resolution STFT distance of Griffin-Lim(mel) to the clip\n"
    "  stft_griffinlim_vae     the same for Griffin-Lim(VAE(mel)): the model's round trip without a vocoder\n"
    "  stft_hifigan[_vae]      the same with the model's vocoder, when the package has one\n"
    "  dacmel_<vocoder>[_vae]  DAC's multi-scale mel distance (its conf/base.yml configuration) of the same pairs\n"
    "  err_{f0_hz,rms,decay_s,click}_<vocoder>[_vae]  |descriptor(output) - descriptor(clip)| (analyze's\n"
    "                          fundamental, RMS, decay time and onset click): whether the kick survived\n"
    "  (stft_istft[_vae])      (named for its architecture: hifigan or istft)\n"
    "  resynth_mel_l1_griffinlim  log-mel L1 of Griffin-Lim(mel) to the clip's mel (what the vocoder lost)\n"
    "  resynth_mel_l1_hifigan     the same for the vocoder(mel) (resynth_mel_l1_istft)\n"
    "Prints the mean and the median of each over the clips (lower is better everywhere).";

using ms::util::median;

int run(const std::vector<std::string> &argv) {
    ms::cli::Args a(argv, {"json"});
    const std::string dataDir = a.get("data");
    std::string model = a.get("model");
    const std::string vocoderRun = a.get("vocoder-run");
    const int glIters = a.getInt("gl-iters", 64);
    const int melMatch = a.getInt("mel-match", -1);
    const long long limit = a.getInt64("limit", 0);
    const bool asJson = a.has("json");
    const std::string device = a.get("device", "auto");
    const int threads = a.getInt("threads", 0);
    if (!a.error().empty() || !a.unused().empty() || !a.positionals().empty() || dataDir.empty()) {
        std::fprintf(stderr, "evaluate: %s\n%s\n",
                     !a.error().empty()    ? a.error().c_str()
                     : dataDir.empty()     ? "--data is required"
                     : !a.unused().empty() ? ("unexpected option " + a.unused()[0]).c_str()
                                           : ("unexpected argument " + a.positionals()[0]).c_str(),
                     kUsage);
        return 2;
    }
    if (model.empty()) model = ms::infer::kick::defaultKickModelDir();
    if (model.empty()) {
        std::fprintf(stderr, "evaluate: no --model given and no default model is installed\n");
        return 1;
    }
    ms::device::configureThreads(threads);
    auto ds = ms::data::MelDataset::open(dataDir);
    if (!ds) {
        std::fprintf(stderr, "evaluate: %s\n", ds.error().c_str());
        return 1;
    }
    auto &set = **ds;
    if (set.audioSamples() == 0) {
        std::fprintf(stderr, "evaluate: %s has no audio shard (audio.safetensors); re-run preprocess\n", dataDir.c_str());
        return 1;
    }
    ms::jobs::ScratchDir scratch("melstudio-evaluate");
    std::string note;
    auto folder = ms::jobs::inferenceModel(model, vocoderRun, scratch.path(), &note);
    if (!folder) {
        std::fprintf(stderr, "evaluate: %s\n", folder.error().c_str());
        return 1;
    }
    if (!note.empty()) std::fprintf(stderr, "evaluate: model = %s\n", note.c_str());
    auto pipe = ms::infer::kick::KickPipeline::load(*folder, device);
    if (!pipe) {
        std::fprintf(stderr, "evaluate: %s\n", pipe.error().c_str());
        return 1;
    }
    auto &p = **pipe;
    if (melMatch >= 0) p.setMelMatch(melMatch);
    if (set.nMels() != p.melBins() || set.frames() != p.melFrames()) {
        std::fprintf(stderr, "evaluate: %s has %d x %d mels; the model %s takes %d x %d\n", dataDir.c_str(),
                     set.nMels(), set.frames(), model.c_str(), p.melBins(), p.melFrames());
        return 1;
    }
    const size_t n = limit > 0 ? std::min(set.size(), size_t(limit)) : set.size();
    const size_t cells = size_t(set.nMels()) * set.frames();
    std::vector<double> meanMel(cells, 0.0);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < cells; ++j) meanMel[j] += set.mel(i)[j] / double(n);
    std::vector<float> meanMelF(meanMel.begin(), meanMel.end());

    std::map<std::string, std::vector<double>> cols;
    json items = json::array();
    ms::cli::Progress progress("evaluate", (long long)n);
    for (size_t i = 0; i < n; ++i) {
        std::vector<float> mel(set.mel(i), set.mel(i) + cells);
        std::vector<float> clip(set.audio(i), set.audio(i) + set.audioSamples());
        json row{{"file", set.filename(i)}};
        auto put = [&](const char *key, double v) {
            cols[key].push_back(v);
            row[key] = v;
        };
        auto rec = p.autoencodeMel(mel);
        if (!rec) {
            std::fprintf(stderr, "evaluate: %s: %s\n", set.filename(i).c_str(), rec.error().c_str());
            return 1;
        }
        put("vae_mel_l1", ms::analysis::melL1(rec->data(), mel.data(), cells));
        put("mean_mel_l1", ms::analysis::melL1(meanMelF.data(), mel.data(), cells));
        std::vector<std::string> vocoders{"griffinlim"};
        if (p.hasVocoder()) vocoders.push_back(p.vocoderName());
        for (const auto &v : vocoders) {
            for (bool throughVae : {false, true}) {
                auto audio = p.synthesizeMel(throughVae ? *rec : mel, v, glIters, i);
                if (!audio) {
                    std::fprintf(stderr, "evaluate: %s: %s\n", set.filename(i).c_str(), audio.error().c_str());
                    return 1;
                }
                const size_t len = std::min(audio->size(), clip.size());
                std::vector<float> x(audio->begin(), audio->begin() + len), y(clip.begin(), clip.begin() + len);
                put(("stft_" + v + (throughVae ? "_vae" : "")).c_str(),
                    ms::analysis::multiResolutionStftDistance(x, y));
                put(("dacmel_" + v + (throughVae ? "_vae" : "")).c_str(),
                    ms::metrics::dacMelDistance(x, y, set.sampleRate()));
                // Whether the kick survived: descriptor errors against the real clip.
                const auto dx = ms::analysis::describe(x, set.sampleRate()), dy = ms::analysis::describe(y, set.sampleRate());
                const std::string suffix = "_" + v + (throughVae ? "_vae" : "");
                put(("err_f0_hz" + suffix).c_str(), std::fabs(dx.fundamentalHz - dy.fundamentalHz));
                put(("err_rms" + suffix).c_str(), std::fabs(dx.rms - dy.rms));
                put(("err_decay_s" + suffix).c_str(), std::fabs(dx.decayS - dy.decayS));
                put(("err_click" + suffix).c_str(), std::fabs(dx.click - dy.click));
                if (!throughVae) {
                    std::vector<float> full(*audio);
                    full.resize(clip.size(), 0.0f);
                    const auto back = ms::dsp::logMel(full);
                    if (back.data.size() >= cells)
                        put(("resynth_mel_l1_" + v).c_str(), ms::analysis::melL1(back.data.data(), mel.data(), cells));
                }
            }
        }
        items.push_back(row);
        progress.update((long long)i + 1);
    }
    json summary;
    for (const auto &[k, v] : cols) {
        double mean = 0;
        for (double x : v) mean += x / double(v.size());
        summary[k] = {{"mean", mean}, {"median", median(v)}};
    }
    json out{{"model", model}, {"data", dataDir}, {"clips", n}, {"griffin_lim_iterations", glIters},
             {"summary", summary}, {"items", items}};
    if (asJson) {
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("%zu held-out clips from %s, model %s\n%-22s %10s %10s\n", n, dataDir.c_str(), model.c_str(),
                "measure", "mean", "median");
    for (auto it = summary.begin(); it != summary.end(); ++it)
        std::printf("%-22s %10.4f %10.4f\n", it.key().c_str(), it->at("mean").get<double>(),
                    it->at("median").get<double>());
    return 0;
}

ms::cli::Registrar reg({"evaluate", "held-out VAE mel L1 and vocoder/Griffin-Lim STFT distances of a kick model",
                        kUsage, run});

} // namespace
