#include "infer/sr/Chunker.h"

#include <cmath>
#include <stdexcept>

namespace ms::infer::sr {

int64_t ChunkPlan::count() const {
    if (total <= chunk) return 1;
    return 1 + (total - chunk + step() - 1) / step();
}

int64_t ChunkPlan::length(int64_t i) const { return std::min(chunk, total - start(i)); }

ChunkPlan makeChunkPlan(int64_t total, int64_t chunk, int64_t overlap) {
    if (total <= 0 || chunk <= 0 || overlap < 0 || 2 * overlap >= chunk)
        throw std::invalid_argument("chunk plan: need total > 0, chunk > 0 and 0 <= overlap < chunk / 2");
    return {total, chunk, overlap};
}

std::vector<float> fadeIn(int64_t n) {
    std::vector<float> w(static_cast<size_t>(std::max<int64_t>(n, 0)));
    for (int64_t k = 0; k < n; ++k) {
        const double s = std::sin(M_PI / 2.0 * (double(k) + 0.5) / double(n));
        w[size_t(k)] = float(s * s);
    }
    return w;
}

Status runChunked(const ChunkPlan &plan, int channels, const ChunkProcess &process, const ChunkSink &sink) {
    const int64_t n = plan.count(), ov = plan.overlap;
    const auto in = fadeIn(ov);
    Channels tail;   // the previous chunk's last `ov` samples, not yet written
    for (int64_t i = 0; i < n; ++i) {
        const int64_t len = plan.length(i);
        auto out = process(i, plan.start(i), len);
        if (!out) return Error{out.error()};
        Channels &c = *out;
        if (int(c.size()) != channels) return fail("chunk " + std::to_string(i) + ": wrong channel count");
        for (auto &ch : c)
            if (int64_t(ch.size()) != len) return fail("chunk " + std::to_string(i) + ": wrong length");
        const bool last = i + 1 == n;
        if (i > 0)
            for (int ch = 0; ch < channels; ++ch)
                for (int64_t k = 0; k < ov; ++k)
                    c[size_t(ch)][size_t(k)] = tail[size_t(ch)][size_t(k)] * (1.0f - in[size_t(k)]) + c[size_t(ch)][size_t(k)] * in[size_t(k)];
        const int64_t keep = last ? len : len - ov;
        Channels done(static_cast<size_t>(channels)), next(static_cast<size_t>(channels));
        for (int ch = 0; ch < channels; ++ch) {
            auto &src = c[size_t(ch)];
            done[size_t(ch)].assign(src.begin(), src.begin() + keep);
            if (!last) next[size_t(ch)].assign(src.begin() + keep, src.end());
        }
        if (auto st = sink(done); !st) return st;
        tail = std::move(next);
    }
    return {};
}

} // namespace ms::infer::sr
