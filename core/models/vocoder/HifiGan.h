#pragma once
// HiFi-GAN V1-style vocoder of design document 004 ("Vocoder Training"):
// generator (log-mel [B,128,T] -> [B,1,T*512]), multi-period and multi-scale
// discriminators, and the LS-GAN / feature-matching losses.
// Weight norm is real parameters named as PyTorch's torch.nn.utils.weight_norm
// (`weight_g`, `weight_v`, norm over every dim but 0); spectral norm (first
// MSD scale) as torch.nn.utils.spectral_norm (`weight_orig`, buffers
// `weight_u`, `weight_v`). Module names follow the reference implementation
// (conv_pre, ups.N, resblocks.N.convs1.M, conv_post, discriminators.N.convs.M).

#include "losses/Adversarial.h"
#include "nn/NormConv.h"
#include "models/vocoder/Generator.h"
#include "torch/Torch.h"

#include <vector>

namespace ms::models::vocoder {

// NormConv lives in core/nn (shared with the waveform VAE).
using nn::ConvKind;
using nn::NormConv;
using nn::NormConvImpl;
using nn::NormConvOptions;
using nn::NormKind;

class ResBlock1Impl : public torch::nn::Module {
public:
    ResBlock1Impl(int channels, int kernel, const std::vector<int> &dilations, NormKind norm = NormKind::Weight);
    // For each d: x += c2(lrelu(c1_d(lrelu(x)))).
    torch::Tensor forward(torch::Tensor x);
    torch::nn::ModuleList convs1{nullptr}, convs2{nullptr};
};
TORCH_MODULE(ResBlock1);

class HifiGanGeneratorImpl : public GeneratorImpl {
public:
    explicit HifiGanGeneratorImpl(const VocoderConfig &cfg);
    // Log-mel [B,nMels,T] -> waveform [B,1,T*hop] in [-1,1].
    torch::Tensor forward(const torch::Tensor &mel) override;
    // Fixes every weight-normed weight for inference (faster forward).
    void foldWeightNorm();
    void unfoldWeightNorm();
    void prepareInference() override { foldWeightNorm(); }

    NormConv conv_pre{nullptr}, conv_post{nullptr};
    torch::nn::ModuleList ups{nullptr}, resblocks{nullptr};
};
TORCH_MODULE(HifiGanGenerator);

using losses::DiscOutput;

class PeriodDiscriminatorImpl : public torch::nn::Module {
public:
    PeriodDiscriminatorImpl(int period, const std::vector<int> &channels);
    torch::Tensor forward(torch::Tensor y, std::vector<torch::Tensor> &features);
    torch::nn::ModuleList convs{nullptr};
    NormConv conv_post{nullptr};

private:
    int m_period;
};
TORCH_MODULE(PeriodDiscriminator);

class ScaleDiscriminatorImpl : public torch::nn::Module {
public:
    ScaleDiscriminatorImpl(const std::vector<int> &channels, const std::vector<int> &groups, NormKind norm);
    torch::Tensor forward(torch::Tensor y, std::vector<torch::Tensor> &features);
    torch::nn::ModuleList convs{nullptr};
    NormConv conv_post{nullptr};
};
TORCH_MODULE(ScaleDiscriminator);

class MultiPeriodDiscriminatorImpl : public torch::nn::Module {
public:
    explicit MultiPeriodDiscriminatorImpl(const VocoderConfig &cfg);
    // y [B,1,T] -> logits and feature maps of each period discriminator.
    DiscOutput forward(const torch::Tensor &y);
    torch::nn::ModuleList discriminators{nullptr};
};
TORCH_MODULE(MultiPeriodDiscriminator);

class MultiScaleDiscriminatorImpl : public torch::nn::Module {
public:
    explicit MultiScaleDiscriminatorImpl(const VocoderConfig &cfg);
    // y [B,1,T] -> scale 0 on y, scale k on y average-pooled (4, 2, pad 2) k times.
    DiscOutput forward(const torch::Tensor &y);
    torch::nn::ModuleList discriminators{nullptr};
};
TORCH_MODULE(MultiScaleDiscriminator);

// Document 004's losses (LS-GAN), from the shared core/losses.
inline torch::Tensor discriminatorLoss(const DiscOutput &realOut, const DiscOutput &fakeOut) {
    return losses::lsganDiscriminatorLoss(realOut, fakeOut);
}
inline torch::Tensor generatorAdvLoss(const DiscOutput &fakeOut) { return losses::lsganGeneratorLoss(fakeOut); }
// Sum over sub-discriminators and layers of mean |real - fake| (real detached);
// the document's weight 2.0 is applied by the caller.
using losses::featureMatchingLoss;

} // namespace ms::models::vocoder
