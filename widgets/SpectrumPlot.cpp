#include "SpectrumPlot.h"

#include "dsp/MelConfig.h"

#include <cmath>

namespace ms::widgets {

SpectrumPlot::SpectrumPlot(QWidget *parent) : QCustomPlot(parent)
{
    setMinimumSize(200, 120);
    setPlottingHint(QCP::phFastPolylines, true);
    m_graphs[0] = addGraph();
    m_graphs[0]->setPen(QPen(QColor(90, 200, 255), 1.5));
    m_graphs[1] = addGraph();
    m_graphs[1]->setPen(QPen(QColor(255, 140, 60), 1.5));
    // Named from the start and listed in the legend only once they hold data (QCustomPlot
    // would list "Graph 1", "Graph 2").
    for (int i = 0; i < 2; ++i) {
        m_graphs[i]->setName(i == 0 ? QStringLiteral("A") : QStringLiteral("B"));
        m_graphs[i]->removeFromLegend();
    }
    xAxis->setScaleType(QCPAxis::stLogarithmic);
    xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    xAxis->setRange(20, 22050);
    yAxis->setRange(-100, 0);
    xAxis->setLabel(tr("frequency (Hz)"));
    yAxis->setLabel(tr("level (dB)"));
    legend->setVisible(false);
    legend->setFont(font());
    m_cutoff = new QCPItemStraightLine(this);
    m_cutoff->setPen(QPen(QColor(80, 220, 255), 1, Qt::DashLine));
    setCutoff(8000);
}

void SpectrumPlot::setSpectrum(int index, const QVector<double> &hz, const QVector<double> &db, const QString &name)
{
    if (index < 0 || index > 1) return;
    m_graphs[index]->setData(hz, db, true);
    m_graphs[index]->setName(name);
    if (hz.isEmpty()) m_graphs[index]->removeFromLegend();
    else m_graphs[index]->addToLegend();
    legend->setVisible(legend->itemCount() > 0);
    double lo = 1e300, hi = -1e300;
    for (auto *g : m_graphs)
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            if (std::isfinite(it->value)) { lo = std::min(lo, it->value); hi = std::max(hi, it->value); }
    if (hi >= lo) yAxis->setRange(lo - 5, hi + 5);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrumPlot::clearSpectrum(int index)
{
    if (index < 0 || index > 1) return;
    m_graphs[index]->data()->clear();
    m_graphs[index]->removeFromLegend();
    legend->setVisible(legend->itemCount() > 0);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrumPlot::setCutoffVisible(bool visible)
{
    m_cutoff->setVisible(visible);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrumPlot::setCutoff(double hz)
{
    m_cutoff->point1->setCoords(hz, 0);
    m_cutoff->point2->setCoords(hz, 1);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrumPlot::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        xAxis->setLabel(tr("frequency (Hz)"));
        yAxis->setLabel(tr("level (dB)"));
        replot(QCustomPlot::rpQueuedReplot);
    }
    QCustomPlot::changeEvent(event);
}

void SpectrumPlot::averageSpectrum(const std::vector<float> &logMel, int nMels, int frames, int sampleRate,
                                   QVector<double> &hz, QVector<double> &db)
{
    hz.clear();
    db.clear();
    if (nMels <= 0 || frames <= 0 || logMel.size() < size_t(nMels) * frames) return;
    const double melHi = ms::dsp::hzToMel(sampleRate / 2.0);
    for (int m = 0; m < nMels; ++m) {
        double sum = 0;
        const float *row = logMel.data() + size_t(m) * frames;
        for (int f = 0; f < frames; ++f) sum += std::exp(double(row[f]));   // mean power
        const double power = sum / frames;
        hz.push_back(ms::dsp::melToHz(melHi * (m + 1) / (nMels + 1)));
        db.push_back(10.0 * std::log10(std::max(power, 1e-12)));
    }
}

} // namespace ms::widgets
