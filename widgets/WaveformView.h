#pragma once
// Waveform view with up to two overlaid traces, min/max summaries for long
// signals, and a time range that can be linked to other views.

#include <QColor>
#include <QWidget>

#include <vector>

namespace ms::widgets {

class WaveformView : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WaveformView)

public:
    explicit WaveformView(QWidget *parent = nullptr);

    // Sets trace `index` (0 or 1) to mono samples at `rate`; an empty vector removes it.
    void setTrace(int index, std::vector<float> samples, int rate, const QColor &colour = {});
    void clear();
    void setPlaceholder(const QString &text);
    // Seconds covered by the longest trace.
    double duration() const;
    double viewStart() const { return m_t0; }
    double viewEnd() const { return m_t1; }
    // Playback cursor in seconds (negative hides it).
    void setCursorTime(double seconds);

public slots:
    // Shows seconds [t0, t1).
    void setView(double t0, double t1);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Trace {
        std::vector<float> samples;
        std::vector<float> blockMin, blockMax;   // per kBlock samples
        int rate = 0;
        QColor colour;
    };
    Trace m_traces[2];
    double m_t0 = 0, m_t1 = 1, m_cursor = -1;
    QString m_placeholder;
};

} // namespace ms::widgets
