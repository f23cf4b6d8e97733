// GeneratePage: writing takes to WAV files (single file or a folder of them).
#include "pages/kick/GeneratePage.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

namespace ms::app {

QString GeneratePage::exportTakes(const QList<int> &rows, const QString &target, ms::audio::SampleFormat format)
{
    if (rows.isEmpty()) return tr("Select one or more takes to export.");
    QStringList failures;
    for (int row : rows) {
        if (row < 0 || row >= takeCount()) continue;
        const Take &t = m_takes[size_t(row)];
        QString path = target;
        if (rows.size() > 1) {
            QString stem = t.prompt.simplified().replace(QRegularExpression(QStringLiteral("[^\\w]+")), QStringLiteral("_"));
            if (stem.isEmpty()) stem = QStringLiteral("kick");
            path = QDir(target).filePath(QStringLiteral("%1_seed%2.wav").arg(stem).arg(t.seed));
        }
        ms::audio::WriteOptions opt;
        opt.format = format;
        opt.title = (t.prompt.isEmpty() ? QStringLiteral("kick") : t.prompt).toStdString();
        opt.comment = QStringLiteral("melstudio %1; model %2; seed %3; steps %4; cfg %5")
                          .arg(QStringLiteral(MELSTUDIO_VERSION), t.modelId)
                          .arg(t.seed)
                          .arg(t.steps)
                          .arg(t.guidance)
                          .toStdString();
        opt.overwrite = true;
        const auto st = ms::audio::writeAudio(path.toStdString(), ms::audio::AudioBuffer::mono(t.audio, t.sampleRate), opt);
        if (!st) failures << QString::fromStdString(st.error());
    }
    return failures.join(QLatin1Char('\n'));
}

void GeneratePage::exportSelectedWithDialog()
{
    const QList<int> rows = selectedTakes();
    if (rows.isEmpty()) {
        showError(tr("Select one or more takes to export."));
        return;
    }
    QSettings s;
    const QString lastDir = s.value(QStringLiteral("export/dir"), QDir::homePath()).toString();
    QString target;
    if (rows.size() == 1) {
        const Take &t = m_takes[size_t(rows.front())];
        target = QFileDialog::getSaveFileName(this, tr("Export take"),
                                              QDir(lastDir).filePath(QStringLiteral("kick_seed%1.wav").arg(t.seed)),
                                              tr("WAV audio (*.wav)"));
        if (!target.isEmpty()) s.setValue(QStringLiteral("export/dir"), QFileInfo(target).absolutePath());
    } else {
        target = QFileDialog::getExistingDirectory(this, tr("Export %n takes into a folder", nullptr, int(rows.size())), lastDir);
        if (!target.isEmpty()) s.setValue(QStringLiteral("export/dir"), target);
    }
    if (target.isEmpty()) return;
    const QString err = exportTakes(rows, target, ms::audio::SampleFormat(m_format->currentData().toInt()));
    if (!err.isEmpty()) showError(tr("Export failed: %1").arg(err));
    else emit message(tr("Exported %n take(s).", nullptr, int(rows.size())));
}

} // namespace ms::app
