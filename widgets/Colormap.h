#pragma once
// Colour lookup tables for spectrogram-like images.

#include <QRgb>
#include <QVector>

namespace ms::widgets {

// 256-entry perceptual "inferno"-like ramp from black to pale yellow.
const QVector<QRgb> &heatColormap();
// 256-entry diverging ramp: blue (negative) - near-black (zero) - red (positive).
const QVector<QRgb> &divergingColormap();

} // namespace ms::widgets
