#include "pages/kick/GeneratePage.h"

#include "Worker.h"
#include "infer/kick/KickPipeline.h"

#include "LatentGrid.h"
#include "Player.h"
#include "SpectrogramView.h"
#include "WaveformView.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStringListModel>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <limits>
#include <mutex>

namespace ms::app {

struct GeneratePage::Live {
    std::mutex mutex;
    int step = 0, total = 0, stepsSeen = 0;
    int channels = 0, height = 0, width = 0;
    std::vector<float> latent;   // first take's latent
    bool fresh = false;
};

GeneratePage::GeneratePage(QWidget *parent)
    : QWidget(parent), m_live(std::make_shared<Live>()), m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    m_player = new ms::widgets::Player(this);
    m_modes = new QStackedWidget;
    m_modes->addWidget(buildNoModelPanel());
    m_modes->addWidget(buildMainPanel());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_modes);

    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &GeneratePage::refreshLive);
    // A playback problem is said in the status bar and on the Play button, not in the
    // banner (which would move the page under the pointer).
    connect(m_player, &ms::widgets::Player::errorOccurred, this, [this](const QString &e) {
        m_playButton->setToolTip(e);
        emit message(e);
    });
    connect(m_player, &ms::widgets::Player::playingChanged, this, [this](bool) { retranslateUi(); });

    retranslateUi();
    QSettings s;
    m_steps->setValue(s.value(QStringLiteral("generate/steps"), 50).toInt());
    m_guidance->setValue(s.value(QStringLiteral("generate/guidance"), 3.0).toDouble());
    m_device->setCurrentText(s.value(QStringLiteral("device"), QStringLiteral("auto")).toString());
    QString dir = s.value(QStringLiteral("model/dir")).toString();
#ifdef MELSTUDIO_HAVE_KICK_PIPELINE
    if (dir.isEmpty() || !QDir(dir).exists()) dir = QString::fromStdString(ms::infer::kick::defaultKickModelDir());
#endif
    // The takes of earlier sessions, before any model loads.
    restoreSession();
    if (!dir.isEmpty() && QDir(dir).exists()) setModelDir(dir);
}

GeneratePage::~GeneratePage() { m_cancel->store(true); }

QWidget *GeneratePage::buildNoModelPanel()
{
    auto *panel = new QWidget;
    auto *v = new QVBoxLayout(panel);
    v->addStretch();
    m_noModelTitle = new QLabel;
    QFont f = m_noModelTitle->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    m_noModelTitle->setFont(f);
    m_noModelText = new QLabel;
    m_noModelText->setWordWrap(true);
    m_noModelText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_noModelText->setFixedWidth(640);
    auto *buttons = new QHBoxLayout;
    m_openModelButton = new QPushButton(QIcon(QStringLiteral(":/icons/open.png")), QString());
    m_goTrainButton = new QPushButton(QIcon(QStringLiteral(":/icons/train.png")), QString());
    buttons->addStretch();
    buttons->addWidget(m_openModelButton);
    buttons->addWidget(m_goTrainButton);
    buttons->addStretch();
    v->addWidget(m_noModelTitle, 0, Qt::AlignHCenter);
    v->addWidget(m_noModelText, 0, Qt::AlignHCenter);
    v->addLayout(buttons);
    v->addStretch();
    connect(m_goTrainButton, &QPushButton::clicked, this, &GeneratePage::goToTrain);
    connect(m_openModelButton, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Open model package"), m_modelDir);
        if (!d.isEmpty()) setModelDir(d);
    });
    return panel;
}

