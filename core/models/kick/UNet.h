#pragma once
// Keyword text encoder and the LatentUNet noise predictor of design document
// 004 ("Diffusion Model Training"). Names follow the reference PyTorch code
// (time_mlp, down_in, down1, down_conv1, ..., mid_attn, up_conv2, up2,
// up_reduce2, ..., out_norm, out_conv; KeywordEncoder embedding/proj/null_embedding).

#include "models/kick/Config.h"
#include "torch/Torch.h"

namespace ms::models::kick {

class KeywordEncoderImpl : public torch::nn::Module {
public:
    explicit KeywordEncoderImpl(const TextConfig &cfg);
    // ids [B,K] int64 with -1 as padding -> [B,condDim]; a row without any
    // keyword gives null_embedding exactly.
    torch::Tensor forward(const torch::Tensor &ids);
    // The unconditional vector broadcast to [B,condDim].
    torch::Tensor nullCond(int64_t batch);
    // Pads keyword id lists into [B,K] (-1 padding, K >= 1).
    static torch::Tensor padIds(const std::vector<std::vector<int64_t>> &rows);

    torch::nn::Embedding embedding{nullptr};
    torch::nn::Linear proj{nullptr};
    torch::Tensor null_embedding;
};
TORCH_MODULE(KeywordEncoder);

// Sinusoidal timestep embedding [B,dim]: cat(cos(t f), sin(t f)), f = 10000^(-i/half).
torch::Tensor sinusoidalEmbedding(const torch::Tensor &t, int dim);

class CondResBlockImpl : public torch::nn::Module {
public:
    CondResBlockImpl(int channels, int condDim, int groups);
    // x + conv2(silu(norm2(conv1(silu(norm1(x))) + cond_proj(c)))).
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &c);
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
    torch::nn::Linear cond_proj{nullptr};
};
TORCH_MODULE(CondResBlock);

class SelfAttention2dImpl : public torch::nn::Module {
public:
    SelfAttention2dImpl(int channels, int groups, int heads = 1);
    // x + out(attention over the h*w positions of qkv(norm(x))).
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d qkv{nullptr}, out{nullptr};

private:
    int m_heads;
};
TORCH_MODULE(SelfAttention2d);

class LatentUNetImpl : public torch::nn::Module {
public:
    explicit LatentUNetImpl(const UNetConfig &cfg);
    // x [B,4,8,11], t [B] int64, cond [B,condDim] (text) -> eps [B,4,8,11].
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond);
    // Shapes after each stage for a given input (for tests and docs):
    // down1, down2, down_conv2, mid, up2, up1, out.
    std::vector<std::pair<std::string, std::vector<int64_t>>> traceShapes(const torch::Tensor &x,
                                                                           const torch::Tensor &t,
                                                                           const torch::Tensor &cond);
    const UNetConfig &config() const { return m_cfg; }

    torch::nn::Sequential time_mlp{nullptr};
    torch::nn::Conv2d down_in{nullptr}, down_conv1{nullptr}, down_conv2{nullptr};
    CondResBlock down1{nullptr}, down2{nullptr}, mid1{nullptr}, mid2{nullptr}, up2{nullptr}, up1{nullptr};
    SelfAttention2d mid_attn{nullptr};
    torch::nn::ConvTranspose2d up_conv2{nullptr}, up_conv1{nullptr};
    torch::nn::Conv2d up_reduce2{nullptr}, up_reduce1{nullptr};
    torch::nn::GroupNorm out_norm{nullptr};
    torch::nn::Conv2d out_conv{nullptr};

private:
    torch::Tensor run(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond,
                      std::vector<std::pair<std::string, std::vector<int64_t>>> *trace);
    UNetConfig m_cfg;
};
TORCH_MODULE(LatentUNet);

} // namespace ms::models::kick
