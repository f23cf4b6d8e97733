#include "Colormap.h"

#include <QColor>

#include <algorithm>
#include <array>

namespace ms::widgets {
namespace {

struct Stop {
    double t;
    int r, g, b;
};

template <std::size_t N>
QVector<QRgb> ramp(const std::array<Stop, N> &stops)
{
    QVector<QRgb> lut(256);
    for (int i = 0; i < 256; ++i) {
        const double t = i / 255.0;
        std::size_t k = 0;
        while (k + 2 < N && t > stops[k + 1].t) ++k;
        const Stop &a = stops[k], &b = stops[k + 1];
        const double u = std::clamp((t - a.t) / (b.t - a.t), 0.0, 1.0);
        lut[i] = qRgb(int(a.r + u * (b.r - a.r)), int(a.g + u * (b.g - a.g)), int(a.b + u * (b.b - a.b)));
    }
    return lut;
}

} // namespace

const QVector<QRgb> &heatColormap()
{
    static const QVector<QRgb> lut = ramp(std::array<Stop, 6>{{{0.0, 0, 0, 4},
                                                               {0.2, 40, 11, 84},
                                                               {0.4, 120, 28, 109},
                                                               {0.6, 201, 62, 74},
                                                               {0.8, 248, 148, 37},
                                                               {1.0, 252, 255, 164}}});
    return lut;
}

const QVector<QRgb> &divergingColormap()
{
    static const QVector<QRgb> lut = ramp(std::array<Stop, 5>{{{0.0, 80, 160, 255},
                                                               {0.3, 30, 70, 150},
                                                               {0.5, 12, 12, 16},
                                                               {0.7, 160, 50, 30},
                                                               {1.0, 255, 170, 80}}});
    return lut;
}

} // namespace ms::widgets
