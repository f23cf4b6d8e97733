#pragma once
// Helpers for the trainer tests: a small dataset folder in the preprocess
// format, in-process `train` runs, `melstudio-cli train` child processes killed
// with SIGKILL, and run-folder queries. No LibTorch here.

#include "cli/Args.h"
#include "io/SafeTensors.h"
#include "jobs/RunFolder.h"
#include "jobs/Train.h"
#include "jobs/TrainData.h"
#include "util/Fs.h"

#include <nlohmann/json.hpp>

#include <QDeadlineTimer>
#include <QProcess>
#include <QStringList>
#include <QThread>

#include <cmath>
#include <string>
#include <vector>

namespace ms::testing {

// Writes mels.safetensors, audio.safetensors and index.json for n synthetic
// kicks (the format of `melstudio-cli preprocess`); returns an error message or "".
inline std::string makeDataset(const std::string &dir, size_t n, bool withAudio = true, uint64_t seed = 3) {
    const Status st = jobs::writeSyntheticDataset(dir, n, withAudio, seed);
    return st ? std::string() : st.error();
}

// `melstudio-cli train KIND ARGS...` in this process; returns the exit code.
inline int train(const std::string &kind, const std::vector<std::string> &argv) {
    cli::Args args(argv, {"resume"});
    return jobs::runTrain(kind, args);
}

// a followed by b: a job's common arguments plus one test's own.
inline std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string> &b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Waits until `ok()` holds (polling), at most `ms`.
template <class F> bool waitFor(F ok, int ms) {
    QDeadlineTimer t(ms);
    while (!t.hasExpired()) {
        if (ok()) return true;
        QThread::msleep(50);
    }
    return ok();
}

// `cli train KIND ARGS...` as a child process that stops right after checkpoint
// `step` (the hidden --debug-hang-after-checkpoint), then SIGKILL, as a crash or
// kill -9 would: nothing after the checkpoint runs. Returns "" or what went wrong.
inline std::string trainKilledAfterCheckpoint(const QString &cli, const std::string &kind,
                                              const std::vector<std::string> &argv, long long step) {
    QStringList a{QStringLiteral("train"), QString::fromStdString(kind)};
    for (const auto &s : argv) a << QString::fromStdString(s);
    a << QStringLiteral("--debug-hang-after-checkpoint") << QString::number(step);
    std::string runDir;
    for (size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == "--run") runDir = argv[i + 1];
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(cli, a);
    if (!p.waitForStarted()) return "cannot start " + cli.toStdString();
    const auto reached = [&] {
        const auto c = jobs::RunReader::listCheckpoints(runDir);
        return !c.empty() && c.back() == step;
    };
    const bool ok = waitFor([&] { return reached() || p.state() == QProcess::NotRunning; }, 120000) && reached();
    p.kill();   // SIGKILL
    p.waitForFinished(10000);
    if (!ok) return "the child did not reach checkpoint " + std::to_string(step);
    if (p.exitStatus() != QProcess::CrashExit) return "the child was not killed (it exited by itself)";
    return {};
}

// The named loss of every metrics line of a run.
inline std::vector<double> losses(const std::string &runDir, const std::string &name) {
    std::vector<double> out;
    auto snap = jobs::RunReader::read(runDir);
    if (!snap) return out;
    for (const auto &m : snap->metrics)
        if (m.contains("loss") && m["loss"].contains(name)) out.push_back(m["loss"][name].get<double>());
    return out;
}

// Mean of values [from, to).
inline double meanOf(const std::vector<double> &v, size_t from, size_t to) {
    double s = 0;
    for (size_t i = from; i < to && i < v.size(); ++i) s += v[i];
    return to > from ? s / double(std::min(to, v.size()) - from) : 0.0;
}

// Bytes of every tensor of a safetensors file, by name (for bit-exact comparisons).
inline std::map<std::string, std::string> tensorBytes(const std::string &path) {
    std::map<std::string, std::string> out;
    auto f = io::SafeTensorsFile::open(path);
    if (!f) return out;
    for (const auto &name : (*f)->names()) {
        const auto *v = (*f)->find(name);
        out[name] = std::string(static_cast<const char *>(v->data), v->bytes);
    }
    return out;
}

} // namespace ms::testing
