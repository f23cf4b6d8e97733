#include "pages/TrainPage.h"

#include "Cli.h"
#include "Worker.h"
#include "audio/AudioFile.h"
#include "audio/Edit.h"
#include "io/SafeTensors.h"

#include "LossPlot.h"
#include "Player.h"
#include "RunWatcher.h"
#include "SpectrogramView.h"
#include "pages/TrainPreview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFile>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QSysInfo>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace ms::app {

namespace {
// A logged value that is a schedule or a coefficient, not a loss.
bool isLossName(const QString &name)
{
    return !(name.endsWith(QLatin1String("_weight")) || name.endsWith(QLatin1String("decay")) ||
             name == QLatin1String("lr") || name.endsWith(QLatin1String("_scale")) || name == QLatin1String("scale"));
}
} // namespace

TrainPage::TrainPage(QWidget *parent) : QWidget(parent)
{
    m_watcher = new ms::widgets::RunWatcher(this);
    auto *layout = new QHBoxLayout(this);
    auto *split = new QSplitter;
    layout->addWidget(split);

    auto *left = new QWidget;
    auto *lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 0, 0);
    m_jobBox = new QGroupBox;
    m_form = new QFormLayout(m_jobBox);
    for (auto &l : m_formLabels) l = new QLabel;
    m_model = new QComboBox;
    m_model->addItems({QStringLiteral("vae"), QStringLiteral("diffusion"), QStringLiteral("vocoder"), QStringLiteral("wavevae"),
                       QStringLiteral("tokenizer")});
    m_dataset = new QLineEdit;
    m_browseData = new QPushButton(QStringLiteral("…"));
    auto *dataRow = new QHBoxLayout;
    dataRow->addWidget(m_dataset, 1);
    dataRow->addWidget(m_browseData);
    m_runDir = new QLineEdit;
    m_browseRun = new QPushButton(QStringLiteral("…"));
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_runDir, 1);
    runRow->addWidget(m_browseRun);
    m_device = new QComboBox;
    m_device->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
    m_preset = new QComboBox;
    m_preset->addItems({QStringLiteral("tiny"), QStringLiteral("paper"), QStringLiteral("cpu")});   // cpu: wavevae, tokenizer, vocoder --arch istft
    m_steps = new QSpinBox;
    m_steps->setRange(0, 10000000);
    m_steps->setSpecialValueText(QStringLiteral("—"));
    m_vae = new QComboBox;
    m_vae->setObjectName(QStringLiteral("vaeList"));
    m_vae->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_vae->setMinimumContentsLength(16);
    m_browseVae = new QPushButton(QStringLiteral("…"));
    auto *vaeRow = new QHBoxLayout;
    vaeRow->addWidget(m_vae, 1);
    vaeRow->addWidget(m_browseVae);
    m_vaeLabel = new QLabel;
    m_form->addRow(m_formLabels[0], m_model);
    m_form->addRow(m_vaeLabel, vaeRow);
    m_form->addRow(m_formLabels[1], dataRow);
    m_form->addRow(m_formLabels[2], runRow);
    m_form->addRow(m_formLabels[3], m_device);
    m_form->addRow(m_formLabels[4], m_preset);
    m_form->addRow(m_formLabels[5], m_steps);
    m_recipe = new QLineEdit;
    m_form->addRow(m_formLabels[6], m_recipe);
    auto *buttons = new QHBoxLayout;
    m_startButton = new QPushButton(QIcon(QStringLiteral(":/icons/play.png")), QString());
    m_stopButton = new QPushButton(QIcon(QStringLiteral(":/icons/stop.png")), QString());
    m_resumeButton = new QPushButton;
    m_openRunButton = new QPushButton(QIcon(QStringLiteral(":/icons/open.png")), QString());
    for (auto *b : {m_startButton, m_stopButton, m_resumeButton}) buttons->addWidget(b);
    m_form->addRow(buttons);
    m_form->addRow(m_openRunButton);
    m_state = new QLabel;
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    // Room for three wrapped lines: the splitter does not grow a label by its height-for-width.
    m_state->setMinimumHeight(m_state->fontMetrics().lineSpacing() * 3 + 4);
    lv->addWidget(m_jobBox);
    // Below the form, not in it: a form row did not grow with a wrapped message (it was cut).
    lv->addWidget(m_state);
    m_ckptBox = new QGroupBox;
    auto *cv = new QVBoxLayout(m_ckptBox);
    m_checkpoints = new QListWidget;
    m_useButton = new QPushButton;
    m_exportButton = new QPushButton(QIcon(QStringLiteral(":/icons/export.png")), QString());
    cv->addWidget(m_checkpoints);
    auto *ckRow = new QHBoxLayout;
    ckRow->addWidget(m_useButton, 1);
    ckRow->addWidget(m_exportButton);
    cv->addLayout(ckRow);
    lv->addWidget(m_ckptBox, 1);
    split->addWidget(left);

    auto *right = new QWidget;
    auto *rv = new QVBoxLayout(right);
    rv->setContentsMargins(0, 0, 0, 0);
    m_dashBox = new QGroupBox;
    auto *dv = new QVBoxLayout(m_dashBox);
    m_stats = new QLabel;
    m_stats->setTextFormat(Qt::RichText);
    dv->addWidget(m_stats);
    auto *plotBar = new QHBoxLayout;
    m_logY = new QCheckBox;
    m_logY->setChecked(true);
    m_smoothingLabel = new QLabel;
    m_smoothing = new QSlider(Qt::Horizontal);
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    m_smoothing->setMaximumWidth(160);
    m_toggles = new QHBoxLayout;
    plotBar->addWidget(m_logY);
    plotBar->addWidget(m_smoothingLabel);
    plotBar->addWidget(m_smoothing);
    plotBar->addLayout(m_toggles);
    plotBar->addStretch();
    dv->addLayout(plotBar);
    m_plot = new ms::widgets::LossPlot;
    dv->addWidget(m_plot, 1);
    rv->addWidget(m_dashBox, 3);
    m_preview = new TrainPreview;
    rv->addWidget(m_preview, 2);
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(400);
    m_log->setMaximumHeight(110);
    m_log->hide();
    rv->addWidget(m_log);
    split->addWidget(right);
    split->setStretchFactor(1, 3);

    m_timer = new QTimer(this);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &TrainPage::refresh);
    m_timer->start();
    connect(m_watcher, &ms::widgets::RunWatcher::previewChanged, m_preview, &TrainPreview::show);
    connect(m_logY, &QCheckBox::toggled, m_plot, &ms::widgets::LossPlot::setLogY);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) { m_plot->setSmoothing(v / 100.0); });
    connect(m_startButton, &QPushButton::clicked, this, [this] { start(false); });
    connect(m_resumeButton, &QPushButton::clicked, this, [this] { start(true); });
    connect(m_stopButton, &QPushButton::clicked, this, &TrainPage::stop);
    connect(m_useButton, &QPushButton::clicked, this, &TrainPage::packageCheckpoint);
    connect(m_exportButton, &QPushButton::clicked, this, &TrainPage::exportWithDialog);
    connect(m_browseData, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Dataset folder"), m_dataset->text());
        if (!d.isEmpty()) m_dataset->setText(d);
    });
    connect(m_browseRun, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Run folder"), m_runDir->text());
        if (!d.isEmpty()) m_runDir->setText(d);
    });
    connect(m_browseVae, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("A VAE run folder or a model package"), vaeChoice());
        if (d.isEmpty()) return;
        selectVae(d);
    });
    const auto showVaeRow = [this] {
        const bool diffusion = m_model->currentText() == QLatin1String("diffusion");
        m_form->setRowVisible(1, diffusion);
        if (diffusion) refreshVaeList();
    };
    connect(m_model, &QComboBox::currentTextChanged, this, showVaeRow);
    // A default run folder follows the model (a vae run folder cannot hold a diffusion run).
    connect(m_model, &QComboBox::currentTextChanged, this, [this](const QString &model) {
        const QString runs = QDir(studioDataDir()).filePath(QStringLiteral("runs"));
        const QString current = QDir::cleanPath(m_runDir->text().trimmed());
        if (current.isEmpty() || (QFileInfo(current).absolutePath() == runs &&
                                  !QFileInfo(current).fileName().startsWith(model)))
            m_runDir->setText(suggestRunDir(model));
    });
    connect(m_openRunButton, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Open a run folder"), m_runDir->text());
        if (!d.isEmpty()) openRun(d);
    });

    QSettings s;
    m_dataset->setText(s.value(QStringLiteral("train/dataset")).toString());
    m_runDir->setText(s.value(QStringLiteral("train/run"), QDir(studioDataDir()).filePath(QStringLiteral("runs/vae"))).toString());
    m_device->setCurrentText(s.value(QStringLiteral("device"), QStringLiteral("auto")).toString());
    m_preset->setCurrentText(s.value(QStringLiteral("train/preset"), QStringLiteral("tiny")).toString());
    m_model->setCurrentText(s.value(QStringLiteral("train/model"), QStringLiteral("vae")).toString());
    m_recipe->setText(s.value(QStringLiteral("train/recipe")).toString());
    showVaeRow();
    retranslateUi();
    // A job an earlier studio left running is found again (its run folder's job.json).
    findRunningJob();
}

