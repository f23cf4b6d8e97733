#pragma once
// AudioSR's log-mel front end and cutoff detection (utils.py
// mel_spectrogram_train, _locate_cutoff_freq), in LibTorch.

#include "models/sr/Config.h"
#include "torch/Torch.h"

#include <vector>

namespace ms::models::sr {

class SrFrontend {
public:
    explicit SrFrontend(const SrMelConfig &cfg);
    // wave [B,L] -> |STFT| [B,T,nFreqs], T = L / hop for L a multiple of hop:
    // reflect padding of (nFft - hop) / 2 on both sides, no centring, Hann window.
    torch::Tensor magnitude(const torch::Tensor &wave) const;
    // wave [B,L] -> log(max(mel, 1e-5)) [B,T,nMels] (AudioSR's orientation).
    torch::Tensor logMel(const torch::Tensor &wave) const;
    torch::Tensor melFromMagnitude(const torch::Tensor &mag) const;
    const torch::Tensor &basis() const { return m_basis; }   // [nMels, nFreqs]
    const SrMelConfig &config() const { return m_cfg; }

private:
    SrMelConfig m_cfg;
    torch::Tensor m_basis, m_window;
};

// The highest index whose cumulative sum stays below `percentile` of the total
// (0 when none), from the top down as AudioSR scans. energy: per-bin sums.
int64_t locateCutoffBin(const std::vector<double> &energy, double percentile = 0.985);

} // namespace ms::models::sr
