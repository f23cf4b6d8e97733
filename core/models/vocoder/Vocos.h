#pragma once
// Vocos-style iSTFT vocoder (Siuzdak 2023, arXiv 2306.00814): a ConvNeXt
// backbone at the mel frame rate and a head that predicts the STFT's log-
// magnitude and phase, turned into audio by an inverse STFT with "same"
// padding (T frames -> T * hop samples). Module and parameter names are
// Vocos's (backbone.embed, backbone.norm, backbone.convnext.N.{dwconv, norm,
// pwconv1, pwconv2, gamma}, backbone.final_layer_norm, head.out,
// head.istft.window), so a state dict maps one to one onto Vocos's
// VocosBackbone + ISTFTHead.

#include "models/vocoder/Generator.h"

namespace ms::models::vocoder {

// Depthwise conv k7 -> LayerNorm -> Linear(dim, intermediate) -> GELU ->
// Linear(intermediate, dim) -> x gamma (layer scale) -> + residual.
class ConvNeXtBlockImpl : public torch::nn::Module {
public:
    ConvNeXtBlockImpl(int dim, int intermediateDim, double layerScaleInit);
    torch::Tensor forward(const torch::Tensor &x);   // [B, dim, T] -> [B, dim, T]

    torch::nn::Conv1d dwconv{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear pwconv1{nullptr}, pwconv2{nullptr};
    torch::Tensor gamma;
};
TORCH_MODULE(ConvNeXtBlock);

class VocosBackboneImpl : public torch::nn::Module {
public:
    explicit VocosBackboneImpl(const VocoderConfig &cfg);
    torch::Tensor forward(const torch::Tensor &mel);   // [B, nMels, T] -> [B, T, dim] (after final_layer_norm)

    torch::nn::Conv1d embed{nullptr};
    torch::nn::LayerNorm norm{nullptr}, final_layer_norm{nullptr};
    torch::nn::ModuleList convnext{nullptr};
};
TORCH_MODULE(VocosBackbone);

// Inverse STFT with "same" padding: irfft of each frame, Hann window (periodic,
// win = n_fft), overlap-add by hop, division by the summed squared window,
// (n_fft - hop) / 2 samples trimmed at each end. Differentiable.
class IstftImpl : public torch::nn::Module {
public:
    IstftImpl(int nFft, int hop);
    torch::Tensor forward(const torch::Tensor &spec);   // complex [B, n_fft/2+1, T] -> [B, T * hop]
    // The STFT this inverts: frames of x padded by (n_fft - hop) / 2 on each side,
    // no centring; x [B, T * hop] -> complex [B, n_fft/2+1, T].
    torch::Tensor stft(const torch::Tensor &x) const;

    torch::Tensor window;

private:
    int m_nFft, m_hop;
};
TORCH_MODULE(Istft);

class IstftHeadImpl : public torch::nn::Module {
public:
    // phaseIncrement: the Linear's second half is each frame's phase advance
    // beyond the bin centre's (VocoderConfig::phase "increment"), else the phase.
    // peakPrior: with a prior log-magnitude, the Linear's second half is a
    // correction to peakLockedPhase(prior) (VocoderConfig::phasePrior "peaks").
    IstftHeadImpl(int dim, int nFft, int hop, double magClip, bool phaseIncrement = false, bool peakPrior = false);
    // [B, T, dim] -> [B, T * hop]. priorLogMag [B, n_fft/2+1, T], when defined,
    // is added to the predicted log-magnitude.
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &priorLogMag = {});
    // The head after its Linear: exp(logMag) clipped at magClip, times e^{i phase},
    // inverse STFT. logMag, phase [B, n_fft/2+1, T] -> [B, T * hop].
    torch::Tensor synthesize(const torch::Tensor &logMag, const torch::Tensor &phase);
    // "increment": phase[k, t] = 2 pi k (hop (t + 1) - n_fft / 2) / n_fft (mod
    // 2 pi, exact in integers) + sum over frames s <= t of delta[k, s]. The
    // -pi k is the window's centre as the phase reference: a sinusoid's
    // neighbouring bins are then in phase, as in the STFT of a real one.
    // delta [B, K, T].
    torch::Tensor integratePhase(const torch::Tensor &delta) const;
    // A phase vocoder's phase for magnitude logMag [B, K, T], with identity
    // phase locking (Laroche & Dolson 1999): each bin within two of a peak
    // (peaks within 40 dB of the frame's maximum, frequency by parabolic
    // interpolation of the log-magnitude) advances at the peak's frequency and
    // is then locked to the peak bin's phase, minus pi per bin of distance.
    // Frame by frame, so that a partial that glides across bins (a kick's
    // pitch drop) keeps its neighbouring bins coherent; summing each bin's own
    // advances does not (the bins' histories differ and the sum cancels).
    // Returns phases in [0, 2 pi) [B, K, T]; no gradient.
    torch::Tensor peakLockedPhase(const torch::Tensor &logMag) const;

    torch::nn::Linear out{nullptr};
    Istft istft{nullptr};

private:
    double m_magClip;
    bool m_phaseIncrement, m_peakPrior;
    int m_nFft, m_hop;
};
TORCH_MODULE(IstftHead);

class VocosImpl : public GeneratorImpl {
public:
    explicit VocosImpl(const VocoderConfig &cfg);
    torch::Tensor forward(const torch::Tensor &mel) override;   // [B, nMels, T] -> [B, 1, T * hop]

    // mag_prior "mel_pinv": the log of sqrt(max(P exp(mel), 1e-8)) with P =
    // melPrior [n_fft/2+1, n_mels] (mel power -> linear power). Undefined otherwise.
    torch::Tensor priorLogMagnitude(const torch::Tensor &mel) const;
    // Sets the prior's matrix: the pseudo-inverse of the mel filterbank, as
    // [n_fft/2+1, n_mels] (dsp::LogMelTransform's filterbank is [n_freqs, n_mels]).
    void setMelPrior(const torch::Tensor &pinv);

    VocosBackbone backbone{nullptr};
    IstftHead head{nullptr};
    torch::Tensor melPrior;   // buffer "mel_prior" (mag_prior mel_pinv only)
};
TORCH_MODULE(Vocos);

} // namespace ms::models::vocoder
