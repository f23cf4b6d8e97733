#pragma once
// Train: start/stop/resume a `melstudio-cli train` child process and watch any
// run folder live (loss curves, lr, samples/s, ETA, memory, previews, checkpoints).

#include "RunJob.h"

#include <QVector>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QPushButton;
class QLabel;
class QListWidget;
class QCheckBox;
class QSlider;
class QPlainTextEdit;
class QGroupBox;
class QFormLayout;
class QHBoxLayout;
class QTimer;

namespace ms::widgets { class LossPlot; class RunWatcher; class SpectrogramView; class Player; }

namespace ms::app {

class TrainPreview;

class TrainPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainPage)

public:
    explicit TrainPage(QWidget *parent = nullptr);
    ~TrainPage() override;

    // Sets the form (for tests and the command line).
    void setJob(const QString &model, const QString &dataset, const QString &runDir, const QString &preset, int steps,
                const QString &recipeOptions = {});
    // What the form holds (for tests).
    QString formModel() const;
    QString formDataset() const;
    QString formRunDir() const;
    // Starts `melstudio-cli train ...` detached. A resume passes only --resume and what a
    // resume may change (device, priority, steps): the CLI takes the rest from the run.
    // False with a message on failure.
    bool start(bool resume = false);
    // Sends SIGTERM to the job being watched (it checkpoints and exits), whichever
    // studio started it.
    void stop();
    // True while the training job this page watches (started here, or found again through
    // its run folder's job.json) is running.
    bool isChildRunning() const;
    // Follows an existing run folder; a job still running in it (job.json) is adopted:
    // watched and stoppable.
    void openRun(const QString &dir);
    // Looks for a job a previous studio left running (the run folders this studio started
    // jobs in, and those under the studio's runs folder) and follows the first one found.
    // True when one was found.
    bool findRunningJob();
    // The run folder of the running job, or empty.
    QString runningJobDir() const;
    // Run folders where a job started by a studio is still running (the watched one first).
    QStringList runningJobDirs() const;
    // Asks every running job of runningJobDirs() to checkpoint and exit; returns how many.
    int stopAllJobs();
    // The VAE a diffusion run trains on (a VAE run folder or a model package), or empty.
    QString vaeChoice() const;
    // Lists the VAE runs and model packages the studio knows (its runs folder, the run
    // folders next to the form's, packages in its models folder) in the VAE list.
    void refreshVaeList();
    // Selects `dir` in the VAE list (added when it is not listed).
    void selectVae(const QString &dir);
    ms::widgets::RunWatcher *watcher() const { return m_watcher; }
    ms::widgets::LossPlot *lossPlot() const { return m_plot; }
    qint64 childPid() const { return m_job.pid; }
    // The preview's caption and its two panels, left (target) and right (output) (for tests).
    QString previewCaption() const;
    QString statsText() const;   // the line under the curves (step, lr, samples/s, ranks, memory)
    ms::widgets::SpectrogramView *previewView(int side) const;
    TrainPreview *preview() const { return m_preview; }
    // The checkpoint list as shown (for tests).
    QStringList checkpointItems() const;
    // The status line and the log lines shown when a job fails (for tests).
    QString stateText() const;
    QString logText() const;

public slots:
    void togglePlay();

    // Exports a diffusion checkpoint folder as a model package into `out` (in the
    // background; emits exported, and useForGeneration when `use`). False when it cannot start.
    bool exportCheckpoint(const QString &checkpointDir, const QString &out, bool use);
    // The selected checkpoint's folder, or empty.
    QString selectedCheckpointDir() const;

signals:
    void message(const QString &text);
    void useForGeneration(const QString &packageDir);
    // A wave VAE or tokenizer checkpoint or package ("wavevae", "tokenizer") to open on its page.
    void useModel(const QString &kind, const QString &dir);
    // A package export ended: its folder, or empty when it failed.
    void exported(const QString &packageDir);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void refresh();
    void showFailure(bool noEventWritten = false);
    void packageCheckpoint();
    void exportWithDialog();
    // "diffusion", "vae", or the run's job, for a checkpoint folder.
    QString checkpointKind(const QString &checkpointDir) const;
    static bool exportable(const QString &kind);   // diffusion, wavevae, tokenizer
    // The first free runs/<model>[-N] folder under the studio's data folder.
    QString suggestRunDir(const QString &model) const;

    ms::widgets::RunWatcher *m_watcher;
    ms::widgets::LossPlot *m_plot;
    TrainPreview *m_preview;
    QTimer *m_timer;
    RunJob m_job;                    // the job being watched (pid 0: none)
    qsizetype m_eventsAtStart = 0;   // events the run held when this studio started its job
    qint64 m_consoleAtStart = 0;     // bytes console.txt held then
    int m_shownPoints = 0;
    bool m_statsDirty = false;
    QVector<qint64> m_shownCheckpoints;
    int m_previewTicks = 0;

    QGroupBox *m_jobBox, *m_dashBox, *m_ckptBox;
    QFormLayout *m_form;
    QLabel *m_formLabels[7];
    QComboBox *m_model, *m_preset, *m_device, *m_vae;
    QLabel *m_vaeLabel;
    QPushButton *m_browseVae;
    QLineEdit *m_dataset, *m_runDir, *m_recipe;
    QPushButton *m_browseData, *m_browseRun, *m_startButton, *m_stopButton, *m_resumeButton, *m_openRunButton,
        *m_useButton, *m_exportButton;
    QSpinBox *m_steps;
    QLabel *m_stats, *m_state;
    QCheckBox *m_logY;
    QSlider *m_smoothing;
    QLabel *m_smoothingLabel;
    QHBoxLayout *m_toggles;
    QListWidget *m_checkpoints;
    QPlainTextEdit *m_log;
};

} // namespace ms::app
