// The super-resolution model's modules (one torch translation unit).
#include "models/sr/Modules.h"

#include <cmath>
#include <functional>
#include <stdexcept>

namespace ms::models::sr {

namespace F = torch::nn::functional;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;
using torch::nn::GroupNorm;
using torch::nn::GroupNormOptions;

namespace {

Conv2d conv(int in, int out, int k, int stride = 1, int pad = -1) {
    return Conv2d(Conv2dOptions(in, out, k).stride(stride).padding(pad < 0 ? k / 2 : pad));
}

GroupNorm32 groupNorm(int channels, double eps) { return GroupNorm32(GroupNormOptions(32, channels).eps(eps)); }
torch::Tensor swish(const torch::Tensor &x) { return x * torch::sigmoid(x); }

void zeroModule(torch::nn::Module &m) {
    torch::NoGradGuard ng;
    for (auto &p : m.parameters()) p.zero_();
}

std::shared_ptr<torch::nn::Module> holder() { return std::make_shared<torch::nn::Module>(); }

// The ldm VAE's stride-2 conv after a (0,1,0,1) zero pad.
class VaeDownsampleImpl : public torch::nn::Module {
public:
    explicit VaeDownsampleImpl(int c) { conv = register_module("conv", sr::conv(c, c, 3, 2, 0)); }
    torch::Tensor forward(const torch::Tensor &x) { return conv->forward(F::pad(x, F::PadFuncOptions({0, 1, 0, 1}))); }
    Conv2d conv{nullptr};
};
TORCH_MODULE(VaeDownsample);

// openaimodel Downsample with a conv: stride 2, padding 1, key "op".
class UNetDownsampleImpl : public torch::nn::Module {
public:
    explicit UNetDownsampleImpl(int c) { op = register_module("op", sr::conv(c, c, 3, 2, 1)); }
    torch::Tensor forward(const torch::Tensor &x) { return op->forward(x); }
    Conv2d op{nullptr};
};
TORCH_MODULE(UNetDownsample);

class GegluImpl : public torch::nn::Module {
public:
    GegluImpl(int in, int out) { proj = register_module("proj", torch::nn::Linear(in, out * 2)); }
    torch::Tensor forward(const torch::Tensor &x) {
        auto parts = proj->forward(x).chunk(2, -1);
        return parts[0] * torch::gelu(parts[1]);
    }
    torch::nn::Linear proj{nullptr};
};
TORCH_MODULE(Geglu);

torch::Tensor timestepEmbedding(const torch::Tensor &t, int dim) {
    const int half = dim / 2;
    auto freqs = torch::exp(-std::log(10000.0) * torch::arange(half, torch::kFloat32) / double(half)).to(t.device());
    auto args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
    auto e = torch::cat({torch::cos(args), torch::sin(args)}, -1);
    if (dim % 2) e = torch::cat({e, torch::zeros_like(e.narrow(1, 0, 1))}, -1);
    return e;
}

} // namespace

// ---- VAE ----------------------------------------------------------------------

VaeResnetBlockImpl::VaeResnetBlockImpl(int in, int out) {
    norm1 = register_module("norm1", groupNorm(in, 1e-6));
    conv1 = register_module("conv1", conv(in, out, 3));
    norm2 = register_module("norm2", groupNorm(out, 1e-6));
    conv2 = register_module("conv2", conv(out, out, 3));
    if (in != out) nin_shortcut = register_module("nin_shortcut", conv(in, out, 1));
}

torch::Tensor VaeResnetBlockImpl::forward(const torch::Tensor &x) {
    auto h = conv1->forward(swish(norm1->forward(x)));
    h = conv2->forward(swish(norm2->forward(h)));
    return (nin_shortcut ? nin_shortcut->forward(x) : x) + h;
}

VaeAttnBlockImpl::VaeAttnBlockImpl(int c) {
    norm = register_module("norm", groupNorm(c, 1e-6));
    q = register_module("q", conv(c, c, 1));
    k = register_module("k", conv(c, c, 1));
    v = register_module("v", conv(c, c, 1));
    proj_out = register_module("proj_out", conv(c, c, 1));
}

torch::Tensor VaeAttnBlockImpl::forward(const torch::Tensor &x) {
    auto h = norm->forward(x);
    const auto B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    auto qq = q->forward(h).reshape({B, 1, C, H * W}).transpose(2, 3);   // [B,1,HW,C]
    auto kk = k->forward(h).reshape({B, 1, C, H * W}).transpose(2, 3);
    auto vv = v->forward(h).reshape({B, 1, C, H * W}).transpose(2, 3);
    auto o = nn::scaledDotAttention(qq, kk, vv, 1.0 / std::sqrt(double(C)));   // [B,1,HW,C]
    return x + proj_out->forward(o.transpose(2, 3).reshape({B, C, H, W}));
}

VaeEncoderImpl::VaeEncoderImpl(const SrVaeConfig &cfg) : m_cfg(cfg) {
    conv_in = register_module("conv_in", conv(1, cfg.ch, 3));
    down = register_module("down", torch::nn::ModuleList());
    int blockIn = cfg.ch;
    for (size_t level = 0; level < cfg.chMult.size(); ++level) {
        auto lvl = holder();
        auto blocks = torch::nn::ModuleList();
        const int blockOut = cfg.ch * cfg.chMult[level];
        for (int b = 0; b < cfg.numResBlocks; ++b) {
            blocks->push_back(VaeResnetBlock(blockIn, blockOut));
            blockIn = blockOut;
        }
        lvl->register_module("block", blocks);
        if (level + 1 != cfg.chMult.size()) lvl->register_module("downsample", VaeDownsample(blockIn));
        down->push_back(lvl);
    }
    mid = register_module("mid", holder());
    m_mid1 = mid->register_module("block_1", VaeResnetBlock(blockIn, blockIn));
    m_midAttn = mid->register_module("attn_1", VaeAttnBlock(blockIn));
    m_mid2 = mid->register_module("block_2", VaeResnetBlock(blockIn, blockIn));
    norm_out = register_module("norm_out", groupNorm(blockIn, 1e-6));
    conv_out = register_module("conv_out", conv(blockIn, 2 * cfg.zChannels, 3));
}

torch::Tensor VaeEncoderImpl::forward(const torch::Tensor &x) {
    auto h = conv_in->forward(x);
    for (size_t level = 0; level < down->size(); ++level) {
        auto lvl = down->ptr(level);
        auto blocks = lvl->named_children()["block"]->as<torch::nn::ModuleListImpl>();
        for (size_t b = 0; b < blocks->size(); ++b) h = blocks->at<VaeResnetBlockImpl>(b).forward(h);
        if (level + 1 != down->size()) h = lvl->named_children()["downsample"]->as<VaeDownsampleImpl>()->forward(h);
    }
    h = m_mid2->forward(m_midAttn->forward(m_mid1->forward(h)));
    return conv_out->forward(swish(norm_out->forward(h)));
}

UpsampleImpl::UpsampleImpl(int c) { conv = register_module("conv", sr::conv(c, c, 3)); }

torch::Tensor UpsampleImpl::forward(const torch::Tensor &x) {
    return conv->forward(F::interpolate(x, F::InterpolateFuncOptions()
                                               .scale_factor(std::vector<double>{2.0, 2.0})
                                               .mode(torch::kNearest)));
}

VaeDecoderImpl::VaeDecoderImpl(const SrVaeConfig &cfg) : m_cfg(cfg) {
    const size_t levels = cfg.chMult.size();
    int blockIn = cfg.ch * cfg.chMult.back();
    conv_in = register_module("conv_in", conv(cfg.zChannels, blockIn, 3));
    mid = register_module("mid", holder());
    m_mid1 = mid->register_module("block_1", VaeResnetBlock(blockIn, blockIn));
    m_midAttn = mid->register_module("attn_1", VaeAttnBlock(blockIn));
    m_mid2 = mid->register_module("block_2", VaeResnetBlock(blockIn, blockIn));
    // up[i] is level i; built from the deepest level, as ldm inserts at the front.
    std::vector<std::shared_ptr<torch::nn::Module>> ups(levels);
    for (size_t r = 0; r < levels; ++r) {
        const size_t level = levels - 1 - r;
        auto lvl = holder();
        auto blocks = torch::nn::ModuleList();
        const int blockOut = cfg.ch * cfg.chMult[level];
        for (int b = 0; b < cfg.numResBlocks + 1; ++b) {
            blocks->push_back(VaeResnetBlock(blockIn, blockOut));
            blockIn = blockOut;
        }
        lvl->register_module("block", blocks);
        if (level != 0) lvl->register_module("upsample", Upsample(blockIn));
        ups[level] = lvl;
    }
    up = register_module("up", torch::nn::ModuleList());
    for (auto &u : ups) up->push_back(u);
    norm_out = register_module("norm_out", groupNorm(blockIn, 1e-6));
    conv_out = register_module("conv_out", conv(blockIn, 1, 3));
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor &z) {
    auto h = m_mid2->forward(m_midAttn->forward(m_mid1->forward(conv_in->forward(z))));
    for (size_t r = 0; r < up->size(); ++r) {
        const size_t level = up->size() - 1 - r;
        auto lvl = up->ptr(level);
        auto blocks = lvl->named_children()["block"]->as<torch::nn::ModuleListImpl>();
        for (size_t b = 0; b < blocks->size(); ++b) h = blocks->at<VaeResnetBlockImpl>(b).forward(h);
        if (level != 0) h = lvl->named_children()["upsample"]->as<UpsampleImpl>()->forward(h);
    }
    return conv_out->forward(swish(norm_out->forward(h)));
}

torch::Tensor Posterior::sample(c10::optional<at::Generator> gen) const {
    auto noise = torch::randn(mean.sizes(), gen, mean.options());
    return mean + torch::exp(0.5 * logvar) * noise;
}

Posterior posteriorFromMoments(const torch::Tensor &moments) {
    auto parts = moments.chunk(2, 1);
    return {parts[0], parts[1].clamp(-30.0, 20.0)};
}

VaeEncoderOnlyImpl::VaeEncoderOnlyImpl(const SrVaeConfig &cfg) {
    encoder = register_module("encoder", VaeEncoder(cfg));
    quant_conv = register_module("quant_conv", conv(2 * cfg.zChannels, 2 * cfg.embedDim, 1));
}

torch::Tensor VaeEncoderOnlyImpl::moments(const torch::Tensor &mel) { return quant_conv->forward(encoder->forward(mel)); }

AutoencoderKLImpl::AutoencoderKLImpl(const SrVaeConfig &vae, const vocoder::VocoderConfig &voc) {
    encoder = register_module("encoder", VaeEncoder(vae));
    decoder = register_module("decoder", VaeDecoder(vae));
    quant_conv = register_module("quant_conv", conv(2 * vae.zChannels, 2 * vae.embedDim, 1));
    post_quant_conv = register_module("post_quant_conv", conv(vae.embedDim, vae.zChannels, 1));
    vocoder = register_module("vocoder", vocoder::HifiGanGenerator(voc));
}

torch::Tensor AutoencoderKLImpl::moments(const torch::Tensor &mel) { return quant_conv->forward(encoder->forward(mel)); }
torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor &z) { return decoder->forward(post_quant_conv->forward(z)); }

