#pragma once
// Tensor log-mel front end used by training and inference.

#include "dsp/MelConfig.h"
#include "torch/Torch.h"

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
};

} // namespace ms::dsp
