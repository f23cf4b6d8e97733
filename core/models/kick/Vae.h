#pragma once
// KickVAE (design document 004, "VAE Training"): log-mel (1,128,173) <-> latent
// (4,8,11). Submodule names follow the reference PyTorch implementation
// (encoder.net.N, encoder.conv_mu, decoder.net.N, ResBlock .block.N) so state
// dicts map one to one.

#include "models/kick/Config.h"
#include "torch/Torch.h"

#include <utility>

namespace ms::models::kick {

// x + [GroupNorm, SiLU, Conv3x3, GroupNorm, SiLU, Conv3x3](x), as `block`.
class VaeResBlockImpl : public torch::nn::Module {
public:
    VaeResBlockImpl(int channels, int groups);
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Sequential block{nullptr};
};
TORCH_MODULE(VaeResBlock);

class VaeEncoderImpl : public torch::nn::Module {
public:
    explicit VaeEncoderImpl(const VaeConfig &cfg);
    // x [B,1,nMels,frames] -> (mu, logvar) [B,latent,h,w].
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor &x);
    torch::nn::Sequential net{nullptr};
    torch::nn::Conv2d conv_mu{nullptr}, conv_logvar{nullptr};
};
TORCH_MODULE(VaeEncoder);

class VaeDecoderImpl : public torch::nn::Module {
public:
    explicit VaeDecoderImpl(const VaeConfig &cfg);
    // z [B,latent,h,w] -> [B,1,nMels,frames] (cropped).
    torch::Tensor forward(const torch::Tensor &z);
    torch::nn::Sequential net{nullptr};

private:
    int m_nMels, m_frames;
};
TORCH_MODULE(VaeDecoder);

struct VaeOutput {
    torch::Tensor recon, mu, logvar;
};

class KickVAEImpl : public torch::nn::Module {
public:
    explicit KickVAEImpl(const VaeConfig &cfg);
    // (mu, logvar) of x [B,1,nMels,frames].
    std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor &x);
    // Log-mel [B,1,nMels,frames] from z [B,latent,h,w].
    torch::Tensor decode(const torch::Tensor &z);
    // Reparameterised z = mu + eps*std when is_training(), z = mu otherwise.
    VaeOutput forward(const torch::Tensor &x);
    // Same with eps drawn from gen (reproducible training).
    VaeOutput forward(const torch::Tensor &x, c10::optional<at::Generator> gen);

    const VaeConfig &config() const { return m_cfg; }
    VaeEncoder encoder{nullptr};
    VaeDecoder decoder{nullptr};

private:
    VaeConfig m_cfg;
};
TORCH_MODULE(KickVAE);

// Latent spatial size the encoder produces for the configured mel size.
std::pair<int, int> vaeLatentSize(const VaeConfig &cfg);

} // namespace ms::models::kick
