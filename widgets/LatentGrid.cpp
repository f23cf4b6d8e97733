#include "LatentGrid.h"

#include "Colormap.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace ms::widgets {

LatentGrid::LatentGrid(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(220, 80);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void LatentGrid::setLatent(int channels, int height, int width, std::vector<float> data, int step, int total)
{
    if (channels <= 0 || height <= 0 || width <= 0 || data.size() < size_t(channels) * height * width) return;
    m_channels = channels;
    m_height = height;
    m_width = width;
    m_data = std::move(data);
    m_step = step;
    m_total = total;
    ++m_framesShown;
    update();
}

void LatentGrid::clear()
{
    m_data.clear();
    m_channels = 0;
    m_step = m_total = 0;
    update();
}

void LatentGrid::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(18, 20, 24));
    if (m_channels == 0) {
        p.setPen(QColor(150, 150, 150));
        p.drawText(rect(), Qt::AlignCenter, tr("Latent (4 × 8 × 11) appears here while generating"));
        return;
    }
    const int gap = 8, labelH = 16;
    const double cellW = (width() - gap * (m_channels + 1)) / double(m_channels * m_width);
    const double cellH = (height() - labelH - 2 * gap) / double(m_height);
    const double cell = std::max(1.0, std::min(cellW, cellH));
    float m = 1e-6f;
    for (float v : m_data) if (std::isfinite(v)) m = std::max(m, std::abs(v));
    const QVector<QRgb> &lut = divergingColormap();
    const double totalW = m_channels * m_width * cell + (m_channels - 1) * gap;
    double x0 = (width() - totalW) / 2;
    for (int c = 0; c < m_channels; ++c) {
        for (int y = 0; y < m_height; ++y)
            for (int x = 0; x < m_width; ++x) {
                const float v = m_data[(size_t(c) * m_height + y) * m_width + x];
                const int idx = std::clamp(int((v / m * 0.5f + 0.5f) * 255.0f), 0, 255);
                p.fillRect(QRectF(x0 + x * cell, gap + y * cell, cell - 0.5, cell - 0.5), QColor(lut[idx]));
            }
        p.setPen(QColor(200, 200, 200));
        p.drawText(QRectF(x0, gap + m_height * cell, m_width * cell, labelH), Qt::AlignCenter, tr("ch %1").arg(c));
        x0 += m_width * cell + gap;
    }
    if (m_total > 0) {
        p.setPen(Qt::white);
        p.drawText(rect().adjusted(4, 2, -4, -2), Qt::AlignTop | Qt::AlignRight,
                   tr("step %1/%2").arg(m_step).arg(m_total));
    }
}

} // namespace ms::widgets
