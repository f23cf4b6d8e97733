#pragma once
// Order statistics shared by analysis, evaluation and the benchmarks, so that
// every "median" melstudio prints means the same thing.

#include <algorithm>
#include <vector>

namespace ms::util {

// Linear interpolation between the closest ranks (NumPy's default): q in
// [0, 1]; the median of an even-sized set is the mean of the middle two.
// 0 for an empty set.
template <class T>
T quantile(std::vector<T> v, double q) {
    if (v.empty()) return T(0);
    std::sort(v.begin(), v.end());
    q = std::clamp(q, 0.0, 1.0);
    const double pos = q * double(v.size() - 1);
    const size_t i = size_t(pos);
    const double f = pos - double(i);
    return i + 1 < v.size() ? T(double(v[i]) * (1 - f) + double(v[i + 1]) * f) : v[i];
}

template <class T>
T median(std::vector<T> v) {
    return quantile(std::move(v), 0.5);
}

} // namespace ms::util
