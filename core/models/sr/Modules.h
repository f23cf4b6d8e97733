#pragma once
// The super-resolution model's modules. Every parameter and buffer is named
// as in AudioSR's LatentDiffusion state dict (see SrModel), so a checkpoint's
// keys map one to one:
//   model.diffusion_model.*            the UNet (openaimodel.UNetModel)
//   first_stage_model.{encoder,decoder,quant_conv,post_quant_conv}.*  AutoencoderKL
//   first_stage_model.vocoder.*        the 48 kHz HiFi-GAN (plain weights)
//   cond_stage_models.0.vae.{encoder,quant_conv}.*  the condition's encoder
//   global_encoder.*                   document 000's GlobalAudioEncoder (melstudio's keys)
//   ....global_proj / .global_attn     in every SpatialTransformer (melstudio's keys)
//   scale_factor                       the latent scale (buffer)

#include "models/sr/Config.h"
#include "models/vocoder/HifiGan.h"
#include "nn/Attention.h"
#include "torch/Torch.h"

#include <string>
#include <utility>
#include <vector>

namespace ms::models::sr {

// GroupNorm / LayerNorm that normalise in float32 whatever the input's type (as
// openaimodel's GroupNorm32 does): under bf16 autocast LibTorch 1.13 has no
// mixed-type group norm, and the statistics want float32 anyway.
class GroupNorm32Impl : public torch::nn::GroupNormImpl {
public:
    using torch::nn::GroupNormImpl::GroupNormImpl;
    torch::Tensor forward(const torch::Tensor &x) {
        return x.scalar_type() == torch::kFloat32 ? GroupNormImpl::forward(x)
                                                  : GroupNormImpl::forward(x.to(torch::kFloat32)).to(x.scalar_type());
    }
};
TORCH_MODULE(GroupNorm32);

class LayerNorm32Impl : public torch::nn::LayerNormImpl {
public:
    using torch::nn::LayerNormImpl::LayerNormImpl;
    torch::Tensor forward(const torch::Tensor &x) {
        return x.scalar_type() == torch::kFloat32 ? LayerNormImpl::forward(x)
                                                  : LayerNormImpl::forward(x.to(torch::kFloat32)).to(x.scalar_type());
    }
};
TORCH_MODULE(LayerNorm32);

// ---- AutoencoderKL (ldm diffusionmodules/model.py) -------------------------

class VaeResnetBlockImpl : public torch::nn::Module {
public:
    VaeResnetBlockImpl(int in, int out);
    torch::Tensor forward(const torch::Tensor &x);
    GroupNorm32 norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, nin_shortcut{nullptr};
};
TORCH_MODULE(VaeResnetBlock);

class VaeAttnBlockImpl : public torch::nn::Module {
public:
    explicit VaeAttnBlockImpl(int channels);
    torch::Tensor forward(const torch::Tensor &x);
    GroupNorm32 norm{nullptr};
    torch::nn::Conv2d q{nullptr}, k{nullptr}, v{nullptr}, proj_out{nullptr};
};
TORCH_MODULE(VaeAttnBlock);

class VaeEncoderImpl : public torch::nn::Module {
public:
    explicit VaeEncoderImpl(const SrVaeConfig &cfg);
    // [B,1,T,nMels] -> [B,2z,T/f,nMels/f]
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    torch::nn::ModuleList down{nullptr};
    GroupNorm32 norm_out{nullptr};
    std::shared_ptr<torch::nn::Module> mid;

private:
    SrVaeConfig m_cfg;
    VaeResnetBlock m_mid1{nullptr}, m_mid2{nullptr};
    VaeAttnBlock m_midAttn{nullptr};
};
TORCH_MODULE(VaeEncoder);

class VaeDecoderImpl : public torch::nn::Module {
public:
    explicit VaeDecoderImpl(const SrVaeConfig &cfg);
    // [B,z,T/f,nMels/f] -> [B,1,T,nMels]
    torch::Tensor forward(const torch::Tensor &z);
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    torch::nn::ModuleList up{nullptr};
    GroupNorm32 norm_out{nullptr};
    std::shared_ptr<torch::nn::Module> mid;

private:
    SrVaeConfig m_cfg;
    VaeResnetBlock m_mid1{nullptr}, m_mid2{nullptr};
    VaeAttnBlock m_midAttn{nullptr};
};
TORCH_MODULE(VaeDecoder);

// Mean and log-variance (clamped to [-30, 20]) of the diagonal Gaussian.
struct Posterior {
    torch::Tensor mean, logvar;
    // mean + exp(logvar / 2) * noise; noise drawn from `gen` when given.
    torch::Tensor sample(c10::optional<at::Generator> gen = c10::nullopt) const;
};
Posterior posteriorFromMoments(const torch::Tensor &moments);

// The encoder half alone (for cond_stage_models.0.vae).
class VaeEncoderOnlyImpl : public torch::nn::Module {
public:
    explicit VaeEncoderOnlyImpl(const SrVaeConfig &cfg);
    torch::Tensor moments(const torch::Tensor &mel);   // quant_conv(encoder(mel))
    VaeEncoder encoder{nullptr};
    torch::nn::Conv2d quant_conv{nullptr};
};
TORCH_MODULE(VaeEncoderOnly);

class AutoencoderKLImpl : public torch::nn::Module {
public:
    AutoencoderKLImpl(const SrVaeConfig &vae, const vocoder::VocoderConfig &voc);
    torch::Tensor moments(const torch::Tensor &mel);   // quant_conv(encoder(mel))
    torch::Tensor decode(const torch::Tensor &z);      // decoder(post_quant_conv(z))
    VaeEncoder encoder{nullptr};
    VaeDecoder decoder{nullptr};
    torch::nn::Conv2d quant_conv{nullptr}, post_quant_conv{nullptr};
    vocoder::HifiGanGenerator vocoder{nullptr};
};
TORCH_MODULE(AutoencoderKL);

// ---- UNet (openaimodel.UNetModel) -------------------------------------------

class UNetResBlockImpl : public torch::nn::Module {
public:
    UNetResBlockImpl(int in, int embDim, int out);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &emb);
    torch::nn::Sequential in_layers{nullptr}, emb_layers{nullptr}, out_layers{nullptr};
    torch::nn::Conv2d skip_connection{nullptr};   // only when in != out (else identity)
};
TORCH_MODULE(UNetResBlock);