// The training child keeps running: it is detached on purpose. An export child
// (a QProcess of this page) is stopped before its handler could touch the page.
TrainPage::~TrainPage() { stopChildProcesses(this); }

void TrainPage::retranslateUi()
{
    m_jobBox->setTitle(tr("Training job"));
    m_formLabels[0]->setText(tr("Model"));
    m_formLabels[1]->setText(tr("Dataset"));
    m_formLabels[2]->setText(tr("Run folder"));
    m_formLabels[3]->setText(tr("Device"));
    m_formLabels[4]->setText(tr("Preset"));
    m_formLabels[5]->setText(tr("Steps"));
    m_steps->setToolTip(tr("Training steps (—: the preset's default: tiny 500 steps, paper the recipe's length)"));
    m_formLabels[6]->setText(tr("Recipe options"));
    m_vaeLabel->setText(tr("VAE"));
    m_vae->setToolTip(tr("The trained VAE whose latents the diffusion model learns: a VAE run folder (its newest "
                         "checkpoint) or a model package. Train a VAE run first."));
    m_vae->setPlaceholderText(tr("no VAE run found: train a VAE first"));
    m_recipe->setPlaceholderText(tr("e.g. --batch 16 --lr 2e-4 --checkpoint-every 500"));
    m_recipe->setToolTip(tr("Extra flags for melstudio-cli train (see melstudio-cli train --help)"));
    m_startButton->setText(tr("Start"));
    m_stopButton->setText(tr("Stop"));
    m_resumeButton->setText(tr("Resume"));
    m_openRunButton->setText(tr("Open an existing run…"));
    m_ckptBox->setTitle(tr("Checkpoints"));
    m_useButton->setText(tr("Use for generation"));
    m_useButton->setToolTip(tr("A diffusion checkpoint: packaged with its VAE and opened on the Generate page. "
                               "A VAE checkpoint: sets the form to train a diffusion model on it."));
    m_exportButton->setText(tr("Export package…"));
    m_exportButton->setToolTip(tr("Write the selected diffusion checkpoint, with its VAE, as a model package folder"));
    m_dashBox->setTitle(tr("Dashboard"));
    m_logY->setText(tr("log y"));
    m_smoothingLabel->setText(tr("smoothing"));
    m_preview->retranslateUi();
    if (m_watcher->runDir().isEmpty()) {
        m_state->setText(tr("No run is open. Start a job or open a run folder."));
        m_stats->setText(tr("Waiting for metrics…"));
    }
}

void TrainPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
        m_statsDirty = true;   // re-render the stats line in the new language
        m_checkpoints->clear();
        if (!m_watcher->runDir().isEmpty() && !isChildRunning())
            m_state->setText(tr("Watching %1").arg(QDir::toNativeSeparators(m_watcher->runDir())));
        refresh();
    }
    QWidget::changeEvent(event);
}

void TrainPage::setJob(const QString &model, const QString &dataset, const QString &runDir, const QString &preset, int steps,
                       const QString &recipeOptions)
{
    m_recipe->setText(recipeOptions);
    m_model->setCurrentText(model);
    m_dataset->setText(dataset);
    m_runDir->setText(runDir);
    m_preset->setCurrentText(preset);
    m_steps->setValue(steps);
}

QString TrainPage::previewCaption() const { return m_preview->title(); }
ms::widgets::SpectrogramView *TrainPage::previewView(int side) const { return m_preview->view(side); }
void TrainPage::togglePlay() { m_preview->togglePlay(); }

QString TrainPage::statsText() const { return m_stats->text(); }

QStringList TrainPage::checkpointItems() const
{
    QStringList items;
    for (int i = 0; i < m_checkpoints->count(); ++i) items << m_checkpoints->item(i)->text();
    return items;
}

QString TrainPage::formModel() const { return m_model->currentText(); }
QString TrainPage::formDataset() const { return m_dataset->text(); }
QString TrainPage::formRunDir() const { return m_runDir->text(); }

