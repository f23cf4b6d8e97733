#include "pages/DatasetPage.h"

#include "Cli.h"
#include "Worker.h"
#include "audio/AudioFile.h"
#include "audio/Edit.h"
#include "audio/Resample.h"
#include "dsp/LogMel.h"

#include "Player.h"
#include "SpectrogramView.h"

#include <qcustomplot.h>

#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace ms::app {

DatasetPage::DatasetPage(QWidget *parent) : QWidget(parent)
{
    m_player = new ms::widgets::Player(this);
    auto *layout = new QVBoxLayout(this);
    m_jobBox = new QGroupBox;
    auto *g = new QGridLayout(m_jobBox);
    m_source = new QLineEdit;
    m_dest = new QLineEdit;
    m_browseSource = new QPushButton(QStringLiteral("…"));
    m_browseDest = new QPushButton(QStringLiteral("…"));
    m_aggregate = new QPushButton;
    m_preprocess = new QPushButton;
    m_cancel = new QPushButton;
    m_reload = new QPushButton;
    m_cancel->setEnabled(false);
    g->addWidget(m_source, 0, 0);
    g->addWidget(m_browseSource, 0, 1);
    g->addWidget(m_aggregate, 0, 2);
    g->addWidget(m_dest, 1, 0);
    g->addWidget(m_browseDest, 1, 1);
    g->addWidget(m_preprocess, 1, 2);
    m_progress = new QProgressBar;
    m_status = new QLabel;
    m_status->setWordWrap(true);
    g->addWidget(m_progress, 2, 0, 1, 2);
    g->addWidget(m_cancel, 2, 2);
    g->addWidget(m_status, 3, 0, 1, 2);
    g->addWidget(m_reload, 3, 2);
    g->setColumnStretch(0, 1);
    layout->addWidget(m_jobBox);

    auto *split = new QSplitter;
    m_tableBox = new QGroupBox;
    auto *tv = new QVBoxLayout(m_tableBox);
    m_table = new QTableWidget(0, 4);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSortingEnabled(true);
    tv->addWidget(m_table);
    split->addWidget(m_tableBox);
    auto *right = new QSplitter(Qt::Vertical);
    m_mel = new ms::widgets::SpectrogramView;
    right->addWidget(m_mel);
    m_chartBox = new QGroupBox;
    auto *cv = new QVBoxLayout(m_chartBox);
    m_chart = new QCustomPlot;
    m_chart->setMinimumHeight(160);
    cv->addWidget(m_chart);
    right->addWidget(m_chartBox);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({640, 460});
    layout->addWidget(split, 1);

    connect(m_browseSource, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Sample library folder"), m_source->text());
        if (!d.isEmpty()) m_source->setText(d);
    });
    connect(m_browseDest, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Dataset folder"), m_dest->text());
        if (!d.isEmpty()) m_dest->setText(d);
    });
    connect(m_aggregate, &QPushButton::clicked, this,
            [this] { runCli({QStringLiteral("aggregate"), m_source->text(), m_dest->text()}); });
    connect(m_preprocess, &QPushButton::clicked, this, [this] { runCli({QStringLiteral("preprocess"), m_dest->text()}); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { if (m_proc) m_proc->terminate(); });
    connect(m_reload, &QPushButton::clicked, this, [this] { loadDataset(m_dest->text()); });
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { showRow(row); });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this] { togglePlay(); });
    connect(m_player, &ms::widgets::Player::errorOccurred, m_status, &QLabel::setText);

    QSettings s;
    m_source->setText(s.value(QStringLiteral("dataset/source")).toString());
    m_dest->setText(s.value(QStringLiteral("dataset/dir")).toString());
    retranslateUi();
    if (!m_dest->text().isEmpty()) loadDataset(m_dest->text());
}

