// melstudio-cli augment: grow a small kick dataset with augmentations that keep
// a kick a kick, add descriptive keywords measured from the audio, and hold
// out whole kits for evaluation.
#include "analysis/Descriptors.h"
#include "augment/Augment.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/Progress.h"
#include "data/Dataset.h"
#include "data/ShardWriter.h"
#include "dsp/LogMel.h"
#include "util/Fs.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

namespace {

using json = nlohmann::json;
namespace stdfs = std::filesystem;

std::vector<std::string> splitList(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

struct Output {
    std::unique_ptr<ms::data::ShardWriter> mels, audio;
    json items = json::array();
    std::string dir;
};

ms::Status openOutput(Output &o, const std::string &dir, int64_t maxRows, int nMels, int frames, int samples,
                      const std::string &generation) {
    std::error_code ec;
    stdfs::create_directories(ms::fs::u8path(dir), ec);
    if (ec) return ms::fail(dir + ": cannot create folder (" + ec.message() + ")");
    o.dir = dir;
    std::map<std::string, std::string> meta{{"generation", generation}, {"format", "melstudio-kick-dataset-1"}};
    auto m = ms::data::ShardWriter::create(dir + "/mels.safetensors", "mels", {1, nMels, frames}, maxRows, meta);
    if (!m) return ms::Error{m.error()};
    auto a = ms::data::ShardWriter::create(dir + "/audio.safetensors", "audio", {samples}, maxRows, meta);
    if (!a) return ms::Error{a.error()};
    o.mels = std::move(*m);
    o.audio = std::move(*a);
    return {};
}

ms::Status finishOutput(Output &o, const ms::data::MelDataset &src, const std::string &generation,
                        const json &extra) {
    if (auto st = o.mels->finish(); !st) return st;
    if (auto st = o.audio->finish(); !st) return st;
    json index = {{"format", "melstudio-kick-dataset"}, {"version", 1}, {"generation", generation},
                  {"sample_rate", src.sampleRate()}, {"samples", src.audioSamples()}, {"n_mels", src.nMels()},
                  {"frames", src.frames()}, {"count", o.items.size()}, {"mels", "mels.safetensors"},
                  {"audio", "audio.safetensors"}, {"derived_from", src.dir()}, {"items", o.items}};
    for (auto it = extra.begin(); it != extra.end(); ++it) index[it.key()] = it.value();
    return ms::fs::writeFileAtomic(ms::fs::u8path(o.dir + "/index.json"), index.dump(1));
}

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv);
    if (args.positionals().size() != 1 || !args.has("out")) {
        std::fprintf(stderr, "usage: melstudio-cli augment DATASET --out DIR [--copies 20] [--seed 1] "
                             "[--holdout PATTERNS --holdout-out DIR] [--rules tertiles|fixed]\n");
        return 2;
    }
    const std::string outDir = args.get("out");
    const int copies = args.getInt("copies", 20);
    const auto seed = std::uint64_t(args.getInt64("seed", 1));
    const auto holdout = splitList(args.get("holdout"));
    const std::string holdoutDir = args.get("holdout-out");
    const std::string rulesMode = args.get("rules", "tertiles");
    if (!args.error().empty()) { std::fprintf(stderr, "%s\n", args.error().c_str()); return 2; }
    if (!holdout.empty() && holdoutDir.empty()) {
        std::fprintf(stderr, "augment: --holdout needs --holdout-out DIR for the held-out items\n");
        return 2;
    }
    auto ds = ms::data::MelDataset::open(args.positionals()[0]);
    if (!ds) { std::fprintf(stderr, "augment: %s\n", ds.error().c_str()); return 1; }
    const auto &src = **ds;
    if (!src.audioSamples()) {
        std::fprintf(stderr, "augment: %s has no audio shard (run preprocess with audio)\n", src.dir().c_str());
        return 1;
    }
    const int sr = src.sampleRate(), n = src.audioSamples();
    ms::dsp::MelConfig mc;
    mc.sampleRate = sr;
    mc.nMels = src.nMels();

    std::vector<size_t> train, held;
    for (size_t i = 0; i < src.size(); ++i) {
        bool h = false;
        for (const auto &p : holdout)
            if (src.filename(i).find(p) != std::string::npos) h = true;
        (h ? held : train).push_back(i);
    }
    if (train.empty()) { std::fprintf(stderr, "augment: every item matched --holdout; nothing to train on\n"); return 1; }

    // Keyword rules from the original training clips (tertiles), so each word marks a third.
    std::vector<ms::analysis::Descriptors> base;
    for (size_t i : train)
        base.push_back(ms::analysis::describe(std::vector<float>(src.audio(i), src.audio(i) + n), sr));
    const auto rules = rulesMode == "fixed" ? ms::analysis::KeywordRules{} : ms::analysis::KeywordRules::fromTertiles(base);

