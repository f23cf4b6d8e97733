#include "jobs/TrainData.h"

#include "data/Dataset.h"
#include "io/SafeTensors.h"
#include "util/Fs.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

namespace ms::jobs {

namespace {

class MelDatasetData : public TrainData {
public:
    MelDatasetData(std::unique_ptr<data::MelDataset> ds, std::string dir) : m_ds(std::move(ds)), m_dir(std::move(dir)) {}
    size_t size() const override { return m_ds->size(); }
    const float *mel(size_t i) const override { return m_ds->mel(i); }
    const float *audio(size_t i) const override { return m_ds->audio(i); }
    const std::vector<std::string> &keywords(size_t i) const override { return m_ds->keywords(i); }
    int nMels() const override { return m_ds->nMels(); }
    int frames() const override { return m_ds->frames(); }
    int audioSamples() const override { return m_ds->audioSamples(); }
    std::string describe() const override { return m_dir; }

private:
    std::unique_ptr<data::MelDataset> m_ds;
    std::string m_dir;
};

class SyntheticData : public TrainData {
public:
    SyntheticData(size_t n, uint64_t seed, bool withAudio) : m_n(n) {
        std::mt19937_64 rng(seed);
        std::normal_distribution<float> g(0.f, 1.f);
        static const char *words[] = {"kick", "808", "punchy", "deep", "hard", "sub", "clean", "dist"};
        m_mels.resize(n * size_t(m_nMels) * m_frames);
        if (withAudio) m_audio.resize(n * size_t(m_samples));
        m_kw.resize(n);
        for (size_t i = 0; i < n; ++i) {
            // A decaying low-frequency blob plus noise: roughly a kick's log-mel.
            const float decay = 0.02f + 0.03f * float(rng() % 100) / 100.f;
            float *m = m_mels.data() + i * size_t(m_nMels) * m_frames;
            for (int r = 0; r < m_nMels; ++r)
                for (int c = 0; c < m_frames; ++c)
                    m[r * m_frames + c] = -11.f + 10.f * std::exp(-decay * c - 0.04f * r) + 0.3f * g(rng);
            if (withAudio) {
                float *a = m_audio.data() + i * size_t(m_samples);
                const double f0 = 45.0 + double(rng() % 40);
                for (int s = 0; s < m_samples; ++s)
                    a[s] = float(0.8 * std::exp(-s / 8000.0) * std::sin(2 * M_PI * f0 * s / 44100.0));
            }
            const int k = 1 + int(rng() % 3);
            for (int j = 0; j < k; ++j) m_kw[i].push_back(words[rng() % 8]);
        }
    }
    size_t size() const override { return m_n; }
    const float *mel(size_t i) const override { return m_mels.data() + i * size_t(m_nMels) * m_frames; }
    const float *audio(size_t i) const override {
        return m_audio.empty() ? nullptr : m_audio.data() + i * size_t(m_samples);
    }
    const std::vector<std::string> &keywords(size_t i) const override { return m_kw[i]; }
    int nMels() const override { return m_nMels; }
    int frames() const override { return m_frames; }
    int audioSamples() const override { return m_audio.empty() ? 0 : m_samples; }
    std::string describe() const override { return "synthetic:" + std::to_string(m_n); }

private:
    size_t m_n;
    int m_nMels = 128, m_frames = 173, m_samples = 88200;
    std::vector<float> m_mels, m_audio;
    std::vector<std::vector<std::string>> m_kw;
};

} // namespace

Result<std::unique_ptr<TrainData>> openTrainData(const std::string &dir) {
    std::error_code ec;
    if (dir.empty()) return fail("no dataset folder given (--data DIR, the output of `melstudio-cli preprocess`)");
    if (!std::filesystem::is_directory(fs::u8path(dir), ec))
        return fail("dataset folder " + dir + " does not exist or is not a folder");
    auto ds = data::MelDataset::open(dir);
    if (!ds) return fail("dataset " + dir + ": " + ds.error());
    return std::unique_ptr<TrainData>(std::make_unique<MelDatasetData>(std::move(*ds), dir));
}

std::unique_ptr<TrainData> syntheticTrainData(size_t n, uint64_t seed, bool withAudio) {
    return std::make_unique<SyntheticData>(n, seed, withAudio);
}

Status writeSyntheticDataset(const std::string &dir, size_t n, bool withAudio, uint64_t seed) {
    auto data = syntheticTrainData(n, seed, withAudio);
    std::error_code ec;
    std::filesystem::create_directories(fs::u8path(dir), ec);
    if (ec) return fail("cannot create " + dir + ": " + ec.message());
    const int64_t m = data->nMels(), f = data->frames(), s = data->audioSamples();
    std::vector<float> mels(n * size_t(m * f)), audio(withAudio ? n * size_t(s) : 0);
    nlohmann::json items = nlohmann::json::array();
    for (size_t i = 0; i < n; ++i) {
        std::copy(data->mel(i), data->mel(i) + m * f, mels.begin() + ptrdiff_t(i * size_t(m * f)));
        if (withAudio) std::copy(data->audio(i), data->audio(i) + s, audio.begin() + ptrdiff_t(i * size_t(s)));
        items.push_back({{"filename", "kick" + std::to_string(i) + ".wav"}, {"keywords", data->keywords(i)}});
    }
    const std::map<std::string, std::string> meta{{"generation", "synthetic"}};
    io::TensorView mv{"mels", io::DType::F32, {int64_t(n), 1, m, f}, mels.data(), mels.size() * 4};
    if (Status st = io::writeSafeTensors(dir + "/mels.safetensors", {mv}, meta); !st) return st;
    if (withAudio) {
        io::TensorView av{"audio", io::DType::F32, {int64_t(n), s}, audio.data(), audio.size() * 4};
        if (Status st = io::writeSafeTensors(dir + "/audio.safetensors", {av}, meta); !st) return st;
    }
    nlohmann::json index = {{"n_mels", m}, {"frames", f}, {"sample_rate", 44100}, {"generation", "synthetic"},
                            {"items", items}};
    return fs::writeFileAtomic(dir + "/index.json", index.dump());
}

std::vector<float> energyStartCdf(const float *audio, int64_t samples, int hop, int segment, int64_t maxStart) {
    const int64_t n = maxStart + 1;
    if (n <= 0 || maxStart * hop + segment > samples) return {};
    std::vector<double> prefix(size_t(samples) + 1, 0.0);
    for (int64_t s = 0; s < samples; ++s) prefix[size_t(s) + 1] = prefix[size_t(s)] + double(audio[s]) * audio[s];
    std::vector<double> energy(static_cast<size_t>(n));
    double sum = 0;
    for (int64_t f = 0; f < n; ++f) {
        energy[size_t(f)] = prefix[size_t(f * hop + segment)] - prefix[size_t(f * hop)];
        sum += energy[size_t(f)];
    }
    std::vector<float> cdf(static_cast<size_t>(n));
    double acc = 0;
    for (int64_t f = 0; f < n; ++f) {
        acc += 0.5 / double(n) + (sum > 0 ? 0.5 * energy[size_t(f)] / sum : 0.5 / double(n));
        cdf[size_t(f)] = float(acc);
    }
    cdf.back() = 1.0f;
    return cdf;
}

int64_t drawStart(const std::vector<float> &cdf, double u) {
    if (cdf.empty()) return 0;
    const auto it = std::upper_bound(cdf.begin(), cdf.end(), float(u));
    return std::min<int64_t>(int64_t(it - cdf.begin()), int64_t(cdf.size()) - 1);
}

} // namespace ms::jobs
