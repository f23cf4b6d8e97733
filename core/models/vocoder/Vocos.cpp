// Vocos-style iSTFT vocoder: ConvNeXt backbone, iSTFT head.
#include "models/vocoder/Vocos.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace ms::models::vocoder {

namespace F = torch::nn::functional;

namespace {

constexpr double kLayerNormEps = 1e-6;   // Vocos's nn.LayerNorm(dim, eps=1e-6)

// Vocos's backbone init: truncated normal (std 0.02, cut at +-2) weights, zero biases.
void initLinearLike(torch::Tensor &weight, torch::Tensor &bias) {
    torch::NoGradGuard ng;
    weight.normal_(0.0, 0.02).clamp_(-2.0, 2.0);
    if (bias.defined()) bias.zero_();
}

torch::nn::LayerNorm layerNorm(int dim) {
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(kLayerNormEps));
}

} // namespace

// ---- Backbone ---------------------------------------------------------------

ConvNeXtBlockImpl::ConvNeXtBlockImpl(int dim, int intermediateDim, double layerScaleInit) {
    dwconv = register_module("dwconv", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, dim, 7).padding(3).groups(dim)));
    norm = register_module("norm", layerNorm(dim));
    pwconv1 = register_module("pwconv1", torch::nn::Linear(dim, intermediateDim));
    pwconv2 = register_module("pwconv2", torch::nn::Linear(intermediateDim, dim));
    gamma = register_parameter("gamma", torch::full({dim}, layerScaleInit));
    initLinearLike(dwconv->weight, dwconv->bias);
    initLinearLike(pwconv1->weight, pwconv1->bias);
    initLinearLike(pwconv2->weight, pwconv2->bias);
}

torch::Tensor ConvNeXtBlockImpl::forward(const torch::Tensor &x) {
    auto h = dwconv->forward(x).transpose(1, 2);   // [B, T, dim]
    h = pwconv2->forward(F::gelu(pwconv1->forward(norm->forward(h))));
    return x + (gamma * h).transpose(1, 2);
}

VocosBackboneImpl::VocosBackboneImpl(const VocoderConfig &cfg) {
    embed = register_module("embed", torch::nn::Conv1d(torch::nn::Conv1dOptions(cfg.nMels, cfg.dim, 7).padding(3)));
    norm = register_module("norm", layerNorm(cfg.dim));
    convnext = register_module("convnext", torch::nn::ModuleList());
    const double scale = cfg.layerScaleInit > 0 ? cfg.layerScaleInit : 1.0 / std::max(1, cfg.numLayers);
    for (int i = 0; i < cfg.numLayers; ++i) convnext->push_back(ConvNeXtBlock(cfg.dim, cfg.intermediateDim, scale));
    final_layer_norm = register_module("final_layer_norm", layerNorm(cfg.dim));
    initLinearLike(embed->weight, embed->bias);
}

torch::Tensor VocosBackboneImpl::forward(const torch::Tensor &mel) {
    auto x = norm->forward(embed->forward(mel).transpose(1, 2)).transpose(1, 2);   // [B, dim, T]
    for (size_t i = 0; i < convnext->size(); ++i) x = convnext->at<ConvNeXtBlockImpl>(i).forward(x);
    return final_layer_norm->forward(x.transpose(1, 2));
}

// ---- Inverse STFT -----------------------------------------------------------

IstftImpl::IstftImpl(int nFft, int hop) : m_nFft(nFft), m_hop(hop) {
    if (hop <= 0 || nFft < 2 * hop || nFft % hop != 0 || (nFft - hop) % 2 != 0)
        throw std::invalid_argument("Istft: n_fft must be a multiple (2 or more) of the hop, with (n_fft - hop) even");
    window = register_buffer("window", torch::hann_window(nFft, torch::TensorOptions().dtype(torch::kFloat32)));
}

torch::Tensor IstftImpl::forward(const torch::Tensor &spec) {
    const int64_t B = spec.size(0), T = spec.size(2), r = m_nFft / m_hop;
    // [B, n_fft, T] windowed frames -> [B, T, r, hop]: frame t's k-th hop block lands on output block t + k.
    auto frames = torch::fft::irfft(spec, m_nFft, 1, "backward") * window.view({1, -1, 1});
    frames = frames.transpose(1, 2).reshape({B, T, r, m_hop});
    torch::Tensor y;
    for (int64_t k = 0; k < r; ++k) {
        auto part = torch::constant_pad_nd(frames.select(2, k), {0, 0, k, r - 1 - k});   // [B, T + r - 1, hop]
        y = y.defined() ? y + part : part;
    }
    torch::Tensor env;
    {
        torch::NoGradGuard ng;
        auto w2 = window.square().reshape({1, r, m_hop});
        for (int64_t k = 0; k < r; ++k) {
            auto part = torch::constant_pad_nd(w2.select(1, k).expand({T, m_hop}), {0, 0, k, r - 1 - k});
            env = env.defined() ? env + part : part;
        }
    }
    const int64_t pad = (m_nFft - m_hop) / 2;
    y = y.reshape({B, -1}).narrow(1, pad, T * m_hop);
    return y / env.reshape({1, -1}).narrow(1, pad, T * m_hop).clamp_min(1e-11);
}

