#include "pages/bsq/TokenizerPage.h"

#include "Worker.h"
#include "Player.h"
#include "SpectrogramView.h"
#include "audio/AudioFile.h"
#include "audio/Resample.h"
#include "io/ModelDirs.h"
#include "models/bsq/BsqVit.h"

#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ms::app {

namespace mb = ms::models::bsq;
using ms::widgets::SpectrogramView;

namespace {


// A dB mel [frames, mels] tensor as the views' [mels][frames] image data.
ms::dsp::MelImage melImage(const torch::Tensor &mel)
{
    ms::dsp::MelImage m;
    m.frames = int(mel.size(0));
    m.nMels = int(mel.size(1));
    auto t = mel.t().contiguous();
    m.data.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    return m;
}

std::shared_ptr<TokenizerPage::Clip> makeClip(const QString &name, int rate, std::vector<float> samples, const torch::Tensor &mel)
{
    auto c = std::make_shared<TokenizerPage::Clip>();
    c->name = name;
    c->rate = rate;
    c->samples = std::move(samples);
    c->mel = melImage(mel);
    c->image = SpectrogramView::render(c->mel, SpectrogramView::Palette::Heat, -80.0f, 0.0f);
    return c;
}

// The bit-planes: plane b (bit 0, the most significant, at the top) is a band
// of gridFreq rows (the lowest frequency patch at the bottom of the band) over
// every window's time patches; +1 light, -1 dark, a grey line between planes.
QImage bitPlanes(const std::vector<int64_t> &ids, int cols, int gT, int gF, int bits)
{
    const int windows = (cols + gT - 1) / gT, band = gF + 1;
    QImage img(cols, bits * band - 1, QImage::Format_RGB32);
    img.fill(QColor(128, 128, 128));
    for (int w = 0; w < windows; ++w)
        for (int t = 0; t < gT && w * gT + t < cols; ++t)
            for (int f = 0; f < gF; ++f) {
                const int64_t id = ids[size_t((w * gT + t) * gF + f)];
                for (int b = 0; b < bits; ++b) {
                    const bool one = (id >> (bits - 1 - b)) & 1;
                    img.setPixel(w * gT + t, b * band + (gF - 1 - f), one ? qRgb(250, 220, 120) : qRgb(25, 30, 60));
                }
            }
    return img;
}

// Pixel-exact enlargement (no smoothing between patches), about `width` wide.
QImage blocky(const QImage &img, int width, int rowScale)
{
    const int sx = std::max(1, width / std::max(1, img.width()));
    return img.scaled(img.width() * sx, img.height() * rowScale, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

struct TokenizeResult {
    QString error;
    std::shared_ptr<TokenizerPage::Clip> decoded;
    std::shared_ptr<TokenizerPage::Tokens> tokens;
};

} // namespace

TokenizerPage::TokenizerPage(QWidget *parent) : FilePage(parent)
{
    m_exportTokens = new QPushButton;
    auto *top = makeToolbar({m_exportTokens});

    for (auto *&v : m_views) v = new SpectrogramView;
    // One time axis for the three views.
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            if (i != j) connect(m_views[i], &SpectrogramView::viewChanged, m_views[j], &SpectrogramView::setView);
    m_bitsTitle = new QLabel;
    m_bits = new QLabel;
    m_bits->setMinimumHeight(150);
    m_bits->setScaledContents(true);
    // The pictures are drawn wide (sharp patches); they must not widen the window.
    m_bits->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
    m_idsTitle = new QLabel;
    m_bitsTitle->setWordWrap(true);
    m_idsTitle->setWordWrap(true);
    m_ids = new QLabel;
    m_ids->setMinimumHeight(40);
    m_ids->setScaledContents(true);
    m_ids->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);

    auto *box = new QVBoxLayout(this);
    box->addLayout(top);
    box->addWidget(m_modelLabel);
    box->addWidget(m_views[0], 3);
    box->addWidget(m_bitsTitle);
    box->addWidget(m_bits, 3);
    box->addWidget(m_idsTitle);
    box->addWidget(m_ids, 1);
    box->addWidget(m_views[1], 3);
    box->addWidget(m_views[2], 2);
    box->addWidget(m_statusLabel);

    connect(m_exportTokens, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export tokens"), QString(),
                                                          tr("Token files (*.tokens.safetensors)"));
        if (path.isEmpty()) return;
        QString error;
        setStatus(exportTokens(path, &error) ? tr("Written to %1").arg(path) : tr("Cannot export: %1").arg(error));
    });
    connect(m_player, &ms::widgets::Player::playingChanged, this, [this] { retranslateUi(); });
    retranslateUi();
    updateButtons();
    if (const std::string def = io::defaultModelDir("tokenizer-default"); !def.empty())
        setModelDir(QString::fromStdString(def));
}

