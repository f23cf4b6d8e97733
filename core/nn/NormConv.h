#pragma once
// A convolution whose weight is reparameterised by weight norm or spectral norm,
// with parameters named as PyTorch's torch.nn.utils.weight_norm (`weight_g`,
// `weight_v`: norm over every dim but 0, so per output channel for Conv and per
// input channel for ConvTranspose) and spectral_norm (`weight_orig`, buffers
// `weight_u`, `weight_v`). Shared by the vocoders (HiFi-GAN, its discriminators)
// and the waveform VAE (Oobleck's WNConv1d / WNConvTranspose1d).

#include "torch/Torch.h"

#include <vector>

namespace ms::nn {

enum class NormKind { Weight, Spectral, None };   // None: a plain `weight`
enum class ConvKind { Conv1d, ConvTranspose1d, Conv2d };

struct NormConvOptions {
    ConvKind kind = ConvKind::Conv1d;
    int in = 1, out = 1;
    std::vector<int64_t> kernel{1}, stride{1}, padding{0}, dilation{1};
    int groups = 1;
    NormKind norm = NormKind::Weight;
    bool bias = true;
};

// A convolution whose weight is reparameterised by weight or spectral norm.
class NormConvImpl : public torch::nn::Module {
public:
    explicit NormConvImpl(const NormConvOptions &o);
    torch::Tensor forward(const torch::Tensor &x);
    // The effective weight (g * v / ||v|| or W / sigma).
    torch::Tensor effectiveWeight();
    // Freezes the effective weight for inference (forward stops re-normalising);
    // the parameters stay as they are.
    void fold();
    void unfold() {
        m_folded = m_foldedBias = torch::Tensor();
        m_subpixelStride = 0;
    }
    bool folded() const { return m_folded.defined(); }

    torch::Tensor weight_g, weight_v, weight_orig, weight_u, weight, bias;

private:
    NormConvOptions m_o;
    torch::Tensor m_folded, m_foldedBias;
    int64_t m_subpixelStride = 0, m_subpixelPadding = 0;   // folded transposed conv in sub-pixel form
};
TORCH_MODULE(NormConv);

// A one-dimensional NormConv (ConvTranspose1d when `transposed`), the options spelled out.
NormConv normConv1d(int in, int out, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
                    NormKind norm = NormKind::Weight, bool transposed = false, bool bias = true);

} // namespace ms::nn