void DatasetPage::retranslateUi()
{
    m_jobBox->setTitle(tr("Build a dataset"));
    m_source->setPlaceholderText(tr("Sample library (nested folders; files with \"kick\" in the name are kept)"));
    m_dest->setPlaceholderText(tr("Dataset folder"));
    m_aggregate->setText(tr("1. Aggregate"));
    m_preprocess->setText(tr("2. Preprocess"));
    m_cancel->setText(tr("Cancel"));
    m_reload->setText(tr("Browse result"));
    m_tableBox->setTitle(tr("Files"));
    m_table->setHorizontalHeaderLabels({tr("File"), tr("Keywords"), tr("Duration (s)"), tr("Peak")});
    m_chartBox->setTitle(tr("Keyword frequency"));
    m_mel->setPlaceholder(tr("Click a file to see its mel spectrogram; Space plays it"));
    m_chart->yAxis->setLabel(tr("files"));
    m_chart->replot();
    if (!m_proc && m_table->rowCount() == 0) m_status->setText(tr("Pick a sample library and a dataset folder."));
}

void DatasetPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

int DatasetPage::rowCount() const { return m_table->rowCount(); }

DatasetPage::~DatasetPage() { stopChildProcesses(this); }

void DatasetPage::runCli(const QStringList &args)
{
    if (m_proc) return;
    if (args.size() < 2 || args.mid(1).contains(QString())) {
        m_status->setText(tr("Choose the folders first."));
        return;
    }
    QSettings s;
    s.setValue(QStringLiteral("dataset/source"), m_source->text());
    s.setValue(QStringLiteral("dataset/dir"), m_dest->text());
    m_proc = new QProcess(this);
    m_carry.clear();
    m_progress->setRange(0, 0);
    m_aggregate->setEnabled(false);
    m_preprocess->setEnabled(false);
    m_cancel->setEnabled(true);
    m_status->setText(tr("Running melstudio-cli %1…").arg(args.front()));
    auto *proc = m_proc;
    auto lastLines = std::make_shared<QStringList>();
    connect(proc, &QProcess::readyReadStandardError, this, [this, proc, lastLines] {
        for (const QString &line : takeLines(m_carry, proc->readAllStandardError())) {
            ProgressLine p;
            if (parseProgressLine(line, p)) {
                m_progress->setRange(0, int(p.total));
                m_progress->setValue(int(p.done));
                m_status->setText(QStringLiteral("%1 %2/%3 %4").arg(p.label).arg(p.done).arg(p.total).arg(p.rest));
            } else {
                lastLines->push_back(line);
                if (lastLines->size() > 8) lastLines->pop_front();
            }
        }
    });
    connect(proc, &QProcess::finished, this, [this, proc, lastLines](int code, QProcess::ExitStatus st) {
        proc->deleteLater();
        m_proc = nullptr;
        m_aggregate->setEnabled(true);
        m_preprocess->setEnabled(true);
        m_cancel->setEnabled(false);
        m_progress->setRange(0, 1);
        const bool ok = st == QProcess::NormalExit && code == 0;
        m_progress->setValue(ok ? 1 : 0);
        m_status->setText(ok ? tr("Done. %1").arg(lastLines->join(QStringLiteral(" · ")))
                             : tr("Failed (exit code %1): %2").arg(code).arg(lastLines->join(QLatin1Char('\n'))));
        if (ok) {
            // After aggregating, the folder has no mels yet: that is the next step, not an error.
            const QDir dest(m_dest->text());
            if (QFileInfo::exists(dest.filePath(QStringLiteral("processed/index.json"))) ||
                QFileInfo::exists(dest.filePath(QStringLiteral("index.json"))))
                loadDataset(m_dest->text());
            else
                m_status->setText(tr("Done: the clips are collected in %1. Next, press Preprocess to compute their mels.")
                                      .arg(QDir::toNativeSeparators(m_dest->text())));
        }
        emit jobFinished(ok);
    });
    connect(proc, &QProcess::errorOccurred, this, [this, proc](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) m_status->setText(tr("Cannot run %1: %2").arg(cliPath(), proc->errorString()));
    });
    proc->start(cliPath(), args);
}

