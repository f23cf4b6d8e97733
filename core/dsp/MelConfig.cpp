#include "dsp/MelConfig.h"

#include <algorithm>
#include <cmath>

namespace ms::dsp {

double hzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double melToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

std::vector<float> melFilterbank(const MelConfig &cfg) {
    const int nF = cfg.nFreqs(), nM = cfg.nMels;
    // torchaudio uses integer division for the top of the frequency axis.
    const double top = double(cfg.sampleRate / 2);
    const double fMax = cfg.fMax > 0 ? cfg.fMax : top;
    // Computed in float32 like torchaudio, so the filters agree to the last bits.
    std::vector<float> allFreqs(nF), fPts(nM + 2);
    for (int i = 0; i < nF; ++i) allFreqs[i] = float(top * i / double(nF - 1));
    const float mMin = float(hzToMel(cfg.fMin)), mMax = float(hzToMel(fMax));
    for (int i = 0; i < nM + 2; ++i) {
        float m = mMin + (mMax - mMin) * float(i) / float(nM + 1);
        fPts[i] = float(700.0 * (std::pow(10.0, double(m) / 2595.0) - 1.0));
    }
    std::vector<float> fb(size_t(nF) * nM, 0.0f);
    for (int f = 0; f < nF; ++f) {
        for (int m = 0; m < nM; ++m) {
            const float down = -(fPts[m] - allFreqs[f]) / (fPts[m + 1] - fPts[m]);
            const float up = (fPts[m + 2] - allFreqs[f]) / (fPts[m + 2] - fPts[m + 1]);
            fb[size_t(f) * nM + m] = std::max(0.0f, std::min(down, up));
        }
    }
    return fb;
}

} // namespace ms::dsp
