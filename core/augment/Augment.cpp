#include "augment/Augment.h"

#include "audio/Edit.h"
#include "audio/Resample.h"

#include <cmath>
#include <cstdio>
#include <random>

namespace ms::augment {

std::string AugmentDraw::describe() const {
    char b[160];
    std::snprintf(b, sizeof b, "pitch %+.2f st, %s, tilt %+.1f dB, drive %.2f", double(semitones),
                  fadeStartS >= 0 ? ("fade@" + std::to_string(fadeStartS).substr(0, 4) + " s").c_str() : "no fade",
                  double(tiltDb), double(drive));
    return b;
}

AugmentDraw draw(std::uint64_t seed, const AugmentRanges &r) {
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 17);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    AugmentDraw d;
    d.semitones = (2 * u(rng) - 1) * r.maxSemitones;
    if (u(rng) < r.fadeProbability) d.fadeStartS = r.fadeStartMinS + u(rng) * (r.fadeStartMaxS - r.fadeStartMinS);
    d.tiltDb = (2 * u(rng) - 1) * r.maxTiltDb;
    d.drive = u(rng) < r.saturationProbability ? 1.0f + u(rng) * (r.maxDrive - 1.0f) : 1.0f;
    return d;
}

std::vector<float> apply(const std::vector<float> &in, int sr, const AugmentDraw &d, std::size_t samples) {
    std::vector<float> x = in;
    // Pitch: play the clip back faster/slower (shorter/longer) by resampling.
    if (std::fabs(d.semitones) > 1e-3f) {
        const double ratio = std::pow(2.0, double(d.semitones) / 12.0);
        auto r = audio::resample(x, sr * ratio, sr);
        if (r) x = std::move(*r);
    }
    // EQ tilt: add or remove a first-order high-passed copy (+/- dB at high frequencies).
    if (std::fabs(d.tiltDb) > 1e-3f) {
        const float g = std::pow(10.0f, d.tiltDb / 20.0f) - 1.0f;
        const float a = std::exp(-2.0f * float(M_PI) * 1000.0f / float(sr));   // 1 kHz corner
        float lp = 0;
        for (float &v : x) {
            lp = (1 - a) * v + a * lp;
            v += g * (v - lp);
        }
    }
    // Saturation: tanh at a drive, level restored afterwards by normalisation.
    if (d.drive > 1.001f) {
        audio::normalizePeak(x, 0.0f);
        const float k = std::tanh(d.drive);
        for (float &v : x) v = std::tanh(d.drive * v) / k;
    }
    audio::padOrTrim(x, samples);
    if (d.fadeStartS >= 0) {
        const size_t start = size_t(d.fadeStartS * sr);
        const size_t len = size_t(0.15 * sr);
        for (size_t i = start; i < x.size(); ++i) {
            const float g = i < start + len ? 1.0f - float(i - start) / float(len) : 0.0f;
            x[i] *= g;
        }
    }
    audio::normalizePeak(x, -1.0f);
    audio::fadeOut(x, size_t(0.2 * sr));
    return x;
}

} // namespace ms::augment
