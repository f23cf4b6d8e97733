#pragma once
// Convolutions prepared once for CPU inference.
//
// A plain torch::conv2d call on CPU hands oneDNN the weight in PyTorch's
// layout, and oneDNN reorders it into its blocked layout on every call. For
// the kick UNet's small activations ((4..256) x 8 x 11 and less) that reorder
// costs about as much as the arithmetic. FrozenConv2d reorders the weight once
// (optionally to bfloat16) and keeps it. Transposed convolutions, which
// LibTorch 1.13 runs through a slow col2im path on CPU, are rewritten as a
// stride-1 convolution whose output channels hold the stride's phases,
// followed by a shuffle that interleaves them ("sub-pixel" convolution): the
// same sums, with zero taps where a phase has none.
//
// Nothing here trains: weights are copied at construction, so a frozen
// object goes stale when the module it came from changes.

#include "torch/Torch.h"

#include <array>
#include <string>

namespace ms::nn {

enum class Precision { Float32, BFloat16 };

// "fp32" or "bf16"; throws std::invalid_argument naming the value otherwise.
Precision parsePrecision(const std::string &name);
const char *precisionName(Precision p);
// True where the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX-BF16),
// so oneDNN's bfloat16 convolutions are faster than float32 ones.
bool cpuHasNativeBf16();
// True where oneDNN runs bfloat16 convolutions at all (natively or emulated):
// it needs AVX-512 BW, VL and DQ. Without them a bf16 forward throws
// ("bf16 path needs the cpu support avx512bw, avx512vl and avx512dq").
bool cpuCanRunBf16();
// Pre-packed oneDNN convolutions need a LibTorch built with MKLDNN.
bool frozenConvAvailable();

// The stride-1 form of a transposed convolution along one axis: kernel index
// kk of the transposed weight lands on tap (e + P) of phase a, where
// kk = a + padding - stride * e. Needs kernel - 2 * padding == stride (then
// T inputs give exactly T * stride outputs, as the transposed op does).
struct SubpixelAxis {
    int64_t taps = 0;      // 2P + 1
    int64_t padding = 0;   // P
};
SubpixelAxis subpixelAxis(int64_t kernel, int64_t stride, int64_t padding);
bool subpixelApplies(int64_t kernel, int64_t stride, int64_t padding);

// ConvTranspose1d weight [Cin, Cout, k] -> Conv1d weight [Cout * stride, Cin, taps]
// (channel o * stride + a is phase a of output channel o); bias repeated likewise.
std::pair<torch::Tensor, torch::Tensor> subpixelWeight1d(const torch::Tensor &weight, const torch::Tensor &bias,
                                                         int64_t stride, int64_t padding);
// [B, C * s, T] -> [B, C, T * s].
torch::Tensor interleavePhases1d(const torch::Tensor &y, int64_t stride);

class FrozenConv2d {
public:
    FrozenConv2d() = default;
    // Convolution weight [O, I, kh, kw] (groups 1, dilation 1).
    FrozenConv2d(const torch::Tensor &weight, const torch::Tensor &bias, std::array<int64_t, 2> stride,
                 std::array<int64_t, 2> padding, Precision precision);
    // ConvTranspose2d weight [I, O, kh, kw] with kernel - 2 padding == stride on
    // both axes and equal strides; throws std::invalid_argument otherwise.
    static FrozenConv2d transposed(const torch::Tensor &weight, const torch::Tensor &bias,
                                   std::array<int64_t, 2> stride, std::array<int64_t, 2> padding,
                                   Precision precision);
    // Dense float32 [B, I, H, W] in, dense float32 out.
    torch::Tensor operator()(const torch::Tensor &x) const;
    bool defined() const { return m_weight.defined(); }

private:
    torch::Tensor m_weight, m_bias;
    std::vector<int64_t> m_stride, m_padding;
    int64_t m_shuffle = 1;
    bool m_packed = false;
    Precision m_precision = Precision::Float32;
};

} // namespace ms::nn
