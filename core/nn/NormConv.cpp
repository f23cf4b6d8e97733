// NormConv: weight- or spectral-normalised convolutions (see NormConv.h).
#include "nn/NormConv.h"

#include "nn/Frozen.h"

#include <cmath>

namespace ms::nn {

namespace F = torch::nn::functional;

namespace {
std::vector<int64_t> keepDimShape(const torch::Tensor &w) {
    std::vector<int64_t> s(size_t(w.dim()), 1);
    s[0] = w.size(0);
    return s;
}

// ||v|| over every dim but 0, shaped [n,1,...].
torch::Tensor normExceptDim0(const torch::Tensor &v) {
    return v.reshape({v.size(0), -1}).norm(2, 1).view(keepDimShape(v));
}
} // namespace

// ---- NormConv ---------------------------------------------------------------

NormConvImpl::NormConvImpl(const NormConvOptions &o) : m_o(o) {
    std::vector<int64_t> shape;
    if (o.kind == ConvKind::ConvTranspose1d) shape = {o.in, o.out / o.groups};
    else shape = {o.out, o.in / o.groups};
    shape.insert(shape.end(), o.kernel.begin(), o.kernel.end());
    int64_t fanIn = shape[1];
    for (auto k : o.kernel) fanIn *= k;
    const double bound = 1.0 / std::sqrt(double(fanIn));   // PyTorch's default conv init
    auto w = torch::empty(shape).uniform_(-bound, bound);
    const int64_t nOut = o.kind == ConvKind::ConvTranspose1d ? o.out : o.out;
    if (o.norm == NormKind::Weight) {
        weight_g = register_parameter("weight_g", normExceptDim0(w).clone());
        weight_v = register_parameter("weight_v", w);
    } else if (o.norm == NormKind::None) {
        weight = register_parameter("weight", w);
    } else {
        weight_orig = register_parameter("weight_orig", w);
        weight_u = register_buffer("weight_u", F::normalize(torch::randn({w.size(0)}), F::NormalizeFuncOptions().dim(0)));
        weight_v = register_buffer("weight_v", F::normalize(torch::randn({w.numel() / w.size(0)}), F::NormalizeFuncOptions().dim(0)));
    }
    if (o.bias) bias = register_parameter("bias", torch::empty({nOut}).uniform_(-bound, bound));
}

torch::Tensor NormConvImpl::effectiveWeight() {
    if (m_o.norm == NormKind::Weight) return weight_v * (weight_g / normExceptDim0(weight_v));
    if (m_o.norm == NormKind::None) return weight;
    auto mat = weight_orig.reshape({weight_orig.size(0), -1});
    if (is_training()) {
        torch::NoGradGuard ng;
        auto v = F::normalize(torch::mv(mat.t(), weight_u), F::NormalizeFuncOptions().dim(0).eps(1e-12));
        auto u = F::normalize(torch::mv(mat, v), F::NormalizeFuncOptions().dim(0).eps(1e-12));
        weight_v.copy_(v);
        weight_u.copy_(u);
    }
    auto sigma = torch::dot(weight_u, torch::mv(mat, weight_v));
    return weight_orig / sigma;
}

void NormConvImpl::fold() {
    torch::NoGradGuard ng;
    m_folded = effectiveWeight().detach().contiguous();
    m_foldedBias = bias.defined() ? bias.detach() : torch::Tensor();
    m_subpixelStride = 0;
    // A transposed convolution becomes a stride-1 one over the stride's phases
    // (nn/Frozen.h): oneDNN instead of LibTorch's col2im path on CPU.
    if (m_o.kind == ConvKind::ConvTranspose1d && m_o.groups == 1 && m_o.dilation[0] == 1 &&
        nn::subpixelApplies(m_o.kernel[0], m_o.stride[0], m_o.padding[0])) {
        auto [w, b] = nn::subpixelWeight1d(m_folded, m_foldedBias, m_o.stride[0], m_o.padding[0]);
        m_folded = w;
        m_foldedBias = b;
        m_subpixelStride = m_o.stride[0];
        m_subpixelPadding = nn::subpixelAxis(m_o.kernel[0], m_o.stride[0], m_o.padding[0]).padding;
    }
}

torch::Tensor NormConvImpl::forward(const torch::Tensor &x) {
    if (m_subpixelStride > 0)
        return nn::interleavePhases1d(torch::conv1d(x, m_folded, m_foldedBias, {1}, {m_subpixelPadding}), m_subpixelStride);
    auto w = m_folded.defined() ? m_folded : effectiveWeight();
    switch (m_o.kind) {
    case ConvKind::Conv1d:
        return torch::conv1d(x, w, bias, m_o.stride, m_o.padding, m_o.dilation, m_o.groups);
    case ConvKind::ConvTranspose1d:
        return torch::conv_transpose1d(x, w, bias, m_o.stride, m_o.padding, /*output_padding=*/0, m_o.groups,
                                       m_o.dilation);
    case ConvKind::Conv2d:
        return torch::conv2d(x, w, bias, m_o.stride, m_o.padding, m_o.dilation, m_o.groups);
    }
    return {};
}

NormConv normConv1d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, NormKind norm,
                    bool transposed, bool bias) {
    NormConvOptions o;
    o.kind = transposed ? ConvKind::ConvTranspose1d : ConvKind::Conv1d;
    o.in = in;
    o.out = out;
    o.kernel = {kernel};
    o.stride = {stride};
    o.padding = {padding};
    o.dilation = {dilation};
    o.groups = groups;
    o.norm = norm;
    o.bias = bias;
    return NormConv(o);
}

} // namespace ms::nn
