#pragma once
// Tokenizer: a file through the BSQ-ViT tokenizer (design document 001). Open a
// file (or drop it); it is mixed to mono at 16 kHz, its mel cut into 10.24 s
// windows and turned into L-bit tokens. The page shows the input mel, the L
// bit-planes over the 64 x 8 patch grid of every window (bit 0, the most
// significant, at the top), the token ids over time, the codebook usage
// (distinct ids, entropy in bits per token), the decoded mel and its difference
// to the input (the Compare page's diverging view), with A/B playback of the
// input and the decoded mel (Griffin-Lim) and export of the tokens and the audio.

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
namespace ms::models::bsq { class BsqVitImpl; }

namespace ms::app {

class TokenizerPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenizerPage)

public:
    // Mono audio at the model's rate, its dB mel [mels x frames] and picture.
    struct Clip {
        QString name;
        int rate = 16000;
        std::vector<float> samples;
        ms::dsp::MelImage mel;
        QImage image;
    };
    // What tokenizing a clip gives.
    struct Tokens {
        std::vector<int64_t> ids;   // [windows][gridTime][gridFreq]
        int windows = 0, gridTime = 0, gridFreq = 0, bits = 0;
        int columns = 0;   // time patches that hold the file
        int64_t distinct = 0;
        double entropyBits = 0, melMse = 0, melMae = 0;
        QImage bitPlanes, idImage, difference;
    };

    explicit TokenizerPage(QWidget *parent = nullptr);
    ~TokenizerPage() override;

    // A tokenizer package, a `train tokenizer` run (its newest checkpoint) or a
    // checkpoint; loaded in the background (emits modelLoaded).
    void setModelDir(const QString &dir);
    bool hasModel() const { return m_model != nullptr; }
    // Loads an audio file in the background (emits fileLoaded).
    void loadFile(const QString &path);
    // Tokenizes the loaded file and decodes the tokens, in the background (emits tokenized).
    void tokenizeDecode();
    void cancel();
    bool isBusy() const { return m_busy; }
    // Writes the decoded audio (16 kHz mono WAV) / the tokens (as `tokenize` writes them).
    bool exportDecoded(const QString &path, QString *error);
    bool exportTokens(const QString &path, QString *error);

    ms::widgets::SpectrogramView *view(int i) const { return m_views[i]; }   // 0 input, 1 decoded, 2 difference
    const Tokens *tokens() const { return m_tokens.get(); }
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
    void tokenized(bool ok);

protected:
    void changeEvent(QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void retranslateUi();
    void setStatus(const QString &text);
    void updateButtons();

    std::shared_ptr<ms::models::bsq::BsqVitImpl> m_model;
    QString m_modelName;
    std::shared_ptr<Clip> m_input, m_decoded;
    std::shared_ptr<Tokens> m_tokens;
    bool m_busy = false;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<int>> m_done = std::make_shared<std::atomic<int>>(0);   // 0..1000, read by m_poll
    class QTimer *m_poll = nullptr;
    int m_ticket = 0;
    bool m_playingDecoded = false;
    double m_playFrom = 0;
    QString m_status;

    ms::widgets::SpectrogramView *m_views[3];
    QLabel *m_bits, *m_bitsTitle, *m_ids, *m_idsTitle, *m_statusLabel, *m_modelLabel;
    QPushButton *m_openModel, *m_openFile, *m_run, *m_cancelButton, *m_playA, *m_playB, *m_export, *m_exportTokens;
    QProgressBar *m_progress;
    ms::widgets::Player *m_player;
};

} // namespace ms::app