torch::Tensor IstftImpl::stft(const torch::Tensor &x) const {
    const int64_t pad = (m_nFft - m_hop) / 2;
    auto xp = torch::constant_pad_nd(x, {pad, pad});
    return torch::stft(xp, m_nFft, m_hop, m_nFft, window, /*normalized=*/false, /*onesided=*/true,
                       /*return_complex=*/true);
}

// ---- Head -------------------------------------------------------------------

IstftHeadImpl::IstftHeadImpl(int dim, int nFft, int hop, double magClip, bool phaseIncrement, bool peakPrior)
    : m_magClip(magClip), m_phaseIncrement(phaseIncrement), m_peakPrior(peakPrior), m_nFft(nFft), m_hop(hop) {
    out = register_module("out", torch::nn::Linear(dim, nFft + 2));
    istft = register_module("istft", Istft(nFft, hop));
}

torch::Tensor IstftHeadImpl::forward(const torch::Tensor &x, const torch::Tensor &priorLogMag) {
    auto h = out->forward(x).transpose(1, 2);   // [B, n_fft + 2, T]
    auto parts = h.chunk(2, 1);
    auto logMag = priorLogMag.defined() ? parts[0] + priorLogMag : parts[0];
    if (m_peakPrior && priorLogMag.defined()) return synthesize(logMag, peakLockedPhase(priorLogMag) + parts[1]);
    return synthesize(logMag, m_phaseIncrement ? integratePhase(parts[1]) : parts[1]);
}

torch::Tensor IstftHeadImpl::integratePhase(const torch::Tensor &delta) const {
    const int64_t K = delta.size(1), T = delta.size(2);
    // The bin centre's advance over t + 1 hops, reduced modulo n_fft in int64 so
    // that float32 keeps its precision on long inputs (the raw value reaches
    // ~1e6 rad after 1000 frames).
    auto i64 = torch::TensorOptions().dtype(torch::kInt64).device(delta.device());
    auto k = torch::arange(K, i64).view({K, 1});
    auto t = torch::arange(1, T + 1, i64).view({1, T});
    auto base = (k * ((int64_t)m_hop * t - m_nFft / 2)).remainder(m_nFft).to(delta.scalar_type()) * (2.0 * M_PI / m_nFft);
    return base.unsqueeze(0) + torch::cumsum(delta, 2);
}

torch::Tensor IstftHeadImpl::peakLockedPhase(const torch::Tensor &logMag) const {
    torch::NoGradGuard ng;
    const int64_t B = logMag.size(0), K = logMag.size(1), T = logMag.size(2);
    constexpr int64_t R = 2;                         // bins on each side a peak claims
    constexpr double kRange = 40.0 / 8.685889638;    // 40 dB in natural-log magnitude
    auto L = logMag;
    auto prev = torch::constant_pad_nd(L, {0, 0, 1, 0}, -1e9).narrow(1, 0, K);
    auto next = torch::constant_pad_nd(L, {0, 0, 0, 1}, -1e9).narrow(1, 1, K);
    auto top = std::get<0>(L.max(1, true));
    auto isPeak = (L > prev) & (L >= next) & (L > top - kRange);
    auto curv = prev - 2 * L + next;                 // < 0 at a peak
    auto offset = (0.5 * (prev - next) / torch::where(curv < -1e-6, curv, torch::full_like(curv, -1e-6))).clamp(-0.5, 0.5);
    // For each bin, the strongest peak within R bins: its bin and its frequency (in bins).
    auto i64 = torch::TensorOptions().dtype(torch::kInt64).device(L.device());
    auto bins = torch::arange(K, i64).view({1, K, 1});
    auto best = torch::full_like(L, -1e9);
    auto peakBin = bins.expand({B, K, T}).clone();
    auto peakFreq = peakBin.to(L.scalar_type());     // no peak near: the bin's own centre
    for (int64_t j = -R; j <= R; ++j) {
        // Value at k + j for every k (out of range: no peak).
        auto at = [&](const torch::Tensor &x, double fill) {
            return j >= 0 ? torch::constant_pad_nd(x, {0, 0, 0, j}, fill).narrow(1, j, K)
                          : torch::constant_pad_nd(x, {0, 0, -j, 0}, fill).narrow(1, 0, K);
        };
        auto score = torch::where(at(isPeak.to(L.scalar_type()), 0.0) > 0, at(L, -1e9), torch::full_like(L, -1e9));
        auto better = score > best;
        best = torch::where(better, score, best);
        peakBin = torch::where(better, (bins + j).clamp(0, K - 1).expand({B, K, T}), peakBin);
        peakFreq = torch::where(better, (bins + j).to(L.scalar_type()) + at(offset, 0.0), peakFreq);
    }
    // Frame by frame: every bin advances from its previous phase at its peak's
    // frequency, then takes its peak's phase minus pi per bin of distance (the
    // window-centred STFT of a sinusoid: neighbouring bins in antiphase, with
    // the -pi k reference of integratePhase). Frame -1's phase is that reference.
    const double step = 2.0 * M_PI * m_hop / m_nFft, twoPi = 2.0 * M_PI;
    // The recursion runs over frames, so it is a plain loop on the CPU: as
    // torch ops (a gather and three elementwise ops per frame) the 173 frames
    // of a kick cost ~9 ms of dispatch for ~0.2 ms of arithmetic.
    auto freq = peakFreq.to(torch::kCPU, torch::kDouble).contiguous();
    auto pbin = peakBin.to(torch::kCPU).contiguous();
    auto out = torch::empty({B, K, T}, torch::TensorOptions().dtype(torch::kDouble));
    const double *f = freq.data_ptr<double>();
    const int64_t *pb = pbin.data_ptr<int64_t>();
    double *o = out.data_ptr<double>();
    std::vector<double> phase(static_cast<size_t>(K)), advanced(static_cast<size_t>(K));
    // Into [0, 2 pi) by floor, not fmod (fmod was 6 % of a priors forward).
    auto wrap = [twoPi](double v) {
        v -= twoPi * std::floor(v / twoPi);
        return v >= twoPi ? 0.0 : v;
    };
    for (int64_t b = 0; b < B; ++b) {
        const int64_t base = b * K * T;
        for (int64_t k = 0; k < K; ++k) phase[size_t(k)] = wrap(-M_PI * double(k));
        for (int64_t t = 0; t < T; ++t) {
            for (int64_t k = 0; k < K; ++k) advanced[size_t(k)] = phase[size_t(k)] + step * f[base + k * T + t];
            for (int64_t k = 0; k < K; ++k) {
                const int64_t p = pb[base + k * T + t];
                phase[size_t(k)] = wrap(advanced[size_t(p)] - M_PI * double(k - p));
                o[base + k * T + t] = phase[size_t(k)];
            }
        }
    }
    return out.to(L.device(), L.scalar_type());
}

