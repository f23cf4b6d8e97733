#include "jobs/TrainData.h"

#include "data/Dataset.h"
#include "util/Fs.h"

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

} // namespace ms::jobs
