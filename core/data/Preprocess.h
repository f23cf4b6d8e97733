#pragma once
// Step 2 of design document 004: turn the aggregated folder (metadata.csv +
// audio files) into a memory-mappable dataset: mels.safetensors, audio.safetensors,
// index.json, metadata.csv. Incremental: unchanged files are copied from the
// previous shard, only new or changed files are decoded. No LibTorch here.

#include "dsp/MelConfig.h"
#include "util/Result.h"

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ms::data {

struct PreprocessParams {
    std::string dst;          // aggregated folder holding metadata.csv
    std::string out;          // dataset folder; empty means <dst>/processed
    int threads = 0;          // decode/mel workers; 0 = hardware concurrency
    int sampleRate = 44100;
    int samples = 88200;      // 2 s
    float peakDb = -1.0f;     // peak normalisation target, dBFS
    int fadeSamples = 8820;   // 0.2 s linear fade-out
    bool storeAudio = true;   // write audio.safetensors (vocoder training)
    dsp::MelConfig mel;       // log-mel front end (design document 004 defaults)
};

// One processed clip.
struct Clip {
    std::vector<float> mel;     // [nMels][frames], row-major
    std::vector<float> audio;   // `samples` floats
    int frames = 0;
    int sourceRate = 0, sourceChannels = 0;
    double sourceSeconds = 0;
    float peakBefore = 0;       // absolute peak of the trimmed mono clip before normalisation
};

// decode -> mono -> resample -> pad/trim -> peak-normalise -> fade-out -> log-mel.
// Fails (naming the file) on undecodable or silent input.
Result<Clip> processClip(const std::string &path, const PreprocessParams &params);

struct PreprocessFailure {
    std::string filename;
    std::string reason;   // short code: missing, bad-audio, silent, unreadable
    std::string detail;   // sentence for the user
};

struct PreprocessResult {
    std::string outDir;
    long long listed = 0;      // rows in metadata.csv
    long long items = 0;       // clips in the written dataset
    long long processed = 0;   // decoded in this run
    long long reused = 0;      // copied from the previous shard (unchanged content)
    long long removed = 0;     // items of the previous dataset no longer listed
    std::vector<PreprocessFailure> failures;
    std::map<std::string, long long> countsByReason;
    int threads = 0;
    double seconds = 0;
    bool cancelled = false;    // nothing was written when cancelled
};

using PreprocessProgress = std::function<void(long long done, long long total, const std::string &current)>;

// Builds or updates the dataset folder. Per-file problems are recorded and the
// run continues; fails when metadata.csv is missing or unreadable or the dataset
// cannot be written. The three files are each replaced atomically; index.json is
// written last and ties them together with a generation id.
Result<PreprocessResult> preprocess(const PreprocessParams &params, const PreprocessProgress &progress = {},
                                    const std::atomic<bool> *cancel = nullptr);

} // namespace ms::data
