#include "pages/TrainPreview.h"

#include "Player.h"
#include "SpectrogramView.h"
#include "audio/AudioFile.h"
#include "audio/Edit.h"
#include "io/SafeTensors.h"
#include "models/bsq/Config.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QGridLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>

#include <algorithm>
#include <cmath>

namespace ms::app {

using ms::widgets::SpectrogramView;

TrainPreview::TrainPreview(QWidget *parent) : QGroupBox(parent)
{
    m_player = new ms::widgets::Player(this);
    auto *pv = new QGridLayout(this);
    m_target = new SpectrogramView;
    m_output = new SpectrogramView;
    m_latent = new QLabel;
    m_latent->setScaledContents(true);   // the heat map fills the row, like the spectrograms
    m_latent->setMinimumHeight(48);
    m_latent->setMaximumHeight(96);
    m_latentCaption = new QLabel;
    m_playButton = new QPushButton(QIcon(QStringLiteral(":/icons/play.png")), QString());
    m_playButton->setEnabled(false);   // until a preview with audio is shown
    pv->addWidget(m_target, 0, 0);
    pv->addWidget(m_output, 0, 1);
    pv->addWidget(m_latentCaption, 1, 0, 1, 2);
    pv->addWidget(m_latent, 2, 0, 1, 2);
    pv->addWidget(m_playButton, 3, 1, Qt::AlignRight);
    pv->setRowStretch(0, 1);
    m_latent->hide();
    m_latentCaption->hide();
    connect(m_playButton, &QPushButton::clicked, this, &TrainPreview::togglePlay);
    connect(m_player, &ms::widgets::Player::playingChanged, this, &TrainPreview::retranslateUi);
    retranslateUi();
}

SpectrogramView *TrainPreview::view(int side) const { return side == 0 ? m_target : m_output; }
bool TrainPreview::latentShown() const { return !m_latent->isHidden(); }
QString TrainPreview::latentCaption() const { return m_latentCaption->text(); }

void TrainPreview::retranslateUi()
{
    setTitle(m_step >= 0 ? tr("Preview at step %1: target (left) and model output (right)").arg(m_step)
                         : tr("Preview: target (left) and model output (right)"));
    m_target->setPlaceholder(tr("Target mel"));
    m_output->setPlaceholder(tr("Model output"));
    m_playButton->setText(m_player->isPlaying() ? tr("Stop (Space)") : tr("Play preview (Space)"));
    m_latentCaption->setText(tr("Latent of the target: %1 channels × %2 frames (channel 0 at the top; blue "
                                "negative, red positive)")
                                     .arg(m_latentChannels)
                                     .arg(m_latentFrames));
}

QString TrainPreview::signature(const QString &dir)
{
    QString sig;
    if (dir.isEmpty()) return sig;
    for (const QFileInfo &fi : QDir(dir).entryInfoList(QDir::Files, QDir::Name))
        sig += QStringLiteral("%1:%2:%3;").arg(fi.fileName()).arg(fi.size()).arg(fi.lastModified().toMSecsSinceEpoch());
    return sig;
}

void TrainPreview::poll()
{
    if (!m_dir.isEmpty() && signature(m_dir) != m_sig) show(m_dir);
}

void TrainPreview::show(const QString &dir)
{
    m_dir = dir;
    m_sig = signature(dir);
    m_target->clear();
    m_output->clear();
    m_latent->hide();
    m_latentCaption->hide();
    m_latentChannels = m_latentFrames = 0;
    m_audio.clear();
    m_playButton->setEnabled(false);
    m_step = dir.isEmpty() ? -1 : QFileInfo(dir).fileName().toLongLong();
    retranslateUi();
    if (dir.isEmpty()) return;
    QDir d(dir);
    // One mel per file: the file's name says what it is (target_mel, output_mel, ...).
    std::vector<ms::dsp::MelImage> mels;
    QStringList names;
    for (const QString &f : d.entryList({QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name)) {
        auto file = ms::io::SafeTensorsFile::open(d.filePath(f).toStdString());
        if (!file) continue;
        for (const std::string &n : (*file)->names()) {
            const auto *t = (*file)->find(n);
            if (!t || t->dtype != ms::io::DType::F32 || t->shape.size() < 2) continue;
            ms::dsp::MelImage m;
            m.nMels = int(t->shape[t->shape.size() - 2]);
            m.frames = int(t->shape.back());
            m.data.assign(static_cast<const float *>(t->data), static_cast<const float *>(t->data) + size_t(m.nMels) * m.frames);
            names << QFileInfo(f).completeBaseName() + QLatin1Char('/') + QString::fromStdString(n);
            mels.push_back(std::move(m));
            break;
        }
    }
    auto pick = [&](const QStringList &keys, int exclude) -> int {
        for (int i = 0; i < names.size(); ++i)
            for (const QString &k : keys)
                if (i != exclude && names[i].contains(k, Qt::CaseInsensitive)) return i;
        return -1;
    };
    const int ti = pick({QStringLiteral("target")}, -1);
    const int oi = pick({QStringLiteral("output"), QStringLiteral("recon"), QStringLiteral("gen")}, ti);
    const int li = names.indexOf(QStringLiteral("latent/latent"));
    // The run's front end: the tokenizer's mels are 16 kHz dB ([-80, 0]); the others
    // are natural-log mels at 44.1 kHz (the renderer's default range suits them).
    ms::dsp::MelConfig cfg;
    bool decibels = false;
    {
        QFile run(QDir(dir).filePath(QStringLiteral("../../run.json")));
        if (run.open(QIODevice::ReadOnly) &&
            QJsonDocument::fromJson(run.readAll()).object().value(QStringLiteral("family")).toString() == QLatin1String("bsq")) {
            cfg = ms::models::bsq::BsqConfig().mel();
            decibels = true;
        }
    }
    auto show = [&](SpectrogramView *view, const ms::dsp::MelImage &mel) {
        if (decibels)
            view->setRendered(SpectrogramView::render(mel, SpectrogramView::Palette::Heat, -80.0f, 0.0f), mel.frames, mel.nMels, cfg);
        else
            view->setMel(mel, cfg);
    };
    if (ti >= 0) {
        show(m_target, mels[size_t(ti)]);
        m_target->setTitle(tr("target: %1").arg(names[ti].section(QLatin1Char('/'), 0, 0)));
    }
    if (oi >= 0) {
        show(m_output, mels[size_t(oi)]);
        m_output->setTitle(tr("output: %1").arg(names[oi].section(QLatin1Char('/'), 0, 0)));
    }
    if (li >= 0 && li != ti && li != oi) {
        // Channel 0 at the top (the renderer puts row 0 at the bottom), a symmetric range.
        const ms::dsp::MelImage &lat = mels[size_t(li)];
        ms::dsp::MelImage flipped = lat;
        float range = 1.0f;
        for (int c = 0; c < lat.nMels; ++c)
            std::copy_n(lat.data.begin() + size_t(c) * lat.frames, lat.frames,
                        flipped.data.begin() + size_t(lat.nMels - 1 - c) * lat.frames);
        for (float v : lat.data)
            if (std::isfinite(v)) range = std::max(range, std::abs(v));
        m_latent->setPixmap(QPixmap::fromImage(SpectrogramView::render(flipped, SpectrogramView::Palette::Diverging, -range, range)));
        m_latentChannels = lat.nMels;
        m_latentFrames = lat.frames;
        m_latent->show();
        m_latentCaption->show();
        retranslateUi();
    }
    const QStringList wavs = d.entryList({QStringLiteral("*.wav")}, QDir::Files, QDir::Name);
    for (const QString &w : wavs) {
        if (wavs.size() > 1 && w.contains(QStringLiteral("target"), Qt::CaseInsensitive)) continue;
        auto buf = ms::audio::readAudio(d.filePath(w).toStdString());
        if (buf) {
            m_audio = ms::audio::mixToMono(*buf);
            m_rate = buf->sampleRate;
            break;
        }
    }
    m_playButton->setEnabled(!m_audio.empty() && ms::widgets::Player::hasOutputDevice());
}

void TrainPreview::togglePlay()
{
    if (m_player->isPlaying()) m_player->stop();
    else if (!m_audio.empty()) m_player->play(m_audio, m_rate);
    retranslateUi();
}

} // namespace ms::app
