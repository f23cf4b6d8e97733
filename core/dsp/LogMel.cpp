// Log-mel and Griffin-Lim: the tensor transform and the plain-vector API over it.
#include "dsp/LogMel.h"
#include "dsp/LogMelTorch.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace ms::dsp {

LogMelTransform::LogMelTransform(const MelConfig &cfg, torch::Device device) : m_cfg(cfg) {
    if (cfg.nFft <= 0 || cfg.hop <= 0 || cfg.nMels <= 0 || cfg.sampleRate <= 0)
        throw std::invalid_argument("invalid mel configuration");
    auto fb = melFilterbank(cfg);
    m_fb = torch::from_blob(fb.data(), {cfg.nFreqs(), cfg.nMels}, torch::kFloat32).clone().to(device);
    m_fbPinv = torch::linalg_pinv(m_fb.to(torch::kFloat64)).to(torch::kFloat32).to(device);  // [nMels, nFreqs]
    m_window = torch::hann_window(cfg.nFft, torch::TensorOptions().dtype(torch::kFloat32)).to(device);
    const int64_t K = cfg.nFreqs(), M = cfg.nMels;
    m_bandLo.assign(size_t(M), 0);
    m_bandW.assign(size_t(M), {});
    m_binCover.assign(size_t(K), 0.0f);
    for (int64_t m = 0; m < M; ++m) {
        int64_t lo = K, hi = -1;
        for (int64_t k = 0; k < K; ++k)
            if (fb[size_t(k * M + m)] != 0.0f) lo = std::min(lo, k), hi = std::max(hi, k);
        if (hi < lo) continue;
        m_bandLo[size_t(m)] = lo;
        for (int64_t k = lo; k <= hi; ++k) {
            const float w = fb[size_t(k * M + m)];
            m_bandW[size_t(m)].push_back(w);
            m_binCover[size_t(k)] += w;
        }
    }
    // Bins no band covers (DC below an HTK filterbank's first triangle, bins
    // above fMax) take the gain of the nearest covered bin.
    m_gainSource.assign(size_t(K), -1);
    int64_t last = -1;
    for (int64_t k = 0; k < K; ++k) {
        if (m_binCover[size_t(k)] > 1e-8f) last = k;
        m_gainSource[size_t(k)] = last;
    }
    int64_t next = -1;
    for (int64_t k = K - 1; k >= 0; --k) {
        if (m_binCover[size_t(k)] > 1e-8f) next = k;
        const int64_t before = m_gainSource[size_t(k)];
        if (before < 0 || (next >= 0 && next - k < k - before)) m_gainSource[size_t(k)] = next;
    }
}

