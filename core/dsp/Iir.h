#pragma once
// IIR low-pass design and zero-phase filtering, as scipy.signal does it:
// analog prototype (Butterworth, Chebyshev I) -> frequency warp -> bilinear
// transform -> second-order sections; sosfilt in transposed direct form II;
// sosfiltfilt with odd extension of 3 * (2 * sections + 1) samples and
// steady-state initial conditions scaled by the first sample.
// AudioSR builds its low-pass condition with these (lowpass.py); its elliptic
// and Bessel types are not here.

#include <array>
#include <string>
#include <vector>

namespace ms::dsp {

using Sos = std::vector<std::array<double, 6>>;   // b0 b1 b2 a0 a1 a2 per section (a0 = 1)

enum class IirType { Butterworth, Chebyshev1 };
// "butter" / "cheby1"; throws std::invalid_argument naming the value.
IirType parseIirType(const std::string &name);

// Low-pass of `order` at `cutoffHz` for sample rate `fs` (0 < cutoff < fs / 2);
// Chebyshev I with `rippleDb` of pass-band ripple (AudioSR: 0.1 dB).
Sos lowpassSos(IirType type, int order, double cutoffHz, double fs, double rippleDb = 0.1);

std::vector<float> sosFilter(const Sos &sos, const std::vector<float> &x);
std::vector<float> sosFiltFilt(const Sos &sos, const std::vector<float> &x);

// Magnitude response at `hz` (tests, plots).
double sosGain(const Sos &sos, double hz, double fs);

} // namespace ms::dsp
