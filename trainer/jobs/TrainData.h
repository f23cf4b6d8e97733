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

} // namespace ms::jobs
