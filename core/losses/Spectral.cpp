#include "losses/Spectral.h"

#include <cmath>
#include <stdexcept>

namespace ms::losses {

MultiResolutionStftLoss::MultiResolutionStftLoss(std::vector<int> ffts, torch::Device device, SpectralConvergence sc)
    : m_ffts(std::move(ffts)), m_device(device), m_sc(sc) {
    if (m_ffts.empty()) throw std::invalid_argument("MultiResolutionStftLoss: no FFT sizes");
    for (int f : m_ffts) {
        if (f < 4) throw std::invalid_argument("MultiResolutionStftLoss: FFT sizes must be at least 4");
        m_windows[f] = torch::hann_window(f, torch::TensorOptions().dtype(torch::kFloat32)).to(device);
    }
}

StftLossTerms MultiResolutionStftLoss::operator()(const torch::Tensor &g, const torch::Tensor &y) {
    torch::Tensor sc, lm;
    for (int fft : m_ffts) {
        const auto &w = m_windows[fft];
        auto mag = [&](const torch::Tensor &x) {
            auto s = torch::stft(x, fft, fft / 4, fft, w, true, "reflect", false, true, true);
            return torch::view_as_real(s).pow(2).sum(-1).add(1e-9).sqrt();
        };
        auto my = mag(y), mg = mag(g);
        auto s = m_sc == SpectralConvergence::Symmetric
                         ? (my - mg).norm() / (my.norm() + mg.norm()).clamp_min(1e-6)
                         : (my - mg).norm() / my.norm().clamp_min(1e-3 * std::sqrt(double(my.numel())));
        auto l = (torch::log(my.clamp_min(1e-5)) - torch::log(mg.clamp_min(1e-5))).abs().mean();
        sc = sc.defined() ? sc + s : s;
        lm = lm.defined() ? lm + l : l;
    }
    const double n = double(m_ffts.size());
    return {sc / n, lm / n};
}

} // namespace ms::losses
