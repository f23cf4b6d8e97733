// Noise schedules and DDIM arithmetic (see Schedule.h).
#include "diffusion/Schedule.h"

#include <cmath>
#include <stdexcept>

namespace ms::diffusion {

std::vector<double> makeBetas(BetaSchedule schedule, int timesteps, double linearStart, double linearEnd,
                              double cosineS) {
    if (timesteps < 1) throw std::invalid_argument("makeBetas: timesteps must be positive");
    std::vector<double> betas(static_cast<size_t>(timesteps));
    if (schedule == BetaSchedule::Linear) {
        const double a = std::sqrt(linearStart), b = std::sqrt(linearEnd);
        for (int i = 0; i < timesteps; ++i) {
            const double s = timesteps == 1 ? a : a + (b - a) * double(i) / double(timesteps - 1);
            betas[size_t(i)] = s * s;
        }
        return betas;
    }
    std::vector<double> f(size_t(timesteps) + 1);
    for (int i = 0; i <= timesteps; ++i) {
        const double t = double(i) / timesteps + cosineS;
        const double c = std::cos(t / (1.0 + cosineS) * M_PI / 2.0);
        f[size_t(i)] = c * c;
    }
    const double f0 = f[0];
    for (auto &v : f) v /= f0;
    for (int i = 0; i < timesteps; ++i) betas[size_t(i)] = 1.0 - f[size_t(i) + 1] / f[size_t(i)];
    return betas;
}

std::vector<double> cumulativeAlphas(const std::vector<double> &betas) {
    std::vector<double> out(betas.size());
    double p = 1.0;
    for (size_t i = 0; i < betas.size(); ++i) out[i] = p *= (1.0 - betas[i]);
    return out;
}

DdimSchedule makeDdimSchedule(const std::vector<double> &ac, int steps, double eta) {
    const int T = int(ac.size());
    if (steps < 1 || steps > T)
        throw std::invalid_argument("DDIM: steps must be between 1 and " + std::to_string(T) + ", got " +
                                    std::to_string(steps));
    const int c = T / steps;
    DdimSchedule s;
    for (int t = 0; t < T; t += c) s.timesteps.push_back(t + 1);
    // range(0, T, c) may give more than `steps` entries when T % steps != 0 (as in ldm).
    for (size_t i = 0; i < s.timesteps.size(); ++i) {
        const int64_t t = std::min<int64_t>(s.timesteps[i], T - 1);
        s.timesteps[i] = t;
        const double a = ac[size_t(t)];
        const double ap = i == 0 ? ac[0] : ac[size_t(s.timesteps[i - 1])];
        s.alphas.push_back(a);
        s.alphasPrev.push_back(ap);
        const double var = (1.0 - ap) / (1.0 - a) * (1.0 - a / ap);
        s.sigmas.push_back(eta * std::sqrt(std::max(0.0, var)));
    }
    return s;
}

torch::Tensor x0FromV(const torch::Tensor &x, const torch::Tensor &v, double a) {
    return std::sqrt(a) * x - std::sqrt(1.0 - a) * v;
}

torch::Tensor epsFromV(const torch::Tensor &x, const torch::Tensor &v, double a) {
    return std::sqrt(a) * v + std::sqrt(1.0 - a) * x;
}

torch::Tensor ddimStep(const torch::Tensor &x, const torch::Tensor &output, Parameterization p, double a,
                       double aPrev, double sigma, const torch::Tensor &noise, torch::Tensor *predX0) {
    torch::Tensor eps, x0;
    if (p == Parameterization::V) {
        eps = epsFromV(x, output, a);
        x0 = x0FromV(x, output, a);
    } else {
        eps = output;
        x0 = (x - std::sqrt(1.0 - a) * eps) / std::sqrt(a);
    }
    auto out = std::sqrt(aPrev) * x0 + std::sqrt(std::max(0.0, 1.0 - aPrev - sigma * sigma)) * eps;
    if (sigma > 0) out = out + sigma * noise;
    if (predX0) *predX0 = x0;
    return out;
}

} // namespace ms::diffusion
