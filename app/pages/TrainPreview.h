#pragma once
// The Train page's preview panel: the newest preview folder of the watched run
// as target and output spectrograms side by side (each family writes
// *target*_mel / *output*_mel safetensors), the run's latent as a heat map when
// the folder has one (latent.safetensors, [channels, frames]: the wave VAE),
// and playback of the output.

#include <QGroupBox>

#include <vector>

class QLabel;
class QPushButton;

namespace ms::widgets {
class Player;
class SpectrogramView;
}

namespace ms::app {

class TrainPreview : public QGroupBox {
    Q_OBJECT
public:
    explicit TrainPreview(QWidget *parent = nullptr);

    // Shows a preview folder (empty: nothing).
    void show(const QString &dir);
    // Reloads the folder when its files changed since it was shown (they are
    // written after the folder appears); call it now and then.
    void poll();
    void clear() { show(QString()); }
    void togglePlay();
    void retranslateUi();

    // For tests: the two spectrograms (0 target, 1 output) and the latent row.
    ms::widgets::SpectrogramView *view(int side) const;
    bool latentShown() const;
    QString latentCaption() const;

private:
    static QString signature(const QString &dir);

    ms::widgets::SpectrogramView *m_target, *m_output;
    QLabel *m_latent, *m_latentCaption;
    QPushButton *m_playButton;
    ms::widgets::Player *m_player;
    std::vector<float> m_audio;
    int m_rate = 44100;
    QString m_dir, m_sig;
    qint64 m_step = -1;
    int m_latentChannels = 0, m_latentFrames = 0;
};

} // namespace ms::app
