#pragma once
// Measured properties of a one-shot (peak, RMS, spectral centroid,
// fundamental, decay time, click), the descriptive keywords derived from them,
// and distances between clips. Used to label training data, to measure
// generated kicks against real ones, and in the model card.

#include "util/Result.h"

#include <map>
#include <string>
#include <vector>

namespace ms::analysis {

struct Descriptors {
    float peak = 0;            // absolute peak, linear
    float rms = 0;             // RMS over the active part (onset to decay end), linear
    float centroidHz = 0;      // magnitude-weighted spectral centroid of the first 500 ms after onset
    float fundamentalHz = 0;   // strongest partial in 30-250 Hz, 20-300 ms after onset
    float decayS = 0;          // onset to the last time the 10 ms envelope is within 30 dB of its peak
    float click = 0;           // share of energy above 3 kHz in the first 20 ms after onset (0..1)
    float onsetS = 0;          // first 10 ms window within 20 dB of the peak window
};

// Measures a mono clip. Silence gives all zeros.
Descriptors describe(const std::vector<float> &mono, int sampleRate);

// Thresholds that turn descriptors into words. Each pair splits at two values:
// below `lo` -> first word, above `hi` -> second word, in between -> neither.
struct KeywordRules {
    float shortBelowS = 0.30f, longAboveS = 0.60f;         // decay
    float lowBelowHz = 50.0f, highAboveHz = 70.0f;          // fundamental
    float darkBelowHz = 200.0f, brightAboveHz = 900.0f;     // centroid (quartiles of the real kicks)
    float clickyAbove = 0.25f;                               // click share

    // Tertile thresholds of a set of clips (33rd and 67th percentiles).
    static KeywordRules fromTertiles(const std::vector<Descriptors> &set);
    std::string describe() const;   // the rules as a markdown table
};

// Descriptive keywords for a clip: short/long, low/high, dark/bright, clicky.
std::vector<std::string> descriptiveKeywords(const Descriptors &d, const KeywordRules &rules = {});

// Median and interquartile range of each descriptor over a set.
struct Spread {
    float median = 0, q1 = 0, q3 = 0;
};
std::map<std::string, Spread> summarize(const std::vector<Descriptors> &set);

// Multi-resolution STFT distance (FFT sizes 512, 1024, 2048; spectral
// convergence + log-magnitude L1, averaged), the usual vocoder metric.
float multiResolutionStftDistance(const std::vector<float> &a, const std::vector<float> &b);

// Mean absolute difference of two log-mel images of n values each.
float melL1(const float *a, const float *b, std::size_t n);

} // namespace ms::analysis
