#include "SpectrogramView.h"

#include "Colormap.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ms::widgets {

namespace {
constexpr int kLeft = 46, kBottom = 18, kTop = 2, kRight = 4;
}

SpectrogramView::SpectrogramView(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(160, 90);
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

QImage SpectrogramView::render(const ms::dsp::MelImage &mel, Palette palette, float lo, float hi)
{
    if (mel.frames <= 0 || mel.nMels <= 0 || mel.data.size() < size_t(mel.frames) * mel.nMels) return {};
    if (lo == hi) {
        const auto [mn, mx] = std::minmax_element(mel.data.begin(), mel.data.end());
        lo = *mn;
        hi = *mx;
        if (palette == Palette::Diverging) {
            // Symmetric around 0, so that 0 (no difference) is the neutral middle colour;
            // at least +-1 so that an all-zero image is neutral too, not saturated.
            const float m = std::max({std::abs(lo), std::abs(hi), 1.0f});
            lo = -m;
            hi = m;
        } else {
            lo = std::max(lo, hi - 16.0f);   // 16 nats of dynamic range (about 70 dB)
        }
        if (hi <= lo) hi = lo + 1;
    }
    const QVector<QRgb> &lut = palette == Palette::Heat ? heatColormap() : divergingColormap();
    QImage img(mel.frames, mel.nMels, QImage::Format_RGB32);
    const float scale = 255.0f / (hi - lo);
    for (int m = 0; m < mel.nMels; ++m) {
        auto *row = reinterpret_cast<QRgb *>(img.scanLine(mel.nMels - 1 - m));
        const float *src = mel.data.data() + size_t(m) * mel.frames;
        for (int f = 0; f < mel.frames; ++f) {
            const float v = std::isfinite(src[f]) ? (src[f] - lo) * scale : 0.0f;
            row[f] = lut[std::clamp(int(v), 0, 255)];
        }
    }
    return img;
}

void SpectrogramView::setMel(const ms::dsp::MelImage &mel, const ms::dsp::MelConfig &cfg, Palette palette)
{
    setRendered(render(mel, palette), mel.frames, mel.nMels, cfg);
}

void SpectrogramView::setRendered(const QImage &image, int frames, int nMels, const ms::dsp::MelConfig &cfg)
{
    const bool sameLength = frames == m_frames && !m_image.isNull();
    m_image = image;
    m_frames = frames;
    m_nMels = nMels;
    m_cfg = cfg;
    if (!sameLength) {
        m_x0 = 0;
        m_x1 = std::max(1, domain());
    }
    update();
}

void SpectrogramView::setDomain(int frames)
{
    m_domain = std::max(0, frames);
    const int d = domain();
    if (m_x1 > d) setView(m_x0, std::min<double>(m_x1, d));
    update();
}

void SpectrogramView::clear(const QString &message)
{
    m_image = QImage();
    m_frames = 0;
    if (!message.isEmpty()) m_placeholder = message;
    update();
}

void SpectrogramView::setTitle(const QString &title)
{
    m_title = title;
    update();
}

void SpectrogramView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

void SpectrogramView::setCutoffVisible(bool visible)
{
    m_cutoffVisible = visible;
    update();
}

void SpectrogramView::setView(double x0, double x1)
{
    if (m_frames <= 0) return;
    const double d = domain();
    double span = std::clamp(x1 - x0, std::min(4.0, d), d);
    x0 = std::clamp(x0, 0.0, d - span);
    x1 = x0 + span;
    if (std::abs(x0 - m_x0) < 1e-9 && std::abs(x1 - m_x1) < 1e-9) return;
    m_x0 = x0;
    m_x1 = x1;
    update();
    emit viewChanged(m_x0, m_x1);
}

void SpectrogramView::resetView() { setView(0, domain()); }

void SpectrogramView::zoom(double factor, double centre)
{
    if (factor <= 0) return;
    const double span = (m_x1 - m_x0) / factor;
    const double u = (m_x1 > m_x0) ? (centre - m_x0) / (m_x1 - m_x0) : 0.5;
    setView(centre - u * span, centre - u * span + span);
}

void SpectrogramView::setCutoffHz(double hz)
{
    const double nyq = m_cfg.fMax > 0 ? m_cfg.fMax : m_cfg.sampleRate / 2.0;
    hz = std::clamp(hz, 0.0, nyq);
    if (std::abs(hz - m_cutoffHz) < 1e-6) return;
    m_cutoffHz = hz;
    update();
    emit cutoffChanged(hz);
}

QRect SpectrogramView::plotRect() const
{
    return QRect(kLeft, kTop, std::max(1, width() - kLeft - kRight), std::max(1, height() - kTop - kBottom));
}

double SpectrogramView::frameAtX(double x) const
{
    const QRect r = plotRect();
    return m_x0 + (x - r.left()) / r.width() * (m_x1 - m_x0);
}

double SpectrogramView::yForHz(double hz) const
{
    const QRect r = plotRect();
    const double nyq = m_cfg.fMax > 0 ? m_cfg.fMax : m_cfg.sampleRate / 2.0;
    const double lo = ms::dsp::hzToMel(m_cfg.fMin), hi = ms::dsp::hzToMel(nyq);
    const double u = (ms::dsp::hzToMel(std::max(hz, 0.0)) - lo) / (hi - lo);
    return r.bottom() - u * r.height();
}

double SpectrogramView::hzForY(double y) const
{
    const QRect r = plotRect();
    const double nyq = m_cfg.fMax > 0 ? m_cfg.fMax : m_cfg.sampleRate / 2.0;
    const double lo = ms::dsp::hzToMel(m_cfg.fMin), hi = ms::dsp::hzToMel(nyq);
    const double u = std::clamp((r.bottom() - y) / r.height(), 0.0, 1.0);
    return ms::dsp::melToHz(lo + u * (hi - lo));
}

void SpectrogramView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base).darker(110));
    const QRect r = plotRect();
    p.fillRect(r, Qt::black);
    if (m_image.isNull()) {
        p.setPen(QColor(200, 200, 200));
        p.drawText(r, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, (m_x1 - m_x0) < r.width());
    // On a shared axis longer than this clip, the image ends where the clip does.
    const double srcEnd = std::min<double>(m_x1, m_frames);
    if (srcEnd > m_x0) {
        const double w = (srcEnd - m_x0) / (m_x1 - m_x0) * r.width();
        p.drawImage(QRectF(r.left(), r.top(), w, r.height()), m_image, QRectF(m_x0, 0, srcEnd - m_x0, m_image.height()));
        if (srcEnd < m_x1) {
            p.setPen(QPen(QColor(160, 160, 160), 1, Qt::DotLine));
            p.drawLine(QPointF(r.left() + w, r.top()), QPointF(r.left() + w, r.bottom()));
            p.setPen(QColor(160, 160, 160));
            p.drawText(QRectF(r.left() + w + 4, r.top(), r.right() - r.left() - w - 4, r.height()),
                       Qt::AlignCenter | Qt::TextWordWrap, tr("(end of clip)"));
        }
    }

    // Axes: Hz on the left, seconds at the bottom.
    QFont f = font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.8));
    p.setFont(f);
    p.setPen(palette().color(QPalette::Text));
    for (double hz : {100.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0}) {
        const double y = yForHz(hz);
        if (y < r.top() + 6 || y > r.bottom() - 4) continue;
        p.drawLine(QPointF(r.left() - 4, y), QPointF(r.left(), y));
        const QString label = hz >= 1000 ? QStringLiteral("%1k").arg(hz / 1000) : QString::number(hz);
        p.drawText(QRectF(0, y - 8, kLeft - 6, 16), Qt::AlignRight | Qt::AlignVCenter, label);
    }
    const double secPerFrame = double(m_cfg.hop) / m_cfg.sampleRate;
    const double t0 = m_x0 * secPerFrame, t1 = m_x1 * secPerFrame;
    const double rawStep = (t1 - t0) / std::max(1, r.width() / 70);
    const double mag = std::pow(10.0, std::floor(std::log10(std::max(rawStep, 1e-6))));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= rawStep) { step = m * mag; break; }
    for (double t = std::ceil(t0 / step) * step; t <= t1; t += step) {
        const double x = r.left() + (t - t0) / (t1 - t0) * r.width();
        p.drawLine(QPointF(x, r.bottom()), QPointF(x, r.bottom() + 4));
        p.drawText(QRectF(x - 30, r.bottom() + 2, 60, kBottom - 2), Qt::AlignCenter,
                   QString::number(t, 'g', 4) + QStringLiteral(" s"));
    }
    if (!m_title.isEmpty()) {
        p.setPen(Qt::white);
        p.drawText(r.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignLeft, m_title);
    }
    if (m_cutoffVisible) {
        const double y = yForHz(m_cutoffHz);
        p.setPen(QPen(QColor(80, 220, 255), 1.5, Qt::DashLine));
        p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
        p.drawText(QRectF(r.right() - 160, y - 16, 156, 14), Qt::AlignRight,
                   tr("cutoff %1 Hz").arg(qRound(m_cutoffHz)));
    }
}

