#pragma once
// Attention and transformer blocks shared by the model families. Parameter
// names are PyTorch's, so state dicts map one to one:
// - MultiheadAttention: torch.nn.MultiheadAttention with batch_first=True
//   (in_proj_weight [3E,E], in_proj_bias [3E], out_proj.{weight,bias}).
// - CrossAttention: the latent-diffusion CrossAttention (to_q/to_k/to_v without
//   bias, to_out.0 with bias); self-attention when no context is given.
// - TransformerEncoderLayer: torch.nn.TransformerEncoderLayer(batch_first=True,
//   norm_first=False, activation relu): self_attn, linear1, linear2, norm1, norm2.
// - ConvolutionModule / VitBlock: the pre-norm ViT block of BSQ-ViT (open_clip's
//   ResidualAttentionBlock: ln_1, attn, ln_2, mlp.c_fc, mlp.c_proj) with the
//   audio fork's optional Conformer convolution module between attention and MLP
//   (ln_conv, conv_module.{layer_norm, pointwise_conv1, depthwise_conv,
//   batch_norm, pointwise_conv2}).
// Dropout is an inference no-op here and a training option where noted.

#include "torch/Torch.h"

namespace ms::nn {

// softmax(q k^T * scale) v for q [B,H,N,D], k/v [B,H,M,D].
torch::Tensor scaledDotAttention(const torch::Tensor &q, const torch::Tensor &k, const torch::Tensor &v,
                                 double scale);

class MultiheadAttentionImpl : public torch::nn::Module {
public:
    MultiheadAttentionImpl(int64_t embedDim, int64_t heads);
    // query [B,N,E], key/value [B,M,E] -> [B,N,E].
    torch::Tensor forward(const torch::Tensor &query, const torch::Tensor &key, const torch::Tensor &value);
    // The output for a single key/value token (M == 1): softmax over one key is
    // exactly 1, so every query position receives out_proj(W_v kv + b_v). kv [B,E]
    // -> [B,E]; forward() with M == 1 equals this broadcast over N.
    torch::Tensor singleTokenOutput(const torch::Tensor &kv);
    int64_t heads() const { return m_heads; }

    torch::Tensor in_proj_weight, in_proj_bias;
    torch::nn::Linear out_proj{nullptr};

private:
    int64_t m_embed, m_heads;
};
TORCH_MODULE(MultiheadAttention);

class CrossAttentionImpl : public torch::nn::Module {
public:
    CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t headDim);
    // x [B,N,queryDim], context [B,M,contextDim] or undefined (self-attention).
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &context = {});

    torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
    torch::nn::Sequential to_out{nullptr};

private:
    int64_t m_heads, m_headDim;
};
TORCH_MODULE(CrossAttention);

class TransformerEncoderLayerImpl : public torch::nn::Module {
public:
    TransformerEncoderLayerImpl(int64_t dModel, int64_t heads, int64_t feedForward, double dropout = 0.1);
    // Post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x)). x [B,T,d].
    torch::Tensor forward(torch::Tensor x);

    MultiheadAttention self_attn{nullptr};
    torch::nn::Linear linear1{nullptr}, linear2{nullptr};
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Dropout dropout{nullptr}, dropout1{nullptr}, dropout2{nullptr};
};
TORCH_MODULE(TransformerEncoderLayer);

// Conformer's convolution module over a token sequence: LayerNorm -> pointwise
// conv d -> 2d -> GLU -> depthwise conv (kernel k, 'same' padding) -> BatchNorm
// -> SiLU -> pointwise conv d -> d. x [B,N,d] -> [B,N,d].
class ConvolutionModuleImpl : public torch::nn::Module {
public:
    ConvolutionModuleImpl(int64_t dModel, int64_t kernel);
    torch::Tensor forward(const torch::Tensor &x);

    torch::nn::LayerNorm layer_norm{nullptr};
    torch::nn::Conv1d pointwise_conv1{nullptr}, depthwise_conv{nullptr}, pointwise_conv2{nullptr};
    torch::nn::BatchNorm1d batch_norm{nullptr};
};
TORCH_MODULE(ConvolutionModule);

// Pre-norm block: x += attn(ln_1(x)); [x += conv_module(ln_conv(x))]; x += mlp(ln_2(x)),
// mlp = Linear(d, mlpRatio d) -> GELU -> Linear. Weights as BSQ-ViT initialises
// them: N(0, 0.02) (not truncated: |w| > 0.04 is ~5 % of draws), biases 0.
// `convKernel` 0: no convolution module.
class VitBlockImpl : public torch::nn::Module {
public:
    VitBlockImpl(int64_t dModel, int64_t heads, double mlpRatio, int64_t convKernel);
    torch::Tensor forward(torch::Tensor x);   // [B,N,d]

    torch::nn::LayerNorm ln_1{nullptr}, ln_2{nullptr}, ln_conv{nullptr};
    MultiheadAttention attn{nullptr};
    ConvolutionModule conv_module{nullptr};
    torch::nn::Sequential mlp{nullptr};
};
TORCH_MODULE(VitBlock);

} // namespace ms::nn
