#pragma once
// Finding and talking to `melstudio-cli` from the studio.

#include <QString>
#include <QStringList>

namespace ms::app {

// $MELSTUDIO_CLI, else melstudio-cli next to the studio (or the build tree's
// trainer/), else "melstudio-cli" on PATH.
QString cliPath();

struct ProgressLine {
    QString label;
    qint64 done = 0, total = 0;
    QString rest;   // rate, ETA and note as printed
};

// Parses one "label done/total rate ETA ..." line; false when it is not one.
bool parseProgressLine(const QString &line, ProgressLine &out);

// Splits a stream chunk on '\r' and '\n', keeping an unfinished tail in `carry`.
QStringList takeLines(QString &carry, const QByteArray &chunk);

// The folder where the studio keeps its own data (runs, models, session): $MELSTUDIO_DATA_DIR,
// else ~/.local/share/melstudio.
QString studioDataDir();

} // namespace ms::app
