// melstudio-cli analyze: measure kicks (peak, RMS, centroid, fundamental,
// decay, click), summarise them (median and IQR), and measure how far each is
// from its nearest neighbour in a reference dataset (is a model replaying its
// training data?).
#include "analysis/Descriptors.h"
#include "audio/AudioFile.h"
#include "audio/Edit.h"
#include "audio/Resample.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "data/Dataset.h"
#include "dsp/LogMel.h"
#include "util/Fs.h"
#include "util/Stats.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>

namespace {

using json = nlohmann::json;
namespace stdfs = std::filesystem;

std::vector<std::string> collect(const std::vector<std::string> &paths) {
    std::vector<std::string> out;
    for (const auto &p : paths) {
        std::error_code ec;
        if (stdfs::is_directory(p, ec)) {
            for (auto it = stdfs::recursive_directory_iterator(p, ec); it != stdfs::recursive_directory_iterator(); ++it) {
                auto ext = it->path().extension().string();
                std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
                if (it->is_regular_file() && (ext == ".wav" || ext == ".flac" || ext == ".aiff" || ext == ".ogg"))
                    out.push_back(it->path().string());
            }
        } else {
            out.push_back(p);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

json spreadJson(const std::map<std::string, ms::analysis::Spread> &s) {
    json j;
    for (const auto &[k, v] : s) j[k] = {{"median", v.median}, {"q1", v.q1}, {"q3", v.q3}};
    return j;
}

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv, {"json"});
    if (args.positionals().empty()) {
        std::fprintf(stderr, "usage: melstudio-cli analyze FILE_OR_DIR... [--reference DATASET] [--json]\n");
        return 2;
    }
    const bool asJson = args.has("json");
    const std::string ref = args.get("reference");
    auto files = collect(args.positionals());
    std::vector<ms::analysis::Descriptors> ds;
    std::vector<std::string> measured;   // files[i] of ds[i] (unreadable files are skipped)
    std::vector<std::vector<float>> mels;
    int failed = 0;
    ms::dsp::MelConfig mc;
    for (const auto &f : files) {
        auto a = ms::audio::readAudio(f);
        if (!a) { std::fprintf(stderr, "analyze: %s\n", a.error().c_str()); ++failed; continue; }
        auto mono = ms::audio::mixToMono(*a);
        if (a->sampleRate != 44100) {
            auto r = ms::audio::resample(mono, a->sampleRate, 44100);
            if (!r) { std::fprintf(stderr, "analyze: %s: %s\n", f.c_str(), r.error().c_str()); ++failed; continue; }
            mono = std::move(*r);
        }
        ds.push_back(ms::analysis::describe(mono, 44100));
        measured.push_back(f);
        if (!ref.empty()) {
            // Prepared like preprocess prepares training clips (2 s, peak -1 dBFS,
            // 0.2 s fade), so that level differences do not count as distance.
            ms::audio::shapeClip(mono, 88200, -1.0f, size_t(0.2 * 44100));
            mels.push_back(ms::dsp::logMel(mono, mc).data);
        }
    }
    json out = {{"files", ds.size()}, {"failed", failed}, {"summary", spreadJson(ms::analysis::summarize(ds))}};
    json items = json::array();
    for (size_t i = 0; i < ds.size(); ++i)
        items.push_back({{"file", measured[i]}, {"peak", ds[i].peak}, {"rms", ds[i].rms},
                         {"centroid_hz", ds[i].centroidHz}, {"fundamental_hz", ds[i].fundamentalHz},
                         {"decay_s", ds[i].decayS}, {"click", ds[i].click}});
    out["items"] = items;
    if (!ref.empty()) {
        auto rd = ms::data::MelDataset::open(ref);
        if (!rd) { std::fprintf(stderr, "analyze: %s\n", rd.error().c_str()); return 1; }
        const auto &R = **rd;
        const size_t per = size_t(R.nMels()) * R.frames();
        auto nearest = [&](const float *m, long skip) {
            float best = std::numeric_limits<float>::max();
            for (size_t j = 0; j < R.size(); ++j) {
                if (long(j) == skip) continue;
                best = std::min(best, ms::analysis::melL1(m, R.mel(j), per));
            }
            return best;
        };
        std::vector<float> nn, refNN;
        for (size_t i = 0; i < mels.size(); ++i)
            if (mels[i].size() == per) {
                nn.push_back(nearest(mels[i].data(), -1));
                out["items"][i]["nearest_mel_l1"] = nn.back();
            }
        // Leave-one-out nearest neighbour inside the reference: how close real kicks are to each other.
        for (size_t j = 0; j < R.size(); ++j) refNN.push_back(nearest(R.mel(j), long(j)));
        auto spread = [](const std::vector<float> &v) {
            using ms::util::quantile;
            return json{{"median", quantile(v, 0.5)}, {"q1", quantile(v, 0.25)}, {"q3", quantile(v, 0.75)},
                        {"min", quantile(v, 0.0)}};
        };
        out["nearest_neighbour_mel_l1"] = spread(nn);
        out["reference_leave_one_out_mel_l1"] = spread(refNN);
        out["reference"] = ref;
    }
    if (asJson) {
        std::printf("%s\n", out.dump().c_str());
        return failed && ds.empty() ? 1 : 0;
    }
    std::printf("%zu files measured (%d unreadable)\n%-16s %10s %10s %10s\n", ds.size(), failed, "property", "median",
                "q1", "q3");
    for (auto it = out["summary"].begin(); it != out["summary"].end(); ++it)
        std::printf("%-16s %10.4g %10.4g %10.4g\n", it.key().c_str(), it->at("median").get<double>(),
                    it->at("q1").get<double>(), it->at("q3").get<double>());
    if (!ref.empty()) {
        const auto &a = out["nearest_neighbour_mel_l1"], &b = out["reference_leave_one_out_mel_l1"];
        std::printf("nearest neighbour in %s (log-mel L1): median %.3f (IQR %.3f-%.3f, min %.3f)\n", ref.c_str(),
                    a["median"].get<double>(), a["q1"].get<double>(), a["q3"].get<double>(), a["min"].get<double>());
        std::printf("reference kicks to each other (leave-one-out): median %.3f (IQR %.3f-%.3f, min %.3f)\n",
                    b["median"].get<double>(), b["q1"].get<double>(), b["q3"].get<double>(), b["min"].get<double>());
    }
    return failed && ds.empty() ? 1 : 0;
}

ms::cli::Registrar reg({"analyze", "measure kicks: peak, RMS, centroid, f0, decay; nearest neighbours",
                        "usage: melstudio-cli analyze FILE_OR_DIR... [--reference DATASET] [--json]\n"
                        "Prints median and interquartile range of each property. With --reference, also the\n"
                        "log-mel L1 distance of each file to its nearest neighbour in a preprocessed dataset,\n"
                        "next to the same distance between the dataset's own items (leave-one-out).",
                        run});

} // namespace