// ---- UNet ---------------------------------------------------------------------

UNetResBlockImpl::UNetResBlockImpl(int in, int embDim, int out) {
    in_layers = register_module("in_layers", torch::nn::Sequential(groupNorm(in, 1e-5), torch::nn::SiLU(), conv(in, out, 3)));
    emb_layers = register_module("emb_layers", torch::nn::Sequential(torch::nn::SiLU(), torch::nn::Linear(embDim, out)));
    out_layers = register_module("out_layers", torch::nn::Sequential(groupNorm(out, 1e-5), torch::nn::SiLU(),
                                                                     torch::nn::Dropout(0.0), conv(out, out, 3)));
    zeroModule(*out_layers[3]);
    if (in != out) skip_connection = register_module("skip_connection", conv(in, out, 1));
}

torch::Tensor UNetResBlockImpl::forward(const torch::Tensor &x, const torch::Tensor &emb) {
    auto h = in_layers->forward(x) + emb_layers->forward(emb).unsqueeze(-1).unsqueeze(-1);
    h = out_layers->forward(h);
    return (skip_connection ? skip_connection->forward(x) : x) + h;
}

BasicTransformerBlockImpl::BasicTransformerBlockImpl(int dim, int heads, int headDim) {
    attn1 = register_module("attn1", nn::CrossAttention(dim, dim, heads, headDim));
    auto ffHolder = register_module("ff", holder());
    ff = ffHolder->register_module("net", torch::nn::Sequential(Geglu(dim, dim * 4), torch::nn::Dropout(0.0),
                                                                 torch::nn::Linear(dim * 4, dim)));
    attn2 = register_module("attn2", nn::CrossAttention(dim, dim, heads, headDim));
    norm1 = register_module("norm1", LayerNorm32(torch::nn::LayerNormOptions({dim})));
    norm2 = register_module("norm2", LayerNorm32(torch::nn::LayerNormOptions({dim})));
    norm3 = register_module("norm3", LayerNorm32(torch::nn::LayerNormOptions({dim})));
}

