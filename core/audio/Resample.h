#pragma once
// Band-limited sample-rate conversion (libsoxr, very-high-quality preset).

#include "audio/AudioBuffer.h"
#include "util/Result.h"

#include <vector>

namespace ms::audio {

// Resamples one channel from inRate to outRate. Output length is
// round(in.size() * outRate / inRate).
Result<std::vector<float>> resample(const std::vector<float> &in, double inRate, double outRate);

// Resamples every channel; returns the buffer unchanged when rates match.
Result<AudioBuffer> resample(const AudioBuffer &in, int outRate);

} // namespace ms::audio