    const std::string generation = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    Output out, hold;
    if (auto st = openOutput(out, outDir, int64_t(train.size()) * (copies + 1), src.nMels(), src.frames(), n, generation); !st) {
        std::fprintf(stderr, "augment: %s\n", st.error().c_str());
        return 1;
    }
    if (!held.empty())
        if (auto st = openOutput(hold, holdoutDir, int64_t(held.size()), src.nMels(), src.frames(), n, generation); !st) {
            std::fprintf(stderr, "augment: %s\n", st.error().c_str());
            return 1;
        }

    std::map<std::string, int> wordCounts;
    auto emit = [&](Output &o, size_t i, const std::vector<float> &audio, const std::string &suffix,
                    const std::string &how) -> ms::Status {
        auto d = ms::analysis::describe(audio, sr);
        auto words = src.keywords(i);
        for (const auto &w : ms::analysis::descriptiveKeywords(d, rules))
            if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
        for (const auto &w : words) wordCounts[w]++;
        auto mel = ms::dsp::logMel(audio, mc);
        if (mel.frames != src.frames()) return ms::fail("internal: mel frames differ");
        if (auto st = o.mels->append(mel.data.data()); !st) return st;
        if (auto st = o.audio->append(audio.data()); !st) return st;
        const auto &it = src.item(i);
        o.items.push_back({{"filename", it.filename + suffix}, {"source", it.source}, {"hash", it.hash},
                           {"sample_rate", it.sampleRate}, {"channels", it.channels}, {"duration", it.duration},
                           {"peak", it.peak}, {"keywords", words}, {"augment", how},
                           {"descriptors", {{"decay_s", d.decayS}, {"fundamental_hz", d.fundamentalHz},
                                            {"centroid_hz", d.centroidHz}, {"click", d.click}, {"rms", d.rms}}}});
        return {};
    };

    ms::cli::Progress prog("augment", (long long)(train.size() * (copies + 1) + held.size()));
    long long done = 0;
    for (size_t k = 0; k < train.size(); ++k) {
        const size_t i = train[k];
        std::vector<float> clip(src.audio(i), src.audio(i) + n);
        if (auto st = emit(out, i, clip, "", "original"); !st) { std::fprintf(stderr, "\naugment: %s\n", st.error().c_str()); return 1; }
        prog.update(++done);
        for (int c = 0; c < copies; ++c) {
            const auto drawn = ms::augment::draw(seed * 1000003ull + i * 1009ull + std::uint64_t(c));
            auto y = ms::augment::apply(clip, sr, drawn, size_t(n));
            if (auto st = emit(out, i, y, "#aug" + std::to_string(c + 1), drawn.describe()); !st) {
                std::fprintf(stderr, "\naugment: %s\n", st.error().c_str());
                return 1;
            }
            prog.update(++done);
        }
    }
    for (size_t i : held) {
        std::vector<float> clip(src.audio(i), src.audio(i) + n);
        if (auto st = emit(hold, i, clip, "", "held out"); !st) { std::fprintf(stderr, "\naugment: %s\n", st.error().c_str()); return 1; }
        prog.update(++done);
    }
    json extra = {{"keyword_rules_markdown", rules.describe()},
                  {"augmentation", {{"copies", copies}, {"seed", seed}, {"distinct_sources", train.size()}}},
                  {"holdout_patterns", holdout}};
    if (auto st = finishOutput(out, src, generation, extra); !st) { std::fprintf(stderr, "augment: %s\n", st.error().c_str()); return 1; }
    if (!held.empty())
        if (auto st = finishOutput(hold, src, generation, extra); !st) { std::fprintf(stderr, "augment: %s\n", st.error().c_str()); return 1; }
    std::printf("augment: %zu distinct training clips -> %zu examples (%d augmented copies each) in %s\n",
                train.size(), out.items.size(), copies, outDir.c_str());
    if (!held.empty()) std::printf("augment: %zu held-out clips in %s\n", held.size(), holdoutDir.c_str());
    std::printf("keyword rules (%s):\n%s", rulesMode.c_str(), rules.describe().c_str());
    std::printf("keyword counts:");
    for (const auto &[w, c] : wordCounts) std::printf(" %s=%d", w.c_str(), c);
    std::printf("\n");
    return 0;
}

ms::cli::Registrar reg({"augment", "augment a preprocessed kick dataset and add measured keywords",
                        "usage: melstudio-cli augment DATASET --out DIR [--copies 20] [--seed 1]\n"
                        "         [--holdout SUBSTRING,... --holdout-out DIR] [--rules tertiles|fixed]\n"
                        "Each training clip is kept and copied N times with a pitch shift (+/-2 semitones,\n"
                        "by resampling), an optional earlier fade-out, an EQ tilt (+/-4 dB above 1 kHz) and\n"
                        "optional tanh saturation, then re-normalised like preprocess. Descriptive keywords\n"
                        "(short/long, low/high, dark/bright, clicky) are measured from each clip's audio.\n"
                        "Items whose file name contains a --holdout substring go, unaugmented, to --holdout-out.",
                        run});

} // namespace