bool DatasetPage::loadDataset(const QString &dir)
{
    m_datasetDir = dir;
    QString path = QDir(dir).filePath(QStringLiteral("processed/index.json"));
    if (!QFileInfo::exists(path)) path = QDir(dir).filePath(QStringLiteral("index.json"));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        m_status->setText(tr("No preprocessed dataset in %1 yet (processed/index.json is missing).").arg(QDir::toNativeSeparators(dir)));
        return false;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    const QJsonArray items = doc.isArray() ? doc.array() : doc.object().value(QStringLiteral("items")).toArray();
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    QMap<QString, int> counts;
    for (const QJsonValue &v : items) {
        const QJsonObject o = v.toObject();
        QStringList kws;
        const QJsonValue k = o.value(QStringLiteral("keywords"));
        if (k.isArray()) for (const QJsonValue &w : k.toArray()) kws << w.toString();
        else kws = k.toString().split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts);
        for (const QString &w : kws) ++counts[w];
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        auto *name = new QTableWidgetItem(o.value(QStringLiteral("filename")).toString());
        name->setData(Qt::UserRole, o.value(QStringLiteral("source")).toString(o.value(QStringLiteral("path")).toString()));
        m_table->setItem(r, 0, name);
        m_table->setItem(r, 1, new QTableWidgetItem(kws.join(QStringLiteral(", "))));
        auto *dur = new QTableWidgetItem;
        dur->setData(Qt::DisplayRole, o.value(QStringLiteral("duration")).toDouble());
        m_table->setItem(r, 2, dur);
        auto *peak = new QTableWidgetItem;
        peak->setData(Qt::DisplayRole, o.value(QStringLiteral("peak")).toDouble());
        m_table->setItem(r, 3, peak);
    }
    m_table->setSortingEnabled(true);
    // Keyword chart: the 20 most frequent.
    QVector<QPair<int, QString>> sorted;
    for (auto it = counts.begin(); it != counts.end(); ++it) sorted.push_back({it.value(), it.key()});
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    sorted.resize(std::min<qsizetype>(sorted.size(), 20));
    m_chart->clearPlottables();
    auto *bars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
    QVector<double> x, y;
    QVector<QString> labels;
    for (int i = 0; i < sorted.size(); ++i) {
        x << i + 1;
        y << sorted[i].first;
        labels << sorted[i].second;
    }
    bars->setData(x, y);
    bars->setBrush(QColor(66, 165, 245));
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(x, labels);
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setTickLabelRotation(60);
    m_chart->xAxis->setRange(0, sorted.size() + 1);
    m_chart->yAxis->setRange(0, sorted.isEmpty() ? 1 : sorted.front().first * 1.1);
    m_chart->replot();
    m_status->setText(tr("%n file(s) in the dataset.", nullptr, m_table->rowCount()));
    return true;
}

void DatasetPage::showRow(int row)
{
    if (row < 0 || !m_table->item(row, 0)) return;
    const QString name = m_table->item(row, 0)->text();
    QString path = m_table->item(row, 0)->data(Qt::UserRole).toString();
    for (const QString &c : {QDir(m_datasetDir).filePath(QStringLiteral("raw/") + name), QDir(m_datasetDir).filePath(name)})
        if (!QFileInfo::exists(path) && QFileInfo::exists(c)) path = c;
    runInBackground(this, [path]() -> ms::Result<std::vector<float>> {
        auto buf = ms::audio::readAudio(path.toStdString());
        if (!buf) return ms::fail(buf.error());
        std::vector<float> mono = ms::audio::mixToMono(*buf);
        if (buf->sampleRate != 44100) {
            auto r = ms::audio::resample(mono, buf->sampleRate, 44100);
            if (!r) return ms::fail(r.error());
            mono = std::move(r.value());
        }
        return mono;
    }, [this, name](ms::Result<std::vector<float>> r) {
        if (!r) {
            m_mel->clear(tr("Cannot read %1: %2").arg(name, QString::fromStdString(r.error())));
            return;
        }
        m_audio = std::move(r.value());
        m_mel->setMel(ms::dsp::logMel(m_audio), ms::dsp::MelConfig{});
        m_mel->setTitle(name);
    });
}

void DatasetPage::togglePlay()
{
    if (m_player->isPlaying()) m_player->stop();
    else if (!m_audio.empty()) m_player->play(m_audio, 44100);
}

} // namespace ms::app