torch::Tensor LogMelTransform::melPower(const torch::Tensor &wave) const {
    const bool batched = wave.dim() == 2;
    auto x = batched ? wave : wave.unsqueeze(0);
    x = x.to(m_window.device(), torch::kFloat32);
    auto spec = torch::stft(x, m_cfg.nFft, m_cfg.hop, m_cfg.nFft, m_window, /*center=*/true, "reflect",
                            /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
    auto power = torch::view_as_real(spec).pow(2).sum(-1);   // [B, nFreqs, frames]
    auto mel = torch::matmul(power.transpose(1, 2), m_fb).transpose(1, 2);
    return batched ? mel : mel.squeeze(0);
}

torch::Tensor LogMelTransform::operator()(const torch::Tensor &wave) const {
    return torch::log(torch::clamp_min(melPower(wave), m_cfg.logFloor));
}

torch::Tensor LogMelTransform::melToMagnitude(const torch::Tensor &logMel) const {
    auto mel = torch::exp(logMel.to(m_fbPinv.device(), torch::kFloat32));
    // [.., nMels, T] -> [.., nFreqs, T]
    auto power = torch::matmul(m_fbPinv.t(), mel).clamp_min(0.0);
    return power.sqrt();
}

torch::Tensor LogMelTransform::stftFrames(const torch::Tensor &wave) const {
    const int64_t n = m_cfg.nFft, hop = m_cfg.hop;
    auto x = torch::reflection_pad1d(wave.unsqueeze(1), {n / 2, n / 2}).squeeze(1);   // [B, T + n]
    auto frames = x.unfold(-1, n, hop) * m_window;                                     // [B, frames, n]
    return torch::fft::rfft(frames, n, -1);                                            // [B, frames, nFreqs]
}

torch::Tensor LogMelTransform::stft(const torch::Tensor &wave) const { return stftFrames(wave).transpose(1, 2); }

torch::Tensor LogMelTransform::overlapAdd(const torch::Tensor &frames) const {
    const int64_t hop = m_cfg.hop, k = m_cfg.nFft / hop, B = frames.size(0), T = frames.size(1);
    auto chunks = frames.reshape({B, T, k, hop});
    auto out = torch::zeros({B, T + k - 1, hop}, frames.options());
    for (int64_t j = 0; j < k; ++j) out.narrow(1, j, T).add_(chunks.select(2, j));
    return out.reshape({B, (T + k - 1) * hop});
}

torch::Tensor LogMelTransform::windowEnvelope(int64_t T, int64_t length) const {
    const int64_t n = m_cfg.nFft, hop = m_cfg.hop;
    auto wsq = (m_window * m_window).reshape({1, 1, n}).expand({1, T, n});
    auto e = overlapAdd(wsq).squeeze(0).narrow(0, n / 2, std::min(length, (T - 1) * hop + n - n / 2));
    return torch::where(e > 1e-11, e, torch::ones_like(e));
}

torch::Tensor LogMelTransform::istft(const torch::Tensor &spec, int64_t length) const {
    const int64_t n = m_cfg.nFft, hop = m_cfg.hop;
    if (n % hop != 0)
        return torch::istft(spec, n, hop, n, m_window, true, false, true, length, false);
    const int64_t T = spec.size(2);
    auto frames = torch::fft::irfft(spec.transpose(1, 2), n, -1) * m_window;   // [B, T, n]
    auto env = windowEnvelope(T, length);
    auto y = overlapAdd(frames).narrow(1, n / 2, env.size(0)) / env;
    if (y.size(1) < length) y = torch::constant_pad_nd(y, {0, length - y.size(1)});
    return y;
}

torch::Tensor LogMelTransform::griffinLim(const torch::Tensor &magnitude, int iterations, int64_t length,
                                          double momentum, uint64_t seed) const {
    const bool batched = magnitude.dim() == 3;
    auto mag = (batched ? magnitude : magnitude.unsqueeze(0)).to(torch::kFloat32);
    auto gen = at::detail::createCPUGenerator(seed);
    auto phase = torch::rand(mag.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat32)) * (2 * M_PI);
    phase = phase.to(mag.device());
    // Frames-major and contiguous: [B, frames, nFreqs]. The spectrum carries the
    // target magnitude directly: spec = a |X| / |a| (one real factor per bin).
    const int64_t n = m_cfg.nFft, hop = m_cfg.hop;
    const int64_t T = mag.size(2);
    auto magTF = mag.transpose(1, 2).contiguous();
    std::function<torch::Tensor(const torch::Tensor &)> inverse;
    if (n % hop == 0) {
        auto envInv = 1.0 / windowEnvelope(T, length);
        const int64_t kept = envInv.size(0);
        inverse = [this, n, kept, envInv, length](const torch::Tensor &specTF) {
            auto y = overlapAdd(torch::fft::irfft(specTF, n, -1) * m_window).narrow(1, n / 2, kept) * envInv;
            return y.size(1) < length ? torch::constant_pad_nd(y, {0, length - y.size(1)}) : y;
        };
    } else {   // a hop that does not divide nFft: torch's istft
        inverse = [this, length](const torch::Tensor &specTF) { return istft(specTF.transpose(1, 2), length); };
    }
    auto spec = torch::polar(magTF, phase.transpose(1, 2).contiguous());
    torch::Tensor prev;
    const double c = momentum / (1.0 + momentum);
    for (int i = 0; i < iterations; ++i) {
        auto rebuilt = stftFrames(inverse(spec));
        auto a = momentum != 0.0 && prev.defined() ? rebuilt - prev * c : rebuilt;
        spec = a * (magTF / (a.abs() + 1e-16)).to(a.scalar_type());
        prev = rebuilt;
    }
    auto out = inverse(spec);
    return batched ? out : out.squeeze(0);
}

torch::Tensor LogMelTransform::matchMel(const torch::Tensor &wave, const torch::Tensor &logMel, int iterations,
                                        double maxGainDb) const {
    const bool batched = wave.dim() == 2;
    auto x = (batched ? wave : wave.unsqueeze(0)).to(m_window.device(), torch::kFloat32);
    auto lm = batched ? logMel : logMel.unsqueeze(0);
    if (lm.dim() != 3 || lm.size(0) != x.size(0) || lm.size(1) != m_cfg.nMels)
        throw std::invalid_argument("matchMel: the mel must be [" + std::to_string(m_cfg.nMels) +
                                    ", frames] per wave");
    const int64_t B = x.size(0), N = x.size(1), T = lm.size(2), K = m_cfg.nFreqs(), M = m_cfg.nMels;
    const float floor = m_cfg.logFloor;
    const float maxPower = float(std::pow(10.0, maxGainDb / 10.0)), minPower = 1.0f / maxPower;
    // Frames-major on the CPU: [B, T, M] targets, [B, F, K] powers and gains.
    auto target = torch::exp(lm.to(torch::kCPU, torch::kFloat32)).clamp_min(floor).transpose(1, 2).contiguous();
    const float *tg = target.data_ptr<float>();
    std::vector<float> ratio(static_cast<size_t>(M)), power(static_cast<size_t>(K)), gain(static_cast<size_t>(K));
    for (int i = 0; i < iterations; ++i) {
        // [B, F, K] complex, rescaled in place: per frame, the bins' power, the
        // bands' ratios, and each bin's gain applied to its real and imaginary part.
        auto spec = stftFrames(x).to(torch::kCPU).contiguous();
        const int64_t F = spec.size(1), n = std::min(F, T);   // frames past the mel keep gain 1
        float *sp = torch::view_as_real(spec).data_ptr<float>();
        for (int64_t b = 0; b < B; ++b)
            for (int64_t t = 0; t < n; ++t) {
                float *st = sp + 2 * (b * F + t) * K;
                const float *tt = tg + (b * T + t) * M;
                for (int64_t k = 0; k < K; ++k) power[size_t(k)] = st[2 * k] * st[2 * k] + st[2 * k + 1] * st[2 * k + 1];
                std::fill(gain.begin(), gain.end(), 0.0f);
                for (int64_t m = 0; m < M; ++m) {
                    const auto &w = m_bandW[size_t(m)];
                    const int64_t lo = m_bandLo[size_t(m)];
                    float acc = 0.0f;
                    for (size_t j = 0; j < w.size(); ++j) acc += w[j] * power[size_t(lo) + j];
                    const float r = std::clamp(tt[m] / std::max(acc, floor), minPower, maxPower);
                    for (size_t j = 0; j < w.size(); ++j) gain[size_t(lo) + j] += w[j] * r;
                }
                for (int64_t k = 0; k < K; ++k) {
                    const int64_t src = m_gainSource[size_t(k)];
                    const float gk = src >= 0 ? std::sqrt(gain[size_t(src)] / m_binCover[size_t(src)]) : 1.0f;
                    st[2 * k] *= gk;
                    st[2 * k + 1] *= gk;
                }
            }
        x = istft(spec.to(x.device()).transpose(1, 2), N);
    }
    return batched ? x : x.squeeze(0);
}

