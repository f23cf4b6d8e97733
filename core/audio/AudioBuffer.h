#pragma once
// Planar float32 audio: one vector per channel, all of equal length.

#include <cstddef>
#include <vector>

namespace ms::audio {

struct AudioBuffer {
    int sampleRate = 0;
    std::vector<std::vector<float>> channels;

    int channelCount() const { return int(channels.size()); }
    std::size_t frames() const { return channels.empty() ? 0 : channels.front().size(); }
    double seconds() const { return sampleRate > 0 ? double(frames()) / sampleRate : 0.0; }
    bool empty() const { return frames() == 0; }

    // A mono buffer holding samples.
    static AudioBuffer mono(std::vector<float> samples, int sampleRate) {
        AudioBuffer b;
        b.sampleRate = sampleRate;
        b.channels.push_back(std::move(samples));
        return b;
    }
};

} // namespace ms::audio
