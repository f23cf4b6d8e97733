#include "LossPlot.h"

#include <cmath>

namespace ms::widgets {

namespace {
const QColor kColours[] = {QColor(66, 165, 245), QColor(239, 83, 80),  QColor(102, 187, 106),
                           QColor(255, 167, 38), QColor(171, 71, 188), QColor(38, 198, 218)};
}

LossPlot::LossPlot(QWidget *parent) : QCustomPlot(parent)
{
    setMinimumSize(240, 160);
    setPlottingHint(QCP::phFastPolylines, true);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    legend->setVisible(true);
    legend->setFont(font());
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    xAxis->setLabel(tr("step"));
    yAxis->setLabel(tr("loss"));
    setLogY(true);
}

LossPlot::Series &LossPlot::series(const QString &name)
{
    auto it = m_series.find(name);
    if (it == m_series.end()) {
        Series s;
        s.graph = addGraph();
        s.graph->setName(name);
        s.graph->setPen(QPen(kColours[m_series.size() % 6], 1.5));
        it = m_series.insert(name, s);
    }
    return *it;
}

void LossPlot::setSeries(const QString &name, const QVector<double> &x, const QVector<double> &y)
{
    Series &s = series(name);
    s.x = x;
    s.y = y;
}

void LossPlot::addPoint(const QString &name, double x, double y)
{
    Series &s = series(name);
    s.x.push_back(x);
    s.y.push_back(y);
}

void LossPlot::clearSeries()
{
    clearGraphs();
    m_series.clear();
    replot();
}

int LossPlot::pointCount(const QString &name) const
{
    auto it = m_series.find(name);
    return it == m_series.end() ? 0 : int(it->x.size());
}

void LossPlot::setSeriesVisible(const QString &name, bool visible)
{
    auto it = m_series.find(name);
    if (it == m_series.end()) return;
    it->visible = visible;
    it->graph->setVisible(visible);
    refresh();
}

void LossPlot::setLogY(bool on)
{
    m_logY = on;
    yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on) {
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        // "gb": each tick's own value (0.5, 2, 1·10⁻⁴). "eb" with precision 0 labelled
        // every tick of a range narrower than a decade "10⁰".
        yAxis->setNumberFormat(QStringLiteral("gb"));
        yAxis->setNumberPrecision(3);
    } else {
        yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        yAxis->setNumberFormat(QStringLiteral("g"));
        yAxis->setNumberPrecision(4);
    }
    refresh();
}

void LossPlot::setSmoothing(double weight)
{
    m_smoothing = std::clamp(weight, 0.0, 0.999);
    refresh();
}

void LossPlot::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        xAxis->setLabel(tr("step"));
        yAxis->setLabel(tr("loss"));
        replot(QCustomPlot::rpQueuedReplot);
    }
    QCustomPlot::changeEvent(event);
}

void LossPlot::refresh()
{
    double yMin = 1e300, yMax = -1e300, xMin = 1e300, xMax = -1e300;
    for (auto &s : m_series) {
        QVector<double> y(s.y.size());
        double ema = 0;
        bool first = true;
        for (int i = 0; i < s.y.size(); ++i) {
            const double v = s.y[i];
            if (!std::isfinite(v)) { y[i] = qQNaN(); continue; }
            ema = first ? v : m_smoothing * ema + (1 - m_smoothing) * v;
            first = false;
            y[i] = ema;
            if (s.visible && (!m_logY || ema > 0)) {
                yMin = std::min(yMin, ema);
                yMax = std::max(yMax, ema);
            }
        }
        s.graph->setData(s.x, y, true);
        s.graph->setVisible(s.visible);
        if (s.visible && !s.x.isEmpty()) {
            xMin = std::min(xMin, s.x.front());
            xMax = std::max(xMax, s.x.back());
        }
    }
    if (yMax >= yMin) {
        if (m_logY) yAxis->setRange(yMin / 1.3, yMax * 1.3);
        else {
            const double pad = std::max(1e-9, (yMax - yMin) * 0.08);
            yAxis->setRange(yMin - pad, yMax + pad);
        }
        xAxis->setRange(xMin, std::max(xMax, xMin + 1));
    }
    replot(QCustomPlot::rpQueuedReplot);
}

} // namespace ms::widgets
