// KickVAE, KeywordEncoder, LatentUNet, noise schedule and samplers: one
// translation unit for the kick family's torch code (compile time).
#include "models/kick/Diffusion.h"
#include "models/kick/FrozenKick.h"

#include "models/kick/UNet.h"
#include "models/kick/Vae.h"

#include <ATen/CPUGeneratorImpl.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <variant>

namespace ms::models::kick {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

// ---- VAE --------------------------------------------------------------------

VaeResBlockImpl::VaeResBlockImpl(int c, int groups) {
    block = register_module("block", nn::Sequential(nn::GroupNorm(nn::GroupNormOptions(groups, c)), nn::SiLU(),
                                                    nn::Conv2d(nn::Conv2dOptions(c, c, 3).padding(1)),
                                                    nn::GroupNorm(nn::GroupNormOptions(groups, c)), nn::SiLU(),
                                                    nn::Conv2d(nn::Conv2dOptions(c, c, 3).padding(1))));
}

torch::Tensor VaeResBlockImpl::forward(const torch::Tensor &x) { return x + block->forward(x); }

VaeEncoderImpl::VaeEncoderImpl(const VaeConfig &cfg) {
    nn::Sequential s;
    int in = cfg.inChannels;
    for (int c : cfg.channels) {
        s->push_back(nn::Conv2d(nn::Conv2dOptions(in, c, 3).stride(2).padding(1)));
        s->push_back(VaeResBlock(c, cfg.groups));
        in = c;
    }
    net = register_module("net", s);
    conv_mu = register_module("conv_mu", nn::Conv2d(nn::Conv2dOptions(in, cfg.latentChannels, 1)));
    conv_logvar = register_module("conv_logvar", nn::Conv2d(nn::Conv2dOptions(in, cfg.latentChannels, 1)));
}

std::pair<torch::Tensor, torch::Tensor> VaeEncoderImpl::forward(const torch::Tensor &x) {
    auto h = net->forward(x);
    return {conv_mu->forward(h), conv_logvar->forward(h)};
}

VaeDecoderImpl::VaeDecoderImpl(const VaeConfig &cfg) : m_nMels(cfg.nMels), m_frames(cfg.frames) {
    const auto &ch = cfg.channels;
    const int n = int(ch.size());
    nn::Sequential s;
    s->push_back(nn::Conv2d(nn::Conv2dOptions(cfg.latentChannels, ch[n - 1], 1)));
    s->push_back(VaeResBlock(ch[n - 1], cfg.groups));
    for (int i = n - 1; i >= 1; --i) {
        s->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(ch[i], ch[i - 1], 4).stride(2).padding(1)));
        s->push_back(VaeResBlock(ch[i - 1], cfg.groups));
    }
    s->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(ch[0], cfg.inChannels, 4).stride(2).padding(1)));
    net = register_module("net", s);
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor &z) {
    auto out = net->forward(z);
    return out.narrow(2, 0, std::min<int64_t>(m_nMels, out.size(2))).narrow(3, 0, std::min<int64_t>(m_frames, out.size(3)));
}

KickVAEImpl::KickVAEImpl(const VaeConfig &cfg) : m_cfg(cfg) {
    encoder = register_module("encoder", VaeEncoder(cfg));
    decoder = register_module("decoder", VaeDecoder(cfg));
}

std::pair<torch::Tensor, torch::Tensor> KickVAEImpl::encode(const torch::Tensor &x) { return encoder->forward(x); }

torch::Tensor KickVAEImpl::decode(const torch::Tensor &z) { return decoder->forward(z); }

VaeOutput KickVAEImpl::forward(const torch::Tensor &x) { return forward(x, c10::nullopt); }

VaeOutput KickVAEImpl::forward(const torch::Tensor &x, c10::optional<at::Generator> gen) {
    auto [mu, logvar] = encode(x);
    torch::Tensor z = mu;
    if (is_training()) {
        auto stdv = torch::exp(0.5 * logvar);
        auto eps = torch::randn(stdv.sizes(), gen, stdv.options());
        z = mu + eps * stdv;
    }
    return {decode(z), mu, logvar};
}

