#pragma once
// Sample-level edits used by preprocessing and export: mono mixdown, pad/trim,
// peak normalisation, fades, and the quiet-input rule of design document 003.

#include "audio/AudioBuffer.h"

#include <string>
#include <vector>

namespace ms::audio {

// Average of all channels.
std::vector<float> mixToMono(const AudioBuffer &in);

// Zero-pads or trims to exactly n samples (from the start).
void padOrTrim(std::vector<float> &x, std::size_t n);

float peak(const std::vector<float> &x);
float rms(const std::vector<float> &x);

// Scales so the absolute peak equals 10^(dbfs/20); silent input is left alone.
// Returns the gain applied.
float normalizePeak(std::vector<float> &x, float dbfs = -1.0f);

// Linear ramp to zero over the last `samples` samples.
void fadeOut(std::vector<float> &x, std::size_t samples);
// A one-shot shaped like a training clip (design document 004): padded or
// trimmed to `samples`, peak at peakDb, faded out over the last fadeSamples.
// The pipeline's reconstruct/vocode and analyze's distances use it, so that
// their inputs match what preprocess made.
void shapeClip(std::vector<float> &x, std::size_t samples, float peakDb, std::size_t fadeSamples);
// Linear ramp from zero over the first `samples` samples.
void fadeIn(std::vector<float> &x, std::size_t samples);

struct QuietInputReport {
    bool raised = false;
    float rmsBefore = 0, rmsAfter = 0, gain = 1;
    std::string message;   // for the user when raised
};

// Design document 003: input with RMS < 0.001 is raised toward RMS 0.05, the
// gain capped at 1000x and reduced further so the peak stays under 0.95.
QuietInputReport normalizeQuietInput(std::vector<float> &x, float threshold = 1e-3f,
                                     float targetRms = 0.05f, float maxGain = 1000.0f,
                                     float peakCeiling = 0.95f);

} // namespace ms::audio
