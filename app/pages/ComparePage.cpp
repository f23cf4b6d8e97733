#include "pages/ComparePage.h"

#include "Worker.h"
#include "audio/AudioFile.h"
#include "audio/Edit.h"
#include "audio/Resample.h"
#include "infer/kick/KickPipeline.h"

#include "Player.h"
#include "SpectrogramView.h"
#include "SpectrumPlot.h"
#include "WaveformView.h"

#include <QCheckBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace ms::app {

namespace {
using ClipResult = ms::Result<std::shared_ptr<ComparePage::Clip>>;

// Decode, mix to mono, resample to 44.1 kHz, log-mel, render: all off the GUI thread.
ClipResult prepareClip(const QString &name, std::vector<float> mono)
{
    auto clip = std::make_shared<ComparePage::Clip>();
    clip->name = name;
    clip->audio = std::move(mono);
    clip->mel = ms::dsp::logMel(clip->audio);
    clip->image = ms::widgets::SpectrogramView::render(clip->mel, ms::widgets::SpectrogramView::Palette::Heat);
    return clip;
}

ClipResult loadClip(const QString &path)
{
    auto buf = ms::audio::readAudio(path.toStdString());
    if (!buf) return ms::fail(buf.error());
    std::vector<float> mono = ms::audio::mixToMono(*buf);
    if (buf->sampleRate != 44100) {
        auto r = ms::audio::resample(mono, buf->sampleRate, 44100);
        if (!r) return ms::fail(path.toStdString() + ": " + r.error());
        mono = std::move(r.value());
    }
    return prepareClip(QFileInfo(path).fileName(), std::move(mono));
}
} // namespace

ComparePage::ComparePage(QWidget *parent) : QWidget(parent)
{
    setAcceptDrops(true);
    m_player = new ms::widgets::Player(this);
    auto *layout = new QVBoxLayout(this);

    auto *bar = new QHBoxLayout;
    m_openA = new QPushButton(QIcon(QStringLiteral(":/icons/open.png")), QString());
    m_openB = new QPushButton(QIcon(QStringLiteral(":/icons/open.png")), QString());
    m_reconB = new QPushButton;
    m_vocodeB = new QPushButton;
    m_abButton = new QPushButton;
    m_abButton->setCheckable(true);
    m_playButton = new QPushButton(QIcon(QStringLiteral(":/icons/play.png")), QString());
    for (QWidget *w : {static_cast<QWidget *>(m_openA), static_cast<QWidget *>(m_openB),
                       static_cast<QWidget *>(m_reconB), static_cast<QWidget *>(m_vocodeB)})
        bar->addWidget(w);
    m_cutoffBox = new QCheckBox;
    m_cutoffBox->setChecked(QSettings().value(QStringLiteral("compare/cutoff"), false).toBool());
    bar->addStretch();
    bar->addWidget(m_cutoffBox);
    bar->addWidget(m_abButton);
    bar->addWidget(m_playButton);
    layout->addLayout(bar);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto *split = new QSplitter(Qt::Vertical);
    auto *grid = new QWidget;
    auto *g = new QGridLayout(grid);
    g->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < 3; ++i) {
        m_views[i] = new ms::widgets::SpectrogramView;
        m_views[i]->setCutoffVisible(i < 2 && m_cutoffBox->isChecked());
    }
    m_labels[0] = new QLabel;
    m_labels[1] = new QLabel;
    m_diffLabel = new QLabel;
    g->addWidget(m_labels[0], 0, 0);
    g->addWidget(m_views[0], 1, 0);
    g->addWidget(m_labels[1], 0, 1);
    g->addWidget(m_views[1], 1, 1);
    g->addWidget(m_diffLabel, 2, 0);
    g->addWidget(m_views[2], 3, 0);
    m_specBox = new QGroupBox;
    auto *sv = new QVBoxLayout(m_specBox);
    m_spectrum = new ms::widgets::SpectrumPlot;
    sv->addWidget(m_spectrum);
    g->addWidget(m_specBox, 2, 1, 2, 1);
    g->setRowStretch(1, 3);
    g->setRowStretch(3, 2);
    split->addWidget(grid);
    m_waveBox = new QGroupBox;
    auto *wv = new QVBoxLayout(m_waveBox);
    m_wave = new ms::widgets::WaveformView;
    wv->addWidget(m_wave);
    split->addWidget(m_waveBox);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    // Linked zoom and pan: any view drives the other two and the waveform.
    for (int i = 0; i < 3; ++i) {
        connect(m_views[i], &ms::widgets::SpectrogramView::viewChanged, this, [this, i](double x0, double x1) {
            for (int j = 0; j < 3; ++j)
                if (j != i && m_views[j]->hasImage()) m_views[j]->setView(x0, x1);
            const double spf = 512.0 / 44100.0;
            m_wave->setView(x0 * spf, x1 * spf);
        });
    }
    for (int i = 0; i < 2; ++i)
        connect(m_views[i], &ms::widgets::SpectrogramView::cutoffChanged, this, [this, i](double hz) {
            m_views[1 - i]->setCutoffHz(hz);
            m_spectrum->setCutoff(hz);
        });
    m_spectrum->setCutoffVisible(m_cutoffBox->isChecked());
    connect(m_cutoffBox, &QCheckBox::toggled, this, [this](bool on) {
        m_views[0]->setCutoffVisible(on);
        m_views[1]->setCutoffVisible(on);
        m_spectrum->setCutoffVisible(on);
        QSettings().setValue(QStringLiteral("compare/cutoff"), on);
    });
    connect(m_openA, &QPushButton::clicked, this, [this] { openFileDialog(0); });
    connect(m_openB, &QPushButton::clicked, this, [this] { openFileDialog(1); });
    connect(m_reconB, &QPushButton::clicked, this, [this] { modelB(true); });
    connect(m_vocodeB, &QPushButton::clicked, this, [this] { modelB(false); });
    connect(m_abButton, &QPushButton::toggled, this, [this](bool b) {
        m_playB = b;
        retranslateUi();
        if (m_player->isPlaying()) { m_player->stop(); togglePlay(); }
    });
    connect(m_playButton, &QPushButton::clicked, this, &ComparePage::togglePlay);
    connect(m_player, &ms::widgets::Player::errorOccurred, this, [this](const QString &e) {
        m_status->setText(e);
        emit message(e);
    });
    m_modelDir = QSettings().value(QStringLiteral("model/dir")).toString();
    retranslateUi();
}