std::pair<int, int> vaeLatentSize(const VaeConfig &cfg) {
    int h = cfg.nMels, w = cfg.frames;
    for (size_t i = 0; i < cfg.channels.size(); ++i) {
        h = (h - 1) / 2 + 1;   // conv k3 s2 p1
        w = (w - 1) / 2 + 1;
    }
    return {h, w};
}

// ---- Text -------------------------------------------------------------------

KeywordEncoderImpl::KeywordEncoderImpl(const TextConfig &cfg) {
    embedding = register_module("embedding", nn::Embedding(std::max(1, cfg.vocabSize), cfg.embedDim));
    proj = register_module("proj", nn::Linear(cfg.embedDim, cfg.condDim));
    null_embedding = register_parameter("null_embedding", torch::randn({cfg.condDim}));
}

torch::Tensor KeywordEncoderImpl::forward(const torch::Tensor &ids) {
    auto mask = ids.ge(0);                                       // [B,K]
    auto emb = embedding->forward(ids.clamp_min(0));             // [B,K,E]
    auto m = mask.unsqueeze(-1).to(emb.scalar_type());
    auto count = m.sum(1);                                       // [B,1]
    auto mean = (emb * m).sum(1) / count.clamp_min(1.0);
    auto projected = proj->forward(mean);                        // [B,C]
    auto empty = count.eq(0);                                    // [B,1]
    return torch::where(empty, null_embedding.unsqueeze(0).expand_as(projected), projected);
}

torch::Tensor KeywordEncoderImpl::nullCond(int64_t batch) {
    return null_embedding.unsqueeze(0).expand({batch, null_embedding.size(0)});
}

torch::Tensor KeywordEncoderImpl::padIds(const std::vector<std::vector<int64_t>> &rows) {
    size_t k = 1;
    for (const auto &r : rows) k = std::max(k, r.size());
    auto out = torch::full({int64_t(rows.size()), int64_t(k)}, int64_t(-1), torch::kInt64);
    auto acc = out.accessor<int64_t, 2>();
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t j = 0; j < rows[i].size(); ++j) acc[i][j] = rows[i][j];
    return out;
}

// ---- UNet -------------------------------------------------------------------

torch::Tensor sinusoidalEmbedding(const torch::Tensor &t, int dim) {
    const int half = dim / 2;
    auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(t.device());
    auto freqs = torch::exp(-std::log(10000.0) * torch::arange(half, opts) / double(half));
    auto args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({args.cos(), args.sin()}, 1);
}

CondResBlockImpl::CondResBlockImpl(int c, int condDim, int groups) {
    norm1 = register_module("norm1", nn::GroupNorm(nn::GroupNormOptions(groups, c)));
    conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(c, c, 3).padding(1)));
    norm2 = register_module("norm2", nn::GroupNorm(nn::GroupNormOptions(groups, c)));
    conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(c, c, 3).padding(1)));
    cond_proj = register_module("cond_proj", nn::Linear(condDim, c));
}

torch::Tensor CondResBlockImpl::forward(const torch::Tensor &x, const torch::Tensor &c) {
    auto h = conv1->forward(F::silu(norm1->forward(x)));
    h = h + cond_proj->forward(c).unsqueeze(-1).unsqueeze(-1);
    h = conv2->forward(F::silu(norm2->forward(h)));
    return x + h;
}

SelfAttention2dImpl::SelfAttention2dImpl(int c, int groups, int heads) : m_heads(heads) {
    norm = register_module("norm", nn::GroupNorm(nn::GroupNormOptions(groups, c)));
    qkv = register_module("qkv", nn::Conv2d(nn::Conv2dOptions(c, c * 3, 1)));
    out = register_module("out", nn::Conv2d(nn::Conv2dOptions(c, c, 1)));
}

torch::Tensor SelfAttention2dImpl::forward(const torch::Tensor &x) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const int64_t hd = c / m_heads;
    // [B, 3, heads, hd, N]: the reference's reshape(b, 3, c, h*w) with c split into heads.
    auto q3 = qkv->forward(norm->forward(x)).reshape({b, 3, m_heads, hd, h * w});
    auto q = q3.select(1, 0), k = q3.select(1, 1), v = q3.select(1, 2);   // [B,heads,hd,N]
    auto attn = torch::matmul(q.transpose(-1, -2), k) * std::pow(double(hd), -0.5);   // [B,heads,N,N]
    attn = attn.softmax(-1);
    auto o = torch::matmul(v, attn.transpose(-1, -2)).reshape({b, c, h, w});
    return x + out->forward(o);
}

