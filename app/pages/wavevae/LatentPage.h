#pragma once
// Latent: a file through the waveform VAE (design document 002). Open a file
// (or drop it), encode it to the 64 x frames latent shown as a heat map over
// time, decode it, and hold the decoded audio against the input: linked
// spectrograms, SI-SDR and mel distance, A/B playback that switches at the same
// position, export of the decoded WAV. Encoding runs in the background with
// progress and can be cancelled.

#include "dsp/LogMel.h"

#include <QImage>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QProgressBar;

namespace ms::widgets { class SpectrogramView; class Player; }
namespace ms::models::wavevae { class WaveVaeImpl; }

namespace ms::app {

class LatentPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatentPage)

public:
    // Stereo audio at the model's rate and what the page shows of it.
    struct Clip {
        QString name;
        int rate = 44100;
        std::vector<std::vector<float>> channels;   // 2 channels
        ms::dsp::MelImage mel;                      // of the mid signal
        QImage image;
    };

    explicit LatentPage(QWidget *parent = nullptr);
    ~LatentPage() override;

    // A wave VAE package, a `train wavevae` run (its newest checkpoint) or a
    // checkpoint; loaded in the background (emits modelLoaded).
    void setModelDir(const QString &dir);
    bool hasModel() const { return m_vae != nullptr; }
    // Loads an audio file (any rate, mono or stereo) in the background (emits fileLoaded).
    void loadFile(const QString &path);
    // Encodes the loaded file and decodes the latent, in the background (emits encoded).
    void encodeDecode();
    // Stops a running encode between two windows (emits encoded(false)).
    void cancel();
    bool isBusy() const { return m_busy; }
    // Writes the decoded audio (stereo WAV at the model's rate); false + error when it cannot.
    bool exportDecoded(const QString &path, QString *error);

    ms::widgets::SpectrogramView *view(int i) const { return m_views[i]; }   // 0 input, 1 decoded
    const QImage &latentImage() const { return m_latentImage; }
    int latentChannels() const { return m_latentChannels; }
    int latentFrames() const { return m_latentFrames; }
    const Clip *decoded() const { return m_decoded.get(); }
    QString statusText() const;

public slots:
    void openFileDialog();
    void openModelDialog();
    void togglePlay(bool decodedSide);

signals:
    void message(const QString &text);
    void modelLoaded(bool ok);
    void fileLoaded(bool ok);
    void encoded(bool ok);

protected:
    void changeEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void retranslateUi();
    void setStatus(const QString &text);
    void updateButtons();

    std::shared_ptr<ms::models::wavevae::WaveVaeImpl> m_vae;
    QString m_modelName;
    std::shared_ptr<Clip> m_input, m_decoded;
    QImage m_latentImage;
    int m_latentChannels = 0, m_latentFrames = 0;
    double m_siSdr = 0, m_melDistance = 0;
    bool m_busy = false;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    // The worker writes its progress here (0..1000) and the page's timer reads it: the
    // worker never calls into widgets, which may be gone when the page closes mid-encode.
    std::shared_ptr<std::atomic<int>> m_done = std::make_shared<std::atomic<int>>(0);
    class QTimer *m_poll = nullptr;
    int m_ticket = 0;
    bool m_playingDecoded = false;
    double m_playFrom = 0;   // seconds into the clip where the current playback started
    QString m_status;

    ms::widgets::SpectrogramView *m_views[2];
    QLabel *m_latent, *m_latentTitle, *m_statusLabel, *m_modelLabel;
    QPushButton *m_openModel, *m_openFile, *m_run, *m_cancelButton, *m_playA, *m_playB, *m_export;
    QProgressBar *m_progress;
    ms::widgets::Player *m_player;
};

} // namespace ms::app
