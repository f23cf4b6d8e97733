#pragma once
// Augmentations that keep a kick a kick: small pitch shifts by resampling,
// shorter fade-outs, EQ tilt, mild saturation. Each draw is reproducible
// from its seed and says what it did.

#include <cstdint>
#include <string>
#include <vector>

namespace ms::augment {

struct AugmentRanges {
    float maxSemitones = 2.0f;      // pitch shift drawn uniformly in [-max, max]
    float fadeProbability = 0.4f;   // chance of an earlier fade-out
    float fadeStartMinS = 0.25f, fadeStartMaxS = 1.2f;
    float maxTiltDb = 4.0f;         // high-frequency tilt drawn in [-max, max] dB
    float saturationProbability = 0.4f;
    float maxDrive = 3.0f;          // tanh drive in [1, max]
};

struct AugmentDraw {
    float semitones = 0, fadeStartS = -1, tiltDb = 0, drive = 1;
    std::string describe() const;   // "pitch +1.3 st, fade@0.62 s, tilt -2.1 dB, drive 1.8"
};

// Draws one set of augmentation parameters from a seed.
AugmentDraw draw(std::uint64_t seed, const AugmentRanges &ranges = {});

// Applies a draw to a mono clip at sampleRate and re-conditions it like
// preprocessing does: trimmed/padded to `samples`, -1 dBFS peak, 0.2 s fade-out.
std::vector<float> apply(const std::vector<float> &mono, int sampleRate, const AugmentDraw &d,
                         std::size_t samples = 88200);

} // namespace ms::augment