class BasicTransformerBlockImpl : public torch::nn::Module {
public:
    BasicTransformerBlockImpl(int dim, int heads, int headDim);
    torch::Tensor forward(torch::Tensor x);
    nn::CrossAttention attn1{nullptr}, attn2{nullptr};
    torch::nn::Sequential ff{nullptr};   // ff.net.0.proj (GEGLU), ff.net.2
    LayerNorm32 norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

// SpatialTransformer with document 000's global conditioning in front of it:
// x += MHA(query = x's positions, key = value = global_proj(ctx)); then the
// ordinary block. With one global token the attention weight is exactly 1, so
// the added term is out_proj(W_v global_proj(ctx) + b_v) at every position
// (computed that way; MultiheadAttention::singleTokenOutput). global_attn's
// out_proj starts at zero, so fresh global weights leave AudioSR unchanged.
class SpatialTransformerImpl : public torch::nn::Module {
public:
    SpatialTransformerImpl(int channels, int heads, int headDim, int depth, int globalContext /*0: none*/);
    torch::Tensor forward(torch::Tensor x, const torch::Tensor &globalCtx);
    GroupNorm32 norm{nullptr};
    torch::nn::Conv2d proj_in{nullptr}, proj_out{nullptr};
    torch::nn::ModuleList transformer_blocks{nullptr};
    torch::nn::Linear global_proj{nullptr};
    nn::MultiheadAttention global_attn{nullptr};
};
TORCH_MODULE(SpatialTransformer);

class SrUNetImpl : public torch::nn::Module {
public:
    SrUNetImpl(const SrUNetConfig &cfg, int globalContext /*0: no global conditioning*/);
    // x [B,in,H,W], t [B] (int64 or float), globalCtx [B,ctx] or undefined -> [B,out,H,W].
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &globalCtx = {});
    // Every block's output shape, in order (tests, `params`).
    std::vector<std::pair<std::string, std::vector<int64_t>>> traceShapes(const torch::Tensor &x,
                                                                           const torch::Tensor &t);
    const SrUNetConfig &config() const { return m_cfg; }
    int spatialTransformers() const { return m_transformers; }

