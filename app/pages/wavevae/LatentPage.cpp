#include "pages/wavevae/LatentPage.h"

#include "Worker.h"
#include "Player.h"
#include "SpectrogramView.h"
#include "audio/AudioFile.h"
#include "audio/Resample.h"
#include "io/ModelDirs.h"
#include "metrics/AudioMetrics.h"
#include "models/wavevae/WaveVae.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ms::app {

namespace mw = ms::models::wavevae;
using ms::widgets::SpectrogramView;

namespace {


std::vector<float> midOf(const LatentPage::Clip &c)
{
    std::vector<float> m(c.channels[0].size());
    for (size_t i = 0; i < m.size(); ++i) m[i] = 0.5f * (c.channels[0][i] + c.channels[1][i]);
    return m;
}

std::shared_ptr<LatentPage::Clip> makeClip(const QString &name, int rate, std::vector<std::vector<float>> ch)
{
    auto c = std::make_shared<LatentPage::Clip>();
    c->name = name;
    c->rate = rate;
    c->channels = std::move(ch);
    ms::dsp::MelConfig cfg;
    cfg.sampleRate = rate;
    c->mel = ms::dsp::logMel(midOf(*c), cfg);
    c->image = SpectrogramView::render(c->mel, SpectrogramView::Palette::Heat);
    return c;
}

struct EncodeResult {
    QString error;   // empty: done; "cancelled": stopped by the user
    std::shared_ptr<LatentPage::Clip> decoded;
    QImage latent;
    int channels = 0, frames = 0;
    double siSdr = 0, mel = 0;
};

} // namespace

LatentPage::LatentPage(QWidget *parent) : FilePage(parent)
{
    auto *top = makeToolbar();

    for (auto *&v : m_views) v = new SpectrogramView;
    // One time axis: zoom or pan in either view moves the other.
    connect(m_views[0], &SpectrogramView::viewChanged, m_views[1], &SpectrogramView::setView);
    connect(m_views[1], &SpectrogramView::viewChanged, m_views[0], &SpectrogramView::setView);
    m_latentTitle = new QLabel;
    m_latent = new QLabel;
    m_latent->setMinimumHeight(128);
    m_latent->setScaledContents(true);   // the heat map fills the row, like the spectrograms

    auto *box = new QVBoxLayout(this);
    box->addLayout(top);
    box->addWidget(m_modelLabel);
    box->addWidget(m_views[0], 3);
    box->addWidget(m_latentTitle);
    box->addWidget(m_latent, 2);
    box->addWidget(m_views[1], 3);
    box->addWidget(m_statusLabel);

    connect(m_player, &ms::widgets::Player::playingChanged, this, [this] { retranslateUi(); });
    retranslateUi();
    updateButtons();
    // The bundled default model, when one is installed (Model… chooses another).
    if (const std::string def = io::defaultModelDir("wavevae-default"); !def.empty())
        setModelDir(QString::fromStdString(def));
}

LatentPage::~LatentPage() = default;

void LatentPage::setModelDir(const QString &dir)
{
    const QString resolved = QString::fromStdString(io::newestCheckpointDir(dir.toStdString()));
    const int ticket = ++m_ticket;
    runInBackground(this, [resolved] {
        std::string description;
        auto vae = mw::loadWaveVae(resolved.toStdString(), &description);
        return std::make_pair(vae ? vae->ptr() : nullptr, vae ? description : vae.error());
    }, [this, ticket](std::pair<std::shared_ptr<mw::WaveVaeImpl>, std::string> r) {
        if (ticket != m_ticket) return;
        if (!r.first) {
            setStatus(tr("Cannot load the model: %1").arg(QString::fromStdString(r.second)));
            emit modelLoaded(false);
            return;
        }
        m_vae = r.first;
        m_modelName = QString::fromStdString(r.second);
        retranslateUi();
        updateButtons();
        emit modelLoaded(true);
    });
}

