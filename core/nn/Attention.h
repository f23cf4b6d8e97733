#pragma once
// Attention and transformer blocks shared by the model families. Parameter
// names are PyTorch's, so state dicts map one to one:
// - MultiheadAttention: torch.nn.MultiheadAttention with batch_first=True
//   (in_proj_weight [3E,E], in_proj_bias [3E], out_proj.{weight,bias}).
// - CrossAttention: the latent-diffusion CrossAttention (to_q/to_k/to_v without
//   bias, to_out.0 with bias); self-attention when no context is given.
// - TransformerEncoderLayer: torch.nn.TransformerEncoderLayer(batch_first=True,
//   norm_first=False, activation relu): self_attn, linear1, linear2, norm1, norm2.
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

} // namespace ms::nn
