// melstudio-cli aggregate: filters, copies with hash prefixes, metadata.csv, and
// every bad input of issue 2 reported per file while the source stays untouched.
#include "DataTestUtil.h"
#include "data/Aggregate.h"
#include "data/Csv.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sndfile.h>

#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ms;
namespace stdfs = std::filesystem;

namespace {

void writeWav(const stdfs::path &p, const audio::AudioBuffer &b, audio::SampleFormat f = audio::SampleFormat::Pcm16) {
    stdfs::create_directories(p.parent_path());
    audio::WriteOptions o;
    o.format = f;
    o.container = p.extension() == ".flac" ? audio::Container::Flac : audio::Container::Wav;
    auto st = audio::writeAudio(p.string(), b, o);
    QVERIFY2(st.ok(), st.error().c_str());
}

void writeOgg(const stdfs::path &p, const audio::AudioBuffer &b) {
    SF_INFO info{};
    info.samplerate = b.sampleRate;
    info.channels = b.channelCount();
    info.format = SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    SNDFILE *f = sf_open(p.c_str(), SFM_WRITE, &info);
    QVERIFY(f);
    std::vector<float> inter(b.frames() * b.channelCount());
    for (size_t i = 0; i < b.frames(); ++i)
        for (int c = 0; c < b.channelCount(); ++c) inter[i * b.channelCount() + c] = b.channels[c][i];
    sf_writef_float(f, inter.data(), sf_count_t(b.frames()));
    sf_close(f);
}

std::map<std::string, const data::SkippedFile *> byName(const data::AggregateResult &r) {
    std::map<std::string, const data::SkippedFile *> m;
    for (const auto &s : r.skipped) m[stdfs::path(s.path).filename().string()] = &s;
    return m;
}

// Runs melstudio-cli with args, a file-size limit (0: none), stdout+stderr to `log`. Returns the exit code.
int runCli(const std::vector<std::string> &args, rlim_t fsizeLimit, const std::string &log) {
    const char *cli = std::getenv("MELSTUDIO_CLI");
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (fsizeLimit) {
            struct rlimit rl{fsizeLimit, fsizeLimit};
            ::setrlimit(RLIMIT_FSIZE, &rl);
            std::signal(SIGXFSZ, SIG_IGN);   // writes past the limit fail with EFBIG instead of killing
        }
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<char *> argv{const_cast<char *>(cli)};
        for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(cli, argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

class TestAggregate : public QObject {
    Q_OBJECT
private slots:
    void everyBadInputIsReportedAndTheSourceIsUntouched() {
        QTemporaryDir tmp;
        const stdfs::path src = tmp.filePath(QStringLiteral("library")).toStdString();
        const stdfs::path dst = src / "_dataset";   // DST inside SRC
        const auto good = testutil::kick(44100, 1, 0.5);
        // Kept: formats, rates, channel counts, awkward names, nested folders.
        writeWav(src / "Kick_808-Punchy.wav", good);
        writeWav(src / "a/b/c/deep KICK.flac", good);
        auto noisy = testutil::kick(44100, 2, 1.0);   // noise keeps the Vorbis file above 5 KB
        uint32_t seed = 1;
        for (auto &ch : noisy.channels)
            for (auto &v : ch) v += 0.2f * (float((seed = seed * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f);
        writeOgg(src / "a/Kick Vorbis.ogg", noisy);
        writeWav(src / "rates/kick_8k.wav", testutil::kick(8000, 1, 1.0));
        writeWav(src / "rates/kick_192k.wav", testutil::kick(192000, 2, 0.3), audio::SampleFormat::Pcm24);
        writeWav(src / "kick_6ch.wav", testutil::kick(48000, 6, 0.2));
        writeWav(src / "names/Kick, \"Big\" 'One'.wav", testutil::kick(44100, 1, 0.3, 0.7));
        stdfs::copy_file(MELSTUDIO_FIXTURES "/data/02 - 共同渡过 kick.wav", src / "names/02 - 共同渡过 kick.wav");
        // Bad input.
        auto corrupt = testutil::wavBytes(testutil::kick(44100, 1, 0.2).channels[0], 44100, 1, false);
        for (int i = 20; i < 36; ++i) corrupt[size_t(i)] = char(0xff);   // fmt chunk body destroyed
        testutil::writeBytes(src / "bad/kick_corrupt.wav", corrupt);
        auto whole = testutil::wavBytes(testutil::kick(44100, 1, 1.0).channels[0], 44100, 1, false);
        testutil::writeBytes(src / "bad/kick_truncated.wav", whole.substr(0, whole.size() * 2 / 5));
        testutil::writeBytes(src / "bad/kick_text.wav", std::string(6000, 'x') + "\nnot audio\n");
        testutil::writeBytes(src / "bad/kick_zero_length.wav", testutil::wavBytes({}, 44100, 1, false, 6000));
        auto nan = testutil::kick(44100, 1, 0.2).channels[0];
        nan[100] = std::nanf("");
        testutil::writeBytes(src / "bad/kick_nan.wav", testutil::wavBytes(nan, 44100, 1, true));
        auto inf = testutil::kick(44100, 1, 0.2).channels[0];
        inf[200] = INFINITY;
        testutil::writeBytes(src / "bad/kick_inf.wav", testutil::wavBytes(inf, 44100, 1, true));
        writeWav(src / "filtered/Kick Loop 120.wav", good);
        writeWav(src / "filtered/kick_128bpm.wav", good);
        writeWav(src / "filtered/kick_tiny.wav", testutil::kick(44100, 1, 0.02));
        writeWav(src / "filtered/kick_huge.wav", testutil::kick(44100, 1, 12.0));
        writeWav(src / "filtered/snare.wav", good);
        testutil::writeBytes(src / "filtered/kick_notes.txt", std::string(6000, 'n'));
        writeWav(src / "dupes/Kick_808-Punchy.wav", good);   // same bytes as the first
        stdfs::create_symlink(src / "Kick_808-Punchy.wav", src / "kick_link.wav");

        const auto before = testutil::snapshot(src, "_dataset");
        data::AggregateParams p;
        p.src = src.string();
        p.dst = dst.string();
        long long lastDone = -1, lastTotal = -1;
        auto r = data::aggregate(p, [&](long long d, long long t, const std::string &) { lastDone = d; lastTotal = t; });
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(lastDone, lastTotal);
        QCOMPARE(testutil::snapshot(src, "_dataset"), before);

        QStringList kept;
        for (const auto &k : r->kept) kept << QString::fromStdString(stdfs::path(k.path).filename().string());
        kept.sort();
        QStringList want{QStringLiteral("02 - 共同渡过 kick.wav"), QStringLiteral("Kick Vorbis.ogg"),
                         QStringLiteral("Kick, \"Big\" 'One'.wav"), QStringLiteral("Kick_808-Punchy.wav"),
                         QStringLiteral("deep KICK.flac"), QStringLiteral("kick_192k.wav"), QStringLiteral("kick_6ch.wav"),
                         QStringLiteral("kick_8k.wav")};
        want.sort();
        QCOMPARE(kept.join(QStringLiteral(" | ")), want.join(QStringLiteral(" | ")));

        const auto skipped = byName(*r);
        const std::map<std::string, std::string> expect{
            {"kick_corrupt.wav", data::reason::badAudio},   {"kick_truncated.wav", data::reason::badAudio},
            {"kick_text.wav", data::reason::badAudio},      {"kick_zero_length.wav", data::reason::badAudio},
            {"kick_nan.wav", data::reason::badAudio},       {"kick_inf.wav", data::reason::badAudio},
            {"Kick Loop 120.wav", data::reason::loopOrBpm}, {"kick_128bpm.wav", data::reason::loopOrBpm},
            {"kick_tiny.wav", data::reason::tooSmall},      {"kick_huge.wav", data::reason::tooLarge},
            {"kick_notes.txt", data::reason::notAudio},     {"kick_link.wav", data::reason::symlink},
        };
        for (const auto &[name, why] : expect) {
            QVERIFY2(skipped.count(name), name.c_str());
            QCOMPARE(skipped.at(name)->reason, why);
            QVERIFY2(!skipped.at(name)->detail.empty(), name.c_str());
        }
        QCOMPARE(skipped.at("Kick_808-Punchy.wav")->reason, std::string(data::reason::duplicate));
        QVERIFY(skipped.at("kick_truncated.wav")->detail.find("truncated") != std::string::npos);
        QVERIFY(skipped.at("kick_nan.wav")->detail.find("NaN") != std::string::npos);
        QVERIFY(skipped.at("kick_zero_length.wav")->detail.find("no audio") != std::string::npos);
        QVERIFY(skipped.at("kick_text.wav")->detail.find("kick_text.wav") != std::string::npos);
        QCOMPARE(r->countsByReason.at(data::reason::nameFilter), 1LL);   // snare.wav
        for (const auto &[name, s] : skipped) QVERIFY2(s->path.find("_dataset") == std::string::npos, s->path.c_str());

        // DST: hash-prefixed copies with identical bytes, metadata.csv with every kept file.
        auto meta = data::readMetadata((dst / "metadata.csv").string());
        QVERIFY2(meta.ok(), meta.error().c_str());
        QCOMPARE(meta->size(), r->kept.size());
        for (const auto &k : r->kept) {
            QCOMPARE(k.filename.substr(0, 9), k.hash.substr(0, 8) + "_");
            QCOMPARE(k.filename.substr(9), stdfs::path(k.path).filename().string());
            QCOMPARE(fs::hexDigest(*fs::readFile(dst / k.filename), 32), k.hash);
        }
        bool sawCjk = false;
        for (const auto &row : *meta) {
            QVERIFY(stdfs::exists(dst / row.filename));
            if (row.originalPath.find("共同渡过") != std::string::npos) {
                sawCjk = true;
                QCOMPARE(row.keywords, (std::vector<std::string>{"共同渡过", "kick"}));
            }
            if (row.filename.find("808-Punchy") != std::string::npos)
                QCOMPARE(row.keywords, (std::vector<std::string>{"kick", "punchy"}));
        }
        QVERIFY(sawCjk);
        for (const auto &e : stdfs::directory_iterator(dst))
            QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());

        // Re-running is idempotent: same names, everything already present, DST never aggregated.
        const auto dstBefore = testutil::snapshot(dst);
        auto again = data::aggregate(p);
        QVERIFY2(again.ok(), again.error().c_str());
        QCOMPARE(again->kept.size(), r->kept.size());
        QCOMPARE(again->alreadyPresent, (long long)r->kept.size());
        QCOMPARE(again->filesSeen, r->filesSeen);
        QCOMPARE(testutil::snapshot(dst), dstBefore);
        QCOMPARE(testutil::snapshot(src, "_dataset"), before);
    }

    void metadataIsMergedWithAnEarlierRun() {
        QTemporaryDir tmp;
        const stdfs::path a = tmp.filePath(QStringLiteral("a")).toStdString(), b = tmp.filePath(QStringLiteral("b")).toStdString();
        const stdfs::path dst = tmp.filePath(QStringLiteral("dst")).toStdString();
        writeWav(a / "kick_a.wav", testutil::kick(44100, 1, 0.3));
        writeWav(b / "kick_b.wav", testutil::kick(44100, 1, 0.3, 0.3));
        data::AggregateParams p;
        p.src = a.string();
        p.dst = dst.string();
        QVERIFY(data::aggregate(p).ok());
        p.src = b.string();
        auto r = data::aggregate(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->metadataRows, 2LL);
        QCOMPARE(data::readMetadata((dst / "metadata.csv").string())->size(), size_t(2));
    }

    void sizeLimitsAndFilterAreParameters() {
        QTemporaryDir tmp;
        const stdfs::path src = tmp.filePath(QStringLiteral("s")).toStdString();
        writeWav(src / "BD_one.wav", testutil::kick(44100, 1, 0.3));        // ~26 KB
        writeWav(src / "kick_small.wav", testutil::kick(44100, 1, 0.1));    // ~9 KB
        data::AggregateParams p;
        p.src = src.string();
        p.dst = tmp.filePath(QStringLiteral("d")).toStdString();
        p.nameFilter = "bd";
        p.minBytes = 1000;
        p.maxBytes = 20 * 1024;
        auto r = data::aggregate(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->kept.size(), size_t(0));
        QCOMPARE(r->countsByReason.at(data::reason::tooLarge), 1LL);
        QCOMPARE(r->countsByReason.at(data::reason::nameFilter), 1LL);
    }

    void missingSourceOrUnwritableDestinationIsFatal() {
        QTemporaryDir tmp;
        data::AggregateParams p;
        p.src = tmp.filePath(QStringLiteral("nope")).toStdString();
        p.dst = tmp.filePath(QStringLiteral("d")).toStdString();
        auto r = data::aggregate(p);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("nope") != std::string::npos, r.error().c_str());
        p.src = tmp.path().toStdString();
        testutil::writeBytes(tmp.filePath(QStringLiteral("file")).toStdString(), "x");
        p.dst = tmp.filePath(QStringLiteral("file/sub")).toStdString();   // below a regular file
        auto w = data::aggregate(p);
        QVERIFY(!w.ok());
        QVERIFY2(w.error().find("file/sub") != std::string::npos, w.error().c_str());
    }

    void unreadableFilesAreReportedNotFatal() {
        if (::geteuid() == 0) QSKIP("running as root: chmod 000 does not stop root from reading");
        QTemporaryDir tmp;
        const stdfs::path src = tmp.filePath(QStringLiteral("s")).toStdString();
        writeWav(src / "kick_ok.wav", testutil::kick(44100, 1, 0.3));
        writeWav(src / "kick_locked.wav", testutil::kick(44100, 1, 0.3, 0.2));
        writeWav(src / "locked/kick_inside.wav", testutil::kick(44100, 1, 0.3, 0.3));
        stdfs::permissions(src / "kick_locked.wav", stdfs::perms::none);
        stdfs::permissions(src / "locked", stdfs::perms::none);
        data::AggregateParams p;
        p.src = src.string();
        p.dst = tmp.filePath(QStringLiteral("d")).toStdString();
        auto r = data::aggregate(p);
        stdfs::permissions(src / "kick_locked.wav", stdfs::perms::owner_all);
        stdfs::permissions(src / "locked", stdfs::perms::owner_all);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->kept.size(), size_t(1));
        QCOMPARE(r->countsByReason.at(data::reason::unreadable), 2LL);
    }

    void aFullDiskFailsCopiesOneByOneAndTheRunContinues() {
        if (!std::getenv("MELSTUDIO_CLI")) QSKIP("MELSTUDIO_CLI not set (run through ctest)");
        QTemporaryDir tmp;
        const stdfs::path src = tmp.filePath(QStringLiteral("s")).toStdString();
        const stdfs::path dst = tmp.filePath(QStringLiteral("d")).toStdString();
        writeWav(src / "kick_big.wav", testutil::kick(44100, 1, 0.6));     // ~53 KB: over the limit
        writeWav(src / "kick_small.wav", testutil::kick(44100, 1, 0.15));  // ~13 KB: fits
        const auto before = testutil::snapshot(src);
        const std::string log = tmp.filePath(QStringLiteral("log.txt")).toStdString();
        const int rc = runCli({"aggregate", src.string(), dst.string()}, 32 * 1024, log);
        const std::string out = *fs::readFile(log);
        QVERIFY2(rc == 0, out.c_str());
        QVERIFY2(out.find("copy-failed") != std::string::npos, out.c_str());
        QVERIFY2(out.find("kick_big.wav") != std::string::npos, out.c_str());
        QVERIFY2(out.find("File too large") != std::string::npos, out.c_str());
        auto meta = data::readMetadata((dst / "metadata.csv").string());
        QVERIFY2(meta.ok(), meta.error().c_str());
        QCOMPARE(meta->size(), size_t(1));
        QVERIFY(meta->front().filename.find("kick_small.wav") != std::string::npos);
        for (const auto &e : stdfs::directory_iterator(dst))   // no half-written copies left behind
            QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());
        QCOMPARE(testutil::snapshot(src), before);
    }

    void cliReportsFatalErrorsWithNonZeroExit() {
        if (!std::getenv("MELSTUDIO_CLI")) QSKIP("MELSTUDIO_CLI not set (run through ctest)");
        QTemporaryDir tmp;
        const std::string log = tmp.filePath(QStringLiteral("log.txt")).toStdString();
        const int rc = runCli({"aggregate", tmp.filePath(QStringLiteral("missing")).toStdString(),
                               tmp.filePath(QStringLiteral("d")).toStdString()}, 0, log);
        QVERIFY(rc != 0);
        QVERIFY(fs::readFile(log)->find("missing") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestAggregate)
#include "tst_aggregate.moc"
