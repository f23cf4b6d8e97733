#pragma once
// Linear-beta noise schedule and the DDIM / DDPM samplers with
// classifier-free guidance (one batched UNet call per step).

#include "models/kick/Config.h"
#include "models/kick/UNet.h"
#include "torch/Torch.h"

#include <atomic>
#include <functional>
#include <vector>

namespace ms::models::kick {

class NoiseSchedule {
public:
    explicit NoiseSchedule(const DiffusionConfig &cfg, torch::Device device = torch::kCPU);
    // q(x_t | x_0) = sqrt(abar_t) x0 + sqrt(1 - abar_t) noise, t [B] int64.
    torch::Tensor addNoise(const torch::Tensor &x0, const torch::Tensor &noise, const torch::Tensor &t) const;
    int timesteps() const { return m_cfg.timesteps; }
    const torch::Tensor &betas() const { return m_betas; }                  // [T] float32
    const torch::Tensor &alphasCumprod() const { return m_alphasCumprod; }  // [T] float32
    double alphaBar(int t) const { return m_abar[size_t(t)]; }
    double beta(int t) const { return m_beta[size_t(t)]; }
    // The reference DDIM sub-sequence: T-1, T-1-s, ... (s = T / steps), `steps` long.
    std::vector<int> ddimTimesteps(int steps) const;

private:
    DiffusionConfig m_cfg;
    torch::Tensor m_betas, m_alphasCumprod;
    std::vector<double> m_beta, m_abar;
};

// Called after each step with the current latent x [B,C,H,W] (step 1-based).
using LatentCallback = std::function<void(int step, int total, const torch::Tensor &x)>;

struct SampleOptions {
    int steps = 50;          // DDIM steps (DDPM uses every timestep)
    double eta = 0.0;        // DDIM stochasticity
    double guidance = 3.0;   // CFG scale; 1 = conditional prediction only
};

// What a sampler calls: eps(x [B,C,H,W], t [B] int64, cond [B,condDim]).
// LatentUNetImpl::forward, or a FrozenUNet's on CPU.
using EpsModel = std::function<torch::Tensor(const torch::Tensor &x, const torch::Tensor &t, const torch::Tensor &cond)>;
EpsModel epsModel(LatentUNetImpl &unet);

// eps = u + g (c - u) with c and u from ONE call on the stacked batch;
// guidance == 1 or an undefined uncond gives the conditional prediction.
torch::Tensor guidedEps(const EpsModel &eps, const torch::Tensor &x, const torch::Tensor &t,
                        const torch::Tensor &cond, const torch::Tensor &uncond, double guidance);
torch::Tensor guidedEps(LatentUNetImpl &unet, const torch::Tensor &x, const torch::Tensor &t,
                        const torch::Tensor &cond, const torch::Tensor &uncond, double guidance);

// Noise [B,...] with row i drawn from gens[i] (CPU), moved to `device`.
torch::Tensor seededNoise(std::vector<at::Generator> &gens, c10::IntArrayRef rowShape, torch::Device device);
// One CPU generator per row: seed + i.
std::vector<at::Generator> makeGenerators(uint64_t seed, int count);

// DDIM sampling from x_T drawn from gens (row i from gens[i]); returns x_0, or
// an undefined tensor when *cancel became true (checked before every step).
torch::Tensor ddim(const EpsModel &eps, const NoiseSchedule &schedule, const torch::Tensor &cond,
                   const torch::Tensor &uncond, c10::IntArrayRef rowShape, std::vector<at::Generator> &gens,
                   const SampleOptions &opt, const LatentCallback &onStep = {},
                   const std::atomic<bool> *cancel = nullptr);
torch::Tensor ddim(LatentUNetImpl &unet, const NoiseSchedule &schedule, const torch::Tensor &cond,
                   const torch::Tensor &uncond, c10::IntArrayRef rowShape, std::vector<at::Generator> &gens,
                   const SampleOptions &opt, const LatentCallback &onStep = {},
                   const std::atomic<bool> *cancel = nullptr);
// Ancestral DDPM over all timesteps (posterior variance), same contract.
torch::Tensor ddpm(const EpsModel &eps, const NoiseSchedule &schedule, const torch::Tensor &cond,
                   const torch::Tensor &uncond, c10::IntArrayRef rowShape, std::vector<at::Generator> &gens,
                   const SampleOptions &opt, const LatentCallback &onStep = {},
                   const std::atomic<bool> *cancel = nullptr);
torch::Tensor ddpm(LatentUNetImpl &unet, const NoiseSchedule &schedule, const torch::Tensor &cond,
                   const torch::Tensor &uncond, c10::IntArrayRef rowShape, std::vector<at::Generator> &gens,
                   const SampleOptions &opt, const LatentCallback &onStep = {},
                   const std::atomic<bool> *cancel = nullptr);

} // namespace ms::models::kick
