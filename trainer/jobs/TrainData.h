#pragma once
// Dataset access for the training jobs (no LibTorch): a preprocessed dataset
// folder through ms::data::MelDataset, or synthetic items for benchmarks.

#include "util/Result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ms::jobs {

// What a trainer reads from the dataset; implemented over ms::data::MelDataset
// and by an in-memory synthetic set for benchmarks.
class TrainData {
public:
    virtual ~TrainData() = default;
    virtual size_t size() const = 0;
    virtual const float *mel(size_t i) const = 0;     // [nMels * frames]
    virtual const float *audio(size_t i) const = 0;   // [audioSamples] or nullptr
    virtual const std::vector<std::string> &keywords(size_t i) const = 0;
    virtual int nMels() const = 0;
    virtual int frames() const = 0;
    virtual int audioSamples() const = 0;
    virtual std::string describe() const = 0;
};

// Opens a preprocessed dataset folder, with a message naming what is wrong.
Result<std::unique_ptr<TrainData>> openTrainData(const std::string &dir);
// Random mels/audio/keywords of the document's shapes (benchmarks, tests).
std::unique_ptr<TrainData> syntheticTrainData(size_t n, uint64_t seed = 1, bool withAudio = true);
// Writes such a set as a dataset folder (mels.safetensors, audio.safetensors,
// index.json: what `melstudio-cli preprocess` writes), for tests and bench-dist.
Status writeSyntheticDataset(const std::string &dir, size_t n, bool withAudio = true, uint64_t seed = 1);

// Segment starts weighted by energy (train vocoder --segments energy): the
// cumulative distribution over starts f = 0..maxStart (in hops) of
//   p(f) = 0.5 / (maxStart + 1) + 0.5 * E(f) / sum E,
// E(f) the sum of squares of audio[f*hop, f*hop + segment). A silent item gets
// the uniform distribution. The last value is exactly 1.
std::vector<float> energyStartCdf(const float *audio, int64_t samples, int hop, int segment, int64_t maxStart);
// The start a uniform draw u in [0, 1) picks from such a distribution.
int64_t drawStart(const std::vector<float> &cdf, double u);

} // namespace ms::jobs
