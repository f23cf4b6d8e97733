#pragma once
// Tensor log-mel front end used by training and inference.

#include "dsp/MelConfig.h"
#include "torch/Torch.h"

#include <vector>

namespace ms::dsp {

class LogMelTransform {
public:
    explicit LogMelTransform(const MelConfig &cfg = {}, torch::Device device = torch::kCPU);

    // wave [T] or [B, T] float -> log-mel [128, frames] or [B, 128, frames].
    torch::Tensor operator()(const torch::Tensor &wave) const;
    // Mel power (before the log), same shapes.
    torch::Tensor melPower(const torch::Tensor &wave) const;
    // Linear magnitude [.., nFreqs, frames] from a log-mel, by least squares with
    // the filterbank (pseudo-inverse), clamped at zero.
    torch::Tensor melToMagnitude(const torch::Tensor &logMel) const;
    // Griffin-Lim from a linear magnitude [nFreqs, frames] or [B, nFreqs, frames].
    torch::Tensor griffinLim(const torch::Tensor &magnitude, int iterations, int64_t length,
                             double momentum = 0.99, uint64_t seed = 0) const;
    // Mel matching: rescales the STFT of `wave` [N] or [B, N] so that its mel
    // power meets exp(logMel) [nMels, T] or [B, nMels, T], keeping the wave's
    // own phase and the fine structure inside each band, and returns the
    // inverse STFT (same length). Per iteration: one STFT, one inverse. Each
    // bin's power gain is the filterbank-weighted mean of its bands'
    // target / output ratios (both floored at the log floor, so silence stays
    // silence), limited to +-maxGainDb; bins no band covers (DC, above fMax)
    // take the nearest covered bin's. Frames past the mel's T keep gain 1.
    // A neural vocoder's output goes through it so that its level, envelope
    // and spectral balance are the mel's, as Griffin-Lim's are, while its phase
    // (what Griffin-Lim gets wrong) stays.
    torch::Tensor matchMel(const torch::Tensor &wave, const torch::Tensor &logMel, int iterations = 1,
                           double maxGainDb = 20.0) const;

    // Complex STFT / inverse with the transform's Hann window, centred framing
    // and reflect padding: the same as torch::stft / torch::istft(center=true),
    // but the overlap-add is hop-sized shifted adds instead of col2im (Griffin-
    // Lim spends all its time here). wave [B, T] <-> spec [B, nFreqs, frames].
    torch::Tensor stft(const torch::Tensor &wave) const;
    torch::Tensor istft(const torch::Tensor &spec, int64_t length) const;

    const MelConfig &config() const { return m_cfg; }
    const torch::Tensor &filterbank() const { return m_fb; }   // [nFreqs, nMels]
    // Its pseudo-inverse (computed in float64, stored in float32): what
    // melToMagnitude and the iSTFT vocoder's mel_pinv prior use. [nMels, nFreqs]
    const torch::Tensor &filterbankPinv() const { return m_fbPinv; }
    const torch::Tensor &window() const { return m_window; }

private:
    // Frames-major STFT, spec [B, frames, nFreqs] (what rfft gives, so Griffin-
    // Lim's elementwise work runs on contiguous memory), and the inverse's two
    // parts: hop-sized shifted adds, and the window-square envelope (centre
    // trimmed to `length`, near-zero values replaced by 1) it is divided by.
    torch::Tensor stftFrames(const torch::Tensor &wave) const;
    torch::Tensor overlapAdd(const torch::Tensor &frames) const;   // [B, T, n] -> [B, (T + n/hop - 1) hop]
    torch::Tensor windowEnvelope(int64_t frames, int64_t length) const;

    MelConfig m_cfg;
    torch::Tensor m_fb, m_fbPinv, m_window;
    // The filterbank as bands on the CPU (matchMel's loops): band m covers bins
    // m_bandLo[m] .. + m_bandW[m].size() with those weights; m_binCover[k] is
    // the sum of bin k's weights over the bands (0: no band covers it). A
    // triangle covers a few bins, so this is ~1/60 of the dense product.
    std::vector<int64_t> m_bandLo;
    std::vector<std::vector<float>> m_bandW;
    std::vector<float> m_binCover;
    std::vector<int64_t> m_gainSource;   // the covered bin whose gain bin k takes (itself if covered; -1: none)
};

} // namespace ms::dsp
