#pragma once
// The training process a run folder belongs to: job.json, written by `melstudio-cli
// train` when it starts (RunFolder::writeJobRecord) and by the studio when it launches
// one, so that any studio can find the job again, watch it and stop it (Linux: pid +
// the kernel's start time, which tells a live job from an unrelated process that
// reuses its pid). The same rule as the trainer's runningJobPid, without linking it.

#include <QString>
#include <QStringList>

namespace ms::app {

struct RunJob {
    qint64 pid = 0;
    qint64 startTicks = -1;   // /proc/<pid>/stat field 22; -1 when unknown
    QString host;
    QString started;          // ISO 8601, local time of the launch
    QStringList args;         // melstudio-cli's arguments
};

// The kernel's start time of `pid` (clock ticks since boot), or -1 when unknown.
qint64 processStartTicks(qint64 pid);

// Writes `dir`/job.json for a job just launched (temp name, then rename). Empty string on success.
QString writeRunJob(const QString &dir, const RunJob &job);

// Reads `dir`/job.json; false when there is none or it is unreadable.
bool readRunJob(const QString &dir, RunJob &job);

// True while the process recorded in `job` is still that process (same host, same pid,
// same start time).
bool isRunJobAlive(const RunJob &job);

// Asks the job to stop (SIGTERM: the trainer writes a checkpoint and exits 0). False if it
// is no longer running.
bool stopRunJob(const RunJob &job);

} // namespace ms::app
