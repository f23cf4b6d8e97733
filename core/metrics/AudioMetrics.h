#pragma once
// Objective audio distances shared by the families, each as its public
// source defines it (see the functions). Lower is better everywhere.

#include "audio/AudioBuffer.h"

#include <string>
#include <vector>

namespace ms::metrics {

// DAC's multi-scale mel distance as descript-audio-codec's conf/base.yml sets
// MelSpectrogramLoss: windows 32, 64, ..., 2048 (hop window / 4, Hann,
// centred, reflect padding) with 5, 10, ..., 320 Slaney mel bands over
// 0..sr/2 on the magnitude (pow 1), and the sum over scales of
// mean |log10 max(M_est, 1e-5) - log10 max(M_ref, 1e-5)| (mag_weight 0).
// The signals are compared over their common length.
double dacMelDistance(const std::vector<float> &estimate, const std::vector<float> &reference, int sampleRate);

// Log-spectral distance as AP-BWE's cal_metrics.py and AudioSR's LSD example
// compute it: STFT n_fft 2048, hop 512, Hann, centred; log10 of the power
// clamped at 1e-8; root mean square over frequency, mean over frames. With
// gainMatch the estimate is first scaled by the least-squares gain onto the
// reference (AudioSR's output is peak-normalised, so level would dominate).
// fromBin > 0 keeps only the bins at and above it (a high-band LSD).
double logSpectralDistance(const std::vector<float> &estimate, const std::vector<float> &reference,
                           bool gainMatch = true, int fromBin = 0);

// Scale-invariant SDR in dB (Le Roux et al. 2019), both signals made zero-mean:
// the estimate's projection onto the reference against the rest. Higher is better
// (the one exception here). Common length.
double siSdr(const std::vector<float> &estimate, const std::vector<float> &reference);

// Multi-resolution STFT distance as the wave VAE trains on it (Stable Audio's
// autoencoder recipe): mean over FFT sizes 2048, 1024, ..., 32 (hop FFT/4,
// Hann, centred) of spectral convergence || |R| - |E| ||_F / (||R||_F + ||E||_F)
// plus mean |log |R| - log |E||| (magnitudes floored at 1e-5). Common length.
double multiResolutionStftDistance(const std::vector<float> &estimate, const std::vector<float> &reference);

// The three distances above (DAC mel, MR-STFT, SI-SDR) of an estimate against a
// reference at the reference's rate, per channel ("mono", or "left", "right",
// "chN") and, when both are stereo, for the side signal (L - R) / 2 ("side").
struct PartDistances {
    std::string part;
    double dacMel = 0, mrstft = 0, siSdrDb = 0;
};
std::vector<PartDistances> channelDistances(const audio::AudioBuffer &estimate, const audio::AudioBuffer &reference);

} // namespace ms::metrics
