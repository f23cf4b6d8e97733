#pragma once
// Vocos's multi-resolution discriminator (after UnivNet): each sub-discriminator
// looks at the STFT magnitude of the waveform (rectangular window, centred) at
// one {n_fft, hop, win} and runs five weight-normed 2-d convolutions over
// [frequency, time] and a conv_post. Names as Vocos (discriminators.N.convs.M,
// discriminators.N.conv_post, weight_g / weight_v).

#include "losses/Adversarial.h"
#include "models/vocoder/HifiGan.h"

namespace ms::models::vocoder {

class ResolutionDiscriminatorImpl : public torch::nn::Module {
public:
    ResolutionDiscriminatorImpl(const std::vector<int> &resolution, int channels);
    // y [B, 1, T] -> logits [B, n]; appends each layer's output to features.
    torch::Tensor forward(const torch::Tensor &y, std::vector<torch::Tensor> &features);
    torch::nn::ModuleList convs{nullptr};
    NormConv conv_post{nullptr};

private:
    int m_nFft, m_hop, m_win;
    torch::Tensor m_window;   // rectangular (ones), not a parameter
};
TORCH_MODULE(ResolutionDiscriminator);

class MultiResolutionDiscriminatorImpl : public torch::nn::Module {
public:
    explicit MultiResolutionDiscriminatorImpl(const VocoderConfig &cfg);
    // y [B, 1, T] -> logits and feature maps of each resolution's discriminator.
    DiscOutput forward(const torch::Tensor &y);
    torch::nn::ModuleList discriminators{nullptr};
};
TORCH_MODULE(MultiResolutionDiscriminator);

} // namespace ms::models::vocoder