    torch::nn::Sequential time_embed{nullptr}, out{nullptr};
    torch::nn::ModuleList input_blocks{nullptr}, output_blocks{nullptr};
    torch::nn::ModuleList middle_block{nullptr};

private:
    torch::Tensor runBlock(torch::nn::ModuleListImpl &block, torch::Tensor h, const torch::Tensor &emb,
                           const torch::Tensor &ctx);
    torch::Tensor run(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &ctx,
                      std::vector<std::pair<std::string, std::vector<int64_t>>> *trace);
    SrUNetConfig m_cfg;
    int m_transformers = 0;
};
TORCH_MODULE(SrUNet);

// Nearest x2 then conv (ldm/openaimodel Upsample); stride-2 conv (openaimodel Downsample: padding 1).
class UpsampleImpl : public torch::nn::Module {
public:
    explicit UpsampleImpl(int channels);
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample);

// ---- Global audio encoder (document 000) ------------------------------------

class GlobalAudioEncoderImpl : public torch::nn::Module {
public:
    GlobalAudioEncoderImpl(const SrGlobalConfig &cfg, int nMels);
    // mel [B,1,nMels,T] (frequency as height, T <= max_frames) -> [B,context].
    torch::Tensor forward(const torch::Tensor &mel);
    torch::nn::Sequential cnn{nullptr}, output_proj{nullptr};
    torch::nn::Linear input_proj{nullptr}, global_proj{nullptr};
    torch::Tensor pos_embedding;
    std::shared_ptr<torch::nn::Module> transformer;
    torch::nn::ModuleList layers{nullptr};

private:
    SrGlobalConfig m_cfg;
};
TORCH_MODULE(GlobalAudioEncoder);

// ---- The whole model --------------------------------------------------------

class SrModelImpl : public torch::nn::Module {
public:
    explicit SrModelImpl(const SrModelConfig &cfg);
    const SrModelConfig &config() const { return m_cfg; }

    // mel [B,T,nMels] (AudioSR's orientation) -> condition moments [B,2z,T/f,nMels/f],
    // with the condition encoder when there is one, else the first stage's.
    torch::Tensor conditionMoments(const torch::Tensor &mel);
    // mel [B,T,nMels] -> [B,context]; undefined when the model has no global encoder.
    torch::Tensor globalContext(const torch::Tensor &mel);
    // The diffusion model on the noisy latent x and the condition latent c (both
    // [B,z,h,w], c before scaling): UNet(cat(x, c * scale_factor), t, ctx).
    torch::Tensor denoise(const torch::Tensor &x, const torch::Tensor &c, const torch::Tensor &t,
                          const torch::Tensor &ctx);
    // z [B,z,h,w] (scaled) -> mel [B,T,nMels].
    torch::Tensor decodeLatent(const torch::Tensor &z);
    // mel [B,T,nMels] -> waveform [B, T * hop] (the vocoder's extra samples cut).
    torch::Tensor vocode(const torch::Tensor &mel);
    double scaleFactor() const { return scale_factor.item<double>(); }

    std::shared_ptr<torch::nn::Module> model;   // model.diffusion_model
    SrUNet diffusion_model{nullptr};
    AutoencoderKL first_stage_model{nullptr};
    torch::nn::ModuleList cond_stage_models{nullptr};
    VaeEncoderOnly cond_vae{nullptr};           // cond_stage_models.0.vae (may be null)
    GlobalAudioEncoder global_encoder{nullptr}; // may be null
    torch::Tensor scale_factor;

private:
    SrModelConfig m_cfg;
};
TORCH_MODULE(SrModel);

// Parameter counts of the model's parts (from the built modules).
struct PartCount {
    std::string name, prefix;
    int64_t tensors = 0, parameters = 0;
};
std::vector<PartCount> countParts(SrModelImpl &m);

} // namespace ms::models::sr
