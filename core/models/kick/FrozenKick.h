#pragma once
// CPU inference copies of the kick LatentUNet and VAE decoder built from
// nn/Frozen.h: pre-packed oneDNN convolutions (float32 or bfloat16),
// transposed convolutions in sub-pixel form, and the six blocks'
// conditioning projections fused into one matrix product per call. Same
// function as the modules up to rounding (tests/models checks both). The
// source module must outlive the copy (GroupNorms and the time MLP are shared).

#include "models/kick/Diffusion.h"
#include "models/kick/UNet.h"
#include "models/kick/Vae.h"
#include "nn/Frozen.h"

#include <functional>
#include <memory>

namespace ms::models::kick {

using nn::Precision;

class FrozenUNet {
public:
    FrozenUNet(LatentUNetImpl &unet, Precision precision);
    ~FrozenUNet();
    // As LatentUNetImpl::forward; safe to call from several threads.
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond) const;
    Precision precision() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// The sampler's view of a frozen UNet (it must outlive the returned function).
EpsModel epsModel(const FrozenUNet &unet);

class FrozenVaeDecoder {
public:
    FrozenVaeDecoder(KickVAEImpl &vae, Precision precision);
    ~FrozenVaeDecoder();
    // As KickVAEImpl::decode.
    torch::Tensor decode(const torch::Tensor &z) const;

private:
    std::function<torch::Tensor(const torch::Tensor &)> m_net;
    int64_t m_nMels, m_frames;
};

} // namespace ms::models::kick
