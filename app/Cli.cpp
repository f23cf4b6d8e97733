#include "Cli.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace ms::app {

QString cliPath()
{
    const QString env = qEnvironmentVariable("MELSTUDIO_CLI");
    if (!env.isEmpty()) return env;
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString &rel : {QStringLiteral("melstudio-cli"), QStringLiteral("../trainer/melstudio-cli"),
                               QStringLiteral("../../trainer/melstudio-cli")}) {
        const QFileInfo fi(here.filePath(rel));
        if (fi.isExecutable()) return fi.canonicalFilePath();
    }
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("melstudio-cli"));
    return onPath.isEmpty() ? QStringLiteral("melstudio-cli") : onPath;
}

bool parseProgressLine(const QString &line, ProgressLine &out)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(.*?)\\s+(\\d+)/(\\d+)\\b(.*)$"));
    const auto m = re.match(line);
    if (!m.hasMatch()) return false;
    out.label = m.captured(1).trimmed();
    out.done = m.captured(2).toLongLong();
    out.total = m.captured(3).toLongLong();
    out.rest = m.captured(4).trimmed();
    return out.total > 0;
}

QStringList takeLines(QString &carry, const QByteArray &chunk)
{
    carry += QString::fromUtf8(chunk);
    QStringList lines;
    qsizetype start = 0;
    for (qsizetype i = 0; i < carry.size(); ++i) {
        if (carry[i] == QLatin1Char('\n') || carry[i] == QLatin1Char('\r')) {
            QString l = carry.mid(start, i - start);
            l.remove(QRegularExpression(QStringLiteral("\x1b\\[[0-9;]*[A-Za-z]")));
            if (!l.trimmed().isEmpty()) lines << l;
            start = i + 1;
        }
    }
    carry = carry.mid(start);
    return lines;
}

QString studioDataDir()
{
    // $MELSTUDIO_DATA_DIR (tests, portable installs), else ~/.local/share/melstudio. Not
    // AppLocalDataLocation: with organisation and application both "melstudio" it is
    // .../melstudio/melstudio.
    QString dir = qEnvironmentVariable("MELSTUDIO_DATA_DIR");
    if (dir.isEmpty())
        dir = QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)).filePath(QStringLiteral("melstudio"));
    QDir().mkpath(dir);
    return dir;
}

} // namespace ms::app