torch::Tensor BasicTransformerBlockImpl::forward(torch::Tensor x) {
    x = attn1->forward(norm1->forward(x)) + x;
    x = attn2->forward(norm2->forward(x)) + x;   // no context in AudioSR: self-attention again
    return ff->forward(norm3->forward(x)) + x;
}

SpatialTransformerImpl::SpatialTransformerImpl(int c, int heads, int headDim, int depth, int globalContext) {
    const int inner = heads * headDim;
    norm = register_module("norm", groupNorm(c, 1e-6));
    proj_in = register_module("proj_in", conv(c, inner, 1));
    transformer_blocks = register_module("transformer_blocks", torch::nn::ModuleList());
    for (int d = 0; d < depth; ++d) transformer_blocks->push_back(BasicTransformerBlock(inner, heads, headDim));
    proj_out = register_module("proj_out", conv(inner, c, 1));
    zeroModule(*proj_out);
    if (globalContext > 0) {
        global_proj = register_module("global_proj", torch::nn::Linear(globalContext, c));
        global_attn = register_module("global_attn", nn::MultiheadAttention(c, c / 32 > 0 ? c / 32 : 1));
        zeroModule(*global_attn->out_proj);
    }
}

torch::Tensor SpatialTransformerImpl::forward(torch::Tensor x, const torch::Tensor &globalCtx) {
    if (global_attn && globalCtx.defined()) {
        auto add = global_attn->singleTokenOutput(global_proj->forward(globalCtx));   // [B,C]
        x = x + add.unsqueeze(-1).unsqueeze(-1);
    }
    const auto B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    auto h = proj_in->forward(norm->forward(x));
    h = h.flatten(2).transpose(1, 2);   // [B,HW,inner]
    for (size_t i = 0; i < transformer_blocks->size(); ++i) h = transformer_blocks->at<BasicTransformerBlockImpl>(i).forward(h);
    h = h.transpose(1, 2).reshape({B, -1, H, W});
    (void)C;
    return proj_out->forward(h) + x;
}

