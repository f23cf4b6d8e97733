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

#include "pages/FilePage.h"

#include <QImage>

#include <memory>
#include <vector>

class QLabel;
class QPushButton;

namespace ms::widgets { class SpectrogramView; class Player; }
namespace ms::models::bsq { class BsqVitImpl; }

namespace ms::app {

class TokenizerPage : public FilePage {
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

    // Loaded in the background (emits modelLoaded).
    void setModelDir(const QString &dir) override;
    bool hasModel() const { return m_model != nullptr; }
    // Loads an audio file in the background (emits fileLoaded).
    void loadFile(const QString &path) override;
    // Tokenizes the loaded file and decodes the tokens, in the background (emits tokenized).
    void tokenizeDecode();
    void run() override { tokenizeDecode(); }
    // Writes the decoded audio (16 kHz mono WAV) / the tokens (as `tokenize` writes them).
    bool exportDecoded(const QString &path, QString *error) override;
    bool exportTokens(const QString &path, QString *error);

    ms::widgets::SpectrogramView *view(int i) const { return m_views[i]; }   // 0 input, 1 decoded, 2 difference
    const Tokens *tokens() const { return m_tokens.get(); }
    const Clip *decoded() const { return m_decoded.get(); }

public slots:
    void togglePlay(bool decodedSide) override;

signals:
    void modelLoaded(bool ok);
    void fileLoaded(bool ok);
    void tokenized(bool ok);

protected:
    void changeEvent(QEvent *event) override;
    QString modelDialogTitle() const override;

private:
    void retranslateUi();
    void updateButtons();

    std::shared_ptr<ms::models::bsq::BsqVitImpl> m_model;
    QString m_modelName;
    std::shared_ptr<Clip> m_input, m_decoded;
    std::shared_ptr<Tokens> m_tokens;

    ms::widgets::SpectrogramView *m_views[3];
    QLabel *m_bits, *m_bitsTitle, *m_ids, *m_idsTitle;
    QPushButton *m_exportTokens;
};

} // namespace ms::app