ComparePage::~ComparePage() = default;

void ComparePage::retranslateUi()
{
    m_openA->setText(tr("Open A… (Ctrl+O)"));
    m_openB->setText(tr("Open B…"));
    m_reconB->setText(tr("B = model reconstruction of A"));
    m_vocodeB->setText(tr("B = vocoder resynthesis of A"));
    m_abButton->setText(m_playB ? tr("Listening: B") : tr("Listening: A"));
    m_abButton->setToolTip(tr("A/B toggle: choose which clip plays"));
    m_playButton->setText(m_player->isPlaying() ? tr("Stop (Space)") : tr("Play (Space)"));
    if (!ms::widgets::Player::hasOutputDevice()) {
        m_playButton->setEnabled(false);
        m_abButton->setEnabled(false);
        m_playButton->setToolTip(tr("No audio output device is available; playback is off."));
    }
    for (int i = 0; i < 2; ++i) {
        const QString which = i == 0 ? QStringLiteral("A") : QStringLiteral("B");
        m_labels[i]->setText(m_clips[i] ? tr("%1: %2").arg(which, m_clips[i]->name) : tr("%1: (empty)").arg(which));
        m_views[i]->setPlaceholder(i == 0 ? tr("Drop an audio file here or press Ctrl+O")
                                          : tr("Drop a second file, open one, or let the model make B from A"));
    }
    m_diffLabel->setText(m_diffRange > 0 ? tr("Difference B − A (log-mel; dark: equal, blue: B quieter, orange: B louder, "
                                              "full colour at ±%1)")
                                               .arg(m_diffRange, 0, 'f', 1)
                                         : tr("Difference B − A (log-mel)"));
    m_cutoffBox->setText(tr("Cutoff marker"));
    m_cutoffBox->setToolTip(tr("A frequency line drawn on A, B and the average spectrum, to compare what lies above "
                               "and below it (a band limit, a low-pass). Drag it up or down on a spectrogram."));
    m_views[2]->setPlaceholder(tr("Load A and B to see their difference"));
    m_specBox->setTitle(tr("Average spectrum"));
    m_waveBox->setTitle(tr("Waveforms (A blue, B orange)"));
}

void ComparePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

QString ComparePage::statusText() const { return m_status->text(); }

QString ComparePage::differenceCaption() const { return m_diffLabel->text(); }

bool ComparePage::hasClip(int slot) const { return slot >= 0 && slot < 2 && m_clips[slot] != nullptr; }

ms::widgets::SpectrogramView *ComparePage::view(int slot) const { return m_views[std::clamp(slot, 0, 2)]; }

void ComparePage::openFileDialog(int slot)
{
    QSettings s;
    const QString path = QFileDialog::getOpenFileName(
        this, slot == 0 ? tr("Open clip A") : tr("Open clip B"), s.value(QStringLiteral("compare/dir")).toString(),
        tr("Audio files (*.wav *.aif *.aiff *.flac *.ogg *.opus);;All files (*)"));
    if (path.isEmpty()) return;
    s.setValue(QStringLiteral("compare/dir"), QFileInfo(path).absolutePath());
    loadFile(slot, path);
}

void ComparePage::loadFile(int slot, const QString &path)
{
    if (slot < 0 || slot > 1) return;
    const int ticket = ++m_loading[slot];
    m_status->setText(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    runInBackground(this, [path] { return loadClip(path); }, [this, slot, ticket](ClipResult r) {
        if (ticket != m_loading[slot]) return;   // a newer load replaced this one
        if (!r) {
            m_status->setText(tr("Cannot open: %1").arg(QString::fromStdString(r.error())));
            emit message(m_status->text());
            emit clipLoaded(slot, false);
            return;
        }
        setClip(slot, r.value());
        emit clipLoaded(slot, true);
    });
}

void ComparePage::setClip(int slot, std::shared_ptr<Clip> clip)
{
    m_clips[slot] = clip;
    ms::dsp::MelConfig cfg;
    m_views[slot]->setRendered(clip->image, clip->mel.frames, clip->mel.nMels, cfg);
    m_wave->setTrace(slot, clip->audio, 44100);
    QVector<double> hz, db;
    ms::widgets::SpectrumPlot::averageSpectrum(clip->mel.data, clip->mel.nMels, clip->mel.frames, 44100, hz, db);
    m_spectrum->setSpectrum(slot, hz, db, slot == 0 ? QStringLiteral("A") : QStringLiteral("B"));
    // A and B on one time axis, as long as the longer clip, and all of it in view: a new
    // file opens fully visible whatever the other view showed.
    const int domain = std::max(m_clips[0] ? m_clips[0]->mel.frames : 0, m_clips[1] ? m_clips[1]->mel.frames : 0);
    for (auto *v : m_views) v->setDomain(domain);
    for (auto *v : m_views)
        if (v->hasImage()) v->resetView();
    const double spf = 512.0 / 44100.0;
    m_wave->setView(0, domain * spf);
    QString status = tr("%1: %2 s").arg(clip->name).arg(clip->audio.size() / 44100.0, 0, 'f', 2);
    if (m_clips[0] && m_clips[1] && m_clips[0]->audio.size() != m_clips[1]->audio.size())
        status += QStringLiteral("  ") + tr("A is %1 s, B is %2 s: both are drawn on one time axis; the difference covers "
                                            "the first %3 s.")
                                         .arg(m_clips[0]->audio.size() / 44100.0, 0, 'f', 2)
                                         .arg(m_clips[1]->audio.size() / 44100.0, 0, 'f', 2)
                                         .arg(std::min(m_clips[0]->audio.size(), m_clips[1]->audio.size()) / 44100.0, 0, 'f', 2);
    if (!m_note.isEmpty()) status += QStringLiteral("  ") + m_note;
    m_note.clear();
    m_status->setText(status);
    retranslateUi();
    updateDifference();
}

void ComparePage::updateDifference()
{
    if (!m_clips[0] || !m_clips[1]) return;
    auto a = m_clips[0], b = m_clips[1];
    const int ticket = ++m_diffTicket;
    runInBackground(this, [a, b] {
        ms::dsp::MelImage d;
        d.nMels = std::min(a->mel.nMels, b->mel.nMels);
        d.frames = std::min(a->mel.frames, b->mel.frames);
        d.data.resize(size_t(d.nMels) * d.frames);
        float range = 1.0f;
        for (int m = 0; m < d.nMels; ++m)
            for (int f = 0; f < d.frames; ++f) {
                const float v = b->mel.at(m, f) - a->mel.at(m, f);
                d.data[size_t(m) * d.frames + f] = v;
                if (std::isfinite(v)) range = std::max(range, std::abs(v));
            }
        return std::make_tuple(d.frames, ms::widgets::SpectrogramView::render(d, ms::widgets::SpectrogramView::Palette::Diverging,
                                                                              -range, range), range);
    }, [this, ticket](std::tuple<int, QImage, float> r) {
        if (ticket != m_diffTicket) return;   // A or B changed since: a newer difference follows
        m_diffRange = std::get<2>(r);
        m_views[2]->setRendered(std::get<1>(r), std::get<0>(r), 128, ms::dsp::MelConfig{});
        m_views[2]->setView(m_views[0]->viewStart(), m_views[0]->viewEnd());
        retranslateUi();
    });
}

void ComparePage::modelB(bool reconstruct)
{
    if (!m_clips[0]) {
        m_status->setText(tr("Load clip A first."));
        return;
    }
#ifdef MELSTUDIO_HAVE_KICK_PIPELINE
    m_modelDir = QSettings().value(QStringLiteral("model/dir"), m_modelDir).toString();
    if (m_modelDir.isEmpty()) {
        m_status->setText(tr("No model is selected: load one on the Generate page."));
        return;
    }
    const std::string dir = m_modelDir.toStdString();
    const std::string device = QSettings().value(QStringLiteral("device"), QStringLiteral("auto")).toString().toStdString();
    std::vector<float> audio = m_clips[0]->audio;
    const QString name = (reconstruct ? tr("reconstruction of %1") : tr("resynthesis of %1")).arg(m_clips[0]->name);
    m_status->setText(tr("Running the model on A…"));
    const int ticket = ++m_loading[1];
    runInBackground(this, [dir, device, audio, reconstruct, name]() -> ClipResult {
        auto p = ms::infer::kick::KickPipeline::load(dir, device);
        if (!p) return ms::fail(p.error());
        auto take = reconstruct ? (*p)->reconstruct(audio) : (*p)->vocode(audio);
        if (!take) return ms::fail(take.error());
        return prepareClip(name, take->audio);
    }, [this, ticket, reconstruct](ClipResult r) {
        if (ticket != m_loading[1]) return;
        // The model works on clips of its own length: say when B covers only the start of A.
        if (r && m_clips[0] && m_clips[0]->audio.size() > r.value()->audio.size() + 512)
            m_note = (reconstruct ? tr("The model reconstructs clips of %1 s: B is made from the first %1 s of A (%2 s).")
                                  : tr("The vocoder resynthesised the first %1 s of A (%2 s)."))
                         .arg(r.value()->audio.size() / 44100.0, 0, 'f', 2)
                         .arg(m_clips[0]->audio.size() / 44100.0, 0, 'f', 2);
        if (!r) {
            m_status->setText(tr("The model could not make B: %1").arg(QString::fromStdString(r.error())));
            emit clipLoaded(1, false);
            return;
        }
        setClip(1, r.value());
        emit clipLoaded(1, true);
    });
#else
    Q_UNUSED(reconstruct);
    m_status->setText(tr("This build has no inference engine."));
#endif
}

void ComparePage::togglePlay()
{
    if (m_player->isPlaying()) {
        m_player->stop();
        retranslateUi();
        return;
    }
    const auto &clip = m_clips[m_playB ? 1 : 0];
    if (clip) m_player->play(clip->audio, 44100);
    retranslateUi();
}

void ComparePage::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void ComparePage::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty()) return;
    // Dropped on the right half (or a second file): B; otherwise A.
    if (urls.size() > 1) {
        loadFile(0, urls.at(0).toLocalFile());
        loadFile(1, urls.at(1).toLocalFile());
    } else {
        loadFile(event->position().x() > width() / 2 ? 1 : 0, urls.front().toLocalFile());
    }
    event->acceptProposedAction();
}

} // namespace ms::app
