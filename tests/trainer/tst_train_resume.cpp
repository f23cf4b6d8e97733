// --resume continues a run exactly as it was started (issue 14): killed with
// SIGKILL after a checkpoint and resumed with `--run RUN --resume` alone, every
// family's run ends bit-identical to an uninterrupted one at every checkpoint,
// with every checkpoint its keep policy keeps; a recipe flag with another value
// is refused and changes nothing; a new length is recorded, run.json keeps the
// original.
#include "TrainTestUtil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ms;
using ms::testing::train;

namespace {

// Every file of a folder, by name, for "nothing in the run changed".
std::map<std::string, std::string> folderBytes(const std::string &dir) {
    std::map<std::string, std::string> out;
    for (const auto &e : std::filesystem::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        auto text = fs::readFile(e.path());
        out[e.path().lexically_relative(dir).string()] = text ? *text : std::string("<unreadable>");
    }
    return out;
}

// The events of a type.
std::vector<nlohmann::json> eventsOf(const std::string &run, const std::string &type) {
    std::vector<nlohmann::json> out;
    auto snap = jobs::RunReader::read(run);
    if (snap)
        for (const auto &e : snap->events)
            if (e.value("event", "") == type) out.push_back(e);
    return out;
}

} // namespace

class TestTrainResume : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data, m_vae;
    QString m_cli;

    std::string dir(const std::string &name) const { return m_tmp.path().toStdString() + "/" + name; }

    // A run started with a non-default seed, length, cadence and keep (and learning rate).
    std::vector<std::string> recipe(const std::string &kind, const std::string &run) const {
        std::vector<std::string> a{"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu",
                                   "--threads", "1", "--log-every", "1", "--seed", "5", "--steps", "12",
                                   "--checkpoint-every", "2", "--keep", "0", "--lr", "1e-3"};
        if (kind == "vae") a.insert(a.end(), {"--batch", "4"});
        if (kind == "diffusion") a.insert(a.end(), {"--batch", "4", "--vae", m_vae, "--min-count", "2", "--preview-every", "0"});
        if (kind == "vocoder") a.insert(a.end(), {"--batch", "2", "--preview-every", "0"});
        return a;
    }

    // `melstudio-cli ARGS`: exit code and stderr.
    std::pair<int, std::string> cli(const std::vector<std::string> &argv) const {
        QStringList a;
        for (const auto &s : argv) a << QString::fromStdString(s);
        QProcess p;
        p.start(m_cli, a);
        if (!p.waitForStarted() || !p.waitForFinished(120000)) return {-1, "did not run"};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardError().toStdString()};
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (m_cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        m_data = dir("data");
        QCOMPARE(testing::makeDataset(m_data, 8, true), std::string());
        m_vae = dir("vae-for-diffusion");
        QCOMPARE(train("vae", {"--data", m_data, "--run", m_vae, "--preset", "tiny", "--device", "cpu", "--threads", "1",
                               "--batch", "4", "--steps", "4", "--lr", "2e-3"}),
                 0);
    }

    void bareResumeAfterKillNineEqualsTheUninterruptedRun_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("files");
        QTest::newRow("vae") << QStringLiteral("vae") << QStringList{QStringLiteral("vae.safetensors")};
        QTest::newRow("diffusion") << QStringLiteral("diffusion")
                                   << QStringList{QStringLiteral("unet.safetensors"), QStringLiteral("text.safetensors"),
                                                  QStringLiteral("unet_ema.safetensors"),
                                                  QStringLiteral("text_ema.safetensors")};
        QTest::newRow("vocoder") << QStringLiteral("vocoder")
                                 << QStringList{QStringLiteral("generator.safetensors"), QStringLiteral("mpd.safetensors"),
                                                QStringLiteral("msd.safetensors")};
    }

    // The scenario for every family: --steps 12 --checkpoint-every 2 --keep 0
    // --seed 5 --lr 1e-3, kill -9 after checkpoint 6, then `train KIND --run R --resume`.
    void bareResumeAfterKillNineEqualsTheUninterruptedRun() {
        QFETCH(QString, kind);
        QFETCH(QStringList, files);
        const std::string k = kind.toStdString(), whole = dir(k + "-whole"), killed = dir(k + "-killed");
        QCOMPARE(train(k, recipe(k, whole)), 0);
        const std::string err = testing::trainKilledAfterCheckpoint(m_cli, k, recipe(k, killed), 6);
        QVERIFY2(err.empty(), err.c_str());
        QCOMPARE(jobs::RunReader::listCheckpoints(killed), (std::vector<long long>{2, 4, 6}));
        const std::string runJsonBefore = *fs::readFile(killed + "/run.json");

        QCOMPARE(train(k, {"--run", killed, "--resume"}), 0);

        const std::vector<long long> all{2, 4, 6, 8, 10, 12};
        QCOMPARE(jobs::RunReader::listCheckpoints(whole), all);
        QCOMPARE(jobs::RunReader::listCheckpoints(killed), all);   // the length, the cadence, and nothing deleted
        for (long long step : all)
            for (const QString &f : files) {
                const std::string ck = "/checkpoints/" + std::to_string(step) + "/" + f.toStdString();
                auto wa = testing::tensorBytes(whole + ck), wb = testing::tensorBytes(killed + ck);
                QVERIFY2(!wa.empty(), ck.c_str());
                QCOMPARE(wa.size(), wb.size());
                for (const auto &[name, bytes] : wa)
                    QVERIFY2(wb[name] == bytes, (ck + ": " + name + " differs").c_str());   // bit-exact
            }
        // run.json still says how the run was made; the resume only added when it resumed.
        auto snap = jobs::RunReader::read(killed);
        QVERIFY(snap.ok());
        QCOMPARE(snap->lastEvent(), std::string("finished"));
        QCOMPARE(snap->run["seed"].get<long long>(), 5LL);
        QCOMPARE(snap->run["steps"].get<long long>(), 12LL);
        QCOMPARE(snap->run["flags"], jobs::RunReader::read(whole)->run["flags"]);
        QVERIFY(!snap->run.contains("resume_changes"));
        auto before = nlohmann::json::parse(runJsonBefore);
        auto after = snap->run;
        before.erase("resumed");
        after.erase("resumed");
        QCOMPARE(after, before);
        QVERIFY(eventsOf(killed, "resume_changed").empty());
    }

    void aRecipeFlagOnResumeIsRefusedAndNothingInTheRunChanges_data() {
        QTest::addColumn<QStringList>("flag");
        QTest::addColumn<QString>("named");   // what the message must name: the flag and the run's value
        QTest::newRow("seed") << QStringList{QStringLiteral("--seed"), QStringLiteral("7")} << QStringLiteral("--seed 5");
        QTest::newRow("lr") << QStringList{QStringLiteral("--lr"), QStringLiteral("0.01")} << QStringLiteral("--lr 0.001");
        QTest::newRow("keep") << QStringList{QStringLiteral("--keep"), QStringLiteral("3")} << QStringLiteral("--keep 0");
        QTest::newRow("cadence") << QStringList{QStringLiteral("--checkpoint-every"), QStringLiteral("3")}
                                 << QStringLiteral("--checkpoint-every 2");
        QTest::newRow("batch") << QStringList{QStringLiteral("--batch"), QStringLiteral("2")} << QStringLiteral("--batch 4");
        QTest::newRow("family flag") << QStringList{QStringLiteral("--kl-end"), QStringLiteral("0.5")}
                                     << QStringLiteral("--kl-end 0.001");
        QTest::newRow("data") << QStringList{QStringLiteral("--data"), QString::fromStdString(m_vae)}
                              << QString::fromStdString("--data " + m_data);
    }

    void aRecipeFlagOnResumeIsRefusedAndNothingInTheRunChanges() {
        QFETCH(QStringList, flag);
        QFETCH(QString, named);
        const std::string run = dir("refused-" + flag.at(0).mid(2).toStdString());
        auto start = recipe("vae", run);
        start[std::find(start.begin(), start.end(), "--steps") - start.begin() + 1] = "4";
        QCOMPARE(train("vae", start), 0);
        const auto before = folderBytes(run);
        const auto [rc, err] = cli({"train", "vae", "--run", run, "--resume", flag.at(0).toStdString(),
                                    flag.at(1).toStdString(), "--steps", "6"});
        QCOMPARE(rc, int(jobs::kTrainUsage));
        qInfo("%s", err.c_str());
        QVERIFY2(err.find(flag.join(QLatin1Char(' ')).toStdString()) != std::string::npos, err.c_str());
        QVERIFY2(err.find(named.toStdString()) != std::string::npos, err.c_str());
        QCOMPARE(folderBytes(run), before);   // not a byte of the run changed
        // The same flag with the run's own value is no change: the resume goes ahead.
        QCOMPARE(cli({"train", "vae", "--run", run, "--resume", "--seed", "5", "--lr", "1e-3", "--steps", "6"}).first, 0);
        QCOMPARE(jobs::RunReader::read(run)->newestCheckpoint(), 6LL);
    }

    // A longer --steps is the run's new length: events.jsonl and run.json's
    // "resume_changes" say so; "steps" and "flags" stay as the run was started.
    void aLongerLengthIsRecordedAndRunJsonKeepsTheOriginal() {
        const std::string whole = dir("longer-whole"), run = dir("longer");
        auto start = recipe("vae", run);
        start[std::find(start.begin(), start.end(), "--steps") - start.begin() + 1] = "4";
        QCOMPARE(train("vae", start), 0);
        QCOMPARE(train("vae", {"--run", run, "--resume", "--steps", "8"}), 0);
        auto changes = eventsOf(run, "resume_changed");
        QCOMPARE(int(changes.size()), 1);
        QCOMPARE(changes[0]["flag"].get<std::string>(), std::string("steps"));
        QCOMPARE(changes[0]["from"].get<long long>(), 4LL);
        QCOMPARE(changes[0]["to"].get<long long>(), 8LL);
        auto snap = jobs::RunReader::read(run);
        QCOMPARE(snap->newestCheckpoint(), 8LL);
        QCOMPARE(snap->run["steps"].get<long long>(), 4LL);
        QCOMPARE(snap->run["flags"]["steps"].get<long long>(), 4LL);
        QCOMPARE(snap->run["resume_changes"].size(), size_t(1));
        QCOMPARE(snap->run["resume_changes"][0]["to"].get<long long>(), 8LL);
        // A longer run is the run trained longer: bit-identical to one started with --steps 8.
        auto full = recipe("vae", whole);
        full[std::find(full.begin(), full.end(), "--steps") - full.begin() + 1] = "8";
        QCOMPARE(train("vae", full), 0);
        for (const char *s : {"6", "8"}) {
            auto wa = testing::tensorBytes(whole + "/checkpoints/" + s + "/vae.safetensors");
            auto wb = testing::tensorBytes(run + "/checkpoints/" + s + "/vae.safetensors");
            QVERIFY(!wa.empty());
            QVERIFY(wa == wb);
        }
        // A later bare resume continues with the length the run has now (8): nothing to do.
        QCOMPARE(train("vae", {"--run", run, "--resume"}), 0);
        QCOMPARE(jobs::RunReader::read(run)->newestCheckpoint(), 8LL);
        QCOMPARE(int(eventsOf(run, "resume_changed").size()), 1);
        // A length that ends before the newest checkpoint is refused.
        const auto before = folderBytes(run);
        const auto [rc, err] = cli({"train", "vae", "--run", run, "--resume", "--steps", "5"});
        QCOMPARE(rc, int(jobs::kTrainUsage));
        QVERIFY2(err.find("--steps 5") != std::string::npos && err.find("step 8") != std::string::npos, err.c_str());
        QCOMPARE(folderBytes(run), before);
    }

    // A run whose run.json predates "flags": a resume takes the values run.json
    // records and keeps every checkpoint (its keep policy is not recorded).
    void aRunWithoutRecordedFlagsResumesFromItsRunJson() {
        const std::string whole = dir("legacy-whole"), run = dir("legacy");
        auto start = recipe("vae", run);
        start[std::find(start.begin(), start.end(), "--steps") - start.begin() + 1] = "8";
        QCOMPARE(train("vae", recipe("vae", whole)), 0);
        QCOMPARE(train("vae", start), 0);
        auto runJson = nlohmann::json::parse(*fs::readFile(run + "/run.json"));
        runJson.erase("flags");
        runJson.erase("keep");
        QVERIFY(fs::writeFileAtomic(run + "/run.json", runJson.dump(2)).ok());
        QCOMPARE(train("vae", {"--run", run, "--resume", "--steps", "12"}), 0);
        QCOMPARE(jobs::RunReader::listCheckpoints(run), jobs::RunReader::listCheckpoints(whole));
        for (const char *s : {"10", "12"}) {
            auto wa = testing::tensorBytes(whole + "/checkpoints/" + s + "/vae.safetensors");
            auto wb = testing::tensorBytes(run + "/checkpoints/" + s + "/vae.safetensors");
            QVERIFY(!wa.empty());
            QVERIFY(wa == wb);
        }
        QCOMPARE(jobs::RunReader::read(run)->run["seed"].get<long long>(), 5LL);
    }
};

QTEST_GUILESS_MAIN(TestTrainResume)
#include "tst_train_resume.moc"