QWidget *GeneratePage::buildMainPanel()
{
    auto *panel = new QWidget;
    auto *outer = new QVBoxLayout(panel);

    auto *modelBar = new QHBoxLayout;
    m_modelLabel = new QLabel;
    m_openModelButton2 = new QPushButton(QIcon(QStringLiteral(":/icons/open.png")), QString());
    m_device = new QComboBox;
    m_device->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
    modelBar->addWidget(m_modelLabel, 1);
    modelBar->addWidget(m_device);
    modelBar->addWidget(m_openModelButton2);
    outer->addLayout(modelBar);
    connect(m_openModelButton2, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Open model package"), m_modelDir);
        if (!d.isEmpty()) setModelDir(d);
    });
    connect(m_device, &QComboBox::currentTextChanged, this, [this](const QString &d) {
        QSettings().setValue(QStringLiteral("device"), d);
    });

    m_errorLabel = new QLabel;
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("QLabel { background: #5a1f1f; color: #ffdede; padding: 6px; border-radius: 4px; }"));
    m_errorLabel->hide();
    outer->addWidget(m_errorLabel);

    auto *splitter = new QSplitter(Qt::Horizontal);
    outer->addWidget(splitter, 1);

    // Left: parameters and takes.
    auto *left = new QWidget;
    auto *lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 0, 0);
    m_paramsBox = new QGroupBox;
    m_form = new QFormLayout(m_paramsBox);
    m_prompt = new QLineEdit;
    m_prompt->setClearButtonEnabled(true);
    m_vocabModel = new QStringListModel(this);
    m_completer = new QCompleter(m_vocabModel, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setWidget(m_prompt);
    m_promptInfo = new QLabel;
    m_promptInfo->setTextFormat(Qt::RichText);
    m_promptInfo->setWordWrap(true);
    auto *promptBox = new QVBoxLayout;
    promptBox->addWidget(m_prompt);
    promptBox->addWidget(m_promptInfo);
    m_steps = new QSpinBox;
    m_steps->setRange(1, 1000);
    m_guidance = new QDoubleSpinBox;
    m_guidance->setRange(0.0, 20.0);
    m_guidance->setSingleStep(0.5);
    m_seed = new QSpinBox;
    // -1 shows "random": until a run has drawn one, an unlocked seed is not a number yet.
    m_seed->setRange(-1, std::numeric_limits<int>::max());
    m_seed->setValue(-1);
    m_lockSeed = new QToolButton;
    m_lockSeed->setCheckable(true);
    m_lockSeed->setIcon(QIcon(QStringLiteral(":/icons/lock.png")));
    m_randomSeed = new QToolButton;
    m_randomSeed->setIcon(QIcon(QStringLiteral(":/icons/dice.png")));
    auto *seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_lockSeed);
    seedRow->addWidget(m_randomSeed);
    m_count = new QSpinBox;
    m_count->setRange(1, 32);
    m_sampler = new QComboBox;
    m_sampler->addItems({QStringLiteral("ddim"), QStringLiteral("ddpm")});
    // The model's neural vocoder when it has one, or Griffin-Lim (always there).
    m_vocoder = new QComboBox;
    m_vocoder->addItem(QString(), QStringLiteral("auto"));
    m_vocoder->addItem(QString(), QStringLiteral("griffinlim"));
    m_vocoder->setObjectName(QStringLiteral("vocoderChoice"));
    for (auto &l : m_formLabels) l = new QLabel;
    m_form->addRow(m_formLabels[0], promptBox);
    m_form->addRow(m_formLabels[1], m_steps);
    m_form->addRow(m_formLabels[2], m_guidance);
    m_form->addRow(m_formLabels[3], seedRow);
    m_form->addRow(m_formLabels[4], m_count);
    m_form->addRow(m_formLabels[5], m_sampler);
    m_form->addRow(m_formLabels[6], m_vocoder);
    auto *runRow = new QHBoxLayout;
    m_generateButton = new QPushButton(QIcon(QStringLiteral(":/icons/generate.png")), QString());
    m_generateButton->setDefault(true);
    m_cancelButton = new QPushButton;
    m_cancelButton->setEnabled(false);
    runRow->addWidget(m_generateButton, 1);
    runRow->addWidget(m_cancelButton);
    m_form->addRow(runRow);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_form->addRow(m_progress);
    lv->addWidget(m_paramsBox);

    m_takesBox = new QGroupBox;
    auto *tv = new QVBoxLayout(m_takesBox);
    m_takeList = new QTreeWidget;
    m_takeList->setColumnCount(6);
    m_takeList->setRootIsDecorated(false);
    m_takeList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_takeList->header()->setStretchLastSection(false);
    m_takeList->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 6; ++c) m_takeList->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    tv->addWidget(m_takeList);
    auto *exportRow = new QHBoxLayout;
    m_playButton = new QPushButton(QIcon(QStringLiteral(":/icons/play.png")), QString());
    m_format = new QComboBox;
    m_format->addItem(QStringLiteral("WAV 16-bit"), int(ms::audio::SampleFormat::Pcm16));
    m_format->addItem(QStringLiteral("WAV 24-bit"), int(ms::audio::SampleFormat::Pcm24));
    m_format->addItem(QStringLiteral("WAV 32-bit float"), int(ms::audio::SampleFormat::Float32));
    m_format->setCurrentIndex(QSettings().value(QStringLiteral("export/format"), 1).toInt());
    m_exportButton = new QPushButton(QIcon(QStringLiteral(":/icons/export.png")), QString());
    m_clearButton = new QPushButton;
    exportRow->addWidget(m_playButton);
    exportRow->addWidget(m_clearButton);
    exportRow->addStretch();
    exportRow->addWidget(m_format);
    exportRow->addWidget(m_exportButton);
    tv->addLayout(exportRow);
    lv->addWidget(m_takesBox, 1);
    splitter->addWidget(left);

    // Right: live latent, mel, waveform.
    m_viewBox = new QGroupBox;
    auto *rv = new QVBoxLayout(m_viewBox);
    m_latent = new ms::widgets::LatentGrid;
    m_latent->setMinimumHeight(110);
    m_mel = new ms::widgets::SpectrogramView;
    m_wave = new ms::widgets::WaveformView;
    m_wave->setMaximumHeight(140);
    rv->addWidget(m_latent, 1);
    rv->addWidget(m_mel, 3);
    rv->addWidget(m_wave, 1);
    splitter->addWidget(m_viewBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);

    connect(m_prompt, &QLineEdit::textChanged, this, &GeneratePage::updatePromptInfo);
    connect(m_prompt, &QLineEdit::textEdited, this, [this](const QString &text) {
        const QString word = text.section(QLatin1Char(' '), -1).trimmed();
        if (word.isEmpty() || m_vocab.isEmpty()) {
            m_completer->popup()->hide();
            return;
        }
        m_completer->setCompletionPrefix(word);
        // No match: close the popup, or an empty one would hide the unknown-word hint.
        if (m_completer->completionCount() > 0) m_completer->complete();
        else m_completer->popup()->hide();
    });
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, [this](const QString &word) {
        QString text = m_prompt->text();
        const qsizetype sp = text.lastIndexOf(QLatin1Char(' '));
        text = (sp >= 0 ? text.left(sp + 1) : QString()) + word + QLatin1Char(' ');
        m_prompt->setText(text);
    });
    connect(m_prompt, &QLineEdit::returnPressed, this, &GeneratePage::generate);
    connect(m_generateButton, &QPushButton::clicked, this, &GeneratePage::generate);
    connect(m_cancelButton, &QPushButton::clicked, this, &GeneratePage::cancel);
    connect(m_randomSeed, &QToolButton::clicked, this,
            [this] { m_seed->setValue(int(QRandomGenerator::global()->bounded(1 << 30))); });
    connect(m_takeList, &QTreeWidget::itemSelectionChanged, this, [this] {
        const QList<int> rows = selectedTakes();
        if (!rows.isEmpty()) showTake(rows.back());
    });
    connect(m_takeList, &QTreeWidget::itemDoubleClicked, this, [this] { togglePlay(); });
    connect(m_playButton, &QPushButton::clicked, this, &GeneratePage::togglePlay);
    connect(m_exportButton, &QPushButton::clicked, this, &GeneratePage::exportSelectedWithDialog);
    connect(m_clearButton, &QPushButton::clicked, this, &GeneratePage::clearTakesWithDialog);
    connect(m_format, &QComboBox::currentIndexChanged, this,
            [](int i) { QSettings().setValue(QStringLiteral("export/format"), i); });
    return panel;
}

