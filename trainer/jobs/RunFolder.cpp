#include "jobs/RunFolder.h"

#include "util/Fs.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace ms::jobs {

namespace {

bool allDigits(const std::string &s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Opens path for appending; when its last byte is not '\n' (a process was
// killed mid-line), a newline is written first so the next line parses.
std::FILE *openAppend(const stdfs::path &path, std::string *error) {
    std::FILE *f = std::fopen(path.c_str(), "a+b");
    if (!f) {
        *error = "cannot open " + path.string() + " for appending: " + std::strerror(errno);
        return nullptr;
    }
    if (std::fseek(f, 0, SEEK_END) == 0 && std::ftell(f) > 0) {
        std::fseek(f, -1, SEEK_END);
        int c = std::fgetc(f);
        std::fseek(f, 0, SEEK_END);
        if (c != '\n') {
            std::fputc('\n', f);
            std::fflush(f);
        }
    }
    return f;
}

Status appendLine(std::FILE *f, const stdfs::path &path, const std::string &line) {
    if (!f) return fail(path.string() + " is not open");
    std::string s = line + "\n";
    if (std::fwrite(s.data(), 1, s.size(), f) != s.size() || std::fflush(f) != 0)
        return fail("cannot append to " + path.string() + ": " + std::strerror(errno));
    return {};
}

std::string stamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
    return b;
}

} // namespace

RunFolder::~RunFolder() {
    for (std::FILE *f : {m_metrics, m_events, m_log})
        if (f) std::fclose(f);
    // The job is over: its record goes, unless another process has written one since. (A
    // job trained inside a longer-lived process, as in tests, must not leave that process
    // recorded as the run's job.)
    if (m_jobRecord) {
        std::ifstream in(m_dir / "job.json");
        const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
        in.close();
        if (j.is_object() && j.value("pid", 0LL) == (long long)::getpid()) {
            std::error_code ec;
            stdfs::remove(m_dir / "job.json", ec);
        }
    }
}

long long processStartTicks(long long pid) {
    if (pid <= 0) return -1;
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    if (!f) return -1;
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i)
        if (!(rest >> field)) return -1;
    char *end = nullptr;
    const long long ticks = std::strtoll(field.c_str(), &end, 10);
    return end && *end == '\0' ? ticks : -1;
}

namespace {
std::string hostName() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) return {};
    return host;
}
} // namespace

long long runningJobPid(const std::string &dir) {
    std::ifstream f(fs::u8path(dir) / "job.json");
    if (!f) return 0;
    const nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
    if (!j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer()) return 0;
    const long long pid = j["pid"].get<long long>();
    if (pid <= 0) return 0;
    const std::string host = j.value("host", std::string());
    if (!host.empty() && host != hostName()) return 0;
    if (::kill(pid_t(pid), 0) != 0) return 0;
    const long long want = j.contains("start_ticks") && j["start_ticks"].is_number_integer()
                               ? j["start_ticks"].get<long long>() : -1;
    const long long ticks = processStartTicks(pid);
    return want < 0 || ticks < 0 || ticks == want ? pid : 0;
}

Status RunFolder::writeJobRecord() {
    const long long pid = ::getpid();
    char started[32] = {};
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%S", &tm);
    const nlohmann::json j = {{"pid", pid}, {"start_ticks", processStartTicks(pid)}, {"host", hostName()},
                              {"started", started}, {"writer", "melstudio-cli train"}};
    Status st = fs::writeFileAtomic(m_dir / "job.json", j.dump(2) + "\n");
    if (st) m_jobRecord = true;
    return st;
}

double RunFolder::now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<std::unique_ptr<RunFolder>> RunFolder::open(const std::string &dir) {
    std::unique_ptr<RunFolder> r(new RunFolder);
    r->m_dir = fs::u8path(dir);
    std::error_code ec;
    for (const char *sub : {"checkpoints", "previews"}) {
        stdfs::create_directories(r->m_dir / sub, ec);
        if (ec) return fail("cannot create run folder " + (r->m_dir / sub).string() + ": " + ec.message());
    }
    // Temp folders of a checkpoint that never got renamed (kill -9 mid-save).
    for (const auto &e : stdfs::directory_iterator(r->m_dir / "checkpoints", ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(".tmp-", 0) == 0) stdfs::remove_all(e.path(), ec);
    }
    std::string err;
    if (!(r->m_metrics = openAppend(r->m_dir / "metrics.jsonl", &err))) return fail(err);
    if (!(r->m_events = openAppend(r->m_dir / "events.jsonl", &err))) return fail(err);
    if (!(r->m_log = openAppend(r->m_dir / "log.txt", &err))) return fail(err);
    return r;
}