LatentUNetImpl::LatentUNetImpl(const UNetConfig &cfg) : m_cfg(cfg) {
    if (cfg.channels.size() != 3) throw std::invalid_argument("LatentUNet: channels must list three levels");
    const int c0 = cfg.channels[0], c1 = cfg.channels[1], c2 = cfg.channels[2];
    const int cd = cfg.condDim, g = cfg.groups;
    time_mlp = register_module("time_mlp", nn::Sequential(nn::Linear(cfg.timeDim, cd), nn::SiLU(), nn::Linear(cd, cd)));
    down_in = register_module("down_in", nn::Conv2d(nn::Conv2dOptions(cfg.latentChannels, c0, 3).padding(1)));
    down1 = register_module("down1", CondResBlock(c0, cd, g));
    down_conv1 = register_module("down_conv1", nn::Conv2d(nn::Conv2dOptions(c0, c1, 3).stride(2).padding(1)));
    down2 = register_module("down2", CondResBlock(c1, cd, g));
    down_conv2 = register_module("down_conv2", nn::Conv2d(nn::Conv2dOptions(c1, c2, 3).stride(2).padding(1)));
    mid1 = register_module("mid1", CondResBlock(c2, cd, g));
    mid_attn = register_module("mid_attn", SelfAttention2d(c2, g, cfg.heads));
    mid2 = register_module("mid2", CondResBlock(c2, cd, g));
    up_conv2 = register_module("up_conv2", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c2, c1, 4).stride(2).padding(1)));
    up2 = register_module("up2", CondResBlock(2 * c1, cd, g));
    up_reduce2 = register_module("up_reduce2", nn::Conv2d(nn::Conv2dOptions(2 * c1, c1, 1)));
    up_conv1 = register_module("up_conv1", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c1, c0, 4).stride(2).padding(1)));
    up1 = register_module("up1", CondResBlock(2 * c0, cd, g));
    up_reduce1 = register_module("up_reduce1", nn::Conv2d(nn::Conv2dOptions(2 * c0, c0, 1)));
    out_norm = register_module("out_norm", nn::GroupNorm(nn::GroupNormOptions(g, c0)));
    out_conv = register_module("out_conv", nn::Conv2d(nn::Conv2dOptions(c0, cfg.latentChannels, 3).padding(1)));
}

torch::Tensor LatentUNetImpl::forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond) {
    return run(x, t, cond, nullptr);
}

std::vector<std::pair<std::string, std::vector<int64_t>>> LatentUNetImpl::traceShapes(const torch::Tensor &x,
                                                                                      const torch::Tensor &t,
                                                                                      const torch::Tensor &cond) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> trace;
    run(x, t, cond, &trace);
    return trace;
}

torch::Tensor LatentUNetImpl::run(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond,
                                  std::vector<std::pair<std::string, std::vector<int64_t>>> *trace) {
    auto note = [&](const char *name, const torch::Tensor &v) {
        if (trace) trace->emplace_back(name, std::vector<int64_t>(v.sizes().begin(), v.sizes().end()));
    };
    auto c = time_mlp->forward(sinusoidalEmbedding(t, m_cfg.timeDim)) + cond;
    auto h1 = down1->forward(down_in->forward(x), c);
    note("down1", h1);
    auto h2 = down2->forward(down_conv1->forward(h1), c);
    note("down2", h2);
    auto h3 = down_conv2->forward(h2);
    note("down_conv2", h3);
    h3 = mid2->forward(mid_attn->forward(mid1->forward(h3, c)), c);
    note("mid", h3);
    auto h = up_conv2->forward(h3);
    h = h.narrow(2, 0, h2.size(2)).narrow(3, 0, h2.size(3));
    h = up_reduce2->forward(up2->forward(torch::cat({h, h2}, 1), c));
    note("up2", h);
    h = up_conv1->forward(h);
    h = h.narrow(2, 0, h1.size(2)).narrow(3, 0, h1.size(3));
    h = up_reduce1->forward(up1->forward(torch::cat({h, h1}, 1), c));
    note("up1", h);
    auto out = out_conv->forward(F::silu(out_norm->forward(h)));
    note("out", out);
    return out;
}

