#pragma once
// Train: start/stop/resume a `melstudio-cli train` child process and watch any
// run folder live (loss curves, lr, samples/s, ETA, memory, previews, checkpoints).

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

class TrainPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrainPage)

public:
    explicit TrainPage(QWidget *parent = nullptr);
    ~TrainPage() override;

    // Sets the form (for tests and the command line).
    void setJob(const QString &model, const QString &dataset, const QString &runDir, const QString &preset, int steps,
                const QString &recipeOptions = {});
    // Starts `melstudio-cli train ...` detached. A resume passes only --resume and what a
    // resume may change (device, priority, steps): the CLI takes the rest from the run.
    // False with a message on failure.
    bool start(bool resume = false);
    // Sends SIGTERM to the child (it checkpoints and exits).
    void stop();
    bool isChildRunning() const;
    // Follows an existing run folder.
    void openRun(const QString &dir);
    ms::widgets::RunWatcher *watcher() const { return m_watcher; }
    ms::widgets::LossPlot *lossPlot() const { return m_plot; }
    qint64 childPid() const { return m_pid; }
    // The status line and the log lines shown when a job fails (for tests).
    QString stateText() const;
    QString logText() const;

public slots:
    void togglePlay();

signals:
    void message(const QString &text);
    void useForGeneration(const QString &packageDir);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void refresh();
    void updatePreview(const QString &dir);
    void showFailure(bool noEventWritten = false);
    void packageCheckpoint();

    ms::widgets::RunWatcher *m_watcher;
    ms::widgets::LossPlot *m_plot;
    ms::widgets::SpectrogramView *m_target, *m_output;
    ms::widgets::Player *m_player;
    QTimer *m_timer;
    qint64 m_pid = 0;
    qsizetype m_eventsAtStart = 0;   // events the run held when this studio started its job
    qint64 m_consoleAtStart = 0;     // bytes console.txt held then
    int m_shownPoints = 0;
    bool m_statsDirty = false;
    std::vector<float> m_previewAudio;
    int m_previewRate = 44100;

    QGroupBox *m_jobBox, *m_dashBox, *m_previewBox, *m_ckptBox;
    QFormLayout *m_form;
    QLabel *m_formLabels[7];
    QComboBox *m_model, *m_preset, *m_device;
    QLineEdit *m_dataset, *m_runDir, *m_recipe;
    QPushButton *m_browseData, *m_browseRun, *m_startButton, *m_stopButton, *m_resumeButton, *m_openRunButton,
        *m_useButton, *m_playButton;
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
