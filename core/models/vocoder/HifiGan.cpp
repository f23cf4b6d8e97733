// HiFi-GAN generator, discriminators and losses (one torch translation unit).
#include "models/vocoder/HifiGan.h"

#include "nn/Frozen.h"

#include <cmath>
#include <stdexcept>

namespace ms::models::vocoder {

namespace F = torch::nn::functional;

namespace {
constexpr double kSlope = 0.1;

torch::Tensor lrelu(const torch::Tensor &x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(kSlope)); }

} // namespace

using nn::normConv1d;

// ---- Generator --------------------------------------------------------------

ResBlock1Impl::ResBlock1Impl(int c, int k, const std::vector<int> &dilations, NormKind norm) {
    convs1 = register_module("convs1", torch::nn::ModuleList());
    convs2 = register_module("convs2", torch::nn::ModuleList());
    for (int d : dilations) {
        convs1->push_back(normConv1d(c, c, k, 1, (k * d - d) / 2, d, 1, norm));
        convs2->push_back(normConv1d(c, c, k, 1, (k - 1) / 2, 1, 1, norm));
    }
}

torch::Tensor ResBlock1Impl::forward(torch::Tensor x) {
    for (size_t i = 0; i < convs1->size(); ++i) {
        auto xt = convs1->at<NormConvImpl>(i).forward(lrelu(x));
        xt = convs2->at<NormConvImpl>(i).forward(lrelu(xt));
        x = xt + x;
    }
    return x;
}

HifiGanGeneratorImpl::HifiGanGeneratorImpl(const VocoderConfig &cfg) : GeneratorImpl(cfg) {
    if (cfg.upsampleRates.size() != cfg.upsampleKernels.size() ||
        cfg.resblockKernels.size() != cfg.resblockDilations.size())
        throw std::invalid_argument("HifiGanGenerator: upsample or resblock lists differ in length");
    const NormKind norm = cfg.weightNorm ? NormKind::Weight : NormKind::None;
    conv_pre = register_module("conv_pre", normConv1d(cfg.nMels, cfg.initialChannels, 7, 1, 3, 1, 1, norm));
    ups = register_module("ups", torch::nn::ModuleList());
    resblocks = register_module("resblocks", torch::nn::ModuleList());
    int ch = cfg.initialChannels;
    for (size_t i = 0; i < cfg.upsampleRates.size(); ++i) {
        const int u = cfg.upsampleRates[i], k = cfg.upsampleKernels[i];
        NormConvOptions o;
        o.kind = ConvKind::ConvTranspose1d;
        o.in = ch;
        o.out = ch / 2;
        o.kernel = {k};
        o.stride = {u};
        o.padding = {(k - u) / 2};
        o.norm = norm;
        ups->push_back(NormConv(o));
        ch /= 2;
    }
    ch = cfg.initialChannels;
    for (size_t i = 0; i < cfg.upsampleRates.size(); ++i) {
        ch /= 2;
        for (size_t j = 0; j < cfg.resblockKernels.size(); ++j)
            resblocks->push_back(ResBlock1(ch, cfg.resblockKernels[j], cfg.resblockDilations[j], norm));
    }
    conv_post = register_module("conv_post", normConv1d(ch, 1, 7, 1, 3, 1, 1, norm));
}

torch::Tensor HifiGanGeneratorImpl::forward(const torch::Tensor &mel) {
    const size_t nk = m_cfg.resblockKernels.size();
    auto x = conv_pre->forward(mel);
    for (size_t i = 0; i < ups->size(); ++i) {
        x = ups->at<NormConvImpl>(i).forward(lrelu(x));
        torch::Tensor xs;
        for (size_t j = 0; j < nk; ++j) {
            auto r = resblocks->at<ResBlock1Impl>(i * nk + j).forward(x);
            xs = xs.defined() ? xs + r : r;
        }
        x = xs / double(nk);
    }
    return torch::tanh(conv_post->forward(F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(m_cfg.finalSlope))));
}

void HifiGanGeneratorImpl::foldWeightNorm() {
    for (auto &m : modules(/*include_self=*/false))
        if (auto *c = dynamic_cast<NormConvImpl *>(m.get())) c->fold();
}

void HifiGanGeneratorImpl::unfoldWeightNorm() {
    for (auto &m : modules(false))
        if (auto *c = dynamic_cast<NormConvImpl *>(m.get())) c->unfold();
}

// ---- Discriminators ---------------------------------------------------------

