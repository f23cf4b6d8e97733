#include "RunJob.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSysInfo>

#include <csignal>
#include <sys/types.h>

namespace ms::app {

namespace {
const QString kJobFile = QStringLiteral("job.json");
}

qint64 processStartTicks(qint64 pid)
{
    if (pid <= 0) return -1;
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) return -1;
    const QByteArray stat = f.readAll();
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0) return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
    if (fields.size() < 20) return -1;
    bool ok = false;
    const qint64 ticks = fields[19].toLongLong(&ok);
    return ok ? ticks : -1;
}

QString writeRunJob(const QString &dir, const RunJob &job)
{
    QJsonObject o{{QStringLiteral("pid"), job.pid},
                  {QStringLiteral("start_ticks"), job.startTicks},
                  {QStringLiteral("host"), job.host},
                  {QStringLiteral("started"), job.started},
                  {QStringLiteral("args"), QJsonArray::fromStringList(job.args)}};
    // QSaveFile writes a temporary file and renames it over job.json on commit.
    QSaveFile f(QDir(dir).filePath(kJobFile));
    if (!f.open(QIODevice::WriteOnly)) return f.errorString();
    f.write(QJsonDocument(o).toJson());
    if (!f.commit()) return f.errorString();
    return {};
}

bool readRunJob(const QString &dir, RunJob &job)
{
    QFile f(QDir(dir).filePath(kJobFile));
    if (!f.open(QIODevice::ReadOnly) || f.size() > 1 << 20) return false;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (!o.value(QStringLiteral("pid")).isDouble()) return false;
    job.pid = o.value(QStringLiteral("pid")).toInteger();
    job.startTicks = o.value(QStringLiteral("start_ticks")).toInteger(-1);
    job.host = o.value(QStringLiteral("host")).toString();
    job.started = o.value(QStringLiteral("started")).toString();
    job.args.clear();
    for (const auto &a : o.value(QStringLiteral("args")).toArray()) job.args << a.toString();
    return job.pid > 0;
}

bool isRunJobAlive(const RunJob &job)
{
    if (job.pid <= 0) return false;
    if (!job.host.isEmpty() && job.host != QSysInfo::machineHostName()) return false;
    if (::kill(pid_t(job.pid), 0) != 0) return false;
    // A zombie (a child of this studio that exited but is not reaped yet) has finished.
    QFile f(QStringLiteral("/proc/%1/stat").arg(job.pid));
    if (f.open(QIODevice::ReadOnly)) {
        const QByteArray stat = f.readAll();
        const qsizetype close = stat.lastIndexOf(')');
        if (close >= 0 && close + 2 < stat.size() && stat[close + 2] == 'Z') return false;
    }
    const qint64 ticks = processStartTicks(job.pid);
    return job.startTicks < 0 || ticks < 0 || ticks == job.startTicks;
}

bool stopRunJob(const RunJob &job)
{
    if (!isRunJobAlive(job)) return false;
    return ::kill(pid_t(job.pid), SIGTERM) == 0;
}

} // namespace ms::app
