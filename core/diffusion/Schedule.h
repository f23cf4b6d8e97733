#pragma once
// Noise schedules and the DDIM sampler's arithmetic, shared by the diffusion
// families. The formulas are latent-diffusion's (CompVis ldm util.py, as
// AudioSR uses them): betas in float64, cumulative products, DDIM timesteps
// "uniform" = range(0, T, T / N) + 1, sigma = eta * sqrt((1 - a_prev) / (1 - a)
// * (1 - a / a_prev)). Nothing here touches a model.

#include "torch/Torch.h"

#include <string>
#include <vector>

namespace ms::diffusion {

enum class BetaSchedule { Linear, Cosine };
enum class Parameterization { Eps, V };

// "linear": linspace(sqrt(start), sqrt(end), T)^2; "cosine": Nichol & Dhariwal
// with offset s, unclipped (the last beta is 1 for s = 0.008, as in AudioSR).
std::vector<double> makeBetas(BetaSchedule schedule, int timesteps, double linearStart = 1e-4,
                              double linearEnd = 2e-2, double cosineS = 8e-3);
std::vector<double> cumulativeAlphas(const std::vector<double> &betas);

struct DdimSchedule {
    std::vector<int64_t> timesteps;                 // ascending, e.g. 1, 21, ..., 981 for N = 50 of 1000
    std::vector<double> alphas, alphasPrev, sigmas; // per index (ascending)
};
// Throws std::invalid_argument when steps is not in [1, T].
DdimSchedule makeDdimSchedule(const std::vector<double> &alphasCumprod, int steps, double eta);

// One DDIM update for one index (in ascending order: the loop runs index
// N-1 down to 0). `output` is the model's prediction in its parameterisation;
// `noise` is only read when sigma > 0. Returns x_{prev}; pred_x0 when asked.
torch::Tensor ddimStep(const torch::Tensor &x, const torch::Tensor &output, Parameterization p, double alpha,
                       double alphaPrev, double sigma, const torch::Tensor &noise, torch::Tensor *predX0 = nullptr);

// v-parameterisation helpers at cumulative alpha a: x0 = sqrt(a) x - sqrt(1-a) v,
// eps = sqrt(a) v + sqrt(1-a) x, v = sqrt(a) eps - sqrt(1-a) x0.
torch::Tensor x0FromV(const torch::Tensor &x, const torch::Tensor &v, double a);
torch::Tensor epsFromV(const torch::Tensor &x, const torch::Tensor &v, double a);

} // namespace ms::diffusion
