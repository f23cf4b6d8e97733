// GeneratePage: the session folder. Every take is kept on disk as it is made (a WAV and
// a JSON of the parameters that made it) and restored when the studio starts, until the
// user clears the takes.
#include "pages/kick/GeneratePage.h"

#include "Cli.h"
#include "audio/Edit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QTreeWidget>

namespace ms::app {

QString GeneratePage::sessionDir()
{
    const QString dir = QDir(studioDataDir()).filePath(QStringLiteral("session"));
    QDir().mkpath(dir);
    return dir;
}

QString GeneratePage::persistTake(Take &take)
{
    static int counter = 0;
    const QDir dir(sessionDir());
    const QString stem = QStringLiteral("take-%1-%2")
                             .arg(take.time.toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")))
                             .arg(counter++ % 1000, 3, 10, QLatin1Char('0'));
    ms::audio::WriteOptions opt;
    opt.format = ms::audio::SampleFormat::Float32;   // the take exactly as generated
    opt.title = take.prompt.toStdString();
    // writeAudio writes a temporary file and renames it.
    const auto st = ms::audio::writeAudio(dir.filePath(stem + QStringLiteral(".wav")).toStdString(),
                                          ms::audio::AudioBuffer::mono(take.audio, take.sampleRate), opt);
    if (!st) return QString::fromStdString(st.error());
    const QJsonObject o{{QStringLiteral("wav"), stem + QStringLiteral(".wav")},
                        {QStringLiteral("prompt"), take.prompt},
                        {QStringLiteral("seed"), QString::number(take.seed)},
                        {QStringLiteral("steps"), take.steps},
                        {QStringLiteral("guidance"), take.guidance},
                        {QStringLiteral("model"), take.modelId},
                        {QStringLiteral("model_dir"), take.modelDir},
                        {QStringLiteral("sample_rate"), take.sampleRate},
                        {QStringLiteral("time"), take.time.toString(Qt::ISODateWithMs)}};
    // The JSON is written last: a take whose JSON exists is complete.
    QSaveFile f(dir.filePath(stem + QStringLiteral(".json")));
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(o).toJson()) < 0 || !f.commit()) {
        QFile::remove(dir.filePath(stem + QStringLiteral(".wav")));
        return tr("cannot write %1: %2").arg(QDir::toNativeSeparators(f.fileName()), f.errorString());
    }
    take.sessionFile = stem;
    return {};
}

int GeneratePage::restoreSession()
{
    const QDir dir(sessionDir());
    QStringList problems;
    int restored = 0;
    for (const QString &name : dir.entryList({QStringLiteral("take-*.json")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly) || f.size() > (1 << 20)) {
            problems << tr("%1: cannot be read").arg(QDir::toNativeSeparators(f.fileName()));
            continue;
        }
        QJsonParseError err{};
        const QJsonObject o = QJsonDocument::fromJson(f.readAll(), &err).object();
        if (err.error != QJsonParseError::NoError) {
            problems << tr("%1: not JSON (%2)").arg(QDir::toNativeSeparators(f.fileName()), err.errorString());
            continue;
        }
        const QString wav = dir.filePath(QFileInfo(o.value(QStringLiteral("wav")).toString()).fileName());
        auto buf = ms::audio::readAudio(wav.toStdString());
        if (!buf) {
            problems << tr("%1: %2").arg(QDir::toNativeSeparators(wav), QString::fromStdString(buf.error()));
            continue;
        }
        Take take;
        take.audio = ms::audio::mixToMono(*buf);
        take.sampleRate = buf->sampleRate;
        take.prompt = o.value(QStringLiteral("prompt")).toString();
        take.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
        take.steps = o.value(QStringLiteral("steps")).toInt();
        take.guidance = o.value(QStringLiteral("guidance")).toDouble();
        take.modelId = o.value(QStringLiteral("model")).toString();
        take.modelDir = o.value(QStringLiteral("model_dir")).toString();
        take.time = QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
        take.sessionFile = QFileInfo(name).completeBaseName();
        appendTakeRow(std::move(take));
        ++restored;
    }
    if (restored) m_modes->setCurrentIndex(1);   // takes are shown even before a model loads
    if (!problems.isEmpty())
        showError(tr("Some takes of the last session could not be restored:\n%1").arg(problems.join(QLatin1Char('\n'))));
    return restored;
}

void GeneratePage::clearTakes()
{
    const QDir dir(sessionDir());
    for (const Take &t : m_takes) {
        if (t.sessionFile.isEmpty()) continue;
        // The JSON first: a WAV without its JSON is never restored.
        QFile::remove(dir.filePath(t.sessionFile + QStringLiteral(".json")));
        QFile::remove(dir.filePath(t.sessionFile + QStringLiteral(".wav")));
    }
    m_takes.clear();
    m_takeList->clear();
    if (!m_pipeline) m_modes->setCurrentIndex(0);
    emit message(tr("Takes cleared."));
}

void GeneratePage::clearTakesWithDialog()
{
    if (m_takes.empty()) return;
    QMessageBox box(QMessageBox::Question, tr("Clear takes"),
                    tr("Delete all %n take(s) of this session? Takes you have not exported are lost.", nullptr,
                       int(m_takes.size())),
                    QMessageBox::Cancel, this);
    QPushButton *clear = box.addButton(tr("Delete takes"), QMessageBox::DestructiveRole);
    clear->setObjectName(QStringLiteral("clearTakes"));
    box.button(QMessageBox::Cancel)->setObjectName(QStringLiteral("cancelClear"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() == clear) clearTakes();
}

} // namespace ms::app