torch::Tensor IstftHeadImpl::synthesize(const torch::Tensor &logMag, const torch::Tensor &phase) {
    auto mag = torch::exp(logMag).clamp_max(m_magClip);
    return istft->forward(torch::complex(mag * torch::cos(phase), mag * torch::sin(phase)));
}

// ---- Generator --------------------------------------------------------------

VocosImpl::VocosImpl(const VocoderConfig &cfg) : GeneratorImpl(cfg) {
    if (!cfg.istft()) throw std::invalid_argument("Vocos: the configuration's arch is '" + cfg.arch + "', not istft");
    const std::string bad = cfg.validate();
    if (!bad.empty()) throw std::invalid_argument("Vocos: " + bad);
    backbone = register_module("backbone", VocosBackbone(cfg));
    head = register_module("head", IstftHead(cfg.dim, cfg.nFft, cfg.hopLength, cfg.magClip, cfg.phase == "increment",
                                             cfg.phasePrior == "peaks"));
    if (cfg.magPrior == "mel_pinv") {
        melPrior = register_buffer("mel_prior", torch::zeros({cfg.nFft / 2 + 1, cfg.nMels}));
        // The head starts at zero, so that an untrained vocoder is the priors
        // alone (a phase vocoder on the pseudo-inverse magnitude) rather than
        // the priors under noise: with summed phase increments, a random head
        // would turn every bin's phase into a random walk.
        torch::NoGradGuard ng;
        head->out->weight.zero_();
        head->out->bias.zero_();
    }
}

void VocosImpl::setMelPrior(const torch::Tensor &pinv) {
    if (!melPrior.defined()) throw std::logic_error("Vocos::setMelPrior: the configuration's mag_prior is none");
    if (pinv.sizes() != melPrior.sizes())
        throw std::invalid_argument("Vocos::setMelPrior: the matrix must be [n_fft/2+1, n_mels] = [" +
                                    std::to_string(melPrior.size(0)) + ", " + std::to_string(melPrior.size(1)) + "]");
    torch::NoGradGuard ng;
    melPrior.copy_(pinv);
}

torch::Tensor VocosImpl::priorLogMagnitude(const torch::Tensor &mel) const {
    if (!melPrior.defined()) return {};
    torch::NoGradGuard ng;
    auto power = torch::matmul(melPrior.to(mel.scalar_type()), torch::exp(mel));   // [B, K, T]
    return 0.5 * torch::log(power.clamp_min(1e-8));
}

torch::Tensor VocosImpl::forward(const torch::Tensor &mel) {
    return head->forward(backbone->forward(mel), priorLogMagnitude(mel)).unsqueeze(1);
}

} // namespace ms::models::vocoder
