// Data-parallel training on torch.distributed (Gloo, CPU, localhost): two ranks
// against one process with the same global batches, the faults (a rank killed,
// hung, never joining), a stop signal to one rank, and resume.
#include "TrainTestUtil.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

using namespace ms;
using ms::testing::waitFor;

namespace {

int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

// float32 tensors of a safetensors file, by name.
std::map<std::string, std::vector<float>> floats(const std::string &path) {
    std::map<std::string, std::vector<float>> out;
    for (const auto &[name, bytes] : testing::tensorBytes(path)) {
        std::vector<float> v(bytes.size() / 4);
        std::memcpy(v.data(), bytes.data(), v.size() * 4);
        out[name] = std::move(v);
    }
    return out;
}

// Largest |a - b| / (1 + |b|) over every tensor of two files; -1 when their names or sizes differ.
double maxRelDiff(const std::string &a, const std::string &b) {
    const auto x = floats(a), y = floats(b);
    if (x.empty() || x.size() != y.size()) return -1;
    double worst = 0;
    for (const auto &[name, v] : x) {
        auto it = y.find(name);
        if (it == y.end() || it->second.size() != v.size()) return -1;
        for (size_t i = 0; i < v.size(); ++i)
            worst = std::max(worst, double(std::abs(v[i] - it->second[i])) / (1.0 + std::abs(it->second[i])));
    }
    return worst;
}

nlohmann::json stateOf(const std::string &run, long long step) {
    auto text = fs::readFile(run + "/checkpoints/" + std::to_string(step) + "/state.json");
    return text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
}

} // namespace

