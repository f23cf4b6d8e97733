#pragma once
// A training run on disk (see ARCHITECTURE.md "Run folder"): run.json,
// metrics.jsonl, events.jsonl, checkpoints/<step>/, previews/<step>/, log.txt.
// No LibTorch and no Qt here: the CLI, tests and scripts read runs with this.

#include "util/Result.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ms::jobs {

namespace stdfs = std::filesystem;

// The writer side, owned by one training process.
class RunFolder {
public:
    ~RunFolder();
    RunFolder(const RunFolder &) = delete;
    RunFolder &operator=(const RunFolder &) = delete;

    // Creates (or reopens) dir with its sub-folders and append streams. Leftover
    // temp checkpoint folders of a killed process are removed. A half-written
    // last line in a .jsonl file is closed with a newline before appending.
    static Result<std::unique_ptr<RunFolder>> open(const std::string &dir);

    const stdfs::path &dir() const { return m_dir; }

    // Writes run.json atomically.
    Status writeRunJson(const nlohmann::json &run);
    // Writes job.json atomically: this process ({"pid", "start_ticks", "host", "started",
    // "writer"}), so that any watcher can tell whether the run's job still runs and stop it
    // (SIGTERM) - a studio that did not start it included. Removed when this RunFolder
    // closes (if it still names this process).
    Status writeJobRecord();
    // Appends one metrics object as a line and flushes.
    Status appendMetrics(const nlohmann::json &row);
    // Appends {"event": type, "time": unix seconds, ...extra} and flushes.
    Status appendEvent(const std::string &type, const nlohmann::json &extra = nlohmann::json::object());
    // Appends a time-stamped line to log.txt (flushed) and echoes it to stderr.
    void log(const std::string &line);

    // A fresh temp folder inside checkpoints/ to fill for step; commit it with
    // commitCheckpoint. Never visible to readers as a complete checkpoint.
    Result<stdfs::path> beginCheckpoint(long long step);
    // Renames the filled temp folder to checkpoints/<step> (replacing an older
    // folder of the same step) and keeps the newest `keep` (0 = all).
    Status commitCheckpoint(const stdfs::path &tmp, long long step, int keep);
    // The folder for previews of step (created).
    Result<stdfs::path> previewDir(long long step);

    static double now();   // unix time, seconds

private:
    RunFolder() = default;
    stdfs::path m_dir;
    std::FILE *m_metrics = nullptr, *m_events = nullptr, *m_log = nullptr;
    bool m_jobRecord = false;   // writeJobRecord wrote job.json: removed again when the run closes
};

// The kernel's start time of a process (field 22 of /proc/PID/stat, clock ticks since
// boot), or -1 when unknown. With the pid it names one process: a pid is reused, the
// pair is not.
long long processStartTicks(long long pid);
// The pid recorded in dir/job.json while that process still runs (same host, pid and
// start time), else 0.
long long runningJobPid(const std::string &dir);

// Name of the marker file written last into every checkpoint folder.
inline constexpr const char *kCheckpointMarker = "state.json";

// The reader side: a snapshot of a run folder that any watcher can take.
struct RunSnapshot {
    std::string dir;
    nlohmann::json run;                      // run.json (null when absent)
    std::vector<nlohmann::json> metrics;     // parsed lines of metrics.jsonl
    std::vector<nlohmann::json> events;      // parsed lines of events.jsonl
    std::vector<long long> checkpoints;      // complete checkpoints, ascending steps
    int skippedLines = 0;                    // unparsable lines (e.g. a half-written last one)

    // The newest complete checkpoint step, or -1.
    long long newestCheckpoint() const { return checkpoints.empty() ? -1 : checkpoints.back(); }
    // The folder of a checkpoint step.
    std::string checkpointDir(long long step) const;
    // The type of the last event ("started", "finished", ...) or "".
    std::string lastEvent() const;
};

// A checkpoint found from a run folder or a checkpoint folder.
struct CheckpointRef {
    std::string runDir;       // the run folder ("" when unknown)
    std::string dir;          // the checkpoint folder
    long long step = -1;
    nlohmann::json state;     // its state.json
    nlohmann::json run;       // the run's run.json (null when unknown)
};

class RunReader {
public:
    // `path` is a run folder (newest complete checkpoint, or `step`) or a
    // checkpoint folder itself. Errors say what was looked for.
    static Result<CheckpointRef> resolveCheckpoint(const std::string &path, long long step = -1);
    // Reads dir. Fails only when dir is not a run folder (no run.json and no
    // checkpoints/); damaged lines are skipped and counted.
    static Result<RunSnapshot> read(const std::string &dir);
    // Complete checkpoint steps in dir/checkpoints (numeric names with the marker).
    static std::vector<long long> listCheckpoints(const std::string &dir);
    // Parses JSON lines, tolerating a half-written (or otherwise bad) line.
    static std::vector<nlohmann::json> readJsonLines(const std::string &path, int *skipped = nullptr);
};

} // namespace ms::jobs
