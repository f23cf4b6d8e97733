#include "nn/Frozen.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace ms::nn {

Precision parsePrecision(const std::string &name) {
    if (name == "fp32") return Precision::Float32;
    if (name == "bf16") return Precision::BFloat16;
    throw std::invalid_argument("unknown precision '" + name + "' (fp32, bf16)");
}

const char *precisionName(Precision p) { return p == Precision::BFloat16 ? "bf16" : "fp32"; }

namespace {
// The words of /proc/cpuinfo's first "flags" line (empty elsewhere).
const std::vector<std::string> &cpuFlags() {
    static const std::vector<std::string> flags = [] {
        std::vector<std::string> out;
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("flags", 0) != 0) continue;
            std::istringstream words(line);
            for (std::string w; words >> w;) out.push_back(w);
            break;
        }
        return out;
    }();
    return flags;
}
bool hasFlag(const char *f) {
    const auto &v = cpuFlags();
    return std::find(v.begin(), v.end(), f) != v.end();
}
} // namespace

bool cpuCanRunBf16() {
    static const bool has = hasFlag("avx512bw") && hasFlag("avx512vl") && hasFlag("avx512dq");
    return has;
}

bool cpuHasNativeBf16() {
    // The kernel's flags rather than __builtin_cpu_supports, whose feature
    // names depend on the compiler version.
    static const bool has = hasFlag("avx512_bf16") || hasFlag("amx_bf16");
    return has;
}

bool frozenConvAvailable() { return at::hasMKLDNN(); }

bool subpixelApplies(int64_t kernel, int64_t stride, int64_t padding) {
    return stride >= 1 && padding >= 0 && kernel - 2 * padding == stride;
}

SubpixelAxis subpixelAxis(int64_t kernel, int64_t stride, int64_t padding) {
    if (!subpixelApplies(kernel, stride, padding))
        throw std::invalid_argument("sub-pixel form needs kernel - 2 * padding == stride (kernel " +
                                    std::to_string(kernel) + ", stride " + std::to_string(stride) +
                                    ", padding " + std::to_string(padding) + ")");
    // Offsets e with 0 <= a + padding - stride * e < kernel for some phase a.
    int64_t lo = 0, hi = 0;
    for (int64_t a = 0; a < stride; ++a)
        for (int64_t kk = 0; kk < kernel; ++kk) {
            const int64_t num = a + padding - kk;
            if (num % stride != 0) continue;
            lo = std::min(lo, num / stride);
            hi = std::max(hi, num / stride);
        }
    const int64_t p = std::max(-lo, hi);
    return {2 * p + 1, p};
}

namespace {

// For phase a and tap index (e + P): the transposed kernel index, or -1.
int64_t transposedTap(int64_t a, int64_t tap, const SubpixelAxis &ax, int64_t kernel, int64_t stride,
                      int64_t padding) {
    const int64_t e = tap - ax.padding;
    const int64_t kk = a + padding - stride * e;
    return kk >= 0 && kk < kernel ? kk : -1;
}

} // namespace

std::pair<torch::Tensor, torch::Tensor> subpixelWeight1d(const torch::Tensor &weight, const torch::Tensor &bias,
                                                         int64_t stride, int64_t padding) {
    torch::NoGradGuard ng;
    const int64_t cin = weight.size(0), cout = weight.size(1), k = weight.size(2);
    const auto ax = subpixelAxis(k, stride, padding);
    auto w = torch::zeros({cout, stride, cin, ax.taps}, weight.options());
    for (int64_t a = 0; a < stride; ++a)
        for (int64_t tap = 0; tap < ax.taps; ++tap) {
            const int64_t kk = transposedTap(a, tap, ax, k, stride, padding);
            if (kk >= 0) w.select(1, a).select(2, tap).copy_(weight.select(2, kk).t());
        }
    torch::Tensor b;
    if (bias.defined()) b = bias.repeat_interleave(stride);
    return {w.reshape({cout * stride, cin, ax.taps}).contiguous(), b};
}