QString TrainPage::stateText() const { return m_state->text(); }
QString TrainPage::logText() const { return m_log->isHidden() ? QString() : m_log->toPlainText(); }

bool TrainPage::isChildRunning() const { return isRunJobAlive(m_job); }

QString TrainPage::runningJobDir() const { return isChildRunning() ? m_watcher->runDir() : QString(); }

bool TrainPage::start(bool resume)
{
    if (isChildRunning()) {
        m_state->setText(tr("A training job is already running (pid %1, run folder %2). Stop it first.")
                             .arg(m_job.pid)
                             .arg(QDir::toNativeSeparators(m_watcher->runDir())));
        emit message(m_state->text());
        return false;
    }
    // Resume continues the run being watched (else the form's run folder); Start begins
    // the form's run folder.
    const QString runDir = resume && !m_watcher->runDir().isEmpty() ? m_watcher->runDir() : m_runDir->text().trimmed();
    if (runDir.isEmpty()) {
        m_state->setText(tr("Choose a run folder first."));
        return false;
    }
    RunJob other;
    if (readRunJob(runDir, other) && isRunJobAlive(other)) {
        openRun(runDir);   // adopts it
        m_state->setText(tr("A training job is already running in %1 (pid %2). Stop it first.")
                             .arg(QDir::toNativeSeparators(runDir))
                             .arg(other.pid));
        return false;
    }
    QString data = m_dataset->text().trimmed();
    if (resume) {
        if (!QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("run.json")))) {
            m_state->setText(tr("%1 is not a run folder (it has no run.json): there is nothing to resume. "
                                "Press Start to begin a run there.")
                                 .arg(QDir::toNativeSeparators(runDir)));
            emit message(m_state->text());
            return false;
        }
    } else {
        if (data.isEmpty()) {
            m_state->setText(tr("Choose a dataset folder first (one made on the Dataset page)."));
            return false;
        }
        const bool audioFolder = m_model->currentText() == QLatin1String("wavevae") ||
                                 m_model->currentText() == QLatin1String("tokenizer");   // any folder of audio files
        // Accept the aggregated folder as well as its processed/ sub-folder.
        if (!audioFolder && QFileInfo::exists(QDir(data).filePath(QStringLiteral("processed/index.json"))))
            data = QDir(data).filePath(QStringLiteral("processed"));
        if (audioFolder && !QFileInfo(data).isDir()) {
            m_state->setText(tr("%1 is not a folder: the %2 trains on a folder of audio files.")
                                 .arg(QDir::toNativeSeparators(data), m_model->currentText()));
            emit message(m_state->text());
            return false;
        }
        if (!audioFolder && !QFileInfo::exists(QDir(data).filePath(QStringLiteral("index.json")))) {
            m_state->setText(tr("%1 is not a preprocessed dataset (no index.json in it or in processed/). "
                                "Aggregate and preprocess it on the Dataset page first.")
                                 .arg(QDir::toNativeSeparators(data)));
            emit message(m_state->text());
            return false;
        }
        if (QFileInfo::exists(QDir(runDir).filePath(QStringLiteral("run.json")))) {
            m_state->setText(tr("%1 already holds a run: press Resume to continue it, or choose another run folder "
                                "(for example %2).")
                                 .arg(QDir::toNativeSeparators(runDir),
                                      QDir::toNativeSeparators(suggestRunDir(m_model->currentText()))));
            emit message(m_state->text());
            return false;
        }
        if (m_model->currentText() == QLatin1String("diffusion") && vaeChoice().isEmpty()) {
            m_state->setText(tr("A diffusion run needs a trained VAE: choose one in the VAE list "
                                "(train a VAE run first)."));
            emit message(m_state->text());
            return false;
        }
    }
    // Follow the run first: the events it already holds are not this job's outcome, and
    // its run.json (the watcher's runInfo) says what a resume continues.
    if (!QDir().mkpath(runDir)) {
        m_state->setText(tr("Cannot create the run folder %1.").arg(QDir::toNativeSeparators(runDir)));
        return false;
    }
    m_log->hide();
    openRun(runDir);
    m_eventsAtStart = m_watcher->events().size();
    // Resuming continues the run exactly as it was started, whatever the form shows now:
    // its own model (run.json, the watcher's runInfo), and the CLI takes every recipe
    // flag (data, preset, seed, lr, cadence, keep, ...) from the run. So the studio
    // passes only what a resume may change: the device, the priority and the length.
    const QJsonObject &info = m_watcher->runInfo();
    const bool continuing = resume && !info.isEmpty();
    QString model = m_model->currentText();
    if (continuing && !info.value(QStringLiteral("job")).toString().isEmpty())
        model = info.value(QStringLiteral("job")).toString();
    QStringList args = {QStringLiteral("train"), model, QStringLiteral("--run"), runDir};
    if (!continuing) {
        args << QStringLiteral("--data") << data << QStringLiteral("--preset") << m_preset->currentText();
        if (model == QLatin1String("diffusion")) args << QStringLiteral("--vae") << vaeChoice();
    }
    args << QStringLiteral("--device") << m_device->currentText();
    // A lower CPU priority: the studio, playback and generation stay responsive while a
    // job trains (on a CPU-only machine they compete for the same cores).
    args << QStringLiteral("--nice") << QStringLiteral("10");
    if (m_steps->value() > 0) args << QStringLiteral("--steps") << QString::number(m_steps->value());
    if (!continuing) args << QProcess::splitCommand(m_recipe->text());
    if (resume) args << QStringLiteral("--resume");
    // What the job prints from here on is its own (a refused command line prints only that).
    m_consoleAtStart = QFileInfo(QDir(runDir).filePath(QStringLiteral("console.txt"))).size();
    QProcess proc;
    proc.setProgram(cliPath());
    proc.setArguments(args);
    proc.setStandardOutputFile(QDir(runDir).filePath(QStringLiteral("console.txt")), QIODevice::Append);
    proc.setStandardErrorFile(QDir(runDir).filePath(QStringLiteral("console.txt")), QIODevice::Append);
    qint64 pid = 0;
    if (!proc.startDetached(&pid)) {
        m_state->setText(tr("Cannot start %1: %2").arg(cliPath(), proc.errorString()));
        emit message(m_state->text());
        return false;
    }
    // The run folder records its process, so that a studio opened later (or another one)
    // finds the job, watches it and can stop it.
    RunJob job;
    job.pid = pid;
    job.startTicks = processStartTicks(pid);
    job.host = QSysInfo::machineHostName();
    job.started = QDateTime::currentDateTime().toString(Qt::ISODate);
    job.args = args;
    if (const QString err = writeRunJob(runDir, job); !err.isEmpty())
        emit message(tr("Cannot write %1: %2. A studio opened later will not find this job.")
                         .arg(QDir::toNativeSeparators(QDir(runDir).filePath(QStringLiteral("job.json"))), err));
    m_job = job;
    QSettings s;
    QStringList jobs = s.value(QStringLiteral("train/jobs")).toStringList();
    jobs.removeAll(runDir);
    jobs.prepend(runDir);
    s.setValue(QStringLiteral("train/jobs"), jobs.mid(0, 20));
    if (!resume) {
        s.setValue(QStringLiteral("train/dataset"), m_dataset->text());
        s.setValue(QStringLiteral("train/run"), runDir);
        s.setValue(QStringLiteral("train/preset"), m_preset->currentText());
        s.setValue(QStringLiteral("train/model"), m_model->currentText());
        s.setValue(QStringLiteral("train/recipe"), m_recipe->text());
    }
    s.setValue(QStringLiteral("device"), m_device->currentText());
    m_state->setText(tr("Running: melstudio-cli %1 (pid %2)").arg(args.join(QLatin1Char(' '))).arg(pid));
    return true;
}

