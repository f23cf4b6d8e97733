#pragma once
// Spectral reconstruction losses on waveforms, shared by the vocoders and the
// waveform autoencoders: the multi-resolution STFT loss (spectral convergence
// + log-magnitude L1, Parallel WaveGAN / auraloss) and a symmetric spectral
// convergence that stays bounded on silent batches.

#include "torch/Torch.h"

#include <map>
#include <vector>

namespace ms::losses {

struct StftLossTerms {
    torch::Tensor sc;       // mean over resolutions of the (symmetric) spectral convergence
    torch::Tensor logMag;   // mean over resolutions of mean |log |Y| - log |G||
};

// The spectral convergence's denominator. Symmetric: || |Y| ||_F + || |G| ||_F
// (bounded on silent batches; the vocoders'). Standard: || |Y| ||_F alone, as
// Parallel WaveGAN, auraloss and so Stable Audio's autoencoder recipe define it,
// floored at an average magnitude of 1e-3 per bin so silence cannot blow it up
// (the wave VAE's default).
enum class SpectralConvergence { Symmetric, Standard };

class MultiResolutionStftLoss {
public:
    // One resolution per FFT size (hop FFT/4, Hann window of the FFT's length, centred, reflect padding).
    explicit MultiResolutionStftLoss(std::vector<int> ffts, torch::Device device = torch::kCPU,
                                     SpectralConvergence sc = SpectralConvergence::Symmetric);
    // g, y [B, T] (T above half the largest FFT). Magnitudes are sqrt(re^2 + im^2 + 1e-9)
    // (finite gradients on silence); the log is taken of max(|.|, 1e-5). Spectral
    // convergence is || |Y| - |G| ||_F over the whole batch divided as `sc` says:
    // with ||Y|| alone (unfloored) a batch of silent kick tails made it explode (DEVELOPERS.md).
    StftLossTerms operator()(const torch::Tensor &g, const torch::Tensor &y);
    const std::vector<int> &ffts() const { return m_ffts; }

private:
    std::vector<int> m_ffts;
    torch::Device m_device;
    SpectralConvergence m_sc;
    std::map<int, torch::Tensor> m_windows;
};

} // namespace ms::losses
