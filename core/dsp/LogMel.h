#pragma once
// Log-mel spectrograms without LibTorch in the interface, for the studio's
// views and for tools. Long signals are processed in blocks, exactly.

#include "dsp/MelConfig.h"

#include <vector>

namespace ms::dsp {

// A row-major [nMels][frames] image of log-mel values.
struct MelImage {
    int nMels = 0;
    int frames = 0;
    std::vector<float> data;
    float at(int mel, int frame) const { return data[size_t(mel) * frames + frame]; }
};

// log(clamp(mel_power, floor)) of a mono signal at cfg.sampleRate.
MelImage logMel(const std::vector<float> &mono, const MelConfig &cfg = {});

// Audio back from a log-mel without a vocoder: mel pseudo-inverse to a linear
// magnitude, then Griffin-Lim (momentum 0.99) for `iterations` rounds.
// `samples` fixes the output length (0: (frames - 1) * hop).
std::vector<float> griffinLim(const MelImage &mel, const MelConfig &cfg = {}, int iterations = 64,
                              std::size_t samples = 0, unsigned seed = 0);

} // namespace ms::dsp