void GeneratePage::retranslateUi()
{
    m_noModelTitle->setText(tr("No model is installed yet"));
#ifdef MELSTUDIO_HAVE_KICK_PIPELINE
    m_noModelText->setText(
        tr("To generate kicks you need a model package (a folder with model.json and .safetensors files).\n\n"
           "• Train one on the Train page (VAE, then diffusion, then optionally the vocoder), then press "
           "\"Use for generation\" on a checkpoint.\n"
           "• Or build one from the command line, as the README shows:\n"
           "    melstudio-cli package --preset tiny --vocab \"punchy,808,deep,short\" --out ~/kick-model\n"
           "  and open that folder here.\n\n"
           "The studio also looks in $MELSTUDIO_MODEL_DIR and share/melstudio/models/kick-default."));
#else
    m_noModelText->setText(tr("This build of the studio has no inference engine (core/infer was not built). "
                              "Rebuild melstudio with the kick pipeline to generate."));
#endif
    m_openModelButton->setText(tr("Open model folder…"));
    m_openModelButton2->setText(tr("Open model…"));
    m_goTrainButton->setText(tr("Go to the Train page"));
    if (m_pipeline)
        m_modelLabel->setText(tr("Model: %1 on %2 — %3 keywords, vocoder: %4")
                                  .arg(QString::fromStdString(m_pipeline->modelId()),
                                       QString::fromStdString(m_pipeline->device()))
                                  .arg(m_vocab.size())
                                  .arg(!m_pipeline->hasVocoder()                 ? tr("none (Griffin-Lim)")
                                       : m_pipeline->vocoderName() == "istft" ? tr("iSTFT (Vocos)")
                                                                              : tr("HiFi-GAN")));
    else
        m_modelLabel->setText(m_modelDir.isEmpty() ? tr("No model") : tr("Model: %1").arg(QDir::toNativeSeparators(m_modelDir)));
    m_device->setToolTip(tr("Compute device"));
    m_paramsBox->setTitle(tr("Prompt and sampler"));
    m_formLabels[0]->setText(tr("Prompt"));
    m_formLabels[1]->setText(tr("Steps"));
    m_formLabels[2]->setText(tr("CFG scale"));
    m_formLabels[3]->setText(tr("Seed"));
    m_formLabels[4]->setText(tr("Count"));
    m_formLabels[5]->setText(tr("Sampler"));
    m_formLabels[6]->setText(tr("Vocoder"));
    {
        const bool neural = m_pipeline && m_pipeline->hasVocoder();
        m_vocoder->setItemText(0, !neural ? tr("The model's (none: Griffin-Lim)")
                                  : m_pipeline->vocoderName() == "istft" ? tr("The model's (iSTFT)")
                                                                         : tr("The model's (HiFi-GAN)"));
        m_vocoder->setItemText(1, tr("Griffin-Lim (64 iterations)"));
        m_vocoder->setToolTip(tr("How the spectrogram becomes audio: the model's neural vocoder, or "
                                 "Griffin-Lim (slower, smears the attack)."));
    }
    if (m_vocab.isEmpty()) {
        m_prompt->setPlaceholderText(tr("keywords, e.g. punchy 808 deep"));
    } else {
        // Examples the loaded model knows: descriptive words first, then any.
        QStringList examples;
        for (const char *w : {"punchy", "808", "deep", "short", "bright", "low", "long", "dark", "high", "clicky"})
            if (examples.size() < 3 && m_vocab.contains(QLatin1String(w))) examples << QLatin1String(w);
        for (const QString &w : m_vocab)
            if (examples.size() < 3 && !examples.contains(w)) examples << w;
        m_prompt->setPlaceholderText(tr("keywords this model knows, e.g. %1").arg(examples.join(QLatin1Char(' '))));
    }
    m_lockSeed->setToolTip(tr("Lock the seed (otherwise a new random seed is drawn for every run)"));
    m_randomSeed->setToolTip(tr("Draw a random seed"));
    m_seed->setSpecialValueText(tr("random"));
    m_seed->setToolTip(tr("The seed of the first take (the others count up from it). Unlocked, every run draws a new "
                          "one and shows it here."));
    m_generateButton->setText(tr("Generate (Ctrl+G)"));
    m_cancelButton->setText(tr("Cancel"));
    m_takesBox->setTitle(tr("Takes"));
    m_takeList->setHeaderLabels({tr("Prompt"), tr("Seed"), tr("Steps"), tr("CFG"), tr("Model"), tr("Time")});
    m_clearButton->setText(tr("Clear takes…"));
    m_clearButton->setToolTip(tr("Takes are kept between sessions (in %1) until you clear them.")
                                  .arg(QDir::toNativeSeparators(sessionDir())));
    m_playButton->setText(m_player->isPlaying() ? tr("Stop (Space)") : tr("Play (Space)"));
    if (!ms::widgets::Player::hasOutputDevice()) {
        m_playButton->setEnabled(false);
        m_playButton->setToolTip(tr("No audio output device is available; playback is off. Export takes to listen "
                                    "to them elsewhere."));
    }
    m_exportButton->setText(tr("Export… (Ctrl+E)"));
    m_viewBox->setTitle(tr("Latent, mel spectrogram and waveform"));
    m_mel->setPlaceholder(tr("Select a take to see its mel spectrogram"));
    m_wave->setPlaceholder(tr("Waveform"));
    updatePromptInfo();
}

void GeneratePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

bool GeneratePage::hasModel() const { return m_pipeline != nullptr; }

QString GeneratePage::promptPlaceholder() const { return m_prompt->placeholderText(); }

void GeneratePage::setModelDir(const QString &dir)
{
    if (m_generating) {
        showError(tr("Wait until the current job has finished before loading another model."));
        return;
    }
    const int serial = ++m_loadSerial;
    m_modelDir = dir;
    retranslateUi();
#ifdef MELSTUDIO_HAVE_KICK_PIPELINE
    setBusy(true);
    m_modelLabel->setText(tr("Loading %1…").arg(QDir::toNativeSeparators(dir)));
    const std::string path = dir.toStdString(), device = m_device->currentText().toStdString();
    runInBackground(
        this, [path, device] { return ms::infer::kick::KickPipeline::load(path, device); },
        [this, dir, serial](ms::Result<std::unique_ptr<ms::infer::kick::KickPipeline>> r) {
            if (serial != m_loadSerial) return;   // superseded by a later setModelDir()
            setBusy(false);
            if (!r) {
                m_pipeline.reset();
                m_modes->setCurrentIndex(m_takes.empty() ? 0 : 1);
                showError(tr("Cannot load the model: %1").arg(QString::fromStdString(r.error())));
                emit modelLoaded(false);
                return;
            }
            m_pipeline = std::shared_ptr<ms::infer::kick::KickPipeline>(std::move(r.value()));
            m_vocab.clear();
            for (const auto &w : m_pipeline->vocabulary()) m_vocab << QString::fromStdString(w);
            m_vocabModel->setStringList(m_vocab);
            m_modes->setCurrentIndex(1);
            m_errorLabel->hide();
            retranslateUi();
            // What loading had to assume (a configured vocoder without weights, ...): said, not hidden.
            for (const auto &w : m_pipeline->warnings())
                emit message(tr("Warning: %1").arg(QString::fromStdString(w)));
            QSettings().setValue(QStringLiteral("model/dir"), dir);
            emit modelChanged(dir);
            emit modelLoaded(true);
        });
#else
    m_modes->setCurrentIndex(m_takes.empty() ? 0 : 1);
    emit modelLoaded(false);
#endif
}