SrUNetImpl::SrUNetImpl(const SrUNetConfig &cfg, int ctx) : m_cfg(cfg) {
    const int mc = cfg.modelChannels, emb = mc * 4;
    time_embed = register_module("time_embed", torch::nn::Sequential(torch::nn::Linear(mc, emb), torch::nn::SiLU(),
                                                                     torch::nn::Linear(emb, emb)));
    auto attentionAt = [&](int ds) {
        for (int r : cfg.attentionResolutions)
            if (r == ds) return true;
        return false;
    };
    auto addTransformers = [&](torch::nn::ModuleList &layers, int ch) {
        const int heads = ch / cfg.headChannels, headDim = ch / heads;   // "legacy": ch // num_heads
        const int n = cfg.extraSaLayer ? 2 : 1;
        for (int i = 0; i < n; ++i) {
            layers->push_back(SpatialTransformer(ch, heads, headDim, cfg.transformerDepth, ctx));
            ++m_transformers;
        }
    };
    input_blocks = register_module("input_blocks", torch::nn::ModuleList());
    {
        auto first = torch::nn::ModuleList();
        first->push_back(conv(cfg.inChannels, mc, 3));
        input_blocks->push_back(first);
    }
    std::vector<int> chans{mc};
    int ch = mc, ds = 1;
    for (size_t level = 0; level < cfg.channelMult.size(); ++level) {
        for (int b = 0; b < cfg.numResBlocks; ++b) {
            auto layers = torch::nn::ModuleList();
            layers->push_back(UNetResBlock(ch, emb, cfg.channelMult[level] * mc));
            ch = cfg.channelMult[level] * mc;
            if (attentionAt(ds)) addTransformers(layers, ch);
            input_blocks->push_back(layers);
            chans.push_back(ch);
        }
        if (level + 1 != cfg.channelMult.size()) {
            auto layers = torch::nn::ModuleList();
            layers->push_back(UNetDownsample(ch));
            input_blocks->push_back(layers);
            chans.push_back(ch);
            ds *= 2;
        }
    }
    middle_block = register_module("middle_block", torch::nn::ModuleList());
    middle_block->push_back(UNetResBlock(ch, emb, ch));
    addTransformers(middle_block, ch);
    middle_block->push_back(UNetResBlock(ch, emb, ch));

    output_blocks = register_module("output_blocks", torch::nn::ModuleList());
    for (int level = int(cfg.channelMult.size()) - 1; level >= 0; --level) {
        for (int i = 0; i < cfg.numResBlocks + 1; ++i) {
            const int ich = chans.back();
            chans.pop_back();
            auto layers = torch::nn::ModuleList();
            layers->push_back(UNetResBlock(ch + ich, emb, mc * cfg.channelMult[size_t(level)]));
            ch = mc * cfg.channelMult[size_t(level)];
            if (attentionAt(ds)) addTransformers(layers, ch);
            if (level > 0 && i == cfg.numResBlocks) {
                layers->push_back(Upsample(ch));
                ds /= 2;
            }
            output_blocks->push_back(layers);
        }
    }
    out = register_module("out", torch::nn::Sequential(groupNorm(ch, 1e-5), torch::nn::SiLU(), conv(mc, cfg.outChannels, 3)));
    zeroModule(*out[2]);
}

