#include "models/sr/Frontend.h"

#include "dsp/SlaneyMel.h"

namespace ms::models::sr {

SrFrontend::SrFrontend(const SrMelConfig &cfg) : m_cfg(cfg) {
    auto fb = dsp::slaneyMelFilterbank(cfg.sampleRate, cfg.nFft, cfg.nMels, cfg.fMin, cfg.fMax);
    m_basis = torch::from_blob(fb.data(), {cfg.nMels, cfg.nFft / 2 + 1}, torch::kFloat32).clone();
    m_window = torch::hann_window(cfg.nFft, torch::TensorOptions().dtype(torch::kFloat32));
}

torch::Tensor SrFrontend::magnitude(const torch::Tensor &wave) const {
    const int64_t pad = (m_cfg.nFft - m_cfg.hop) / 2;
    auto x = torch::reflection_pad1d(wave.unsqueeze(1), {pad, pad}).squeeze(1);
    auto spec = torch::stft(x, m_cfg.nFft, m_cfg.hop, m_cfg.nFft, m_window.to(x.device()), /*center=*/false,
                            "reflect", /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
    return spec.abs().transpose(1, 2);   // [B,T,F]
}

torch::Tensor SrFrontend::melFromMagnitude(const torch::Tensor &mag) const {
    return torch::matmul(mag, m_basis.to(mag.device()).t()).clamp_min(1e-5).log();
}

torch::Tensor SrFrontend::logMel(const torch::Tensor &wave) const { return melFromMagnitude(magnitude(wave)); }

int64_t locateCutoffBin(const std::vector<double> &energy, double percentile) {
    if (energy.empty()) return 0;
    std::vector<double> cum(energy.size());
    double s = 0;
    for (size_t i = 0; i < energy.size(); ++i) cum[i] = s += energy[i];
    const double limit = cum.back() * percentile;
    for (size_t i = 1; i < cum.size(); ++i)
        if (cum[cum.size() - i] < limit) return int64_t(cum.size() - i);
    return 0;
}

} // namespace ms::models::sr
