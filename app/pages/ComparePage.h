#pragma once
// Compare: spectrograms A and B with linked zoom/pan, their difference, the
// average spectra, a waveform overlay, A/B playback and a cutoff marker.

#include "dsp/LogMel.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QComboBox;
class QGroupBox;
class QCheckBox;

namespace ms::infer::kick { class KickPipeline; }
namespace ms::widgets { class SpectrogramView; class WaveformView; class SpectrumPlot; class Player; }

namespace ms::app {

class ComparePage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ComparePage)

public:
    struct Clip {
        QString name;
        std::vector<float> audio;   // mono, 44.1 kHz
        ms::dsp::MelImage mel;
        QImage image;
    };

    explicit ComparePage(QWidget *parent = nullptr);
    ~ComparePage() override;

    // Loads an audio file into slot 0 (A) or 1 (B) in the background; emits clipLoaded.
    void loadFile(int slot, const QString &path);
    bool hasClip(int slot) const;
    ms::widgets::SpectrogramView *view(int slot) const;   // 0 A, 1 B, 2 difference
    ms::widgets::WaveformView *waveform() const { return m_wave; }
    ms::widgets::SpectrumPlot *spectrum() const { return m_spectrum; }
    QString statusText() const;
    QString differenceCaption() const;
    // Sets the model package used for B = reconstruction / resynthesis of A.
    void setModelDir(const QString &dir) { m_modelDir = dir; }

public slots:
    void openFileDialog(int slot);
    void togglePlay();

signals:
    void message(const QString &text);
    void clipLoaded(int slot, bool ok);

protected:
    void changeEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void retranslateUi();
    void setClip(int slot, std::shared_ptr<Clip> clip);
    void updateDifference();
    void modelB(bool reconstruct);

    std::shared_ptr<Clip> m_clips[2];
    int m_loading[2] = {0, 0};
    QString m_modelDir;
    bool m_playB = false;
    int m_diffTicket = 0;
    float m_diffRange = 0;   // the difference image's colour range (±), 0 before one is shown
    QString m_note;          // said with the next clip shown (what the model used of A)
    QCheckBox *m_cutoffBox;
    ms::widgets::SpectrogramView *m_views[3];
    ms::widgets::WaveformView *m_wave;
    ms::widgets::SpectrumPlot *m_spectrum;
    ms::widgets::Player *m_player;
    QLabel *m_labels[2], *m_status, *m_diffLabel;
    QPushButton *m_openA, *m_openB, *m_reconB, *m_vocodeB, *m_abButton, *m_playButton;
    QGroupBox *m_specBox, *m_waveBox;
};

} // namespace ms::app