PeriodDiscriminatorImpl::PeriodDiscriminatorImpl(int period, const std::vector<int> &channels) : m_period(period) {
    convs = register_module("convs", torch::nn::ModuleList());
    int in = 1;
    for (size_t i = 0; i < channels.size(); ++i) {
        NormConvOptions o;
        o.kind = ConvKind::Conv2d;
        o.in = in;
        o.out = channels[i];
        o.kernel = {5, 1};
        o.stride = {i + 1 < channels.size() ? 3 : 1, 1};
        o.padding = {2, 0};
        o.dilation = {1, 1};
        convs->push_back(NormConv(o));
        in = channels[i];
    }
    NormConvOptions o;
    o.kind = ConvKind::Conv2d;
    o.in = in;
    o.out = 1;
    o.kernel = {3, 1};
    o.stride = {1, 1};
    o.padding = {1, 0};
    o.dilation = {1, 1};
    conv_post = register_module("conv_post", NormConv(o));
}

torch::Tensor PeriodDiscriminatorImpl::forward(torch::Tensor x, std::vector<torch::Tensor> &features) {
    const int64_t b = x.size(0), c = x.size(1);
    int64_t t = x.size(2);
    if (t % m_period != 0) {
        x = F::pad(x, F::PadFuncOptions({0, m_period - t % m_period}).mode(torch::kReflect));
        t = x.size(2);
    }
    x = x.view({b, c, t / m_period, m_period});
    for (size_t i = 0; i < convs->size(); ++i) {
        x = lrelu(convs->at<NormConvImpl>(i).forward(x));
        features.push_back(x);
    }
    x = conv_post->forward(x);
    features.push_back(x);
    return x.flatten(1, -1);
}

ScaleDiscriminatorImpl::ScaleDiscriminatorImpl(const std::vector<int> &ch, const std::vector<int> &groups, NormKind norm) {
    if (ch.size() != 6 || groups.size() != 6)
        throw std::invalid_argument("ScaleDiscriminator: msd_channels and msd_groups must have six entries");
    static const int kernel[6] = {15, 41, 41, 41, 41, 5}, stride[6] = {1, 2, 2, 4, 4, 1};
    convs = register_module("convs", torch::nn::ModuleList());
    int in = 1;
    for (int i = 0; i < 6; ++i) {
        convs->push_back(normConv1d(in, ch[size_t(i)], kernel[i], stride[i], (kernel[i] - 1) / 2, 1, groups[size_t(i)], norm));
        in = ch[size_t(i)];
    }
    conv_post = register_module("conv_post", normConv1d(in, 1, 3, 1, 1, 1, 1, norm));
}

torch::Tensor ScaleDiscriminatorImpl::forward(torch::Tensor x, std::vector<torch::Tensor> &features) {
    for (size_t i = 0; i < convs->size(); ++i) {
        x = lrelu(convs->at<NormConvImpl>(i).forward(x));
        features.push_back(x);
    }
    x = conv_post->forward(x);
    features.push_back(x);
    return x.flatten(1, -1);
}

MultiPeriodDiscriminatorImpl::MultiPeriodDiscriminatorImpl(const VocoderConfig &cfg) {
    discriminators = register_module("discriminators", torch::nn::ModuleList());
    for (int p : cfg.periods) discriminators->push_back(PeriodDiscriminator(p, cfg.mpdChannels));
}

DiscOutput MultiPeriodDiscriminatorImpl::forward(const torch::Tensor &y) {
    DiscOutput out;
    for (size_t i = 0; i < discriminators->size(); ++i) {
        out.features.emplace_back();
        out.logits.push_back(discriminators->at<PeriodDiscriminatorImpl>(i).forward(y, out.features.back()));
    }
    return out;
}

MultiScaleDiscriminatorImpl::MultiScaleDiscriminatorImpl(const VocoderConfig &cfg) {
    discriminators = register_module("discriminators", torch::nn::ModuleList());
    for (int i = 0; i < cfg.msdScales; ++i)
        discriminators->push_back(ScaleDiscriminator(cfg.msdChannels, cfg.msdGroups,
                                                     i == 0 ? NormKind::Spectral : NormKind::Weight));
}

DiscOutput MultiScaleDiscriminatorImpl::forward(const torch::Tensor &y) {
    DiscOutput out;
    torch::Tensor x = y;
    for (size_t i = 0; i < discriminators->size(); ++i) {
        if (i > 0) x = F::avg_pool1d(x, F::AvgPool1dFuncOptions(4).stride(2).padding(2));
        out.features.emplace_back();
        out.logits.push_back(discriminators->at<ScaleDiscriminatorImpl>(i).forward(x, out.features.back()));
    }
    return out;
}

} // namespace ms::models::vocoder
