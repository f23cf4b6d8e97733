#include "metrics/AudioMetrics.h"

#include "dsp/SlaneyMel.h"
#include "torch/Torch.h"

#include <algorithm>
#include <cmath>

namespace ms::metrics {

namespace {

torch::Tensor common(const std::vector<float> &x, size_t n) {
    return torch::from_blob(const_cast<float *>(x.data()), {int64_t(n)}, torch::kFloat32).to(torch::kFloat64);
}

torch::Tensor magnitude(const torch::Tensor &x, int64_t nfft, int64_t hop) {
    // Reflect padding needs more samples than half a window: zero-pad short signals first.
    auto y = x;
    if (y.size(0) <= nfft / 2) y = torch::constant_pad_nd(y, {0, nfft / 2 + 1 - y.size(0)});
    auto w = torch::hann_window(nfft, torch::TensorOptions().dtype(torch::kFloat64));
    return torch::stft(y, nfft, hop, nfft, w, true, "reflect", false, true, true).abs();   // [F, T]
}

} // namespace

double dacMelDistance(const std::vector<float> &estimate, const std::vector<float> &reference, int sampleRate) {
    const size_t n = std::min(estimate.size(), reference.size());
    if (n == 0) return 0.0;
    torch::NoGradGuard ng;
    auto e = common(estimate, n), r = common(reference, n);
    const int windows[] = {32, 64, 128, 256, 512, 1024, 2048};
    const int mels[] = {5, 10, 20, 40, 80, 160, 320};
    double total = 0;
    for (int s = 0; s < 7; ++s) {
        auto fb = dsp::slaneyMelFilterbank(sampleRate, windows[s], mels[s], 0.0, sampleRate / 2.0);
        auto basis = torch::from_blob(fb.data(), {mels[s], windows[s] / 2 + 1}, torch::kFloat32).to(torch::kFloat64);
        auto me = torch::matmul(basis, magnitude(e, windows[s], windows[s] / 4));
        auto mr = torch::matmul(basis, magnitude(r, windows[s], windows[s] / 4));
        total += (me.clamp_min(1e-5).log10() - mr.clamp_min(1e-5).log10()).abs().mean().item<double>();
    }
    return total;
}

double logSpectralDistance(const std::vector<float> &estimate, const std::vector<float> &reference, bool gainMatch,
                           int fromBin) {
    const size_t n = std::min(estimate.size(), reference.size());
    if (n == 0) return 0.0;
    torch::NoGradGuard ng;
    auto e = common(estimate, n), r = common(reference, n);
    if (gainMatch) {
        const double ee = (e * e).sum().item<double>();
        if (ee > 0) e = e * ((e * r).sum().item<double>() / ee);
    }
    auto pe = magnitude(e, 2048, 512).pow(2).clamp_min(1e-8).log10();
    auto pr = magnitude(r, 2048, 512).pow(2).clamp_min(1e-8).log10();
    if (fromBin > 0) {
        const int64_t from = std::min<int64_t>(fromBin, pe.size(0) - 1);
        pe = pe.narrow(0, from, pe.size(0) - from);
        pr = pr.narrow(0, from, pr.size(0) - from);
    }
    return (pe - pr).pow(2).mean(0).sqrt().mean().item<double>();
}

double siSdr(const std::vector<float> &estimate, const std::vector<float> &reference) {
    const size_t n = std::min(estimate.size(), reference.size());
    if (n == 0) return 0.0;
    double me = 0, mr = 0;
    for (size_t i = 0; i < n; ++i) me += estimate[i], mr += reference[i];
    me /= double(n), mr /= double(n);
    double er = 0, rr = 0;
    for (size_t i = 0; i < n; ++i) {
        er += (estimate[i] - me) * (reference[i] - mr);
        rr += (reference[i] - mr) * (reference[i] - mr);
    }
    if (rr <= 0) return 0.0;
    const double a = er / rr;
    double target = 0, noise = 0;
    for (size_t i = 0; i < n; ++i) {
        const double t = a * (reference[i] - mr), e = (estimate[i] - me) - t;
        target += t * t;
        noise += e * e;
    }
    return 10.0 * std::log10(std::max(target, 1e-20) / std::max(noise, 1e-20));
}

double multiResolutionStftDistance(const std::vector<float> &estimate, const std::vector<float> &reference) {
    const size_t n = std::min(estimate.size(), reference.size());
    if (n == 0) return 0.0;
    torch::NoGradGuard ng;
    auto e = common(estimate, n), r = common(reference, n);
    const int ffts[] = {2048, 1024, 512, 256, 128, 64, 32};
    double total = 0;
    for (int f : ffts) {
        auto me = magnitude(e, f, f / 4), mr = magnitude(r, f, f / 4);
        const double sc = ((mr - me).norm() / (mr.norm() + me.norm() + 1e-12)).item<double>();
        const double lm = (mr.clamp_min(1e-5).log() - me.clamp_min(1e-5).log()).abs().mean().item<double>();
        total += sc + lm;
    }
    return total / 7.0;
}

std::vector<PartDistances> channelDistances(const audio::AudioBuffer &estimate, const audio::AudioBuffer &reference) {
    std::vector<std::pair<std::string, std::pair<std::vector<float>, std::vector<float>>>> parts;
    const int ch = std::min(reference.channelCount(), estimate.channelCount());
    for (int c = 0; c < ch; ++c)
        parts.push_back({ch == 1 ? "mono" : c == 0 ? "left" : c == 1 ? "right" : "ch" + std::to_string(c),
                         {estimate.channels[size_t(c)], reference.channels[size_t(c)]}});
    if (reference.channelCount() == 2 && estimate.channelCount() == 2) {
        auto side = [](const audio::AudioBuffer &b) {
            std::vector<float> s(b.frames());
            for (size_t i = 0; i < s.size(); ++i) s[i] = 0.5f * (b.channels[0][i] - b.channels[1][i]);
            return s;
        };
        parts.push_back({"side", {side(estimate), side(reference)}});
    }
    std::vector<PartDistances> out;
    for (const auto &[name, pr] : parts)
        out.push_back({name, dacMelDistance(pr.first, pr.second, reference.sampleRate),
                       multiResolutionStftDistance(pr.first, pr.second), siSdr(pr.first, pr.second)});
    return out;
}

} // namespace ms::metrics