Status RunFolder::writeRunJson(const nlohmann::json &run) {
    return fs::writeFileAtomic(m_dir / "run.json", run.dump(2) + "\n");
}

Status RunFolder::appendMetrics(const nlohmann::json &row) {
    return appendLine(m_metrics, m_dir / "metrics.jsonl", row.dump());
}

Status RunFolder::appendEvent(const std::string &type, const nlohmann::json &extra) {
    nlohmann::json e = {{"event", type}, {"time", now()}};
    if (extra.is_object())
        for (auto it = extra.begin(); it != extra.end(); ++it) e[it.key()] = it.value();
    return appendLine(m_events, m_dir / "events.jsonl", e.dump());
}

void RunFolder::log(const std::string &line) {
    // Appended piece by piece: GCC 12 at -O3 in C++20 warns (-Wrestrict, a false
    // positive) on "[" + std::string&&, which inserts at the front.
    std::string s = "[";
    s += stamp();
    s += "] ";
    s += line;
    std::fprintf(stderr, "%s\n", s.c_str());
    std::fflush(stderr);
    (void)appendLine(m_log, m_dir / "log.txt", s);
}

Result<stdfs::path> RunFolder::beginCheckpoint(long long step) {
    static int counter = 0;
    stdfs::path tmp = m_dir / "checkpoints" /
                      (".tmp-" + std::to_string(step) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::error_code ec;
    stdfs::remove_all(tmp, ec);
    stdfs::create_directories(tmp, ec);
    if (ec) return fail("cannot create checkpoint folder " + tmp.string() + ": " + ec.message());
    return tmp;
}

Status RunFolder::commitCheckpoint(const stdfs::path &tmp, long long step, int keep) {
    std::error_code ec;
    if (!stdfs::exists(tmp / kCheckpointMarker, ec))
        return fail("checkpoint " + tmp.string() + " has no " + kCheckpointMarker + "; not committed");
    // Make the contents durable before the rename publishes them.
    for (const auto &e : stdfs::directory_iterator(tmp, ec)) {
        std::FILE *f = std::fopen(e.path().c_str(), "rb");
        if (f) {
            ::fsync(::fileno(f));
            std::fclose(f);
        }
    }
    const stdfs::path dst = m_dir / "checkpoints" / std::to_string(step);
    if (stdfs::exists(dst, ec)) {
        // Move the old one aside first so that a crash never leaves no checkpoint of this step.
        stdfs::path old = m_dir / "checkpoints" / (".tmp-old-" + std::to_string(step) + "-" + std::to_string(::getpid()));
        stdfs::remove_all(old, ec);
        stdfs::rename(dst, old, ec);
        if (ec) return fail("cannot replace checkpoint " + dst.string() + ": " + ec.message());
        stdfs::rename(tmp, dst, ec);
        if (ec) return fail("cannot rename " + tmp.string() + " to " + dst.string() + ": " + ec.message());
        stdfs::remove_all(old, ec);
    } else {
        stdfs::rename(tmp, dst, ec);
        if (ec) return fail("cannot rename " + tmp.string() + " to " + dst.string() + ": " + ec.message());
    }
    if (keep > 0) {
        auto steps = RunReader::listCheckpoints(fs::u8string(m_dir));
        for (size_t i = 0; i + size_t(keep) < steps.size(); ++i)
            stdfs::remove_all(m_dir / "checkpoints" / std::to_string(steps[i]), ec);
    }
    return {};
}

Result<stdfs::path> RunFolder::previewDir(long long step) {
    stdfs::path p = m_dir / "previews" / std::to_string(step);
    std::error_code ec;
    stdfs::create_directories(p, ec);
    if (ec) return fail("cannot create preview folder " + p.string() + ": " + ec.message());
    return p;
}

// ---------------------------------------------------------------- reader

std::string RunSnapshot::checkpointDir(long long step) const {
    return fs::u8string(fs::u8path(dir) / "checkpoints" / std::to_string(step));
}

std::string RunSnapshot::lastEvent() const {
    if (events.empty() || !events.back().contains("event")) return {};
    return events.back().value("event", "");
}

std::vector<nlohmann::json> RunReader::readJsonLines(const std::string &path, int *skipped) {
    std::vector<nlohmann::json> out;
    std::ifstream in(fs::u8path(path), std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            if (skipped) ++*skipped;
            continue;
        }
        out.push_back(std::move(j));
    }
    return out;
}

