#pragma once
// The seam every vocoder generator sits behind: log-mel [B, nMels, T] in,
// waveform [B, 1, T * hop] out, whatever the architecture (VocoderConfig::arch).
// A model package holds a Generator; the families never name HiFi-GAN or Vocos.

#include "models/vocoder/Config.h"
#include "torch/Torch.h"

namespace ms::models::vocoder {

class GeneratorImpl : public torch::nn::Module {
public:
    explicit GeneratorImpl(const VocoderConfig &cfg) : m_cfg(cfg) {}
    // Log-mel [B, nMels, T] -> waveform [B, 1, T * hop].
    virtual torch::Tensor forward(const torch::Tensor &mel) = 0;
    // Readies the module for inference (HiFi-GAN folds its weight norm); the
    // parameters, and so the saved state, stay as they are.
    virtual void prepareInference() {}
    const VocoderConfig &config() const { return m_cfg; }

protected:
    VocoderConfig m_cfg;
};
TORCH_MODULE(Generator);

// The generator of cfg.arch (randomly initialised). Throws on an unknown arch.
Generator makeGenerator(const VocoderConfig &cfg);

} // namespace ms::models::vocoder