torch::Tensor SrUNetImpl::runBlock(torch::nn::ModuleListImpl &block, torch::Tensor h, const torch::Tensor &emb,
                                   const torch::Tensor &ctx) {
    for (size_t i = 0; i < block.size(); ++i) {
        auto m = block.ptr(i);
        if (auto *r = m->as<UNetResBlockImpl>()) h = r->forward(h, emb);
        else if (auto *s = m->as<SpatialTransformerImpl>()) h = s->forward(h, ctx);
        else if (auto *d = m->as<UNetDownsampleImpl>()) h = d->forward(h);
        else if (auto *u = m->as<UpsampleImpl>()) h = u->forward(h);
        else if (auto *c = m->as<torch::nn::Conv2dImpl>()) h = c->forward(h);
        else throw std::logic_error("SrUNet: unknown layer in a block");
    }
    return h;
}

torch::Tensor SrUNetImpl::run(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &ctx,
                              std::vector<std::pair<std::string, std::vector<int64_t>>> *trace) {
    auto tt = t.dim() == 0 ? t.expand({x.size(0)}) : t;
    auto emb = time_embed->forward(timestepEmbedding(tt, m_cfg.modelChannels));
    std::vector<torch::Tensor> hs;
    auto h = x;
    for (size_t i = 0; i < input_blocks->size(); ++i) {
        h = runBlock(*input_blocks->ptr(i)->as<torch::nn::ModuleListImpl>(), h, emb, ctx);
        hs.push_back(h);
        if (trace) trace->push_back({"input_blocks." + std::to_string(i), h.sizes().vec()});
    }
    h = runBlock(*middle_block, h, emb, ctx);
    if (trace) trace->push_back({"middle_block", h.sizes().vec()});
    for (size_t i = 0; i < output_blocks->size(); ++i) {
        h = torch::cat({h, hs.back()}, 1);
        hs.pop_back();
        h = runBlock(*output_blocks->ptr(i)->as<torch::nn::ModuleListImpl>(), h, emb, ctx);
        if (trace) trace->push_back({"output_blocks." + std::to_string(i), h.sizes().vec()});
    }
    h = out->forward(h);
    if (trace) trace->push_back({"out", h.sizes().vec()});
    return h;
}

