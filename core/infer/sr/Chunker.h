#pragma once
// Long audio in fixed-size pieces: chunks of `chunk` samples overlapping by
// `overlap`, each processed alone, neighbours cross-faded with complementary
// raised-cosine fades (fade-in + fade-out == 1 at every sample, so a process
// that returns its input returns the whole signal unchanged: no dip, no
// click). Only one chunk and one overlap tail are held at a time, so memory
// does not grow with the length of the file.

#include "util/Result.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace ms::infer::sr {

struct ChunkPlan {
    int64_t total = 0, chunk = 0, overlap = 0;
    int64_t step() const { return chunk - overlap; }
    int64_t count() const;
    int64_t start(int64_t i) const { return i * step(); }
    int64_t length(int64_t i) const;
};
// total > 0, 0 <= overlap < chunk / 2 (else std::invalid_argument).
ChunkPlan makeChunkPlan(int64_t total, int64_t chunk, int64_t overlap);

// fade-in weights for an overlap of n samples: sin^2(pi/2 (k + 1/2) / n).
std::vector<float> fadeIn(int64_t n);

using Channels = std::vector<std::vector<float>>;
// process(index, start, length) returns `channels` vectors of `length` samples.
using ChunkProcess = std::function<Result<Channels>(int64_t index, int64_t start, int64_t length)>;
// sink receives finished samples in order (all channels, equal lengths).
using ChunkSink = std::function<Status(const Channels &)>;

Status runChunked(const ChunkPlan &plan, int channels, const ChunkProcess &process, const ChunkSink &sink);

} // namespace ms::infer::sr
