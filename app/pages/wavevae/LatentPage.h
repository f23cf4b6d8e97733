#pragma once
// Latent: a file through the waveform VAE (design document 002). Open a file
// (or drop it), encode it to the 64 x frames latent shown as a heat map over
// time, decode it, and hold the decoded audio against the input: linked
// spectrograms, SI-SDR and mel distance, A/B playback that switches at the same
// position, export of the decoded WAV. Encoding runs in the background with
// progress and can be cancelled.

#include "dsp/LogMel.h"

#include "pages/FilePage.h"

#include <QImage>

#include <memory>
#include <vector>

class QLabel;
class QPushButton;

namespace ms::widgets { class SpectrogramView; class Player; }
namespace ms::models::wavevae { class WaveVaeImpl; }

namespace ms::app {

class LatentPage : public FilePage {
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

    // Loaded in the background (emits modelLoaded).
    void setModelDir(const QString &dir) override;
    bool hasModel() const { return m_vae != nullptr; }
    // Loads an audio file (any rate, mono or stereo) in the background (emits fileLoaded).
    void loadFile(const QString &path) override;
    // Encodes the loaded file and decodes the latent, in the background (emits
    // encoded; cancel() stops it between two windows).
    void encodeDecode();
    void run() override { encodeDecode(); }
    // Writes the decoded audio (stereo WAV at the model's rate).
    bool exportDecoded(const QString &path, QString *error) override;

    ms::widgets::SpectrogramView *view(int i) const { return m_views[i]; }   // 0 input, 1 decoded
    const QImage &latentImage() const { return m_latentImage; }
    int latentChannels() const { return m_latentChannels; }
    int latentFrames() const { return m_latentFrames; }
    const Clip *decoded() const { return m_decoded.get(); }

public slots:
    void togglePlay(bool decodedSide) override;

signals:
    void modelLoaded(bool ok);
    void fileLoaded(bool ok);
    void encoded(bool ok);

protected:
    void changeEvent(QEvent *event) override;
    QString modelDialogTitle() const override;

private:
    void retranslateUi();
    void updateButtons();

    std::shared_ptr<ms::models::wavevae::WaveVaeImpl> m_vae;
    QString m_modelName;
    std::shared_ptr<Clip> m_input, m_decoded;
    QImage m_latentImage;
    int m_latentChannels = 0, m_latentFrames = 0;
    double m_siSdr = 0, m_melDistance = 0;

    ms::widgets::SpectrogramView *m_views[2];
    QLabel *m_latent, *m_latentTitle;
};

} // namespace ms::app
