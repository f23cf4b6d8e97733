// Run folders: append streams, tolerant readers, atomic checkpoints.
#include "jobs/RunFolder.h"
#include "util/Fs.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include <unistd.h>

using namespace ms::jobs;
namespace stdfs = std::filesystem;

namespace {
std::string path(const QTemporaryDir &d, const char *sub) { return (d.path() + QLatin1Char('/') + QLatin1String(sub)).toStdString(); }

void fillCheckpoint(const stdfs::path &dir, long long step) {
    std::ofstream(dir / "weights.bin") << "w" << step;
    std::ofstream(dir / kCheckpointMarker) << nlohmann::json{{"step", step}}.dump();
}
} // namespace

class TestRunFolder : public QObject {
    Q_OBJECT
private slots:
    void readerSkipsHalfWrittenLastMetricsLine() {
        QTemporaryDir tmp;
        const std::string dir = path(tmp, "run");
        {
            auto r = RunFolder::open(dir);
            QVERIFY2(r.ok(), r.error().c_str());
            QVERIFY((*r)->writeRunJson({{"family", "kick-ldm"}}).ok());
            for (int s = 1; s <= 3; ++s) QVERIFY((*r)->appendMetrics({{"step", s}, {"loss", {{"total", 1.0 / s}}}}).ok());
        }
        std::ofstream(dir + "/metrics.jsonl", std::ios::app) << "{\"step\": 4, \"loss\": {\"tot";   // killed mid-line
        auto snap = RunReader::read(dir);
        QVERIFY2(snap.ok(), snap.error().c_str());
        QCOMPARE(int(snap->metrics.size()), 3);
        QCOMPARE(snap->metrics.back()["step"].get<int>(), 3);
        QCOMPARE(snap->skippedLines, 1);
        QCOMPARE(snap->run["family"].get<std::string>(), std::string("kick-ldm"));
    }

    void theJobRecordNamesThisProcessAndOnlyWhileItRuns() {
        QTemporaryDir tmp;
        const std::string dir = path(tmp, "run");
        QCOMPARE(runningJobPid(dir), 0LL);   // no job.json
        nlohmann::json j;
        {
            auto r = RunFolder::open(dir);
            QVERIFY2(r.ok(), r.error().c_str());
            QVERIFY((*r)->writeJobRecord().ok());
            std::ifstream in(dir + "/job.json");
            j = nlohmann::json::parse(in);
            QCOMPARE(runningJobPid(dir), (long long)::getpid());
        }
        // Closing the run (the job is over) removes the record.
        QVERIFY(!stdfs::exists(dir + "/job.json"));
        std::ofstream(dir + "/job.json") << j.dump();
        QCOMPARE(j["pid"].get<long long>(), (long long)::getpid());
        QVERIFY(j["start_ticks"].get<long long>() > 0);
        QCOMPARE(j["start_ticks"].get<long long>(), processStartTicks(::getpid()));
        QCOMPARE(runningJobPid(dir), (long long)::getpid());
        // The same pid with another start time is another process (a reused pid): not the job.
        auto other = j;
        other["start_ticks"] = j["start_ticks"].get<long long>() + 1;
        std::ofstream(dir + "/job.json") << other.dump();
        QCOMPARE(runningJobPid(dir), 0LL);
        // A pid that no process has.
        other = j;
        other["pid"] = 999999999LL;
        std::ofstream(dir + "/job.json") << other.dump();
        QCOMPARE(runningJobPid(dir), 0LL);
        std::ofstream(dir + "/job.json") << "{\"pid\": ";   // damaged
        QCOMPARE(runningJobPid(dir), 0LL);
    }

    void appendingAfterAHalfWrittenLineStartsANewLine() {
        QTemporaryDir tmp;
        const std::string dir = path(tmp, "run");
        { auto r = RunFolder::open(dir); QVERIFY(r.ok()); QVERIFY((*r)->appendEvent("started").ok()); }
        std::ofstream(dir + "/events.jsonl", std::ios::app) << "{\"event\": \"checkp";
        {
            auto r = RunFolder::open(dir);
            QVERIFY(r.ok());
            QVERIFY((*r)->appendEvent("finished", {{"step", 9}}).ok());
        }
        auto snap = RunReader::read(dir);
        QVERIFY(snap.ok());
        QCOMPARE(int(snap->events.size()), 2);
        QCOMPARE(snap->lastEvent(), std::string("finished"));
        QCOMPARE(snap->events.back()["step"].get<int>(), 9);
        QCOMPARE(snap->skippedLines, 1);
    }

