#include "RunWatcher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace ms::widgets {

RunWatcher::RunWatcher(QObject *parent) : QObject(parent)
{
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, [this] { poll(); });
}

void RunWatcher::setRunDir(const QString &dir)
{
    m_dir = dir;
    m_run = {};
    m_runStamp = -1;
    m_metricsOffset = m_eventsOffset = 0;
    m_metrics.clear();
    m_events.clear();
    m_checkpoints.clear();
    m_latestPreview.clear();
    m_badLines = 0;
    if (dir.isEmpty()) {
        m_timer.stop();
        return;
    }
    poll();
    m_timer.start();
}

QList<QJsonObject> RunWatcher::readNewLines(const QString &path, qint64 &offset)
{
    QList<QJsonObject> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return out;
    if (f.size() < offset) offset = 0;   // the file was replaced: start over
    if (f.size() == offset || !f.seek(offset)) return out;
    const QByteArray chunk = f.readAll();
    const qsizetype lastNl = chunk.lastIndexOf('\n');
    if (lastNl < 0) return out;   // only a half-written line so far
    offset += lastNl + 1;
    for (const QByteArray &line : chunk.left(lastNl).split('\n')) {
        if (line.trimmed().isEmpty()) continue;
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            ++m_badLines;
            continue;
        }
        out.push_back(doc.object());
    }
    return out;
}

bool RunWatcher::poll()
{
    if (m_dir.isEmpty()) return false;
    bool changed = false;
    const QDir dir(m_dir);

    const QFileInfo runInfo(dir.filePath(QStringLiteral("run.json")));
    const qint64 stamp = runInfo.exists() ? runInfo.lastModified().toMSecsSinceEpoch() ^ runInfo.size() : -1;
    if (stamp != m_runStamp) {
        QFile f(runInfo.filePath());
        if (f.open(QIODevice::ReadOnly)) {
            const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
            if (doc.isObject()) {
                m_run = doc.object();
                m_runStamp = stamp;
                changed = true;
                emit runInfoChanged();
            }
        }
    }

    const auto rows = readNewLines(dir.filePath(QStringLiteral("metrics.jsonl")), m_metricsOffset);
    for (const QJsonObject &o : rows) {
        MetricPoint p;
        p.step = o.value(QStringLiteral("step")).toInteger();
        p.epoch = o.value(QStringLiteral("epoch")).toDouble();
        p.time = o.value(QStringLiteral("time")).toDouble();
        if (o.contains(QStringLiteral("lr"))) p.lr = o.value(QStringLiteral("lr")).toDouble();
        if (o.contains(QStringLiteral("samples_per_s"))) p.samplesPerS = o.value(QStringLiteral("samples_per_s")).toDouble();
        if (o.contains(QStringLiteral("mem_mb"))) p.memMb = o.value(QStringLiteral("mem_mb")).toDouble();
        if (o.contains(QStringLiteral("gpu_mem_mb"))) p.gpuMemMb = o.value(QStringLiteral("gpu_mem_mb")).toDouble();
        if (o.contains(QStringLiteral("gpu_peak_mb"))) p.gpuPeakMb = o.value(QStringLiteral("gpu_peak_mb")).toDouble();
        if (o.contains(QStringLiteral("world_size"))) p.worldSize = o.value(QStringLiteral("world_size")).toInt(1);
        for (const QJsonValue &v : o.value(QStringLiteral("rank_samples_per_s")).toArray()) p.rankSamplesPerS.push_back(v.toDouble());
        const QJsonValue loss = o.value(QStringLiteral("loss"));
        if (loss.isObject()) {
            const QJsonObject lo = loss.toObject();
            for (auto it = lo.begin(); it != lo.end(); ++it)
                if (it.value().isDouble()) p.loss.insert(it.key(), it.value().toDouble());
        } else if (loss.isDouble()) {
            p.loss.insert(QStringLiteral("loss"), loss.toDouble());
        }
        m_metrics.push_back(p);
    }
    if (!rows.isEmpty()) {
        changed = true;
        emit metricsAppended(int(rows.size()));
    }

    const auto evs = readNewLines(dir.filePath(QStringLiteral("events.jsonl")), m_eventsOffset);
    for (const QJsonObject &o : evs) {
        RunEvent e;
        e.type = o.value(QStringLiteral("event")).toString(o.value(QStringLiteral("type")).toString());
        e.time = o.value(QStringLiteral("time")).toDouble();
        e.data = o;
        m_events.push_back(e);
    }
    if (!evs.isEmpty()) {
        changed = true;
        emit eventsAppended(int(evs.size()));
    }

    QVector<qint64> cps;
    const QDir cpDir(dir.filePath(QStringLiteral("checkpoints")));
    for (const QString &name : cpDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 step = name.toLongLong(&ok);
        if (ok && QFileInfo::exists(cpDir.filePath(name + QStringLiteral("/state.json")))) cps.push_back(step);
    }
    std::sort(cps.begin(), cps.end());
    if (cps != m_checkpoints) {
        m_checkpoints = cps;
        changed = true;
        emit checkpointsChanged();
    }

    const QDir pvDir(dir.filePath(QStringLiteral("previews")));
    qint64 best = -1;
    for (const QString &name : pvDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 step = name.toLongLong(&ok);
        if (ok && step > best) best = step;
    }
    const QString preview = best >= 0 ? pvDir.filePath(QString::number(best)) : QString();
    if (preview != m_latestPreview) {
        m_latestPreview = preview;
        changed = true;
        emit previewChanged(preview);
    }
    return changed;
}

} // namespace ms::widgets
