#include "WaveformView.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace ms::widgets {

namespace {
constexpr size_t kBlock = 256;
}

WaveformView::WaveformView(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(160, 60);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void WaveformView::setTrace(int index, std::vector<float> samples, int rate, const QColor &colour)
{
    if (index < 0 || index > 1) return;
    Trace &t = m_traces[index];
    t.samples = std::move(samples);
    t.rate = rate;
    t.colour = colour.isValid() ? colour : (index == 0 ? QColor(90, 200, 255) : QColor(255, 140, 60));
    const size_t blocks = (t.samples.size() + kBlock - 1) / kBlock;
    t.blockMin.assign(blocks, 0);
    t.blockMax.assign(blocks, 0);
    for (size_t b = 0; b < blocks; ++b) {
        const auto first = t.samples.begin() + b * kBlock;
        const auto last = t.samples.begin() + std::min(t.samples.size(), (b + 1) * kBlock);
        const auto [mn, mx] = std::minmax_element(first, last);
        t.blockMin[b] = *mn;
        t.blockMax[b] = *mx;
    }
    m_t0 = 0;
    m_t1 = std::max(duration(), 1e-3);
    update();
}

void WaveformView::clear()
{
    setTrace(0, {}, 0);
    setTrace(1, {}, 0);
}

void WaveformView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

double WaveformView::duration() const
{
    double d = 0;
    for (const Trace &t : m_traces)
        if (t.rate > 0) d = std::max(d, double(t.samples.size()) / t.rate);
    return d;
}

void WaveformView::setCursorTime(double seconds)
{
    m_cursor = seconds;
    update();
}

void WaveformView::setView(double t0, double t1)
{
    if (t1 <= t0) return;
    m_t0 = t0;
    m_t1 = t1;
    update();
}

void WaveformView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRect r = rect();
    p.fillRect(r, QColor(18, 20, 24));
    const double mid = r.center().y(), half = r.height() / 2.0 - 2;
    p.setPen(QColor(60, 64, 72));
    p.drawLine(QPointF(r.left(), mid), QPointF(r.right(), mid));
    if (duration() <= 0) {
        p.setPen(QColor(170, 170, 170));
        p.drawText(r, Qt::AlignCenter, m_placeholder);
        return;
    }
    const int w = std::max(1, r.width());
    for (const Trace &t : m_traces) {
        if (t.samples.empty() || t.rate <= 0) continue;
        QColor c = t.colour;
        c.setAlpha(m_traces[1].samples.empty() ? 255 : 170);
        p.setPen(c);
        const double samplesPerPx = (m_t1 - m_t0) * t.rate / w;
        for (int x = 0; x < w; ++x) {
            const double s0 = m_t0 * t.rate + x * samplesPerPx;
            const double s1 = s0 + std::max(samplesPerPx, 1.0);
            if (s1 < 0 || s0 >= double(t.samples.size())) continue;
            const size_t a = size_t(std::max(0.0, s0)), b = std::min(t.samples.size(), size_t(std::max(0.0, s1)) + 1);
            float mn = 0, mx = 0;
            if (b - a > 4 * kBlock) {
                const size_t ba = a / kBlock, bb = std::min(t.blockMin.size(), (b + kBlock - 1) / kBlock);
                mn = *std::min_element(t.blockMin.begin() + ba, t.blockMin.begin() + bb);
                mx = *std::max_element(t.blockMax.begin() + ba, t.blockMax.begin() + bb);
            } else if (b > a) {
                const auto [lo, hi] = std::minmax_element(t.samples.begin() + a, t.samples.begin() + b);
                mn = *lo;
                mx = *hi;
            }
            p.drawLine(QPointF(r.left() + x, mid - mx * half), QPointF(r.left() + x, mid - mn * half));
        }
    }
    if (m_cursor >= m_t0 && m_cursor <= m_t1) {
        const double x = r.left() + (m_cursor - m_t0) / (m_t1 - m_t0) * w;
        p.setPen(QPen(Qt::white, 1));
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
    }
}

} // namespace ms::widgets
