#include "dsp/SlaneyMel.h"

#include <algorithm>
#include <cmath>

namespace ms::dsp {

namespace {
constexpr double kFSp = 200.0 / 3.0, kMinLogHz = 1000.0;
const double kMinLogMel = kMinLogHz / kFSp, kLogStep = std::log(6.4) / 27.0;
} // namespace

double slaneyHzToMel(double hz) {
    return hz >= kMinLogHz ? kMinLogMel + std::log(hz / kMinLogHz) / kLogStep : hz / kFSp;
}

double slaneyMelToHz(double mel) {
    return mel >= kMinLogMel ? kMinLogHz * std::exp(kLogStep * (mel - kMinLogMel)) : kFSp * mel;
}

std::vector<float> slaneyMelFilterbank(int sampleRate, int nFft, int nMels, double fMin, double fMax) {
    const int nFreqs = nFft / 2 + 1;
    std::vector<double> fft(static_cast<size_t>(nFreqs));
    for (int k = 0; k < nFreqs; ++k) fft[size_t(k)] = double(k) * sampleRate / nFft;   // linspace(0, sr/2, nFreqs)
    const double mMin = slaneyHzToMel(fMin), mMax = slaneyHzToMel(fMax);
    std::vector<double> edges(size_t(nMels) + 2);
    for (int i = 0; i < nMels + 2; ++i) edges[size_t(i)] = slaneyMelToHz(mMin + (mMax - mMin) * i / (nMels + 1));
    std::vector<float> fb(size_t(nMels) * size_t(nFreqs), 0.0f);
    for (int m = 0; m < nMels; ++m) {
        const double lo = edges[size_t(m)], mid = edges[size_t(m) + 1], hi = edges[size_t(m) + 2];
        const double enorm = 2.0 / (hi - lo);
        for (int k = 0; k < nFreqs; ++k) {
            const double lower = (fft[size_t(k)] - lo) / (mid - lo), upper = (hi - fft[size_t(k)]) / (hi - mid);
            fb[size_t(m) * size_t(nFreqs) + size_t(k)] = float(std::max(0.0, std::min(lower, upper)) * enorm);
        }
    }
    return fb;
}

} // namespace ms::dsp