torch::Tensor SrUNetImpl::forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &ctx) {
    return run(x, t, ctx, nullptr);
}

std::vector<std::pair<std::string, std::vector<int64_t>>> SrUNetImpl::traceShapes(const torch::Tensor &x,
                                                                                 const torch::Tensor &t) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> trace;
    run(x, t, {}, &trace);
    return trace;
}

// ---- Global audio encoder -------------------------------------------------------

GlobalAudioEncoderImpl::GlobalAudioEncoderImpl(const SrGlobalConfig &cfg, int nMels) : m_cfg(cfg) {
    const auto &c = cfg.convChannels;
    using torch::nn::BatchNorm2d;
    using torch::nn::ReLU;
    cnn = register_module(
        "cnn", torch::nn::Sequential(
                   Conv2d(Conv2dOptions(1, c[0], {8, 3}).stride({4, 1}).padding({2, 1})), BatchNorm2d(c[0]), ReLU(),
                   Conv2d(Conv2dOptions(c[0], c[1], {4, 3}).stride({2, 1}).padding({1, 1})), BatchNorm2d(c[1]), ReLU(),
                   Conv2d(Conv2dOptions(c[1], c[2], {4, 3}).stride({2, 1}).padding({1, 1})), BatchNorm2d(c[2]), ReLU()));
    input_proj = register_module("input_proj", torch::nn::Linear(c[2] * SrGlobalConfig::cnnHeight(nMels), cfg.dModel));
    pos_embedding = register_parameter("pos_embedding", torch::randn({1, cfg.maxFrames, cfg.dModel}) * 0.02);
    transformer = register_module("transformer", holder());
    layers = transformer->register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < cfg.layers; ++i)
        layers->push_back(nn::TransformerEncoderLayer(cfg.dModel, cfg.heads, cfg.feedForward, cfg.dropout));
    output_proj = register_module("output_proj", torch::nn::Sequential(torch::nn::Linear(cfg.dModel, cfg.dModel), ReLU(),
                                                                       torch::nn::Dropout(cfg.dropout),
                                                                       torch::nn::Linear(cfg.dModel, cfg.context)));
    global_proj = register_module("global_proj", torch::nn::Linear(cfg.context, cfg.context));
}

torch::Tensor GlobalAudioEncoderImpl::forward(const torch::Tensor &mel) {
    const int64_t T = mel.size(3);
    if (T > m_cfg.maxFrames)
        throw std::invalid_argument("global encoder: " + std::to_string(T) + " frames exceed its positional table (" +
                                    std::to_string(m_cfg.maxFrames) + ")");
    auto h = cnn->forward(mel);                                      // [B,c,H,T]
    h = h.permute({0, 3, 1, 2}).reshape({h.size(0), T, -1});        // [B,T,c*H], channel-major
    h = input_proj->forward(h) + pos_embedding.narrow(1, 0, T);
    for (size_t i = 0; i < layers->size(); ++i) h = layers->at<nn::TransformerEncoderLayerImpl>(i).forward(h);
    return global_proj->forward(output_proj->forward(h.mean(1)));
}

// ---- Whole model ------------------------------------------------------------------

