#include "dsp/Iir.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>

namespace ms::dsp {

using cd = std::complex<double>;

IirType parseIirType(const std::string &name) {
    if (name == "butter") return IirType::Butterworth;
    if (name == "cheby1") return IirType::Chebyshev1;
    throw std::invalid_argument("unknown filter type '" + name + "' (butter, cheby1)");
}

Sos lowpassSos(IirType type, int order, double cutoffHz, double fs, double rippleDb) {
    if (order < 1 || order > 32) throw std::invalid_argument("filter order must be 1..32");
    if (!(cutoffHz > 0 && cutoffHz < fs / 2)) throw std::invalid_argument("cutoff must lie between 0 and fs/2");
    // Analog prototype poles (cutoff 1 rad/s) and gain.
    std::vector<cd> p;
    double k = 1.0;
    if (type == IirType::Butterworth) {
        for (int m = -order + 1; m < order; m += 2) p.push_back(-std::exp(cd(0, M_PI * m / (2.0 * order))));
    } else {
        const double eps = std::sqrt(std::pow(10.0, rippleDb / 10.0) - 1.0);
        const double mu = std::asinh(1.0 / eps) / order;
        for (int m = -order + 1; m < order; m += 2) {
            const double theta = M_PI * m / (2.0 * order);
            p.push_back(-std::sinh(cd(mu, theta)));
        }
        cd prod = 1.0;
        for (auto &x : p) prod *= -x;
        k = prod.real();
        if (order % 2 == 0) k /= std::sqrt(1.0 + eps * eps);
    }
    // scipy: fs normalised to 2, warped = 2 * fs * tan(pi * Wn / fs).
    const double fsN = 2.0, wn = cutoffHz / (fs / 2.0);
    const double warped = 2.0 * fsN * std::tan(M_PI * wn / fsN);
    for (auto &x : p) x *= warped;
    k *= std::pow(warped, order);
    // Bilinear transform (zeros of the all-pole prototype go to z = -1).
    const double fs2 = 2.0 * fsN;
    std::vector<cd> pz;
    cd den = 1.0;
    for (auto &x : p) {
        pz.push_back((fs2 + x) / (fs2 - x));
        den *= (fs2 - x);
    }
    const double kz = k * (1.0 / den).real();
    // Pair poles into sections: conjugate pairs (positive imaginary part), then a real one.
    std::vector<cd> pairs;
    std::vector<double> reals;
    for (auto &x : pz) {
        if (std::abs(x.imag()) < 1e-12) reals.push_back(x.real());
        else if (x.imag() > 0) pairs.push_back(x);
    }
    // scipy orders sections so the poles closest to the unit circle come last.
    std::sort(pairs.begin(), pairs.end(), [](cd a, cd b) { return std::abs(a) < std::abs(b); });
    Sos sos;
    for (double r : reals) sos.push_back({1.0, 1.0, 0.0, 1.0, -r, 0.0});
    for (auto &x : pairs) sos.push_back({1.0, 2.0, 1.0, 1.0, -2.0 * x.real(), std::norm(x)});
    for (int i = 0; i < 3; ++i) sos[0][size_t(i)] *= kz;
    return sos;
}

namespace {

// Steady-state state of one section for a unit step (scipy lfilter_zi, order 2).
std::array<double, 2> sectionZi(const std::array<double, 6> &s) {
    const double b0 = s[0], b1 = s[1], b2 = s[2], a1 = s[4], a2 = s[5];
    // (I - A^T) zi = B - a[1:] b0 with A = companion(a): solve the 2x2 system.
    const double m00 = 1.0 + a1, m01 = -1.0, m10 = a2, m11 = 1.0;
    const double r0 = b1 - a1 * b0, r1 = b2 - a2 * b0;
    const double det = m00 * m11 - m01 * m10;
    return {(r0 * m11 - m01 * r1) / det, (m00 * r1 - m10 * r0) / det};
}

void runSos(const Sos &sos, std::vector<double> &x, const std::vector<std::array<double, 2>> *zi, double x0) {
    double scale = 1.0;
    for (size_t si = 0; si < sos.size(); ++si) {
        const auto &s = sos[si];
        double z0 = 0, z1 = 0;
        if (zi) {
            z0 = (*zi)[si][0] * scale * x0;
            z1 = (*zi)[si][1] * scale * x0;
            scale *= (s[0] + s[1] + s[2]) / (1.0 + s[4] + s[5]);
        }
        for (double &v : x) {
            const double y = s[0] * v + z0;
            z0 = s[1] * v - s[4] * y + z1;
            z1 = s[2] * v - s[5] * y;
            v = y;
        }
    }
}

} // namespace

std::vector<float> sosFilter(const Sos &sos, const std::vector<float> &x) {
    std::vector<double> d(x.begin(), x.end());
    runSos(sos, d, nullptr, 0.0);
    return {d.begin(), d.end()};
}

std::vector<float> sosFiltFilt(const Sos &sos, const std::vector<float> &x) {
    if (x.empty()) return {};
    int zeros = 0;
    for (auto &s : sos) zeros += (s[2] == 0.0 && s[5] == 0.0) ? 1 : 0;
    size_t pad = size_t(3 * (2 * int(sos.size()) + 1 - zeros));
    pad = std::min(pad, x.size() - 1);
    std::vector<double> e;
    e.reserve(x.size() + 2 * pad);
    for (size_t i = pad; i >= 1; --i) e.push_back(2.0 * x[0] - x[i]);
    e.insert(e.end(), x.begin(), x.end());
    const size_t n = x.size();
    for (size_t i = 1; i <= pad; ++i) e.push_back(2.0 * x[n - 1] - x[n - 1 - i]);
    std::vector<std::array<double, 2>> zi;
    for (auto &s : sos) zi.push_back(sectionZi(s));
    runSos(sos, e, &zi, e.front());
    std::reverse(e.begin(), e.end());
    runSos(sos, e, &zi, e.front());
    std::reverse(e.begin(), e.end());
    return std::vector<float>(e.begin() + long(pad), e.begin() + long(pad + n));
}

double sosGain(const Sos &sos, double hz, double fs) {
    const cd z = std::exp(cd(0, 2.0 * M_PI * hz / fs)), zi = 1.0 / z;
    cd h = 1.0;
    for (auto &s : sos) h *= (s[0] + s[1] * zi + s[2] * zi * zi) / (s[3] + s[4] * zi + s[5] * zi * zi);
    return std::abs(h);
}

} // namespace ms::dsp
