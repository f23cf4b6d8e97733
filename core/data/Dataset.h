#pragma once
// Reads a preprocessed kick dataset folder (the output of `melstudio-cli
// preprocess`): mels.safetensors ("mels" F32 [N,1,nMels,frames]),
// audio.safetensors ("audio" F32 [N,samples], optional) and index.json, all
// memory-mapped. No LibTorch in this header.

#include "util/Result.h"

#include <memory>
#include <string>
#include <vector>

namespace ms::io {
class SafeTensorsFile;
}

namespace ms::data {

// Per-item facts from index.json.
struct DatasetItem {
    std::string filename;      // file name inside the aggregated folder
    std::string source;        // original path in the user's library
    std::string hash;          // content hash of the aggregated file
    int sampleRate = 0;        // of the source, before resampling
    int channels = 0;
    double duration = 0;       // seconds, of the source
    float peak = 0;            // absolute peak before normalisation
    std::vector<std::string> keywords;
};

class MelDataset {
public:
    ~MelDataset();
    MelDataset(const MelDataset &) = delete;
    MelDataset &operator=(const MelDataset &) = delete;

    // Opens DIR; checks that index.json and the shards belong to the same run
    // and have matching shapes. Errors name the file and what to do.
    static Result<std::unique_ptr<MelDataset>> open(const std::string &dir);

    size_t size() const { return m_items.size(); }
    // 1*nMels*frames floats (row-major [nMels][frames]), memory-mapped.
    const float *mel(size_t i) const;
    // audioSamples() floats, or nullptr when the dataset has no audio shard.
    const float *audio(size_t i) const;
    const std::vector<std::string> &keywords(size_t i) const { return m_items[i].keywords; }
    std::string filename(size_t i) const { return m_items[i].filename; }
    const DatasetItem &item(size_t i) const { return m_items[i]; }
    int nMels() const { return m_nMels; }
    int frames() const { return m_frames; }
    int audioSamples() const { return m_samples; }   // 0 when there is no audio shard
    int sampleRate() const { return m_sampleRate; }
    const std::string &dir() const { return m_dir; }
    // Keyword lists of all items, in item order (for vocabularies).
    std::vector<std::vector<std::string>> allKeywords() const;

private:
    MelDataset() = default;
    std::string m_dir;
    std::vector<DatasetItem> m_items;
    std::unique_ptr<io::SafeTensorsFile> m_melFile, m_audioFile;
    const float *m_mels = nullptr;
    const float *m_audio = nullptr;
    int m_nMels = 0, m_frames = 0, m_samples = 0, m_sampleRate = 0;
};

} // namespace ms::data