// ---- Schedule and samplers --------------------------------------------------

NoiseSchedule::NoiseSchedule(const DiffusionConfig &cfg, torch::Device device) : m_cfg(cfg) {
    const int T = cfg.timesteps;
    m_beta.resize(size_t(T));
    m_abar.resize(size_t(T));
    // Same values as torch.linspace in float32 followed by cumprod in float32.
    auto betas = torch::linspace(cfg.betaStart, cfg.betaEnd, T, torch::kFloat32);
    auto abar = torch::cumprod(1.0 - betas, 0);
    for (int i = 0; i < T; ++i) {
        m_beta[size_t(i)] = betas[i].item<float>();
        m_abar[size_t(i)] = abar[i].item<float>();
    }
    m_betas = betas.to(device);
    m_alphasCumprod = abar.to(device);
}

torch::Tensor NoiseSchedule::addNoise(const torch::Tensor &x0, const torch::Tensor &noise, const torch::Tensor &t) const {
    auto ab = m_alphasCumprod.to(x0.device()).index_select(0, t.to(x0.device()));
    std::vector<int64_t> shape(size_t(x0.dim()), 1);
    shape[0] = x0.size(0);
    ab = ab.view(shape);
    return ab.sqrt() * x0 + (1.0 - ab).sqrt() * noise;
}

std::vector<int> NoiseSchedule::ddimTimesteps(int steps) const {
    const int T = m_cfg.timesteps;
    steps = std::max(1, std::min(steps, T));
    const int stride = std::max(1, T / steps);
    std::vector<int> ts;
    for (int t = T - 1; t >= 0 && int(ts.size()) < steps; t -= stride) ts.push_back(t);
    return ts;
}

EpsModel epsModel(LatentUNetImpl &unet) {
    return [&unet](const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &c) { return unet.forward(x, t, c); };
}

torch::Tensor guidedEps(const EpsModel &eps, const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond,
                        const torch::Tensor &uncond, double guidance) {
    if (!uncond.defined() || guidance == 1.0) return eps(x, t, cond);
    const int64_t b = x.size(0);
    auto e = eps(torch::cat({x, x}, 0), torch::cat({t, t}, 0), torch::cat({cond, uncond}, 0));
    auto ec = e.narrow(0, 0, b), eu = e.narrow(0, b, b);
    return eu + guidance * (ec - eu);
}

torch::Tensor guidedEps(LatentUNetImpl &unet, const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond,
                        const torch::Tensor &uncond, double guidance) {
    return guidedEps(epsModel(unet), x, t, cond, uncond, guidance);
}

std::vector<at::Generator> makeGenerators(uint64_t seed, int count) {
    std::vector<at::Generator> g;
    for (int i = 0; i < count; ++i) g.push_back(at::detail::createCPUGenerator(seed + uint64_t(i)));
    return g;
}

torch::Tensor seededNoise(std::vector<at::Generator> &gens, c10::IntArrayRef rowShape, torch::Device device) {
    std::vector<torch::Tensor> rows;
    for (auto &g : gens) rows.push_back(torch::randn(rowShape, g, torch::kFloat32));
    return torch::stack(rows, 0).to(device);
}

namespace {

torch::Tensor timeBatch(int t, int64_t b, torch::Device d) {
    return torch::full({b}, int64_t(t), torch::TensorOptions().dtype(torch::kInt64).device(d));
}

bool cancelled(const std::atomic<bool> *cancel) { return cancel && cancel->load(); }

} // namespace

