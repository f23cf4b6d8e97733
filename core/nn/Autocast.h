#pragma once
// Mixed precision for inference: while an AutocastScope lives, LibTorch's
// autocast runs convolutions and matrix products in bfloat16 ("bf16", CPU) or
// float16 ("fp16", CUDA); "fp32" does nothing. Thread-local, like autocast.

#include "torch/Torch.h"

#include <ATen/autocast_mode.h>

#include <string>

namespace ms::nn {

class AutocastScope {
public:
    AutocastScope(const std::string &precision, torch::Device device) {
        if (precision == "fp32") return;
        m_type = device.is_cuda() ? at::kCUDA : at::kCPU;
        set(true, precision == "fp16" ? at::kHalf : at::kBFloat16);
        m_on = true;
    }
    ~AutocastScope() {
        if (m_on) set(false, at::kFloat);
    }

private:
    void set(bool on, at::ScalarType t) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        at::autocast::set_autocast_enabled(m_type, on);
        if (on) at::autocast::set_autocast_dtype(m_type, t);
#else
        if (m_type == at::kCPU) {
            at::autocast::set_cpu_enabled(on);
            if (on) at::autocast::set_autocast_cpu_dtype(t);
        } else {
            at::autocast::set_enabled(on);
            if (on) at::autocast::set_autocast_gpu_dtype(t);
        }
#endif
        if (!on) at::autocast::clear_cache();
    }
    at::DeviceType m_type = at::kCPU;
    bool m_on = false;
};

} // namespace ms::nn