void GeneratePage::setParameters(const QString &prompt, int steps, int count, quint64 seed, bool lockSeed)
{
    m_prompt->setText(prompt);
    m_steps->setValue(steps);
    m_count->setValue(count);
    m_seed->setValue(int(seed));
    m_lockSeed->setChecked(lockSeed);
}

void GeneratePage::updatePromptInfo()
{
    if (m_vocab.isEmpty()) {
        m_promptInfo->clear();
        return;
    }
    QStringList known, unknown;
    for (const QString &w : m_prompt->text().split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts))
        (m_vocab.contains(w.toLower()) ? known : unknown) << w.toHtmlEscaped();
    QString html;
    if (!known.isEmpty())
        html += tr("Keywords: %1").arg(QStringLiteral("<span style='color:#7bd88f'>%1</span>").arg(known.join(QStringLiteral(", "))));
    if (!unknown.isEmpty()) {
        if (!html.isEmpty()) html += QStringLiteral("&nbsp;&nbsp;");
        html += tr("Unknown (ignored): %1")
                    .arg(QStringLiteral("<span style='color:#ff6b6b'><s>%1</s></span>").arg(unknown.join(QStringLiteral(", "))));
    }
    if (html.isEmpty()) html = tr("Empty prompt: unconditional generation");
    // The words the model knows, listed where they are used.
    QStringList words = m_vocab.mid(0, 40);
    if (m_vocab.size() > 40) words << QStringLiteral("…");
    const QString knownWords = tr("This model knows %n word(s): %1", nullptr, int(m_vocab.size())).arg(words.join(QStringLiteral(", ")));
    html += QStringLiteral("<br><span style='color:#9a9a9a'>%1</span>").arg(knownWords.toHtmlEscaped());
    m_promptInfo->setText(html);
    m_prompt->setToolTip(tr("This model knows %n word(s): %1", nullptr, int(m_vocab.size())).arg(m_vocab.join(QStringLiteral(", "))));
    QPalette pal = m_prompt->palette();
    pal.setColor(QPalette::Text, unknown.isEmpty() ? palette().color(QPalette::Text) : QColor(255, 120, 120));
    m_prompt->setPalette(pal);
}