std::vector<long long> RunReader::listCheckpoints(const std::string &dir) {
    std::vector<long long> steps;
    std::error_code ec;
    const stdfs::path root = fs::u8path(dir) / "checkpoints";
    for (const auto &e : stdfs::directory_iterator(root, ec)) {
        const std::string name = e.path().filename().string();
        if (!allDigits(name) || name.size() > 18) continue;
        if (!stdfs::exists(e.path() / kCheckpointMarker, ec)) continue;
        steps.push_back(std::stoll(name));
    }
    std::sort(steps.begin(), steps.end());
    return steps;
}

Result<RunSnapshot> RunReader::read(const std::string &dir) {
    const stdfs::path root = fs::u8path(dir);
    std::error_code ec;
    const bool hasRun = stdfs::exists(root / "run.json", ec);
    if (!hasRun && !stdfs::is_directory(root / "checkpoints", ec))
        return fail(dir + " is not a run folder (no run.json and no checkpoints/)");
    RunSnapshot s;
    s.dir = dir;
    if (hasRun) {
        auto text = fs::readFile(root / "run.json");
        if (!text) return fail(text.error());
        s.run = nlohmann::json::parse(*text, nullptr, false);
        if (s.run.is_discarded()) return fail((root / "run.json").string() + " is not valid JSON");
    }
    s.metrics = readJsonLines(fs::u8string(root / "metrics.jsonl"), &s.skippedLines);
    s.events = readJsonLines(fs::u8string(root / "events.jsonl"), &s.skippedLines);
    s.checkpoints = listCheckpoints(dir);
    return s;
}

Result<CheckpointRef> RunReader::resolveCheckpoint(const std::string &path, long long step) {
    const stdfs::path root = fs::u8path(path);
    std::error_code ec;
    auto readJson = [](const stdfs::path &p) -> Result<nlohmann::json> {
        auto text = fs::readFile(p);
        if (!text) return fail(text.error());
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (j.is_discarded()) return fail(p.string() + " is not valid JSON");
        return j;
    };
    CheckpointRef ref;
    if (stdfs::exists(root / kCheckpointMarker, ec)) {
        ref.dir = path;
        const stdfs::path runDir = root.parent_path().parent_path();
        if (stdfs::exists(runDir / "run.json", ec)) ref.runDir = fs::u8string(runDir);
    } else {
        if (!stdfs::is_directory(root / "checkpoints", ec))
            return fail(path + " is neither a run folder (no checkpoints/) nor a checkpoint folder (no " +
                        kCheckpointMarker + ")");
        auto steps = listCheckpoints(path);
        if (steps.empty()) return fail(path + " has no complete checkpoint yet");
        long long s = steps.back();
        if (step >= 0) {
            if (std::find(steps.begin(), steps.end(), step) == steps.end())
                return fail(path + " has no complete checkpoint at step " + std::to_string(step));
            s = step;
        }
        ref.runDir = path;
        ref.dir = fs::u8string(root / "checkpoints" / std::to_string(s));
    }
    auto st = readJson(fs::u8path(ref.dir) / kCheckpointMarker);
    if (!st) return fail(st.error());
    ref.state = std::move(*st);
    ref.step = ref.state.value("step", -1LL);
    if (!ref.runDir.empty()) {
        auto rj = readJson(fs::u8path(ref.runDir) / "run.json");
        if (rj) ref.run = std::move(*rj);
    }
    return ref;
}

} // namespace ms::jobs
