#include "pages/FilePage.h"

#include "Player.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>

namespace ms::app {

FilePage::FilePage(QWidget *parent) : QWidget(parent)
{
    setAcceptDrops(true);
    m_player = new ms::widgets::Player(this);
    m_statusLabel = new QLabel;
    m_statusLabel->setWordWrap(true);
    m_modelLabel = new QLabel;
    for (auto **b : {&m_openModel, &m_openFile, &m_run, &m_cancelButton, &m_playA, &m_playB, &m_export})
        *b = new QPushButton;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_poll = new QTimer(this);
    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, [this] { m_progress->setValue(m_done->load()); });
    connect(m_openModel, &QPushButton::clicked, this, &FilePage::openModelDialog);
    connect(m_openFile, &QPushButton::clicked, this, &FilePage::openFileDialog);
    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancelButton, &QPushButton::clicked, this, &FilePage::cancel);
    connect(m_playA, &QPushButton::clicked, this, [this] { togglePlay(false); });
    connect(m_playB, &QPushButton::clicked, this, [this] { togglePlay(true); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export decoded audio"), QString(), tr("WAV files (*.wav)"));
        if (path.isEmpty()) return;
        QString error;
        setStatus(exportDecoded(path, &error) ? tr("Written to %1").arg(path) : tr("Cannot export: %1").arg(error));
    });
}

FilePage::~FilePage()
{
    m_cancel->store(true);   // a running job stops at its next step
    m_player->stop();
}

QHBoxLayout *FilePage::makeToolbar(std::initializer_list<QWidget *> extra)
{
    auto *top = new QHBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(m_openModel), static_cast<QWidget *>(m_openFile),
                       static_cast<QWidget *>(m_run), static_cast<QWidget *>(m_cancelButton)})
        top->addWidget(w);
    top->addWidget(m_progress, 1);
    for (QWidget *w : {static_cast<QWidget *>(m_playA), static_cast<QWidget *>(m_playB), static_cast<QWidget *>(m_export)})
        top->addWidget(w);
    for (QWidget *w : extra) top->addWidget(w);
    return top;
}

void FilePage::updateCommonButtons(bool canRun, bool hasInput, bool hasDecoded)
{
    m_run->setEnabled(canRun && !m_busy);
    m_cancelButton->setEnabled(m_busy);
    m_openModel->setEnabled(!m_busy);
    m_openFile->setEnabled(!m_busy);
    const bool audio = ms::widgets::Player::hasOutputDevice();
    m_playA->setEnabled(audio && hasInput);
    m_playB->setEnabled(audio && hasDecoded);
    m_export->setEnabled(hasDecoded);
}

void FilePage::retranslateCommon(const QString &runText)
{
    m_openModel->setText(tr("Model…"));
    m_openFile->setText(tr("Open audio…"));
    m_run->setText(runText);
    m_cancelButton->setText(tr("Cancel"));
    m_playA->setText(m_player->playingSide() == 0 ? tr("Stop") : tr("Play input"));
    m_playB->setText(m_player->playingSide() == 1 ? tr("Stop") : tr("Play decoded"));
    m_export->setText(tr("Export decoded…"));
    restoreStatus();
}

void FilePage::cancel()
{
    if (m_busy) m_cancel->store(true);
}

void FilePage::beginJob()
{
    m_busy = true;
    m_cancel->store(false);
    m_done->store(0);
    m_progress->setValue(0);
    m_poll->start();
}

void FilePage::endJob(bool ok)
{
    m_busy = false;
    m_poll->stop();
    m_progress->setValue(ok ? 1000 : 0);
}

std::function<void(double)> FilePage::progress(double from, double span) const
{
    return [cancel = m_cancel, done = m_done, from, span](double p) {
        if (cancel->load()) throw Aborted{};
        done->store(int(1000 * (from + span * p)));
    };
}

void FilePage::openFileDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open audio"), QString(),
                                                      tr("Audio files (*.wav *.flac *.ogg *.aiff *.mp3)"));
    if (!path.isEmpty()) loadFile(path);
}

void FilePage::openModelDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, modelDialogTitle());
    if (!dir.isEmpty()) setModelDir(dir);
}

QString FilePage::statusText() const { return m_statusLabel->text(); }

void FilePage::setStatus(const QString &text)
{
    m_status = text;
    m_statusLabel->setText(text);
    emit message(text);
}

void FilePage::restoreStatus()
{
    if (m_statusLabel->text() != m_status) m_statusLabel->setText(m_status);
}

void FilePage::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void FilePage::dropEvent(QDropEvent *event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile()) loadFile(urls.front().toLocalFile());
}

} // namespace ms::app