void SpectrogramView::wheelEvent(QWheelEvent *event)
{
    if (m_frames <= 0) return;
    const double steps = event->angleDelta().y() / 120.0;
    zoom(std::pow(1.25, steps), frameAtX(event->position().x()));
    event->accept();
}

void SpectrogramView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_frames <= 0) return;
    m_dragStart = event->pos();
    m_dragX0 = m_x0;
    m_dragX1 = m_x1;
    m_drag = (m_cutoffVisible && std::abs(event->position().y() - yForHz(m_cutoffHz)) < 6) ? Drag::Cutoff : Drag::Pan;
}

void SpectrogramView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_drag == Drag::None) {
        const bool near = m_cutoffVisible && m_frames > 0 &&
                          std::abs(event->position().y() - yForHz(m_cutoffHz)) < 6;
        setCursor(near ? Qt::SplitVCursor : Qt::ArrowCursor);
        return;
    }
    if (m_drag == Drag::Cutoff) {
        setCutoffHz(hzForY(event->position().y()));
        return;
    }
    const double dx = (event->pos().x() - m_dragStart.x()) / double(plotRect().width()) * (m_dragX1 - m_dragX0);
    setView(m_dragX0 - dx, m_dragX1 - dx);
}

void SpectrogramView::mouseReleaseEvent(QMouseEvent *) { m_drag = Drag::None; }

void SpectrogramView::mouseDoubleClickEvent(QMouseEvent *) { resetView(); }

} // namespace ms::widgets