torch::Tensor interleavePhases1d(const torch::Tensor &y, int64_t stride) {
    if (stride == 1) return y;
    const int64_t b = y.size(0), c = y.size(1) / stride, t = y.size(2);
    return y.view({b, c, stride, t}).permute({0, 1, 3, 2}).reshape({b, c, t * stride});
}

FrozenConv2d::FrozenConv2d(const torch::Tensor &weight, const torch::Tensor &bias, std::array<int64_t, 2> stride,
                           std::array<int64_t, 2> padding, Precision precision)
    : m_stride{stride[0], stride[1]}, m_padding{padding[0], padding[1]}, m_precision(precision) {
    torch::NoGradGuard ng;
    auto w = weight.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    if (bias.defined()) m_bias = bias.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    m_packed = frozenConvAvailable();
    if (m_packed) {
        const auto dtype = precision == Precision::BFloat16 ? torch::kBFloat16 : torch::kFloat32;
        m_weight = at::mkldnn_reorder_conv2d_weight(w.to_mkldnn(dtype), m_padding, m_stride, {1, 1}, 1);
    } else {
        m_weight = w;   // plain conv2d; bfloat16 is not worth it without oneDNN
        m_precision = Precision::Float32;
    }
}

FrozenConv2d FrozenConv2d::transposed(const torch::Tensor &weight, const torch::Tensor &bias,
                                      std::array<int64_t, 2> stride, std::array<int64_t, 2> padding,
                                      Precision precision) {
    torch::NoGradGuard ng;
    if (stride[0] != stride[1]) throw std::invalid_argument("sub-pixel form needs equal strides");
    const int64_t s = stride[0];
    const int64_t cin = weight.size(0), cout = weight.size(1), kh = weight.size(2), kw = weight.size(3);
    const auto ah = subpixelAxis(kh, s, padding[0]), aw = subpixelAxis(kw, s, padding[1]);
    auto src = weight.detach().to(torch::kCPU, torch::kFloat32);
    // [O, s, s, I, th, tw]: channel (o, a, b) is what pixel_shuffle puts at (s i + a, s j + b).
    auto w = torch::zeros({cout, s, s, cin, ah.taps, aw.taps});
    for (int64_t a = 0; a < s; ++a)
        for (int64_t u = 0; u < ah.taps; ++u) {
            const int64_t ki = transposedTap(a, u, ah, kh, s, padding[0]);
            if (ki < 0) continue;
            for (int64_t b = 0; b < s; ++b)
                for (int64_t v = 0; v < aw.taps; ++v) {
                    const int64_t kj = transposedTap(b, v, aw, kw, s, padding[1]);
                    if (kj < 0) continue;
                    w.select(1, a).select(1, b).select(2, u).select(2, v).copy_(src.select(2, ki).select(2, kj).t());
                }
        }
    torch::Tensor b;
    if (bias.defined()) b = bias.detach().to(torch::kCPU, torch::kFloat32).repeat_interleave(s * s);
    FrozenConv2d f(w.reshape({cout * s * s, cin, ah.taps, aw.taps}), b, {1, 1}, {ah.padding, aw.padding}, precision);
    f.m_shuffle = s;
    return f;
}

torch::Tensor FrozenConv2d::operator()(const torch::Tensor &x) const {
    torch::Tensor y;
    if (m_packed) {
        const auto dtype = m_precision == Precision::BFloat16 ? torch::kBFloat16 : torch::kFloat32;
        y = at::mkldnn_convolution(x.contiguous().to_mkldnn(dtype), m_weight, m_bias, m_padding, m_stride, {1, 1}, 1)
                .to_dense(torch::kFloat32);
    } else {
        y = torch::conv2d(x, m_weight, m_bias, m_stride, m_padding);
    }
    return m_shuffle > 1 ? torch::pixel_shuffle(y, m_shuffle) : y;
}

} // namespace ms::nn
