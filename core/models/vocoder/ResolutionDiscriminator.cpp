#include "models/vocoder/ResolutionDiscriminator.h"

#include <stdexcept>

namespace ms::models::vocoder {

namespace F = torch::nn::functional;

namespace {
NormConv conv2d(int in, int out, std::vector<int64_t> k, std::vector<int64_t> s, std::vector<int64_t> p) {
    NormConvOptions o;
    o.kind = ConvKind::Conv2d;
    o.in = in;
    o.out = out;
    o.kernel = std::move(k);
    o.stride = std::move(s);
    o.padding = std::move(p);
    o.dilation = {1, 1};
    return NormConv(o);
}
} // namespace

ResolutionDiscriminatorImpl::ResolutionDiscriminatorImpl(const std::vector<int> &r, int ch) {
    if (r.size() != 3) throw std::invalid_argument("ResolutionDiscriminator: a resolution is {n_fft, hop, win}");
    m_nFft = r[0];
    m_hop = r[1];
    m_win = r[2];
    m_window = torch::ones({m_win});
    convs = register_module("convs", torch::nn::ModuleList());
    convs->push_back(conv2d(1, ch, {7, 5}, {2, 2}, {3, 2}));
    convs->push_back(conv2d(ch, ch, {5, 3}, {2, 1}, {2, 1}));
    convs->push_back(conv2d(ch, ch, {5, 3}, {2, 2}, {2, 1}));
    convs->push_back(conv2d(ch, ch, {3, 3}, {2, 1}, {1, 1}));
    convs->push_back(conv2d(ch, ch, {3, 3}, {2, 2}, {1, 1}));
    conv_post = register_module("conv_post", conv2d(ch, 1, {3, 3}, {1, 1}, {1, 1}));
}

torch::Tensor ResolutionDiscriminatorImpl::forward(const torch::Tensor &y, std::vector<torch::Tensor> &features) {
    if (m_window.device() != y.device()) m_window = m_window.to(y.device());
    auto spec = torch::stft(y.squeeze(1), m_nFft, m_hop, m_win, m_window, true, "reflect", false, true, true);
    // |S| with a finite gradient at 0 (abs of a complex zero has none).
    auto x = torch::view_as_real(spec).pow(2).sum(-1).add(1e-9).sqrt().unsqueeze(1);   // [B, 1, F, frames]
    for (size_t i = 0; i < convs->size(); ++i) {
        x = F::leaky_relu(convs->at<NormConvImpl>(i).forward(x), F::LeakyReLUFuncOptions().negative_slope(0.1));
        features.push_back(x);
    }
    x = conv_post->forward(x);
    features.push_back(x);
    return x.flatten(1, -1);
}

MultiResolutionDiscriminatorImpl::MultiResolutionDiscriminatorImpl(const VocoderConfig &cfg) {
    discriminators = register_module("discriminators", torch::nn::ModuleList());
    for (const auto &r : cfg.mrdResolutions) discriminators->push_back(ResolutionDiscriminator(r, cfg.mrdChannels));
}

DiscOutput MultiResolutionDiscriminatorImpl::forward(const torch::Tensor &y) {
    DiscOutput out;
    for (size_t i = 0; i < discriminators->size(); ++i) {
        out.features.emplace_back();
        out.logits.push_back(discriminators->at<ResolutionDiscriminatorImpl>(i).forward(y, out.features.back()));
    }
    return out;
}

} // namespace ms::models::vocoder