void GeneratePage::setBusy(bool busy)
{
    m_busy = busy;
    m_generateButton->setEnabled(!busy);
    m_cancelButton->setEnabled(busy);
    m_openModelButton->setEnabled(!busy);
    m_openModelButton2->setEnabled(!busy);
}

void GeneratePage::showError(const QString &text)
{
    m_lastError = text;
    m_errorLabel->setText(text);
    m_errorLabel->setVisible(!text.isEmpty());
    if (!text.isEmpty()) emit message(text);
}

int GeneratePage::stepsSeen() const
{
    std::lock_guard<std::mutex> lock(m_live->mutex);
    return m_live->stepsSeen;
}

void GeneratePage::generate()
{
    if (m_busy) {
        emit message(tr("Busy: wait for the current job or cancel it."));
        return;
    }
    if (!m_pipeline) {
        showError(tr("No model is loaded. Open a model package or train one first."));
        return;
    }
#ifdef MELSTUDIO_HAVE_KICK_PIPELINE
    if (!m_lockSeed->isChecked() || m_seed->value() < 0) m_seed->setValue(int(QRandomGenerator::global()->bounded(1 << 30)));
    ms::infer::kick::KickParams params;
    params.prompt = m_prompt->text().toStdString();
    params.steps = m_steps->value();
    params.guidance = float(m_guidance->value());
    params.seed = quint64(m_seed->value());
    params.count = m_count->value();
    params.sampler = m_sampler->currentText().toStdString();
    params.vocoder = m_vocoder->currentData().toString().toStdString();
    QSettings s;
    s.setValue(QStringLiteral("generate/steps"), params.steps);
    s.setValue(QStringLiteral("generate/guidance"), double(params.guidance));
    {
        std::lock_guard<std::mutex> lock(m_live->mutex);
        m_live->step = 0;
        m_live->total = params.steps;
        m_live->stepsSeen = 0;
        m_live->fresh = false;
    }
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_progress->setRange(0, params.sampler == "ddpm" ? 1000 : params.steps);
    m_progress->setValue(0);
    m_errorLabel->hide();
    setBusy(true);
    m_generating = true;
    m_timer->start();
    auto pipeline = m_pipeline;
    auto live = m_live;
    auto cancelFlag = m_cancel;
    const QString prompt = m_prompt->text();
    runInBackground(
        this,
        [pipeline, live, cancelFlag, params] {
            auto onStep = [live](int step, int total, const ms::infer::kick::LatentFrame &f) {
                std::lock_guard<std::mutex> lock(live->mutex);
                live->step = step;
                live->total = total;
                ++live->stepsSeen;
                live->channels = f.channels;
                live->height = f.height;
                live->width = f.width;
                const size_t n = size_t(f.channels) * f.height * f.width;
                live->latent.assign(f.data.begin(), f.data.begin() + std::min(n, f.data.size()));
                live->fresh = true;
            };
            try {
                return pipeline->run(params, onStep, cancelFlag.get());
            } catch (const std::exception &e) {
                return ms::Result<ms::infer::kick::KickResult>(ms::fail(e.what()));
            }
        },
        [this, prompt, params](ms::Result<ms::infer::kick::KickResult> r) {
            m_timer->stop();
            refreshLive();
            setBusy(false);
            m_generating = false;
            if (!r) {
                showError(tr("Generation failed: %1").arg(QString::fromStdString(r.error())));
                emit generationFinished(false);
                return;
            }
            if (r->cancelled) {
                emit message(tr("Generation cancelled."));
                m_progress->setValue(0);
                emit generationFinished(true);
                return;
            }
            for (const auto &t : r->takes) {
                Take take;
                take.audio = t.audio;
                take.sampleRate = t.sampleRate;
                take.mel.nMels = t.nMels;
                take.mel.frames = t.frames;
                take.mel.data = t.mel;
                take.prompt = prompt;
                take.seed = t.seed;
                take.steps = params.steps;
                take.guidance = params.guidance;
                take.modelId = QString::fromStdString(r->modelId);
                take.modelDir = m_modelDir;
                {
                    std::lock_guard<std::mutex> lock(m_live->mutex);
                    const size_t n = size_t(m_live->channels) * m_live->height * m_live->width;
                    if (n > 0 && t.latent.size() == n) {
                        take.latent = t.latent;
                        take.latentChannels = m_live->channels;
                        take.latentHeight = m_live->height;
                        take.latentWidth = m_live->width;
                    }
                }
                take.time = QDateTime::currentDateTime();
                addTake(std::move(take));
            }
            const double ms = r->timingsMs.count("total") ? r->timingsMs.at("total") : 0.0;
            emit message(tr("Generated %n take(s) in %1 s.", nullptr, int(r->takes.size())).arg(ms / 1000.0, 0, 'f', 2));
            emit generationFinished(false);
        });
#endif
}