torch::Tensor ddim(const EpsModel &model, const NoiseSchedule &s, const torch::Tensor &cond, const torch::Tensor &uncond,
                   c10::IntArrayRef rowShape, std::vector<at::Generator> &gens, const SampleOptions &opt,
                   const LatentCallback &onStep, const std::atomic<bool> *cancel) {
    const auto dev = cond.device();
    auto x = seededNoise(gens, rowShape, dev);
    const int64_t b = x.size(0);
    const auto ts = s.ddimTimesteps(opt.steps);
    for (size_t i = 0; i < ts.size(); ++i) {
        if (cancelled(cancel)) return {};
        const int t = ts[i];
        auto eps = guidedEps(model, x, timeBatch(t, b, dev), cond, uncond, opt.guidance);
        const double ab = s.alphaBar(t);
        const double abPrev = i + 1 < ts.size() ? s.alphaBar(ts[i + 1]) : 1.0;
        auto x0 = (x - std::sqrt(1.0 - ab) * eps) / std::sqrt(ab);
        double sigma = 0.0;
        if (opt.eta > 0)
            sigma = opt.eta * std::sqrt((1.0 - abPrev) / (1.0 - ab)) * std::sqrt(std::max(0.0, 1.0 - ab / abPrev));
        x = std::sqrt(abPrev) * x0 + std::sqrt(std::max(0.0, 1.0 - abPrev - sigma * sigma)) * eps;
        if (sigma > 0) x = x + sigma * seededNoise(gens, rowShape, dev);
        if (onStep) onStep(int(i) + 1, int(ts.size()), x);
    }
    return x;
}

torch::Tensor ddpm(const EpsModel &model, const NoiseSchedule &s, const torch::Tensor &cond, const torch::Tensor &uncond,
                   c10::IntArrayRef rowShape, std::vector<at::Generator> &gens, const SampleOptions &opt,
                   const LatentCallback &onStep, const std::atomic<bool> *cancel) {
    const auto dev = cond.device();
    auto x = seededNoise(gens, rowShape, dev);
    const int64_t b = x.size(0);
    const int T = s.timesteps();
    for (int t = T - 1; t >= 0; --t) {
        if (cancelled(cancel)) return {};
        auto eps = guidedEps(model, x, timeBatch(t, b, dev), cond, uncond, opt.guidance);
        const double beta = s.beta(t), ab = s.alphaBar(t), abPrev = t > 0 ? s.alphaBar(t - 1) : 1.0;
        x = (x - (beta / std::sqrt(1.0 - ab)) * eps) / std::sqrt(1.0 - beta);
        if (t > 0) {
            const double var = beta * (1.0 - abPrev) / (1.0 - ab);
            x = x + std::sqrt(var) * seededNoise(gens, rowShape, dev);
        }
        if (onStep) onStep(T - t, T, x);
    }
    return x;
}

torch::Tensor ddim(LatentUNetImpl &unet, const NoiseSchedule &s, const torch::Tensor &cond, const torch::Tensor &uncond,
                   c10::IntArrayRef rowShape, std::vector<at::Generator> &gens, const SampleOptions &opt,
                   const LatentCallback &onStep, const std::atomic<bool> *cancel) {
    return ddim(epsModel(unet), s, cond, uncond, rowShape, gens, opt, onStep, cancel);
}

torch::Tensor ddpm(LatentUNetImpl &unet, const NoiseSchedule &s, const torch::Tensor &cond, const torch::Tensor &uncond,
                   c10::IntArrayRef rowShape, std::vector<at::Generator> &gens, const SampleOptions &opt,
                   const LatentCallback &onStep, const std::atomic<bool> *cancel) {
    return ddpm(epsModel(unet), s, cond, uncond, rowShape, gens, opt, onStep, cancel);
}

// ---- Frozen CPU inference copies --------------------------------------------

using ms::nn::FrozenConv2d;   // core/nn/Frozen.h (in this file `nn` names torch::nn)

