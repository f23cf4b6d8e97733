#pragma once
// Generate: prompt -> kicks with the kick latent diffusion pipeline, a live
// latent view, a takes list with mel/waveform, playback and WAV export.

#include "audio/AudioFile.h"
#include "dsp/LogMel.h"

#include <QDateTime>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class QLineEdit;
class QSpinBox;
class QDoubleSpinBox;
class QComboBox;
class QPushButton;
class QToolButton;
class QProgressBar;
class QTreeWidget;
class QLabel;
class QStackedWidget;
class QCompleter;
class QStringListModel;
class QTimer;
class QGroupBox;
class QFormLayout;

namespace ms::infer::kick { class KickPipeline; }
namespace ms::widgets { class LatentGrid; class SpectrogramView; class WaveformView; class Player; }

namespace ms::app {

class GeneratePage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GeneratePage)

public:
    struct Take {
        std::vector<float> audio;
        int sampleRate = 44100;
        ms::dsp::MelImage mel;
        QString prompt;
        quint64 seed = 0;
        int steps = 0;
        double guidance = 0;
        QString modelId;
        QString modelDir;       // the package that made it (empty: unknown)
        QDateTime time;
        QString sessionFile;    // its name stem in the session folder (empty: not kept)
        std::vector<float> latent;   // final latent [channels][height][width] (empty: not kept)
        int latentChannels = 0, latentHeight = 0, latentWidth = 0;
    };

    explicit GeneratePage(QWidget *parent = nullptr);
    ~GeneratePage() override;

    // Loads a model package in the background; emits modelChanged / message.
    void setModelDir(const QString &dir);
    QString modelDir() const { return m_modelDir; }
    bool hasModel() const;
    // The prompt's placeholder: example keywords from the loaded model (for tests).
    QString promptPlaceholder() const;
    bool isBusy() const { return m_busy; }
    // Sets the generation parameters shown in the form.
    void setParameters(const QString &prompt, int steps, int count, quint64 seed, bool lockSeed = true);
    // Appends a take (also used by generation), keeps it in the session folder and selects it.
    void addTake(Take take);
    // Deletes every take, in the list and in the session folder.
    void clearTakes();
    // The session folder: studioDataDir()/session ($MELSTUDIO_DATA_DIR for tests).
    static QString sessionDir();
    // Adds the takes kept in the session folder; returns how many.
    int restoreSession();
    int takeCount() const { return int(m_takes.size()); }
    const Take &take(int i) const { return m_takes[size_t(i)]; }
    void selectTakes(const QList<int> &rows);
    QList<int> selectedTakes() const;
    // Writes takes: one row to `target` (a file), several into `target` (a folder). Empty string on success.
    QString exportTakes(const QList<int> &rows, const QString &target, ms::audio::SampleFormat format);
    // Denoising steps reported by the pipeline during the last run.
    int stepsSeen() const;
    ms::widgets::LatentGrid *latentGrid() const { return m_latent; }
    QString lastError() const { return m_lastError; }

public slots:
    // Starts generating (no-op with a message when busy or without a model).
    void generate();
    // Asks the running generation to stop after the current step.
    void cancel();
    void togglePlay();
    // Asks for a file or folder and exports the selected takes.
    void exportSelectedWithDialog();
    // Asks, then clears the takes.
    void clearTakesWithDialog();

signals:
    void message(const QString &text);
    void modelChanged(const QString &dir);
    void generationFinished(bool cancelled);
    void modelLoaded(bool ok);
    void goToTrain();

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Live;
    void retranslateUi();
    void updatePromptInfo();
    void showTake(int row);
    // Writes the take's WAV and parameters into the session folder; empty string on success.
    QString persistTake(Take &take);
    void appendTakeRow(Take take);
    void setBusy(bool busy);
    void showError(const QString &text);
    void refreshLive();
    QWidget *buildNoModelPanel();
    QWidget *buildMainPanel();

    QString m_modelDir, m_lastError;
    std::shared_ptr<ms::infer::kick::KickPipeline> m_pipeline;
    std::shared_ptr<Live> m_live;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_busy = false;
    bool m_generating = false;
    int m_loadSerial = 0;   // a newer setModelDir() supersedes a load still running
    std::vector<Take> m_takes;
    QStringList m_vocab;

    QStackedWidget *m_modes;
    QLabel *m_noModelTitle, *m_noModelText, *m_modelLabel, *m_promptInfo, *m_errorLabel;
    QPushButton *m_openModelButton, *m_openModelButton2, *m_goTrainButton, *m_generateButton, *m_cancelButton,
        *m_playButton, *m_exportButton, *m_clearButton;
    QLineEdit *m_prompt;
    QCompleter *m_completer;
    QStringListModel *m_vocabModel;
    QSpinBox *m_steps, *m_seed, *m_count;
    QDoubleSpinBox *m_guidance;
    QToolButton *m_lockSeed, *m_randomSeed;
    QComboBox *m_sampler, *m_vocoder, *m_device, *m_format;
    QProgressBar *m_progress;
    QTreeWidget *m_takeList;
    QGroupBox *m_paramsBox, *m_takesBox, *m_viewBox;
    QFormLayout *m_form;
    QLabel *m_formLabels[7];
    ms::widgets::LatentGrid *m_latent;
    ms::widgets::SpectrogramView *m_mel;
    ms::widgets::WaveformView *m_wave;
    ms::widgets::Player *m_player;
    QTimer *m_timer;
};

} // namespace ms::app
