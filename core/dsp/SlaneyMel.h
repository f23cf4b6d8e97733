#pragma once
// The Slaney mel filterbank that librosa.filters.mel builds by default
// (htk=False, norm="slaney"): linear below 1 kHz (200/3 Hz per mel), log above
// (27 mels per factor 6.4), triangles between mel-spaced edges evaluated on the
// FFT bin frequencies, each row scaled by 2 / (f[i+2] - f[i]) (equal area).
// AudioSR's and HiFi-GAN's front ends use it; the kick's uses HTK (MelConfig.h).

#include <vector>

namespace ms::dsp {

double slaneyHzToMel(double hz);
double slaneyMelToHz(double mel);
// Row-major [nMels][nFft / 2 + 1].
std::vector<float> slaneyMelFilterbank(int sampleRate, int nFft, int nMels, double fMin, double fMax);

} // namespace ms::dsp