namespace {

std::array<int64_t, 2> pair2(const torch::ExpandingArray<2> &a) { return {a->at(0), a->at(1)}; }

// Explicit padding of a conv's options (a c10::variant in LibTorch 1.13, a
// std::variant in 2.x: ADL finds the matching get_if).
template <class Options>
std::array<int64_t, 2> explicitPadding(const Options &o) {
    using std::get_if;
    const auto *pad = get_if<torch::ExpandingArray<2>>(&o.padding());
    if (!pad) throw std::invalid_argument("freeze: only explicit convolution padding is supported");
    return pair2(*pad);
}

FrozenConv2d freezeConv(nn::Conv2dImpl &c, Precision p) {
    if (c.options.groups() != 1 || pair2(c.options.dilation()) != std::array<int64_t, 2>{1, 1})
        throw std::invalid_argument("freeze: only groups 1 and dilation 1 are supported");
    return FrozenConv2d(c.weight, c.bias, pair2(c.options.stride()), explicitPadding(c.options), p);
}

FrozenConv2d freezeConv(nn::ConvTranspose2dImpl &c, Precision p) {
    const auto &o = c.options;
    if (o.groups() != 1 || pair2(o.dilation()) != std::array<int64_t, 2>{1, 1} ||
        pair2(o.output_padding()) != std::array<int64_t, 2>{0, 0})
        throw std::invalid_argument("freeze: transposed convolution with groups, dilation or output padding");
    return FrozenConv2d::transposed(c.weight, c.bias, pair2(o.stride()), explicitPadding(o), p);
}

torch::Tensor groupNorm(const nn::GroupNorm &g, const torch::Tensor &x) {
    return torch::group_norm(x, g->options.num_groups(), g->weight, g->bias, g->options.eps());
}

struct FrozenResBlock {
    nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    FrozenConv2d conv1, conv2;
    FrozenResBlock() = default;
    FrozenResBlock(CondResBlockImpl &b, Precision p)
        : norm1(b.norm1), norm2(b.norm2), conv1(freezeConv(*b.conv1, p)), conv2(freezeConv(*b.conv2, p)) {}
    // proj: this block's cond_proj(c) [B,C].
    torch::Tensor operator()(const torch::Tensor &x, const torch::Tensor &proj) const {
        auto h = conv1(F::silu(groupNorm(norm1, x))) + proj.unsqueeze(-1).unsqueeze(-1);
        return x + conv2(F::silu(groupNorm(norm2, h)));
    }
};

using Step = std::function<torch::Tensor(const torch::Tensor &)>;

// The VAE decoder's Sequential, walked module by module.
Step freezeStep(const std::shared_ptr<nn::Module> &m, Precision p) {
    if (auto *c = dynamic_cast<nn::Conv2dImpl *>(m.get())) {
        auto f = freezeConv(*c, p);
        return [f](const torch::Tensor &x) { return f(x); };
    }
    if (auto *c = dynamic_cast<nn::ConvTranspose2dImpl *>(m.get())) {
        auto f = freezeConv(*c, p);
        return [f](const torch::Tensor &x) { return f(x); };
    }
    if (dynamic_cast<nn::GroupNormImpl *>(m.get())) {
        auto keep = std::dynamic_pointer_cast<nn::GroupNormImpl>(m);
        return [keep](const torch::Tensor &x) { return groupNorm(nn::GroupNorm(keep), x); };
    }
    if (dynamic_cast<nn::SiLUImpl *>(m.get())) return [](const torch::Tensor &x) { return F::silu(x); };
    if (auto *r = dynamic_cast<VaeResBlockImpl *>(m.get())) {
        auto inner = freezeStep(r->block.ptr(), p);
        return [inner](const torch::Tensor &x) { return x + inner(x); };
    }
    if (auto *s = dynamic_cast<nn::SequentialImpl *>(m.get())) {
        std::vector<Step> steps;
        for (const auto &c : s->children()) steps.push_back(freezeStep(c, p));
        return [steps](const torch::Tensor &x) {
            auto h = x;
            for (const auto &f : steps) h = f(h);
            return h;
        };
    }
    throw std::invalid_argument("freeze: no inference form for module " + m->name());
}

} // namespace

struct FrozenUNet::Impl {
    LatentUNetImpl &u;
    Precision precision;
    FrozenConv2d down_in, down_conv1, down_conv2, qkv, attn_out, up_conv2, up_reduce2, up_conv1, up_reduce1, out_conv;
    FrozenResBlock down1, down2, mid1, mid2, up2, up1;
    torch::Tensor projWeightT, projBias;   // the six cond_proj layers as one [condDim, sum C] product
    std::vector<int64_t> projSizes;