SrModelImpl::SrModelImpl(const SrModelConfig &cfg) : m_cfg(cfg) {
    if (auto why = cfg.validate(); !why.empty()) throw std::invalid_argument("sr model config: " + why);
    const int ctx = cfg.global.enabled ? cfg.global.context : 0;
    model = register_module("model", holder());
    diffusion_model = model->register_module("diffusion_model", SrUNet(cfg.unet, ctx));
    first_stage_model = register_module("first_stage_model", AutoencoderKL(cfg.vae, cfg.vocoder));
    if (cfg.condEncoder) {
        cond_stage_models = register_module("cond_stage_models", torch::nn::ModuleList());
        auto extract = holder();
        cond_vae = extract->register_module("vae", VaeEncoderOnly(cfg.vae));
        cond_stage_models->push_back(extract);
    }
    if (cfg.global.enabled) global_encoder = register_module("global_encoder", GlobalAudioEncoder(cfg.global, cfg.mel.nMels));
    scale_factor = register_buffer("scale_factor", torch::tensor(cfg.diffusion.scaleFactor, torch::kFloat32));
}

torch::Tensor SrModelImpl::conditionMoments(const torch::Tensor &mel) {
    auto x = mel.unsqueeze(1);
    return cond_vae ? cond_vae->moments(x) : first_stage_model->moments(x);
}

torch::Tensor SrModelImpl::globalContext(const torch::Tensor &mel) {
    if (!global_encoder) return {};
    return global_encoder->forward(mel.transpose(1, 2).unsqueeze(1));
}

torch::Tensor SrModelImpl::denoise(const torch::Tensor &x, const torch::Tensor &c, const torch::Tensor &t,
                                   const torch::Tensor &ctx) {
    return diffusion_model->forward(torch::cat({x, c * scale_factor}, 1), t, ctx);
}

torch::Tensor SrModelImpl::decodeLatent(const torch::Tensor &z) {
    return first_stage_model->decode(z / scale_factor).squeeze(1);
}

torch::Tensor SrModelImpl::vocode(const torch::Tensor &mel) {
    const int64_t n = mel.size(1) * int64_t(m_cfg.mel.hop);
    auto w = first_stage_model->vocoder->forward(mel.transpose(1, 2)).squeeze(1);
    return w.size(-1) > n ? w.narrow(-1, 0, n) : w;
}

std::vector<PartCount> countParts(SrModelImpl &m) {
    auto starts = [](const std::string &k, const char *p) { return k.rfind(p, 0) == 0; };
    auto isGlobal = [](const std::string &k) { return k.find(".global_") != std::string::npos; };
    struct Rule {
        PartCount part;
        std::function<bool(const std::string &)> match;
    };
    std::vector<Rule> rules{
        {{"UNet (diffusion model)", "model.diffusion_model."},
         [&](const std::string &k) { return starts(k, "model.diffusion_model.") && !isGlobal(k); }},
        {{"VAE encoder", "first_stage_model.encoder."}, [&](const std::string &k) { return starts(k, "first_stage_model.encoder."); }},
        {{"VAE decoder", "first_stage_model.decoder."}, [&](const std::string &k) { return starts(k, "first_stage_model.decoder."); }},
        {{"VAE quant_conv + post_quant_conv", "first_stage_model.*quant_conv."},
         [&](const std::string &k) { return starts(k, "first_stage_model.quant_conv.") || starts(k, "first_stage_model.post_quant_conv."); }},
        {{"vocoder (HiFi-GAN 48 kHz)", "first_stage_model.vocoder."}, [&](const std::string &k) { return starts(k, "first_stage_model.vocoder."); }},
        {{"condition encoder", "cond_stage_models.0.vae."}, [&](const std::string &k) { return starts(k, "cond_stage_models."); }},
        {{"global audio encoder", "global_encoder."}, [&](const std::string &k) { return starts(k, "global_encoder."); }},
        {{"global conditioning in the transformers", "model.diffusion_model.*.global_{proj,attn}."},
         [&](const std::string &k) { return starts(k, "model.diffusion_model.") && isGlobal(k); }},
    };
    for (const auto &p : m.named_parameters())
        for (auto &r : rules)
            if (r.match(p.key())) {
                r.part.tensors += 1;
                r.part.parameters += p.value().numel();
            }
    std::vector<PartCount> out;
    for (auto &r : rules) out.push_back(r.part);
    return out;
}

} // namespace ms::models::sr
