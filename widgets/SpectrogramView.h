#pragma once
// A log-mel spectrogram view: cached image, wheel zoom, drag pan, a draggable
// horizontal cutoff marker, and view-range signals for linking two views.

#include "dsp/LogMel.h"

#include <QImage>
#include <QWidget>

#include <algorithm>

namespace ms::widgets {

class SpectrogramView : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SpectrogramView)

public:
    enum class Palette { Heat, Diverging };

    explicit SpectrogramView(QWidget *parent = nullptr);

    // Renders a mel image to a colour image; safe on any thread. lo/hi give
    // the value range (lo == hi: from the data; Diverging: symmetric around 0).
    static QImage render(const ms::dsp::MelImage &mel, Palette palette, float lo = 0, float hi = 0);

    // Shows a mel image (rendered here, on the calling thread).
    void setMel(const ms::dsp::MelImage &mel, const ms::dsp::MelConfig &cfg, Palette palette = Palette::Heat);
    // Shows an image rendered elsewhere (width = frames, height = mel bands).
    void setRendered(const QImage &image, int frames, int nMels, const ms::dsp::MelConfig &cfg);
    // Removes the image and shows `message` instead.
    void clear(const QString &message = {});

    void setTitle(const QString &title);
    QString title() const { return m_title; }
    void setPlaceholder(const QString &text);
    // Shows (or hides) the draggable cutoff marker.
    void setCutoffVisible(bool visible);
    bool isCutoffVisible() const { return m_cutoffVisible; }
    // The length of the time axis in frames, at least the image's: views of clips of
    // different lengths share one axis (the shorter image ends early). 0: the image's.
    void setDomain(int frames);
    int domain() const { return std::max(m_frames, m_domain); }
    double cutoffHz() const { return m_cutoffHz; }
    int frames() const { return m_frames; }
    bool hasImage() const { return !m_image.isNull(); }
    const QImage &image() const { return m_image; }
    // The visible range in frames [x0, x1).
    double viewStart() const { return m_x0; }
    double viewEnd() const { return m_x1; }

public slots:
    // Shows frames [x0, x1); clamped to the image. Emits viewChanged when it moves.
    void setView(double x0, double x1);
    // Shows the whole time axis (the domain).
    void resetView();
    // Moves the cutoff marker (Hz). Emits cutoffChanged when it moves.
    void setCutoffHz(double hz);
    // Zooms by `factor` (> 1 zooms in) around the frame `centre`.
    void zoom(double factor, double centre);

signals:
    void viewChanged(double x0, double x1);
    void cutoffChanged(double hz);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    QRect plotRect() const;
    double frameAtX(double x) const;
    double yForHz(double hz) const;
    double hzForY(double y) const;

    QImage m_image;
    int m_frames = 0, m_nMels = 0, m_domain = 0;
    ms::dsp::MelConfig m_cfg;
    double m_x0 = 0, m_x1 = 1;
    double m_cutoffHz = 8000;
    bool m_cutoffVisible = false;
    QString m_title, m_placeholder;
    enum class Drag { None, Pan, Cutoff } m_drag = Drag::None;
    QPoint m_dragStart;
    double m_dragX0 = 0, m_dragX1 = 0;
};

} // namespace ms::widgets
