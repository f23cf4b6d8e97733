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

class MultiResolutionStftLoss {
public:
    // One resolution per FFT size (hop FFT/4, Hann window of the FFT's length, centred, reflect padding).
    explicit MultiResolutionStftLoss(std::vector<int> ffts, torch::Device device = torch::kCPU);
    // g, y [B, T] (T above half the largest FFT). Magnitudes are sqrt(re^2 + im^2 + 1e-9)
    // (finite gradients on silence); the log is taken of max(|.|, 1e-5). Spectral
    // convergence is || |Y| - |G| ||_F / (|| |Y| ||_F + || |G| ||_F) over the whole batch:
    // with ||Y|| alone a batch of silent tail segments makes it explode (DEVELOPERS.md).
    StftLossTerms operator()(const torch::Tensor &g, const torch::Tensor &y);
    const std::vector<int> &ffts() const { return m_ffts; }

private:
    std::vector<int> m_ffts;
    torch::Device m_device;
    std::map<int, torch::Tensor> m_windows;
};

} // namespace ms::losses
