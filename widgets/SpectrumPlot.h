#pragma once
// Average spectrum (dB vs frequency) of one or two signals, with a vertical
// cutoff marker.

#include <qcustomplot.h>

#include <vector>

namespace ms::widgets {

class SpectrumPlot : public QCustomPlot {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpectrumPlot)

public:
    explicit SpectrumPlot(QWidget *parent = nullptr);

    // Sets curve `index` (0 = A, 1 = B): dB values at frequencies in Hz.
    void setSpectrum(int index, const QVector<double> &hz, const QVector<double> &db, const QString &name);
    void clearSpectrum(int index);
    // Draws the cutoff marker at `hz`.
    void setCutoff(double hz);
    // Shows or hides the cutoff marker.
    void setCutoffVisible(bool visible);
    // Curves listed in the legend (only those with data; for tests).
    int legendEntries() const { return legend->itemCount(); }
    // Average dB per mel band of a log-mel image (natural log of power) and the band centres in Hz.
    static void averageSpectrum(const std::vector<float> &logMel, int nMels, int frames, int sampleRate,
                                QVector<double> &hz, QVector<double> &db);

protected:
    void changeEvent(QEvent *event) override;

private:
    QCPGraph *m_graphs[2];
    QCPItemStraightLine *m_cutoff;
};

} // namespace ms::widgets