    Impl(LatentUNetImpl &net, Precision p) : u(net), precision(p) {
        torch::NoGradGuard ng;
        down_in = freezeConv(*u.down_in, p);
        down_conv1 = freezeConv(*u.down_conv1, p);
        down_conv2 = freezeConv(*u.down_conv2, p);
        qkv = freezeConv(*u.mid_attn->qkv, p);
        attn_out = freezeConv(*u.mid_attn->out, p);
        up_conv2 = freezeConv(*u.up_conv2, p);
        up_reduce2 = freezeConv(*u.up_reduce2, p);
        up_conv1 = freezeConv(*u.up_conv1, p);
        up_reduce1 = freezeConv(*u.up_reduce1, p);
        out_conv = freezeConv(*u.out_conv, p);
        down1 = FrozenResBlock(*u.down1, p);
        down2 = FrozenResBlock(*u.down2, p);
        mid1 = FrozenResBlock(*u.mid1, p);
        mid2 = FrozenResBlock(*u.mid2, p);
        up2 = FrozenResBlock(*u.up2, p);
        up1 = FrozenResBlock(*u.up1, p);
        std::vector<torch::Tensor> w, b;
        for (auto *blk : {&u.down1, &u.down2, &u.mid1, &u.mid2, &u.up2, &u.up1}) {
            w.push_back((*blk)->cond_proj->weight);
            b.push_back((*blk)->cond_proj->bias);
            projSizes.push_back((*blk)->cond_proj->weight.size(0));
        }
        projWeightT = torch::cat(w, 0).t().contiguous();
        projBias = torch::cat(b, 0).contiguous();
    }

    torch::Tensor attention(const torch::Tensor &x) const {
        const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        const int64_t heads = u.config().heads, hd = c / heads;
        auto q3 = qkv(groupNorm(u.mid_attn->norm, x)).reshape({b, 3, heads, hd, h * w});
        auto q = q3.select(1, 0), k = q3.select(1, 1), v = q3.select(1, 2);
        auto attn = (torch::matmul(q.transpose(-1, -2), k) * std::pow(double(hd), -0.5)).softmax(-1);
        auto o = torch::matmul(v, attn.transpose(-1, -2)).reshape({b, c, h, w});
        return x + attn_out(o);
    }

    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond) const {
        auto c = u.time_mlp->forward(sinusoidalEmbedding(t, u.config().timeDim)) + cond;
        auto proj = torch::addmm(projBias, c, projWeightT).split_with_sizes(projSizes, 1);
        auto h1 = down1(down_in(x), proj[0]);
        auto h2 = down2(down_conv1(h1), proj[1]);
        auto h3 = mid2(attention(mid1(down_conv2(h2), proj[2])), proj[3]);
        auto h = up_conv2(h3).narrow(2, 0, h2.size(2)).narrow(3, 0, h2.size(3));
        h = up_reduce2(up2(torch::cat({h, h2}, 1), proj[4]));
        h = up_conv1(h).narrow(2, 0, h1.size(2)).narrow(3, 0, h1.size(3));
        h = up_reduce1(up1(torch::cat({h, h1}, 1), proj[5]));
        return out_conv(F::silu(groupNorm(u.out_norm, h)));
    }
};

FrozenUNet::FrozenUNet(LatentUNetImpl &unet, Precision precision) : d(std::make_unique<Impl>(unet, precision)) {}
FrozenUNet::~FrozenUNet() = default;

torch::Tensor FrozenUNet::forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond) const {
    return d->forward(x, t, cond);
}

Precision FrozenUNet::precision() const { return d->precision; }

EpsModel epsModel(const FrozenUNet &unet) {
    return [&unet](const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &c) { return unet.forward(x, t, c); };
}

FrozenVaeDecoder::FrozenVaeDecoder(KickVAEImpl &vae, Precision precision)
    : m_nMels(vae.config().nMels), m_frames(vae.config().frames) {
    torch::NoGradGuard ng;
    m_net = freezeStep(vae.decoder->net.ptr(), precision);
}

FrozenVaeDecoder::~FrozenVaeDecoder() = default;

torch::Tensor FrozenVaeDecoder::decode(const torch::Tensor &z) const {
    auto out = m_net(z);
    return out.narrow(2, 0, std::min(m_nMels, out.size(2))).narrow(3, 0, std::min(m_frames, out.size(3)));
}

} // namespace ms::models::kick
