#pragma once
// Training curves: a thin QCustomPlot subclass with log y, EMA smoothing and
// per-series visibility.

#include <qcustomplot.h>

#include <QMap>
#include <QVector>

namespace ms::widgets {

class LossPlot : public QCustomPlot {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LossPlot)

public:
    explicit LossPlot(QWidget *parent = nullptr);

    // Replaces the points of series `name` (created on first use).
    void setSeries(const QString &name, const QVector<double> &x, const QVector<double> &y);
    // Appends one point to series `name`.
    void addPoint(const QString &name, double x, double y);
    void clearSeries();
    QStringList seriesNames() const { return m_series.keys(); }
    int pointCount(const QString &name) const;
    void setSeriesVisible(const QString &name, bool visible);
    void setLogY(bool on);
    // EMA smoothing weight in [0, 1); 0 shows raw values.
    void setSmoothing(double weight);
    // Rebuilds graphs from the stored points and replots (call from a timer).
    void refresh();

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Series {
        QVector<double> x, y;
        bool visible = true;
        QCPGraph *graph = nullptr;
    };
    Series &series(const QString &name);
    QMap<QString, Series> m_series;
    double m_smoothing = 0.6;
    bool m_logY = true;
};

} // namespace ms::widgets
