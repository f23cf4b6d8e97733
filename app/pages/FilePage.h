#pragma once
// What the pages that run one audio file through a model share (Latent,
// Tokenizer): the toolbar (Model…, Open audio…, the page's action, Cancel, a
// progress bar, Play input / Play decoded as A/B from the same moment, Export
// decoded…), the model line and the status line (also sent to the window as a
// message), opening a file by dialog or by dropping it on the page, and one
// background job at a time with progress and cancel.

#include <QString>
#include <QWidget>

#include <atomic>
#include <functional>
#include <initializer_list>
#include <memory>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace ms::widgets { class Player; }

namespace ms::app {

class FilePage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilePage)

public:
    explicit FilePage(QWidget *parent = nullptr);
    ~FilePage() override;

    // Loads an audio file (any rate) in the background.
    virtual void loadFile(const QString &path) = 0;
    // A package, a run (its newest checkpoint) or a checkpoint of the page's family.
    virtual void setModelDir(const QString &dir) = 0;
    // The page's action on the loaded file (encode + decode, tokenize + decode).
    virtual void run() = 0;
    // Writes the decoded audio; false + error when it cannot.
    virtual bool exportDecoded(const QString &path, QString *error) = 0;
    // Stops a running job at its next step (it then reports "Cancelled").
    void cancel();
    bool isBusy() const { return m_busy; }
    QString statusText() const;

public slots:
    void openFileDialog();
    void openModelDialog();
    // Plays the input (false) or the decoded audio (true), A/B from the same moment.
    virtual void togglePlay(bool decodedSide) = 0;

signals:
    void message(const QString &text);

protected:
    // Thrown by progress() reporters when the job is cancelled.
    struct Aborted {};

    virtual QString modelDialogTitle() const = 0;
    // The toolbar with `extra` widgets at its end (the page lays it out).
    QHBoxLayout *makeToolbar(std::initializer_list<QWidget *> extra = {});
    void updateCommonButtons(bool canRun, bool hasInput, bool hasDecoded);
    void retranslateCommon(const QString &runText);
    void setStatus(const QString &text);
    // Puts the last status back after a language change.
    void restoreStatus();
    // A job: beginJob() before starting it, endJob() in its completion callback;
    // progress(from, span) reports into the bar from the worker thread (it never
    // touches widgets, which may be gone when the page closes mid-job) and throws
    // Aborted once cancel() was asked.
    void beginJob();
    void endJob(bool ok);
    std::function<void(double)> progress(double from, double span) const;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

    QLabel *m_statusLabel, *m_modelLabel;
    QPushButton *m_openModel, *m_openFile, *m_run, *m_cancelButton, *m_playA, *m_playB, *m_export;
    QProgressBar *m_progress;
    ms::widgets::Player *m_player;
    int m_ticket = 0;   // the newest load: an older one's result is dropped

private:
    QString m_status;
    bool m_busy = false;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<int>> m_done = std::make_shared<std::atomic<int>>(0);   // 0..1000
    QTimer *m_poll;
};

} // namespace ms::app