void TrainPage::stop()
{
    if (!isChildRunning()) {
        m_state->setText(tr("No training job is running in the run being watched."));
        return;
    }
    stopRunJob(m_job);
    m_state->setText(tr("Stopping: the job writes a checkpoint, then exits."));
}

QStringList TrainPage::runningJobDirs() const
{
    QStringList dirs;
    if (isChildRunning()) dirs << m_watcher->runDir();
    for (const QString &dir : QSettings().value(QStringLiteral("train/jobs")).toStringList()) {
        RunJob job;
        if (!dirs.contains(dir) && readRunJob(dir, job) && isRunJobAlive(job)) dirs << dir;
    }
    return dirs;
}

int TrainPage::stopAllJobs()
{
    int stopped = 0;
    for (const QString &dir : runningJobDirs()) {
        RunJob job;
        if (readRunJob(dir, job) && stopRunJob(job)) ++stopped;
    }
    if (stopped) m_state->setText(tr("Stopping: the job writes a checkpoint, then exits."));
    return stopped;
}

bool TrainPage::findRunningJob()
{
    if (isChildRunning()) return true;
    QStringList candidates = QSettings().value(QStringLiteral("train/jobs")).toStringList();
    const QDir runs(QDir(studioDataDir()).filePath(QStringLiteral("runs")));
    for (const QString &d : runs.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time))
        candidates << runs.filePath(d);
    QStringList alive;
    for (const QString &dir : candidates) {
        RunJob job;
        if (!readRunJob(dir, job) || !isRunJobAlive(job)) continue;
        if (!alive.contains(dir)) alive << dir;
    }
    // Forget the folders whose jobs ended.
    QStringList kept = QSettings().value(QStringLiteral("train/jobs")).toStringList();
    kept.erase(std::remove_if(kept.begin(), kept.end(), [&](const QString &d) { return !alive.contains(d); }), kept.end());
    QSettings().setValue(QStringLiteral("train/jobs"), kept);
    if (alive.isEmpty()) return false;
    openRun(alive.front());
    if (alive.size() > 1)
        emit message(tr("%n more training job(s) are running; open their run folders to watch them: %1", nullptr,
                        int(alive.size() - 1))
                         .arg(alive.mid(1).join(QStringLiteral(", "))));
    return true;
}