void GeneratePage::cancel()
{
    if (m_cancel) m_cancel->store(true);
}

void GeneratePage::refreshLive()
{
    std::lock_guard<std::mutex> lock(m_live->mutex);
    if (!m_live->fresh) return;
    m_live->fresh = false;
    m_progress->setValue(m_live->step);
    m_latent->setLatent(m_live->channels, m_live->height, m_live->width, m_live->latent, m_live->step, m_live->total);
}

void GeneratePage::addTake(Take take)
{
    if (!take.time.isValid()) take.time = QDateTime::currentDateTime();
    if (const QString err = persistTake(take); !err.isEmpty())
        showError(tr("This take is not kept for the next session: %1").arg(err));
    appendTakeRow(std::move(take));
}

void GeneratePage::appendTakeRow(Take take)
{
    auto *item = new QTreeWidgetItem(m_takeList);
    item->setText(0, take.prompt.isEmpty() ? tr("(unconditional)") : take.prompt);
    item->setText(1, QString::number(take.seed));
    item->setText(2, take.steps > 0 ? QString::number(take.steps) : QStringLiteral("—"));
    item->setText(3, take.steps > 0 ? QString::number(take.guidance, 'g', 3) : QStringLiteral("—"));
    item->setText(4, take.modelId);
    item->setToolTip(4, QDir::toNativeSeparators(take.modelDir));
    item->setText(5, take.time.toString(take.time.date() == QDate::currentDate() ? QStringLiteral("HH:mm:ss")
                                                                                   : QStringLiteral("MM-dd HH:mm")));
    m_takes.push_back(std::move(take));
    m_takeList->clearSelection();
    item->setSelected(true);
    m_takeList->scrollToItem(item);
}

void GeneratePage::selectTakes(const QList<int> &rows)
{
    m_takeList->clearSelection();
    for (int r : rows)
        if (auto *item = m_takeList->topLevelItem(r)) item->setSelected(true);
}

QList<int> GeneratePage::selectedTakes() const
{
    QList<int> rows;
    for (auto *item : m_takeList->selectedItems()) rows << m_takeList->indexOfTopLevelItem(item);
    std::sort(rows.begin(), rows.end());
    return rows;
}

void GeneratePage::showTake(int row)
{
    if (row < 0 || row >= takeCount()) return;
    const Take &t = m_takes[size_t(row)];
    ms::dsp::MelConfig cfg;
    cfg.sampleRate = t.sampleRate;
    if (!t.mel.data.empty()) m_mel->setMel(t.mel, cfg);
    else m_mel->setMel(ms::dsp::logMel(t.audio, cfg), cfg);
    m_mel->setTitle(tr("seed %1").arg(t.seed));
    m_wave->setTrace(0, t.audio, t.sampleRate);
    // The latent view shows the selected take's final latent, not the last generation's.
    if (!m_generating) {
        if (!t.latent.empty())
            m_latent->setLatent(t.latentChannels, t.latentHeight, t.latentWidth, t.latent, t.steps, t.steps);
        else
            m_latent->clear();
    }
}

void GeneratePage::togglePlay()
{
    if (m_player->isPlaying()) {
        m_player->stop();
        return;
    }
    const QList<int> rows = selectedTakes();
    if (rows.isEmpty()) return;
    const Take &t = m_takes[size_t(rows.back())];
    m_player->play(t.audio, t.sampleRate);
}

} // namespace ms::app