class TestTrainDistributed : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data, m_vaeRun;
    QString m_cli;

    std::string dir(const std::string &name) const { return m_tmp.path().toStdString() + "/" + name; }

    static QStringList qargs(const std::string &kind, const std::vector<std::string> &argv) {
        QStringList a{QStringLiteral("train"), QString::fromStdString(kind)};
        for (const auto &s : argv) a << QString::fromStdString(s);
        return a;
    }

    // `cli train KIND ARGS` to its end; exit code, stderr into *err.
    int cli(const std::string &kind, const std::vector<std::string> &argv, std::string *err = nullptr,
            const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment()) const {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(m_cli, qargs(kind, argv));
        if (!p.waitForStarted() || !p.waitForFinished(240000)) return -1;
        const QByteArray e = p.readAllStandardError();
        if (err) *err = e.toStdString();
        if (p.exitCode() != 0) std::fprintf(stderr, "%s", e.constData());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // Rank r of `world`, started as torchrun starts it (the environment only).
    std::unique_ptr<QProcess> rank(int r, int world, int port, const std::string &kind,
                                   const std::vector<std::string> &argv) const {
        auto p = std::make_unique<QProcess>();
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("RANK"), QString::number(r));
        env.insert(QStringLiteral("LOCAL_RANK"), QString::number(r));
        env.insert(QStringLiteral("WORLD_SIZE"), QString::number(world));
        env.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
        env.insert(QStringLiteral("MASTER_PORT"), QString::number(port));
        p->setProcessEnvironment(env);
        p->start(m_cli, qargs(kind, argv));
        return p;
    }

    std::vector<std::string> vaeArgs(const std::string &run, int batch, const std::vector<std::string> &extra) const {
        return testing::plus({"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu", "--batch",
                              std::to_string(batch), "--log-every", "1", "--threads", "1"},
                             extra);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (m_cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        m_data = dir("data");
        QCOMPARE(testing::makeDataset(m_data, 16, true), std::string());
        m_vaeRun = dir("vae-for-diffusion");
        QCOMPARE(cli("vae", vaeArgs(m_vaeRun, 4, {"--steps", "2"})), 0);
    }

    // Mean losses make the gradient of a global batch the mean of the ranks' gradients,
    // and every random draw is made for the global batch (each rank keeps its rows):
    // 2 ranks x batch 2 train what 1 process x batch 4 trains, up to the order of the sums.
    void vaeOnTwoRanksMatchesOneProcessWithTheGlobalBatch() {
        const std::string two = dir("vae2"), one = dir("vae1");
        QCOMPARE(cli("vae", vaeArgs(two, 2, {"--steps", "6", "--nproc", "2"})), 0);
        QCOMPARE(cli("vae", vaeArgs(one, 4, {"--steps", "6"})), 0);
        const auto st = stateOf(two, 6);
        QCOMPARE(st["ranks"]["world_size"].get<int>(), 2);
        QCOMPARE(st["ranks"]["weights_hash"][0], st["ranks"]["weights_hash"][1]);
        QVERIFY(!stateOf(one, 6).contains("ranks"));
        const double d = maxRelDiff(two + "/checkpoints/6/vae.safetensors", one + "/checkpoints/6/vae.safetensors");
        qInfo("vae: largest weight difference, 2 ranks x 2 against 1 x 4 after 6 steps: %.3g", d);
        QVERIFY(d >= 0 && d < 1e-4);
        const auto l2 = testing::losses(two, "total"), l1 = testing::losses(one, "total");
        QCOMPARE(l2.size(), l1.size());
        for (size_t i = 0; i < l1.size(); ++i) QVERIFY(std::abs(l2[i] - l1[i]) <= 1e-4 * std::abs(l1[i]));

        auto snap = jobs::RunReader::read(two);
        QVERIFY(snap.ok());
        QCOMPARE(snap->run["world_size"].get<int>(), 2);
        QCOMPARE(snap->run["global_batch"].get<int>(), 4);
        QCOMPARE(snap->run["batch_per_rank"].get<int>(), 2);
        QCOMPARE(snap->run["distributed"]["backend"].get<std::string>(), std::string("gloo"));
        QCOMPARE(snap->metrics.back()["rank_samples_per_s"].size(), size_t(2));
        // A different global batch is a different run: the single process with batch 2 differs.
        const std::string small = dir("vae1b2");
        QCOMPARE(cli("vae", vaeArgs(small, 2, {"--steps", "6"})), 0);
        QVERIFY(maxRelDiff(two + "/checkpoints/6/vae.safetensors", small + "/checkpoints/6/vae.safetensors") > 1e-3);
    }

    void diffusionWithAccumulationOnTwoRanksMatchesOneProcess() {
        const std::string two = dir("diff2"), one = dir("diff1");
        const std::vector<std::string> common{"--data", m_data, "--vae", m_vaeRun, "--preset", "tiny", "--device",
                                              "cpu", "--accum", "2", "--steps", "4", "--log-every", "1",
                                              "--threads", "1"};
        QCOMPARE(cli("diffusion", testing::plus(common, {"--run", two, "--batch", "2", "--nproc", "2"})), 0);
        QCOMPARE(cli("diffusion", testing::plus(common, {"--run", one, "--batch", "4"})), 0);
        for (const char *f : {"unet.safetensors", "unet_ema.safetensors", "text.safetensors"}) {
            const double d = maxRelDiff(two + "/checkpoints/4/" + f, one + "/checkpoints/4/" + f);
            qInfo("diffusion %s: largest weight difference 2 x 2 against 1 x 4: %.3g", f, d);
            QVERIFY(d >= 0 && d < 1e-4);
        }
        const auto st = stateOf(two, 4);
        QCOMPARE(st["ranks"]["weights_hash"][0], st["ranks"]["weights_hash"][1]);
    }

    // The GAN vocoder: generator and discriminators stay identical on every rank. (Its
    // spectral convergence is a ratio over the whole batch, so 2 x 2 is close to 1 x 4
    // but not equal, as with PyTorch's DDP.)
    void vocoderGanRanksStayIdentical() {
        const std::string two = dir("voc2"), one = dir("voc1");
        const std::vector<std::string> common{"--data", m_data, "--arch", "istft", "--preset", "tiny", "--device",
                                              "cpu", "--steps", "4", "--disc-start", "2", "--log-every", "1",
                                              "--threads", "1"};
        QCOMPARE(cli("vocoder", testing::plus(common, {"--run", two, "--batch", "2", "--nproc", "2"})), 0);
        QCOMPARE(cli("vocoder", testing::plus(common, {"--run", one, "--batch", "4"})), 0);
        const auto st = stateOf(two, 4);
        QCOMPARE(st["ranks"]["weights_hash"].size(), size_t(2));
        QCOMPARE(st["ranks"]["weights_hash"][0], st["ranks"]["weights_hash"][1]);
        const auto a = testing::losses(two, "mel_l1"), b = testing::losses(one, "mel_l1");
        QCOMPARE(a.size(), b.size());
        QVERIFY(std::abs(a.back() - b.back()) < 0.05 * b.back());
        QVERIFY(!testing::losses(two, "d_total").empty());
    }

    // kill -9 of one rank ends the job on the other with a message naming it; the
    // checkpoints stay; a resume of both ranks ends where an uninterrupted run ends.
    void killNineOfOneRankThenResumeMatchesAnUninterruptedRun() {
        const std::string run = dir("killed");
        const int port = freePort();
        auto a = vaeArgs(run, 2, {"--steps", "100000", "--checkpoint-every", "3", "--keep", "0"});
        auto r0 = rank(0, 2, port, "vae", a), r1 = rank(1, 2, port, "vae", a);
        QVERIFY(r0->waitForStarted() && r1->waitForStarted());
        QVERIFY(waitFor([&] { return jobs::RunReader::listCheckpoints(run).size() >= 2; }, 60000));
        QElapsedTimer t;
        t.start();
        r1->kill();   // SIGKILL
        QVERIFY(r1->waitForFinished(10000));
        QVERIFY(r0->waitForFinished(30000));
        qInfo("rank 0 ended %lld ms after rank 1 was killed", (long long)t.elapsed());
        QCOMPARE(r0->exitCode(), 1);
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->lastEvent(), std::string("failed"));
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("rank 1") != std::string::npos && reason.find("stopped answering") != std::string::npos,
                 reason.c_str());
        const long long last = snap->newestCheckpoint();
        QVERIFY(last >= 3);

        const std::string end = std::to_string(last + 4);
        const int port2 = freePort();
        const std::vector<std::string> resume{"--run", run, "--resume", "--steps", end};
        auto s0 = rank(0, 2, port2, "vae", resume), s1 = rank(1, 2, port2, "vae", resume);
        QVERIFY(s0->waitForFinished(120000) && s1->waitForFinished(120000));
        QCOMPARE(s0->exitCode(), 0);
        QCOMPARE(s1->exitCode(), 0);
        snap = jobs::RunReader::read(run);
        QCOMPARE(snap->lastEvent(), std::string("finished"));

        const std::string ref = dir("uninterrupted");
        QCOMPARE(cli("vae", vaeArgs(ref, 2, {"--steps", end, "--checkpoint-every", "3", "--nproc", "2"})), 0);
        QCOMPARE(testing::tensorBytes(run + "/checkpoints/" + end + "/vae.safetensors"),
                 testing::tensorBytes(ref + "/checkpoints/" + end + "/vae.safetensors"));
    }

    void aRankThatNeverJoinsTimesOutWithItsNumber() {
        const std::string run = dir("alone");
        auto r0 = rank(0, 2, freePort(), "vae", vaeArgs(run, 2, {"--steps", "4", "--dist-timeout", "3"}));
        QVERIFY(r0->waitForFinished(30000));
        QCOMPARE(r0->exitCode(), 1);
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("rank(s) 1 did not join within 3 s") != std::string::npos, reason.c_str());
        QVERIFY(jobs::RunReader::listCheckpoints(run).empty());

        // Rank 1 without a rank 0: it says it cannot reach rank 0, and writes nothing.
        const std::string run1 = dir("alone1");
        auto r1 = rank(1, 2, freePort(), "vae", vaeArgs(run1, 2, {"--steps", "4", "--dist-timeout", "3"}));
        QVERIFY(r1->waitForFinished(30000));
        QCOMPARE(r1->exitCode(), 1);
        const std::string err = r1->readAllStandardError().toStdString();
        QVERIFY2(err.find("rank 1 cannot reach rank 0's rendezvous") != std::string::npos, err.c_str());
        QVERIFY(!QFileInfo::exists(QString::fromStdString(run1 + "/run.json")));
    }

    void aHungRankIsNamedAfterTheTimeout() {
        const std::string run = dir("hung");
        const int port = freePort();
        auto a = vaeArgs(run, 2, {"--steps", "100000", "--checkpoint-every", "5", "--dist-timeout", "5"});
        auto r0 = rank(0, 2, port, "vae", a), r1 = rank(1, 2, port, "vae", a);
        QVERIFY(waitFor([&] { return !jobs::RunReader::listCheckpoints(run).empty(); }, 60000));
        ::kill(pid_t(r1->processId()), SIGSTOP);
        QVERIFY(r0->waitForFinished(60000));
        QCOMPARE(r0->exitCode(), 1);
        ::kill(pid_t(r1->processId()), SIGKILL);
        r1->waitForFinished(10000);
        auto snap = jobs::RunReader::read(run);
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("rank 1") != std::string::npos && reason.find("hangs") != std::string::npos,
                 reason.c_str());
    }

    // SIGTERM (the studio's Stop) reaches rank 0 only: every rank stops at the same
    // step, rank 0 writes the checkpoint, both exit 0.
    void sigtermToRankZeroStopsEveryRank() {
        const std::string run = dir("stopped");
        const int port = freePort();
        auto a = vaeArgs(run, 2, {"--steps", "100000", "--checkpoint-every", "100000"});
        auto r0 = rank(0, 2, port, "vae", a), r1 = rank(1, 2, port, "vae", a);
        QVERIFY(waitFor([&] { return testing::losses(run, "total").size() >= 3; }, 60000));
        r0->terminate();
        QVERIFY(r0->waitForFinished(30000) && r1->waitForFinished(30000));
        QCOMPARE(r0->exitCode(), 0);
        QCOMPARE(r1->exitCode(), 0);
        auto snap = jobs::RunReader::read(run);
        QCOMPARE(snap->lastEvent(), std::string("paused"));
        QCOMPARE(snap->newestCheckpoint(), snap->events.back()["step"].get<long long>());
        QVERIFY(r1->readAllStandardError().contains("received SIGTERM at step " +
                                                    QByteArray::number(snap->newestCheckpoint())));
    }

    // A NaN on one rank stops every rank at the same step (the flag rides in the
    // gradient all-reduce), naming the rank; no checkpoint is written from it.
    void aNanOnOneRankStopsEveryRank() {
        const std::string run = dir("nan");
        const int port = freePort();
        auto a = vaeArgs(run, 2, {"--steps", "20", "--checkpoint-every", "2", "--debug-nan-at-step", "5",
                                  "--debug-nan-rank", "1"});
        auto r0 = rank(0, 2, port, "vae", a), r1 = rank(1, 2, port, "vae", a);
        QVERIFY(r0->waitForFinished(60000) && r1->waitForFinished(60000));
        QCOMPARE(r0->exitCode(), 3);
        QCOMPARE(r1->exitCode(), 3);
        auto snap = jobs::RunReader::read(run);
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("at step 5 on rank(s) 1") != std::string::npos, reason.c_str());
        QCOMPARE(snap->newestCheckpoint(), 4LL);
    }

    // torchrun's agent holds MASTER_PORT with its own store (TORCHELASTIC_USE_AGENT_STORE):
    // the ranks meet at MASTER_PORT + 1, under the restart attempt's key prefix.
    void besideTorchrunsAgentStoreTheRanksUseThePortAfterIt() {
        const int agent = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        QVERIFY(::bind(agent, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 && ::listen(agent, 4) == 0 &&
                ::getsockname(agent, reinterpret_cast<sockaddr *>(&a), &len) == 0);
        const int port = ntohs(a.sin_port);   // taken, as torchrun's agent takes it
        const std::string run = dir("agent");
        std::vector<std::unique_ptr<QProcess>> ranks;
        for (int r = 0; r < 2; ++r) {
            auto p = std::make_unique<QProcess>();
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("RANK"), QString::number(r));
            env.insert(QStringLiteral("LOCAL_RANK"), QString::number(r));
            env.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
            env.insert(QStringLiteral("LOCAL_WORLD_SIZE"), QStringLiteral("2"));
            env.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
            env.insert(QStringLiteral("MASTER_PORT"), QString::number(port));
            env.insert(QStringLiteral("TORCHELASTIC_USE_AGENT_STORE"), QStringLiteral("True"));
            env.insert(QStringLiteral("TORCHELASTIC_RESTART_COUNT"), QStringLiteral("1"));
            p->setProcessEnvironment(env);
            p->start(m_cli, qargs("vae", vaeArgs(run, 2, {"--steps", "2", "--dist-timeout", "20"})));
            ranks.push_back(std::move(p));
        }
        for (auto &p : ranks) QVERIFY(p->waitForFinished(60000));
        ::close(agent);
        QCOMPARE(ranks[0]->exitCode(), 0);
        QCOMPARE(ranks[1]->exitCode(), 0);
        auto snap = jobs::RunReader::read(run);
        QCOMPARE(snap->run["distributed"]["master"].get<std::string>(), "127.0.0.1:" + std::to_string(port + 1));
    }

    void resumeWithAnotherWorldSizeAndBadEnvironmentsAreRefused() {
        const std::string run = dir("vae2");   // trained on 2 ranks above
        std::string err;
        const int port = freePort();
        const std::vector<std::string> resume{"--run", run, "--resume", "--steps", "8", "--dist-timeout", "20"};
        auto r0 = rank(0, 3, port, "vae", resume), r1 = rank(1, 3, port, "vae", resume),
             r2 = rank(2, 3, port, "vae", resume);
        QVERIFY(r0->waitForFinished(60000) && r1->waitForFinished(60000) && r2->waitForFinished(60000));
        QCOMPARE(r0->exitCode(), 1);
        QCOMPARE(r1->exitCode(), 1);
        const std::string e0 = r0->readAllStandardError().toStdString();
        QVERIFY2(e0.find("trained with 2 rank(s) and this job has 3") != std::string::npos, e0.c_str());
        QCOMPARE(jobs::RunReader::read(run)->newestCheckpoint(), 6LL);

        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("RANK"), QStringLiteral("2"));
        env.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
        QCOMPARE(cli("vae", vaeArgs(dir("badenv"), 2, {"--steps", "2"}), &err, env), 2);
        QVERIFY2(err.find("RANK 2 is not below WORLD_SIZE 2") != std::string::npos, err.c_str());
        env.insert(QStringLiteral("RANK"), QStringLiteral("0"));
        QCOMPARE(cli("vae", vaeArgs(dir("badenv"), 2, {"--steps", "2", "--nproc", "2"}), &err, env), 2);
        QVERIFY2(err.find("already started the ranks") != std::string::npos, err.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTrainDistributed)
#include "tst_train_distributed.moc"
