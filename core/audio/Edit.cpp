#include "audio/Edit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ms::audio {

std::vector<float> mixToMono(const AudioBuffer &in) {
    if (in.channels.empty()) return {};
    if (in.channels.size() == 1) return in.channels.front();
    std::vector<float> out(in.frames(), 0.0f);
    const float k = 1.0f / float(in.channels.size());
    for (const auto &c : in.channels)
        for (size_t i = 0; i < out.size(); ++i) out[i] += c[i] * k;
    return out;
}

void padOrTrim(std::vector<float> &x, std::size_t n) { x.resize(n, 0.0f); }

float peak(const std::vector<float> &x) {
    float p = 0;
    for (float v : x) p = std::max(p, std::fabs(v));
    return p;
}

float rms(const std::vector<float> &x) {
    if (x.empty()) return 0;
    double s = 0;
    for (float v : x) s += double(v) * v;
    return float(std::sqrt(s / double(x.size())));
}

float normalizePeak(std::vector<float> &x, float dbfs) {
    const float p = peak(x);
    if (p <= 0) return 1.0f;
    const float g = std::pow(10.0f, dbfs / 20.0f) / p;
    for (float &v : x) v *= g;
    return g;
}

void shapeClip(std::vector<float> &x, std::size_t samples, float peakDb, std::size_t fadeSamples) {
    padOrTrim(x, samples);
    normalizePeak(x, peakDb);
    fadeOut(x, fadeSamples);
}

void fadeOut(std::vector<float> &x, std::size_t samples) {
    samples = std::min(samples, x.size());
    if (samples == 0) return;
    const size_t start = x.size() - samples;
    // The ramp runs from 1 down to 0 inclusive, like numpy.linspace(1, 0, n).
    for (size_t i = 0; i < samples; ++i)
        x[start + i] *= samples == 1 ? 0.0f : 1.0f - float(i) / float(samples - 1);
}

void fadeIn(std::vector<float> &x, std::size_t samples) {
    samples = std::min(samples, x.size());
    for (size_t i = 0; i < samples; ++i) x[i] *= samples == 1 ? 1.0f : float(i) / float(samples - 1);
}

QuietInputReport normalizeQuietInput(std::vector<float> &x, float threshold, float targetRms,
                                     float maxGain, float peakCeiling) {
    QuietInputReport r;
    r.rmsBefore = r.rmsAfter = rms(x);
    if (r.rmsBefore >= threshold || r.rmsBefore <= 0) return r;
    float g = std::min(targetRms / r.rmsBefore, maxGain);
    const float p = peak(x);
    if (p * g > peakCeiling) g = peakCeiling / p;
    for (float &v : x) v *= g;
    r.raised = true;
    r.gain = g;
    r.rmsAfter = rms(x);
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "input is very quiet (RMS %.2g): raised by %.1f dB (x%.1f) to RMS %.3g before processing",
                  double(r.rmsBefore), 20.0 * std::log10(double(g)), double(g), double(r.rmsAfter));
    r.message = buf;
    return r;
}

} // namespace ms::audio