TokenizerPage::~TokenizerPage() = default;

void TokenizerPage::setModelDir(const QString &dir)
{
    const QString resolved = QString::fromStdString(io::newestCheckpointDir(dir.toStdString()));
    const int ticket = ++m_ticket;
    runInBackground(this, [resolved] {
        std::string description;
        auto m = mb::loadBsqVit(resolved.toStdString(), &description);
        return std::make_pair(m ? m->ptr() : nullptr, m ? description : m.error());
    }, [this, ticket](std::pair<std::shared_ptr<mb::BsqVitImpl>, std::string> r) {
        if (ticket != m_ticket) return;
        if (!r.first) {
            setStatus(tr("Cannot load the model: %1").arg(QString::fromStdString(r.second)));
            emit modelLoaded(false);
            return;
        }
        m_model = r.first;
        m_modelName = QString::fromStdString(r.second);
        m_tokens.reset();
        m_decoded.reset();
        retranslateUi();
        updateButtons();
        emit modelLoaded(true);
        if (m_input) loadFile(m_input->name);   // again, with this model's front end
    });
}

void TokenizerPage::loadFile(const QString &path)
{
    if (path.isEmpty()) return;
    const int ticket = ++m_ticket;
    const mb::BsqConfig cfg = m_model ? m_model->config() : mb::BsqConfig{};
    setStatus(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    runInBackground(this, [path, cfg]() -> std::pair<std::shared_ptr<Clip>, QString> {
        auto buf = ms::audio::readAudio(path.toStdString());
        if (!buf) return {nullptr, QString::fromStdString(buf.error())};
        if (buf->channelCount() > 2)
            return {nullptr, QObject::tr("%1 has %2 channels; the tokenizer takes mono or stereo").arg(path).arg(buf->channelCount())};
        auto b = std::move(*buf);
        if (b.empty()) return {nullptr, QObject::tr("%1 holds no samples").arg(path)};
        for (const auto &ch : b.channels)
            for (float v : ch)
                if (!std::isfinite(v)) return {nullptr, QObject::tr("%1 holds NaN or infinite samples").arg(path)};
        if (b.sampleRate != cfg.sampleRate) {
            auto r = ms::audio::resample(b, cfg.sampleRate);
            if (!r) return {nullptr, QString::fromStdString(r.error())};
            b = std::move(*r);
        }
        std::vector<float> mono(b.frames(), 0.0f);
        for (const auto &ch : b.channels)
            for (size_t i = 0; i < mono.size(); ++i) mono[i] += ch[i] / float(b.channelCount());
        auto x = torch::from_blob(mono.data(), {int64_t(mono.size())}, torch::kFloat).clone();
        torch::NoGradGuard ng;
        auto mel = mb::BsqFrontEnd(cfg)(x);
        return {makeClip(path, cfg.sampleRate, std::move(mono), mel), QString()};
    }, [this, ticket](std::pair<std::shared_ptr<Clip>, QString> r) {
        if (ticket != m_ticket) return;
        if (!r.first) {
            setStatus(tr("Cannot open: %1").arg(r.second));
            emit fileLoaded(false);
            return;
        }
        m_input = r.first;
        m_decoded.reset();
        m_tokens.reset();
        const auto mc = (m_model ? m_model->config() : mb::BsqConfig{}).mel();
        m_views[0]->setRendered(m_input->image, m_input->mel.frames, m_input->mel.nMels, mc);
        for (auto *v : m_views) v->setDomain(m_input->mel.frames);
        m_bits->clear();
        m_ids->clear();
        setStatus(tr("%1: %2 s").arg(QFileInfo(m_input->name).fileName()).arg(double(m_input->samples.size()) / m_input->rate, 0, 'f', 2));
        retranslateUi();
        updateButtons();
        emit fileLoaded(true);
    });
}

void TokenizerPage::tokenizeDecode()
{
    if (!m_model || !m_input || isBusy()) return;
    beginJob();
    updateButtons();
    setStatus(tr("Tokenizing…"));
    auto model = m_model;
    auto input = m_input;
    auto first = progress(0.0, 0.3), second = progress(0.3, 0.3), last = progress(0.6, 0.4);
    runInBackground(this, [model, input, first, second, last]() {
        TokenizeResult out;
        try {
            torch::NoGradGuard ng;
            const auto &cfg = model->config();
            auto mel = torch::from_blob(const_cast<float *>(input->mel.data.data()), {input->mel.nMels, input->mel.frames},
                                        torch::kFloat).t().contiguous();
            auto ids = mb::tokenizeMel(*model, mel, first).contiguous();
            auto dec = mb::detokenizeIds(*model, ids, second).narrow(0, 0, mel.size(0)).contiguous();
            auto t = std::make_shared<Tokens>();
            t->windows = int(ids.size(0));
            t->gridTime = int(ids.size(1));
            t->gridFreq = int(ids.size(2));
            t->bits = cfg.codeBits;
            t->ids.assign(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel());
            const auto u = mb::idUsage(ids);
            t->distinct = u.distinct;
            t->entropyBits = u.entropyBits;
            auto d = dec - mel;
            t->melMse = d.pow(2).mean().item<double>();
            t->melMae = d.abs().mean().item<double>();
            // The time patches that hold the file (the last window's padding is not shown,
            // so that the pictures share the mel views' time axis).
            t->columns = int((mel.size(0) + cfg.patchTime - 1) / cfg.patchTime);
            t->bitPlanes = blocky(bitPlanes(t->ids, t->columns, t->gridTime, t->gridFreq, t->bits), 1200, 4);
            // Ids over time: one row per frequency patch (the lowest at the bottom), id / 2^L as colour.
            ms::dsp::MelImage im;
            im.nMels = t->gridFreq;
            im.frames = t->columns;
            im.data.resize(size_t(im.nMels) * im.frames);
            for (int c = 0; c < im.frames; ++c)
                for (int f = 0; f < im.nMels; ++f)
                    im.data[size_t(f) * im.frames + c] = float(double(t->ids[size_t(c * t->gridFreq + f)]) / std::ldexp(1.0, t->bits));
            t->idImage = blocky(SpectrogramView::render(im, SpectrogramView::Palette::Heat, 0.0f, 1.0f), 1200, 4);
            t->difference = SpectrogramView::render(melImage(d), SpectrogramView::Palette::Diverging, -30.0f, 30.0f);
            // The decoded mel as audio: Griffin-Lim (no vocoder is trained for this front end yet).
            mb::BsqFrontEnd front(cfg);
            const int64_t n = int64_t(input->samples.size());
            auto y = front.griffinLim(dec, 64);
            if (y.numel() < n) y = torch::cat({y, torch::zeros({n - y.numel()})});
            y = y.narrow(0, 0, n).clamp(-1, 1).contiguous();
            last(1.0);
            out.decoded = makeClip(input->name, input->rate, std::vector<float>(y.data_ptr<float>(), y.data_ptr<float>() + n), dec);
            out.tokens = t;
        } catch (const Aborted &) {
            out.error = QStringLiteral("cancelled");
        } catch (const std::exception &e) {
            out.error = QString::fromStdString(e.what()).section(QLatin1Char('\n'), 0, 0);
        }
        return out;
    }, [this](TokenizeResult r) {
        endJob(r.error.isEmpty());
        updateButtons();
        if (!r.error.isEmpty()) {
            setStatus(r.error == QLatin1String("cancelled") ? tr("Cancelled") : tr("Tokenizing failed: %1").arg(r.error));
            emit tokenized(false);
            return;
        }
        m_decoded = r.decoded;
        m_tokens = r.tokens;
        const auto mc = m_model->config().mel();
        m_views[1]->setRendered(m_decoded->image, m_decoded->mel.frames, m_decoded->mel.nMels, mc);
        m_views[2]->setRendered(m_tokens->difference, m_decoded->mel.frames, m_decoded->mel.nMels, mc);
        for (int i : {1, 2}) m_views[i]->setView(m_views[0]->viewStart(), m_views[0]->viewEnd());
        m_bits->setPixmap(QPixmap::fromImage(m_tokens->bitPlanes));
        m_ids->setPixmap(QPixmap::fromImage(m_tokens->idImage));
        setStatus(tr("%1 tokenized and decoded").arg(QFileInfo(m_decoded->name).fileName()));
        retranslateUi();
        updateButtons();
        emit tokenized(true);
    });
}

bool TokenizerPage::exportDecoded(const QString &path, QString *error)
{
    if (!m_decoded) {
        if (error) *error = tr("nothing decoded yet");
        return false;
    }
    ms::audio::AudioBuffer b;
    b.sampleRate = m_decoded->rate;
    b.channels = {m_decoded->samples};
    const Status st = ms::audio::writeAudio(path.toStdString(), b);
    if (!st && error) *error = QString::fromStdString(st.error());
    return bool(st);
}

bool TokenizerPage::exportTokens(const QString &path, QString *error)
{
    if (!m_tokens || !m_model) {
        if (error) *error = tr("nothing tokenized yet");
        return false;
    }
    const auto &t = *m_tokens;
    auto ids = torch::from_blob(const_cast<int64_t *>(t.ids.data()), {t.windows, t.gridTime, t.gridFreq}, torch::kLong);
    const Status st = mb::saveTokenFile(path.toStdString(), m_model->config(), ids, m_input->mel.frames,
                                        int64_t(m_input->samples.size()), QFileInfo(m_input->name).fileName().toStdString(),
                                        m_modelName.toStdString());
    if (!st && error) *error = QString::fromStdString(st.error());
    return bool(st);
}

void TokenizerPage::togglePlay(bool decodedSide)
{
    if (const Clip *clip = decodedSide ? m_decoded.get() : m_input.get())
        m_player->toggleSide(decodedSide ? 1 : 0, {clip->samples}, clip->rate);
}

QString TokenizerPage::modelDialogTitle() const { return tr("A tokenizer package, run or checkpoint"); }

void TokenizerPage::updateButtons()
{
    updateCommonButtons(m_model && m_input, m_input != nullptr, m_decoded != nullptr);
    m_exportTokens->setEnabled(m_tokens != nullptr);
}

void TokenizerPage::retranslateUi()
{
    retranslateCommon(tr("Tokenize + decode"));
    m_exportTokens->setText(tr("Export tokens…"));
    if (m_model) {
        const auto &cfg = m_model->config();
        m_modelLabel->setText(tr("Model: %1 — %2-bit tokens, %3 tokens/s, %4 bit/s")
                                  .arg(m_modelName)
                                  .arg(cfg.codeBits)
                                  .arg(cfg.tokensPerSecond(), 0, 'f', 1)
                                  .arg(cfg.bitsPerSecond(), 0, 'f', 0));
    } else {
        m_modelLabel->setText(tr("No tokenizer model: choose a package or a `train tokenizer` run with Model…"));
    }
    if (!m_input) m_views[0]->clear(tr("Open or drop an audio file"));
    else m_views[0]->setTitle(tr("input: %1 (16 kHz mono, dB mel)").arg(QFileInfo(m_input->name).fileName()));
    if (!m_decoded) {
        m_views[1]->clear(tr("Tokenize and decode to see the result"));
        m_views[2]->clear(tr("Difference (decoded - input)"));
    }
    if (m_tokens) {
        const auto &t = *m_tokens;
        m_bitsTitle->setText(tr("%1 bit-planes over the %2 x %3 patch grid of each 10.24 s window (windows: %4; bit 0, "
                                "the most significant, at the top; light = +1)")
                                 .arg(t.bits)
                                 .arg(t.gridTime)
                                 .arg(t.gridFreq)
                                 .arg(t.windows));
        m_idsTitle->setText(tr("Token ids over time (one row per frequency patch): %1 tokens, %2 distinct ids, %3 bits "
                               "per token of %4")
                                .arg(t.ids.size())
                                .arg(t.distinct)
                                .arg(t.entropyBits, 0, 'f', 2)
                                .arg(t.bits));
        m_views[1]->setTitle(tr("decoded: mel MSE %1 dB², MAE %2 dB").arg(t.melMse, 0, 'f', 1).arg(t.melMae, 0, 'f', 2));
        m_views[2]->setTitle(tr("difference (decoded - input), ±30 dB"));
    } else {
        m_bitsTitle->setText(tr("Bit-planes"));
        m_idsTitle->setText(tr("Token ids"));
    }
}

void TokenizerPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

} // namespace ms::app