    void uncommittedCheckpointIsInvisibleAndRemovedOnReopen() {
        QTemporaryDir tmp;
        const std::string dir = path(tmp, "run");
        auto r = RunFolder::open(dir);
        QVERIFY(r.ok());
        auto t = (*r)->beginCheckpoint(10);
        QVERIFY(t.ok());
        fillCheckpoint(*t, 10);   // filled but never renamed: a kill -9 mid-save
        QVERIFY(RunReader::listCheckpoints(dir).empty());
        // A numeric folder without the marker is not complete either.
        stdfs::create_directories(stdfs::path(dir) / "checkpoints" / "20");
        QVERIFY(RunReader::listCheckpoints(dir).empty());
        r = RunFolder::open(dir);
        QVERIFY(r.ok());
        int temps = 0;
        for (const auto &e : stdfs::directory_iterator(stdfs::path(dir) / "checkpoints"))
            if (e.path().filename().string().rfind(".tmp", 0) == 0) ++temps;
        QCOMPARE(temps, 0);
    }

    void committedCheckpointsAreListedAndPrunedToKeep() {
        QTemporaryDir tmp;
        const std::string dir = path(tmp, "run");
        auto r = RunFolder::open(dir);
        QVERIFY(r.ok());
        for (long long s : {5, 10, 15, 20}) {
            auto t = (*r)->beginCheckpoint(s);
            QVERIFY(t.ok());
            fillCheckpoint(*t, s);
            auto st = (*r)->commitCheckpoint(*t, s, 2);
            QVERIFY2(st.ok(), st.error().c_str());
        }
        QCOMPARE(RunReader::listCheckpoints(dir), (std::vector<long long>{15, 20}));
        // Re-saving an existing step replaces it.
        auto t = (*r)->beginCheckpoint(20);
        QVERIFY(t.ok());
        std::ofstream(*t / "weights.bin") << "new";
        std::ofstream(*t / kCheckpointMarker) << "{\"step\": 20}";
        QVERIFY((*r)->commitCheckpoint(*t, 20, 2).ok());
        auto text = ms::fs::readFile(stdfs::path(dir) / "checkpoints" / "20" / "weights.bin");
        QVERIFY(text.ok());
        QCOMPARE(*text, std::string("new"));
        // A folder without the marker is refused.
        auto t2 = (*r)->beginCheckpoint(25);
        QVERIFY(t2.ok());
        QVERIFY(!(*r)->commitCheckpoint(*t2, 25, 2).ok());
    }

    void resolveCheckpointFindsNewestOrTheGivenStep() {
        QTemporaryDir tmp;
        const std::string dir = path(tmp, "run");
        auto r = RunFolder::open(dir);
        QVERIFY(r.ok());
        QVERIFY((*r)->writeRunJson({{"preset", "tiny"}}).ok());
        QVERIFY(!RunReader::resolveCheckpoint(dir).ok());   // none yet
        for (long long s : {3, 6}) {
            auto t = (*r)->beginCheckpoint(s);
            fillCheckpoint(*t, s);
            QVERIFY((*r)->commitCheckpoint(*t, s, 0).ok());
        }
        auto newest = RunReader::resolveCheckpoint(dir);
        QVERIFY2(newest.ok(), newest.error().c_str());
        QCOMPARE(newest->step, 6LL);
        QCOMPARE(newest->run["preset"].get<std::string>(), std::string("tiny"));
        auto three = RunReader::resolveCheckpoint(dir, 3);
        QVERIFY(three.ok());
        QCOMPARE(three->step, 3LL);
        QVERIFY(!RunReader::resolveCheckpoint(dir, 4).ok());
        auto direct = RunReader::resolveCheckpoint(dir + "/checkpoints/3");
        QVERIFY(direct.ok());
        QCOMPARE(direct->runDir, dir);
        QVERIFY(!RunReader::read(path(tmp, "nothing")).ok());
    }
};

QTEST_GUILESS_MAIN(TestRunFolder)
#include "tst_runfolder.moc"
