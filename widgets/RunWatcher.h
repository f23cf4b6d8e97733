#pragma once
// Follows a training run folder (run.json, metrics.jsonl, events.jsonl,
// checkpoints/, previews/) at ~10 Hz. Reads only complete lines, so a
// half-written last line is picked up once the writer finishes it.

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QTimer>
#include <QVector>

namespace ms::widgets {

struct MetricPoint {
    qint64 step = 0;
    double epoch = 0, time = 0, lr = qQNaN(), samplesPerS = qQNaN(), memMb = qQNaN();
    double gpuMemMb = qQNaN(), gpuPeakMb = qQNaN();   // CUDA runs: LibTorch's allocator
    int worldSize = 1;                                  // data-parallel ranks (samplesPerS is their sum)
    QVector<double> rankSamplesPerS;                    // each rank's samples/s, by rank
    QMap<QString, double> loss;
};

struct RunEvent {
    QString type;   // started, checkpoint, preview, paused, finished, failed
    double time = 0;
    QJsonObject data;
};

class RunWatcher : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunWatcher)

public:
    explicit RunWatcher(QObject *parent = nullptr);

    // Starts following `dir` from the beginning (empty: stops).
    void setRunDir(const QString &dir);
    QString runDir() const { return m_dir; }
    // Polling interval in ms (default 100).
    void setInterval(int ms) { m_timer.setInterval(ms); }
    // Reads whatever is new now; returns true when anything changed.
    bool poll();

    const QJsonObject &runInfo() const { return m_run; }
    const QVector<MetricPoint> &metrics() const { return m_metrics; }
    const QVector<RunEvent> &events() const { return m_events; }
    // Complete checkpoint steps (folders with state.json), ascending.
    const QVector<qint64> &checkpoints() const { return m_checkpoints; }
    // Newest preview folder, or empty.
    QString latestPreviewDir() const { return m_latestPreview; }
    // Last event type ("" when none).
    QString lastEvent() const { return m_events.isEmpty() ? QString() : m_events.back().type; }
    // Unparsable complete lines seen so far.
    int badLines() const { return m_badLines; }

signals:
    void metricsAppended(int newPoints);
    void eventsAppended(int newEvents);
    void runInfoChanged();
    void checkpointsChanged();
    void previewChanged(const QString &dir);

private:
    // Reads complete new lines of `path` from `offset`; advances it past them.
    QList<QJsonObject> readNewLines(const QString &path, qint64 &offset);

    QString m_dir;
    QTimer m_timer;
    QJsonObject m_run;
    qint64 m_runStamp = -1;
    qint64 m_metricsOffset = 0, m_eventsOffset = 0;
    QVector<MetricPoint> m_metrics;
    QVector<RunEvent> m_events;
    QVector<qint64> m_checkpoints;
    QString m_latestPreview;
    int m_badLines = 0;
};

} // namespace ms::widgets