// ---------------------------------------------------------------- plain API

namespace {
const LogMelTransform &cachedTransform(const MelConfig &cfg) {
    thread_local std::unique_ptr<LogMelTransform> t;
    if (!t || !(t->config() == cfg)) t = std::make_unique<LogMelTransform>(cfg);
    return *t;
}
} // namespace

MelImage logMel(const std::vector<float> &mono, const MelConfig &cfg) {
    c10::InferenceMode guard;
    const auto &t = cachedTransform(cfg);
    MelImage img;
    img.nMels = cfg.nMels;
    img.frames = cfg.framesFor(mono.size());
    img.data.assign(size_t(img.nMels) * img.frames, std::log(cfg.logFloor));
    if (mono.empty()) return img;
    auto x = torch::from_blob(const_cast<float *>(mono.data()), {int64_t(mono.size())}, torch::kFloat32);
    const int64_t pad = cfg.nFft / 2;
    if (int64_t(mono.size()) <= pad) {
        // Too short for reflect padding: zero-extend (silence after the clip), keep the frame count.
        auto xz = torch::zeros({pad + 1});
        xz.slice(0, 0, x.size(0)).copy_(x);
        auto lm = t(xz).slice(1, 0, img.frames).contiguous();
        for (int m = 0; m < img.nMels; ++m)
            for (int fr = 0; fr < img.frames; ++fr) img.data[size_t(m) * img.frames + fr] = lm[m][fr].item<float>();
        return img;
    }
    // Reflect-pad once, then frame blocks with center=false: identical to one
    // centred STFT, but memory stays bounded for long files.
    auto padded = torch::reflection_pad1d(x.view({1, 1, -1}), {pad, pad}).view({-1});
    const int block = 4096;
    for (int f0 = 0; f0 < img.frames; f0 += block) {
        const int f1 = std::min(img.frames, f0 + block);
        auto seg = padded.slice(0, int64_t(f0) * cfg.hop, int64_t(f1 - 1) * cfg.hop + cfg.nFft);
        auto spec = torch::stft(seg, cfg.nFft, cfg.hop, cfg.nFft, t.window(), false, "reflect", false, true, true);
        auto power = torch::view_as_real(spec).pow(2).sum(-1);
        auto lm = torch::log(torch::clamp_min(torch::matmul(power.t(), t.filterbank()).t(), cfg.logFloor))
                      .contiguous();
        const int n = f1 - f0;
        const float *src = lm.data_ptr<float>();
        for (int m = 0; m < img.nMels; ++m)
            std::copy(src + size_t(m) * n, src + size_t(m) * n + n, img.data.begin() + size_t(m) * img.frames + f0);
    }
    return img;
}

std::vector<float> griffinLim(const MelImage &mel, const MelConfig &cfg, int iterations, std::size_t samples,
                              unsigned seed) {
    c10::InferenceMode guard;
    const auto &t = cachedTransform(cfg);
    if (mel.frames <= 0) return {};
    auto lm = torch::from_blob(const_cast<float *>(mel.data.data()), {mel.nMels, mel.frames}, torch::kFloat32);
    const int64_t length = samples ? int64_t(samples) : int64_t(mel.frames - 1) * cfg.hop;
    auto wave = t.griffinLim(t.melToMagnitude(lm), iterations, length, 0.99, seed).contiguous();
    return std::vector<float>(wave.data_ptr<float>(), wave.data_ptr<float>() + wave.numel());
}

} // namespace ms::dsp