void TrainPage::openRun(const QString &dir)
{
    m_plot->clearSeries();
    m_shownPoints = 0;
    while (QLayoutItem *item = m_toggles->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_checkpoints->clear();
    m_shownCheckpoints.clear();
    m_preview->clear();
    m_watcher->setRunDir(dir);
    // The form shows what the run is (its model and preset), not what was last chosen.
    if (!dir.isEmpty()) {
        m_watcher->poll();
        const QJsonObject &info = m_watcher->runInfo();
        const int mi = m_model->findText(info.value(QStringLiteral("job")).toString());
        const int pi = m_preset->findText(info.value(QStringLiteral("preset")).toString());
        if (mi >= 0) m_model->setCurrentIndex(mi);
        if (pi >= 0) m_preset->setCurrentIndex(pi);
    }
    m_state->setText(tr("Watching %1").arg(QDir::toNativeSeparators(dir)));
    // A job still running in this folder (started by this studio or an earlier one) is
    // watched and can be stopped from here; another folder's job is no longer ours to show.
    RunJob job;
    if (!dir.isEmpty() && readRunJob(dir, job) && isRunJobAlive(job)) {
        const bool adopted = job.pid != m_job.pid;
        m_job = job;
        m_watcher->poll();
        m_eventsAtStart = m_watcher->events().size();
        m_consoleAtStart = QFileInfo(QDir(dir).filePath(QStringLiteral("console.txt"))).size();
        if (adopted)
            m_state->setText(tr("A training job is running in %1 (pid %2, started %3). Watching it; Stop asks it "
                                "to write a checkpoint and exit.")
                                 .arg(QDir::toNativeSeparators(dir))
                                 .arg(job.pid)
                                 .arg(QDateTime::fromString(job.started, Qt::ISODate).toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    } else {
        m_job = RunJob();
    }
    refresh();
}

void TrainPage::refresh()
{
    const auto &pts = m_watcher->metrics();
    if (m_watcher->runDir().isEmpty()) return;
    if (pts.size() != m_shownPoints || m_statsDirty) {
        m_statsDirty = false;
        const int from = m_shownPoints;
        for (int i = from; i < pts.size(); ++i)
            for (auto it = pts[i].loss.begin(); it != pts[i].loss.end(); ++it) {
                // Schedules logged beside the losses (ema_decay, kl_weight) are not losses:
                // they are shown in the stats line, not plotted on the loss axis.
                if (!isLossName(it.key())) continue;
                if (m_plot->pointCount(it.key()) == 0) {
                    auto *box = new QCheckBox(it.key());
                    box->setChecked(true);
                    const QString name = it.key();
                    connect(box, &QCheckBox::toggled, m_plot, [this, name](bool on) { m_plot->setSeriesVisible(name, on); });
                    m_toggles->addWidget(box);
                }
                m_plot->addPoint(it.key(), double(pts[i].step), it.value());
            }
        m_shownPoints = int(pts.size());
        m_plot->refresh();
        if (!pts.isEmpty()) {
            const auto &p = pts.back();
            // The length the run has now: a resume may have changed it (run.json keeps the original).
            qint64 total = m_watcher->runInfo().value(QStringLiteral("steps")).toInteger();
            for (const auto &e : m_watcher->events())
                if (e.type == QLatin1String("started") && e.data.contains(QStringLiteral("total_steps")))
                    total = e.data.value(QStringLiteral("total_steps")).toInteger();
            QString eta = QStringLiteral("—");
            if (pts.size() > 1 && total > p.step) {
                // The rate of the last 50 points: the run's whole span would count the
                // time it lay paused between a stop and a resume.
                const auto &q = pts[std::max<qsizetype>(0, pts.size() - 50)];
                const double perStep = (p.time - q.time) / std::max<qint64>(1, p.step - q.step);
                const qint64 sec = qint64((total - p.step) * perStep);
                eta = sec >= 3600 ? QStringLiteral("%1:%2:%3")
                                            .arg(sec / 3600)
                                            .arg(sec / 60 % 60, 2, 10, QLatin1Char('0'))
                                            .arg(sec % 60, 2, 10, QLatin1Char('0'))
                                  : QStringLiteral("%1:%2").arg(sec / 60).arg(sec % 60, 2, 10, QLatin1Char('0'));
            }
            QString stats = tr("<b>step</b> %1 / %2 &nbsp; <b>lr</b> %3 &nbsp; <b>samples/s</b> %4 &nbsp; <b>ETA</b> %5 &nbsp; <b>memory</b> %6 MB")
                                .arg(p.step)
                                .arg(total > 0 ? QString::number(total) : QStringLiteral("?"))
                                .arg(std::isnan(p.lr) ? QStringLiteral("—") : QString::number(p.lr, 'g', 3))
                                .arg(std::isnan(p.samplesPerS) ? QStringLiteral("—") : QString::number(p.samplesPerS, 'f', 1))
                                .arg(eta)
                                .arg(std::isnan(p.memMb) ? QStringLiteral("—") : QString::number(p.memMb, 'f', 0));
            for (auto it = p.loss.begin(); it != p.loss.end(); ++it)
                if (!isLossName(it.key()))
                    stats += QStringLiteral(" &nbsp; <b>%1</b> %2").arg(it.key().toHtmlEscaped(), QString::number(it.value(), 'g', 4));
            if (p.worldSize > 1) {   // data-parallel: the sum above, each rank's here
                QStringList each;
                for (double v : p.rankSamplesPerS) each << QString::number(v, 'f', 1);
                stats += tr(" &nbsp; <b>ranks</b> %1 (samples/s per rank: %2)").arg(p.worldSize).arg(each.join(QStringLiteral(" / ")));
            }
            if (!std::isnan(p.gpuMemMb))
                stats += tr(" &nbsp; <b>GPU</b> %1 MB (peak %2 MB)")
                             .arg(QString::number(p.gpuMemMb, 'f', 0), QString::number(p.gpuPeakMb, 'f', 0));
            m_stats->setText(stats);
        }
    }
    // The checkpoints as they are now: a run that keeps the newest N deletes old ones as it
    // writes new ones, so the list is compared by step, not by count.
    if (m_shownCheckpoints != m_watcher->checkpoints() || m_checkpoints->count() != m_shownCheckpoints.size()) {
        const qint64 selected = m_shownCheckpoints.value(m_checkpoints->currentRow(), -1);
        const bool atNewest = m_checkpoints->currentRow() < 0 || m_checkpoints->currentRow() == m_checkpoints->count() - 1;
        m_shownCheckpoints = m_watcher->checkpoints();
        m_checkpoints->clear();
        for (qint64 step : m_shownCheckpoints) m_checkpoints->addItem(tr("step %1").arg(step));
        const int keep = m_shownCheckpoints.indexOf(selected);
        if (!atNewest && keep >= 0) m_checkpoints->setCurrentRow(keep);
        else if (m_checkpoints->count()) m_checkpoints->setCurrentRow(m_checkpoints->count() - 1);
    }
    // A preview folder appears before its files are complete: reload it when they change.
    if (++m_previewTicks % 5 == 0) m_preview->poll();
    QString last = m_watcher->lastEvent();
    if (m_job.pid > 0 && !isChildRunning()) {
        m_job = RunJob();
        // The job may have written its last event after the watcher's latest read and
        // then exited before this check: read the run folder once more before judging
        // (under load this showed a finished run as "stopped unexpectedly").
        m_watcher->poll();
        last = m_watcher->lastEvent();
        // Only an event the job wrote itself tells how it ended (a refused command line
        // writes none, and the run may still end with an older "paused").
        if (m_watcher->events().size() <= m_eventsAtStart) showFailure(true);
        else if (last == QLatin1String("paused")) m_state->setText(tr("Paused at the last checkpoint. Press Resume to continue."));
        else if (last == QLatin1String("finished")) m_state->setText(tr("Finished."));
        else showFailure();
    } else if (m_job.pid == 0 && last == QLatin1String("failed")) {
        showFailure();
    }
}

void TrainPage::showFailure(bool noEventWritten)
{
    // A job of this studio that wrote no event was refused at its command line (a flag
    // a resume may not change, another model's run folder, missing data): say so, with
    // the CLI's words.
    if (noEventWritten) {
        QFile console(QDir(m_watcher->runDir()).filePath(QStringLiteral("console.txt")));
        if (console.open(QIODevice::ReadOnly) && console.seek(m_consoleAtStart)) {
            const QStringList lines = QString::fromUtf8(console.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            if (!lines.isEmpty()) {
                QString first = lines.front();
                for (const QString &l : lines)
                    if (l.contains(QLatin1String("--resume refused: "))) {
                        first = l;
                        break;
                    }
                first.remove(QRegularExpression(QStringLiteral("^train \\w+: (--resume refused: )?")));
                m_state->setText(tr("melstudio-cli refused the job: %1").arg(first));
                m_log->setPlainText(lines.join(QLatin1Char('\n')));
                m_log->show();
                return;
            }
        }
    }
    // The newer of the two: a job refused at its command line (wrong preset, missing
    // data) writes only console.txt, while log.txt still ends with the previous session.
    QStringList lines;
    QDateTime newest;
    for (const QString &name : {QStringLiteral("log.txt"), QStringLiteral("console.txt")}) {
        QFile f(QDir(m_watcher->runDir()).filePath(name));
        const QDateTime modified = QFileInfo(f).lastModified();
        if (!f.open(QIODevice::ReadOnly) || (newest.isValid() && modified < newest)) continue;
        const QStringList these = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (these.isEmpty()) continue;
        lines = these;
        newest = modified;
    }
    QString reason;
    for (const auto &e : m_watcher->events())
        if (e.type == QLatin1String("failed")) reason = e.data.value(QStringLiteral("reason")).toString();
    m_state->setText(reason.isEmpty() ? tr("The training job stopped unexpectedly. Its last log lines are below.")
                                      : tr("The training job failed: %1").arg(reason));
    m_log->setPlainText(lines.mid(std::max<qsizetype>(0, lines.size() - 12)).join(QLatin1Char('\n')));
    m_log->show();
}

} // namespace ms::app
