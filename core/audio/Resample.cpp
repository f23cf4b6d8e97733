#include "audio/Resample.h"

#include <soxr.h>

#include <cmath>
#include <string>

namespace ms::audio {

Result<std::vector<float>> resample(const std::vector<float> &in, double inRate, double outRate) {
    if (inRate <= 0 || outRate <= 0) return fail("resample: invalid sample rates");
    if (inRate == outRate) return in;
    const size_t outLen = size_t(std::llround(double(in.size()) * outRate / inRate));
    std::vector<float> out(outLen);
    if (in.empty()) return out;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = soxr_quality_spec(SOXR_VHQ, 0);
    size_t done = 0;
    soxr_error_t err = soxr_oneshot(inRate, outRate, 1, in.data(), in.size(), nullptr, out.data(), outLen,
                                    &done, &io, &q, nullptr);
    if (err) return fail(std::string("resample: ") + soxr_strerror(err));
    out.resize(outLen);
    return out;
}

Result<AudioBuffer> resample(const AudioBuffer &in, int outRate) {
    if (in.sampleRate == outRate) return in;
    AudioBuffer out;
    out.sampleRate = outRate;
    for (const auto &c : in.channels) {
        auto r = resample(c, in.sampleRate, outRate);
        if (!r) return Error{r.error()};
        out.channels.push_back(std::move(*r));
    }
    return out;
}

} // namespace ms::audio