void LatentPage::loadFile(const QString &path)
{
    const int ticket = ++m_ticket;
    const int rate = m_vae ? m_vae->config().sampleRate : 44100;
    setStatus(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    runInBackground(this, [path, rate]() -> std::pair<std::shared_ptr<Clip>, QString> {
        auto buf = ms::audio::readAudio(path.toStdString());
        if (!buf) return {nullptr, QString::fromStdString(buf.error())};
        if (buf->channelCount() > 2)
            return {nullptr, QObject::tr("%1 has %2 channels; the wave VAE takes mono or stereo").arg(path).arg(buf->channelCount())};
        auto b = std::move(*buf);
        if (b.sampleRate != rate) {
            auto r = ms::audio::resample(b, rate);
            if (!r) return {nullptr, QString::fromStdString(r.error())};
            b = std::move(*r);
        }
        if (b.empty()) return {nullptr, QObject::tr("%1 holds no samples").arg(path)};
        std::vector<std::vector<float>> ch{b.channels[0], b.channels[size_t(b.channelCount() - 1)]};
        return {makeClip(QFileInfo(path).fileName(), rate, std::move(ch)), QString()};
    }, [this, ticket](std::pair<std::shared_ptr<Clip>, QString> r) {
        if (ticket != m_ticket) return;
        if (!r.first) {
            setStatus(tr("Cannot open: %1").arg(r.second));
            emit fileLoaded(false);
            return;
        }
        m_input = r.first;
        m_decoded.reset();
        m_latentImage = QImage();
        m_latentChannels = m_latentFrames = 0;
        m_views[0]->setRendered(m_input->image, m_input->mel.frames, m_input->mel.nMels, ms::dsp::MelConfig{});
        m_views[0]->setTitle(tr("input: %1").arg(m_input->name));
        m_views[1]->clear(tr("Encode and decode to see the result"));
        for (auto *v : m_views) v->setDomain(m_input->mel.frames);
        m_latent->clear();
        setStatus(tr("%1: %2 s").arg(m_input->name).arg(double(m_input->channels[0].size()) / m_input->rate, 0, 'f', 2));
        updateButtons();
        emit fileLoaded(true);
    });
}

void LatentPage::encodeDecode()
{
    if (!m_vae || !m_input || isBusy()) return;
    beginJob();
    updateButtons();
    setStatus(tr("Encoding…"));
    auto vae = m_vae;
    auto input = m_input;
    auto first = progress(0.0, 0.5), second = progress(0.5, 0.5);
    runInBackground(this, [vae, input, first, second]() {
        EncodeResult out;
        try {
            const int64_t L = int64_t(input->channels[0].size());
            auto x = torch::empty({2, L});
            for (int c = 0; c < 2; ++c) std::copy(input->channels[size_t(c)].begin(), input->channels[size_t(c)].end(), x[c].data_ptr<float>());
            auto lat = mw::encodeChunked(*vae, x, 256, 16, first);
            auto y = mw::decodeChunked(*vae, lat, 256, 16, second).narrow(1, 0, L).clamp(-1, 1).contiguous();
            std::vector<std::vector<float>> ch(2);
            for (int c = 0; c < 2; ++c) ch[size_t(c)].assign(y[c].data_ptr<float>(), y[c].data_ptr<float>() + L);
            out.decoded = makeClip(input->name, input->rate, std::move(ch));
            ms::dsp::MelImage li;
            li.nMels = int(lat.size(0));
            li.frames = int(lat.size(1));
            // Channel 0 at the top: the image's rows run from the top down.
            auto flipped = lat.flip({0}).contiguous();
            li.data.assign(flipped.data_ptr<float>(), flipped.data_ptr<float>() + flipped.numel());
            const float range = std::max(1.0f, lat.abs().max().item<float>());
            out.latent = SpectrogramView::render(li, SpectrogramView::Palette::Diverging, -range, range);
            out.channels = li.nMels;
            out.frames = li.frames;
            const auto a = midOf(*input), b = midOf(*out.decoded);
            out.siSdr = ms::metrics::siSdr(b, a);
            out.mel = ms::metrics::dacMelDistance(b, a, input->rate);
        } catch (const Aborted &) {
            out.error = QStringLiteral("cancelled");
        } catch (const std::exception &e) {
            out.error = QString::fromStdString(e.what()).section(QLatin1Char('\n'), 0, 0);
        }
        return out;
    }, [this](EncodeResult r) {
        endJob(r.error.isEmpty());
        updateButtons();
        if (!r.error.isEmpty()) {
            setStatus(r.error == QLatin1String("cancelled") ? tr("Cancelled") : tr("Encoding failed: %1").arg(r.error));
            emit encoded(false);
            return;
        }
        m_decoded = r.decoded;
        m_latentImage = r.latent;
        m_latentChannels = r.channels;
        m_latentFrames = r.frames;
        m_siSdr = r.siSdr;
        m_melDistance = r.mel;
        m_views[1]->setRendered(m_decoded->image, m_decoded->mel.frames, m_decoded->mel.nMels, ms::dsp::MelConfig{});
        m_views[1]->setView(m_views[0]->viewStart(), m_views[0]->viewEnd());
        m_latent->setPixmap(QPixmap::fromImage(m_latentImage));
        setStatus(tr("%1 encoded and decoded").arg(m_decoded->name));
        retranslateUi();
        updateButtons();
        emit encoded(true);
    });
}

bool LatentPage::exportDecoded(const QString &path, QString *error)
{
    if (!m_decoded) {
        if (error) *error = tr("nothing decoded yet");
        return false;
    }
    ms::audio::AudioBuffer b;
    b.sampleRate = m_decoded->rate;
    b.channels = m_decoded->channels;
    const Status st = ms::audio::writeAudio(path.toStdString(), b);
    if (!st && error) *error = QString::fromStdString(st.error());
    return bool(st);
}

void LatentPage::togglePlay(bool decodedSide)
{
    // In stereo: the side signal is half of what the wave VAE is judged on.
    if (const Clip *clip = decodedSide ? m_decoded.get() : m_input.get())
        m_player->toggleSide(decodedSide ? 1 : 0, clip->channels, clip->rate);
}

QString LatentPage::modelDialogTitle() const { return tr("A wave VAE package, run or checkpoint"); }

void LatentPage::updateButtons()
{
    updateCommonButtons(m_vae && m_input, m_input != nullptr, m_decoded != nullptr);
}

void LatentPage::retranslateUi()
{
    retranslateCommon(tr("Encode + decode"));
    m_modelLabel->setText(m_vae ? tr("Model: %1").arg(m_modelName)
                                : tr("No wave VAE model: choose a package or a `train wavevae` run with Model…"));
    if (!m_input) m_views[0]->clear(tr("Open or drop an audio file"));
    if (!m_decoded) m_views[1]->clear(tr("Encode and decode to see the result"));
    if (m_latentFrames > 0 && m_vae) {
        const auto &cfg = m_vae->config();
        m_latentTitle->setText(tr("Latent: %1 channels x %2 frames (%3 frames/s, %4 kb/s at float16), channel 0 at the top")
                                   .arg(m_latentChannels)
                                   .arg(m_latentFrames)
                                   .arg(cfg.frameRate(), 0, 'f', 1)
                                   .arg(m_latentChannels * cfg.frameRate() * 16 / 1000.0, 0, 'f', 1));
        m_views[1]->setTitle(tr("decoded: SI-SDR %1 dB, mel distance %2 (mid signal)")
                                 .arg(m_siSdr, 0, 'f', 2)
                                 .arg(m_melDistance, 0, 'f', 3));
    } else {
        m_latentTitle->setText(tr("Latent"));
    }
}

void LatentPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

} // namespace ms::app
