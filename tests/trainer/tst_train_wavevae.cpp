// train wavevae (tiny preset, CPU) on a folder of stereo WAVs: the loss falls,
// previews (audio, mels, latent) appear, resume is bit-exact, unreadable and odd
// files are named or converted, an empty folder is refused; the adversarial
// phase resumes bit-exactly; export makes the package encode uses by default.
#include "TrainTestUtil.h"

#include "audio/AudioFile.h"
#include "io/SafeTensors.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>

using namespace ms;
using ms::testing::train;

namespace {

// A 2 s stereo "chord" (decaying partials, different left and right) at `rate`.
audio::AudioBuffer chord(double f0, int rate, int channels) {
    audio::AudioBuffer b;
    b.sampleRate = rate;
    const size_t n = size_t(2 * rate);
    for (int c = 0; c < channels; ++c) {
        std::vector<float> x(n);
        for (size_t i = 0; i < n; ++i) {
            const double t = double(i) / rate, env = std::exp(-1.5 * std::fmod(t, 0.5));
            x[i] = float(0.3 * env * (std::sin(2 * M_PI * f0 * t) + 0.5 * std::sin(2 * M_PI * f0 * (2.0 + 0.01 * c) * t)));
        }
        b.channels.push_back(std::move(x));
    }
    return b;
}

} // namespace

class TestTrainWaveVae : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data;

    std::string dir(const char *name) const { return (m_tmp.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    std::vector<std::string> common(const std::string &run) const {
        return {"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu", "--threads", "1",
                "--batch", "2", "--log-every", "1", "--seed", "3"};
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = dir("music");
        std::filesystem::create_directories(m_data + "/sub");
        QVERIFY(audio::writeAudio(m_data + "/a.wav", chord(110, 44100, 2)).ok());
        QVERIFY(audio::writeAudio(m_data + "/sub/b.wav", chord(164.8, 44100, 2)).ok());
        QVERIFY(audio::writeAudio(m_data + "/c.wav", chord(220, 22050, 1)).ok());   // mono, 22.05 kHz: resampled, doubled
        std::ofstream(m_data + "/broken.wav") << "RIFF....WAVEjunk";                   // named and skipped
        std::ofstream(m_data + "/notes.txt") << "not audio";                           // not an audio file: ignored
    }

    void lossFallsAndPreviewsAppear() {
        const std::string run = dir("falls");
        QCOMPARE(train("wavevae", testing::plus(common(run), {"--steps", "40", "--lr", "3e-3", "--checkpoint-every", "40"})), 0);
        auto l = testing::losses(run, "total");
        QCOMPARE(int(l.size()), 40);
        const double first = testing::meanOf(l, 0, 3), last = testing::meanOf(l, 37, 40);
        qInfo("wavevae loss first 3 %.4f, last 3 %.4f", first, last);
        QVERIFY(last < 0.8 * first);
        for (const char *k : {"stft_sum", "stft_diff", "stft_left", "stft_right", "kl"})
            QVERIFY2(!testing::losses(run, k).empty(), k);
        auto snap = jobs::RunReader::read(run);
        QCOMPARE(snap->run["family"].get<std::string>(), std::string("wavevae"));
        QCOMPARE(snap->run["component"].get<std::string>(), std::string("wavevae"));
        QCOMPARE(snap->run["recipe"]["lambda_kl"].get<double>(), 1e-4);
        for (const char *f : {"target.wav", "output.wav", "target_mel.safetensors", "output_mel.safetensors",
                              "latent.safetensors"})
            QVERIFY2(std::filesystem::exists(run + "/previews/40/" + f), f);
        auto out = audio::readAudio(run + "/previews/40/output.wav");
        QVERIFY(out.ok());
        QCOMPARE(out->channelCount(), 2);
        QVERIFY(std::filesystem::exists(run + "/checkpoints/40/wavevae.safetensors"));
    }

    // encode / decode with the run trained above: any length, the latent's shape and
    // metadata, the decoded length; bad inputs named one by one, the batch goes on.
    void encodeDecodeRoundTrip() {
        const QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        const std::string run = dir("falls"), out = dir("latents"), back = dir("decoded");
        const std::string six = dir("six.wav"), nan = dir("nan.wav"), ok = m_data + "/a.wav";
        audio::AudioBuffer b6 = chord(330, 44100, 6);
        QVERIFY(audio::writeAudio(six, b6).ok());
        audio::AudioBuffer bn = chord(330, 44100, 2);
        bn.channels[1][100] = std::numeric_limits<float>::quiet_NaN();
        audio::WriteOptions w;
        w.format = audio::SampleFormat::Float32;
        QVERIFY(audio::writeAudio(nan, bn, w).ok());
        QProcess p;
        p.start(cli, {QStringLiteral("encode"), QString::fromStdString(ok), QString::fromStdString(six),
                      QString::fromStdString(nan), QString::fromStdString(m_data + "/broken.wav"), QStringLiteral("--out"),
                      QString::fromStdString(out), QStringLiteral("--model"), QString::fromStdString(run),
                      QStringLiteral("--chunk"), QStringLiteral("100")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);   // some files failed
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("six.wav: 6 channels"), err.constData());
        QVERIFY2(err.contains("nan.wav: contains NaN"), err.constData());
        QVERIFY2(err.contains("broken.wav"), err.constData());
        auto f = io::SafeTensorsFile::open(out + "/a.latent.safetensors");
        QVERIFY(f.ok());
        const auto *lat = (*f)->find("latent");
        QVERIFY(lat);
        QCOMPARE(lat->shape, (std::vector<int64_t>{4, 88200 / 8 + (88200 % 8 ? 1 : 0)}));
        QCOMPARE((*f)->metadata().at("samples"), std::string("88200"));
        QVERIFY(!std::filesystem::exists(out + "/six.latent.safetensors"));

        QProcess d;
        d.start(cli, {QStringLiteral("decode"), QString::fromStdString(out + "/a.latent.safetensors"), QStringLiteral("--out"),
                      QString::fromStdString(back), QStringLiteral("--model"), QString::fromStdString(run)});
        QVERIFY(d.waitForFinished(60000));
        QCOMPARE(d.exitCode(), 0);
        auto y = audio::readAudio(back + "/a.wav");
        QVERIFY(y.ok());
        QCOMPARE(y->channelCount(), 2);
        QCOMPARE(int64_t(y->frames()), int64_t(88200));
    }

    // reconstruct --family wavevae: stereo out at the input's length, distances per part.
    void reconstructPrintsDistances() {
        const QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        const std::string out = dir("rec.wav");
        QProcess p;
        p.start(cli, {QStringLiteral("reconstruct"), QStringLiteral("--family"), QStringLiteral("wavevae"),
                      QString::fromStdString(m_data + "/sub/b.wav"), QString::fromStdString(out), QStringLiteral("--model"),
                      QString::fromStdString(dir("falls")), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QStringList parts;
        for (const QByteArray &line : p.readAllStandardOutput().split('\n')) {
            if (line.trimmed().isEmpty()) continue;
            const auto j = nlohmann::json::parse(line.toStdString());
            QVERIFY(j["dac_mel"].get<double>() > 0 && std::isfinite(j["si_sdr_db"].get<double>()));
            parts << QString::fromStdString(j["part"].get<std::string>());
        }
        QCOMPARE(parts, (QStringList{QStringLiteral("left"), QStringLiteral("right"), QStringLiteral("side")}));
        auto y = audio::readAudio(out);
        QVERIFY(y.ok());
        QCOMPARE(y->channelCount(), 2);
        QCOMPARE(int64_t(y->frames()), int64_t(88200));
        QProcess bad;
        bad.start(cli, {QStringLiteral("reconstruct"), QStringLiteral("--family"), QStringLiteral("wavevae"),
                        QString::fromStdString(m_data + "/broken.wav"), QString::fromStdString(dir("rec2.wav")),
                        QStringLiteral("--model"), QString::fromStdString(dir("falls"))});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 1);
        QVERIFY(bad.readAllStandardError().contains("broken.wav"));
    }

    void resumeIsBitExact() {
        const std::string straight = dir("straight"), split = dir("split");
        QCOMPARE(train("wavevae", testing::plus(common(straight), {"--steps", "6", "--checkpoint-every", "3"})), 0);
        QCOMPARE(train("wavevae", testing::plus(common(split), {"--steps", "3", "--checkpoint-every", "3"})), 0);
        QCOMPARE(train("wavevae", {"--run", split, "--resume", "--steps", "6"}), 0);
        QCOMPARE(testing::tensorBytes(straight + "/checkpoints/6/wavevae.safetensors"),
                 testing::tensorBytes(split + "/checkpoints/6/wavevae.safetensors"));
    }

    // The optional adversarial phase (discriminators per channel on windows of
    // --disc-segment samples) starts at --disc-start, and a resume across it is
    // bit-exact for the VAE, the discriminators and their optimizer.
    void adversarialPhaseResumesBitExact() {
        const std::vector<std::string> adv{"--disc-start", "2", "--disc-segment", "2048", "--discriminators", "mpd,mrd",
                                           "--checkpoint-every", "3"};
        const std::string straight = dir("adv-straight"), split = dir("adv-split");
        QCOMPARE(train("wavevae", testing::plus(testing::plus(common(straight), adv), {"--steps", "6"})), 0);
        QCOMPARE(train("wavevae", testing::plus(testing::plus(common(split), adv), {"--steps", "3"})), 0);
        QCOMPARE(train("wavevae", {"--run", split, "--resume", "--steps", "6"}), 0);
        for (const char *f : {"wavevae.safetensors", "mrd.safetensors", "mpd.safetensors"})
            QVERIFY2(testing::tensorBytes(straight + "/checkpoints/6/" + f) == testing::tensorBytes(split + "/checkpoints/6/" + f), f);
        const auto total = testing::losses(straight, "total"), gAdv = testing::losses(straight, "g_adv");
        QCOMPARE(int(total.size()), 6);
        QVERIFY2(!gAdv.empty() && gAdv.size() < total.size(), "the phase starts after step 1");
        QVERIFY(!testing::losses(straight, "d_total").empty() && !testing::losses(straight, "g_fm").empty());
        auto snap = jobs::RunReader::read(straight);
        QCOMPARE(snap->run["recipe"]["adversarial"]["from_step"].get<long long>(), 2LL);
        QCOMPARE(snap->run["recipe"]["adversarial"]["lambda_fm"].get<double>(), 5.0);
    }

    // export --family wavevae: a float16 package that loads, is used by encode when
    // it is the installed default, and starts another run (--init-from).
    void exportedPackageIsTheDefault() {
        const QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        const std::string models = dir("models"), pkg = models + "/wavevae-default";
        QProcess e;
        e.start(cli, {QStringLiteral("export"), QStringLiteral("--family"), QStringLiteral("wavevae"), QStringLiteral("--run"),
                      QString::fromStdString(dir("falls")), QStringLiteral("--out"), QString::fromStdString(pkg),
                      QStringLiteral("--half")});
        QVERIFY(e.waitForFinished(60000));
        QVERIFY2(e.exitCode() == 0, e.readAllStandardError().constData());
        auto f = io::SafeTensorsFile::open(pkg + "/wavevae.safetensors");
        QVERIFY(f.ok());
        for (const auto &name : (*f)->names()) QVERIFY2((*f)->find(name)->dtype == io::DType::F16, name.c_str());
        QProcess p;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MELSTUDIO_MODEL_DIR"), QString::fromStdString(models));
        p.setProcessEnvironment(env);
        p.start(cli, {QStringLiteral("encode"), QString::fromStdString(m_data + "/a.wav"), QStringLiteral("--out"),
                      QString::fromStdString(dir("default-latents"))});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(p.exitCode() == 0 && out.contains("wavevae-default"), (out + p.readAllStandardError()).constData());
        QVERIFY(std::filesystem::exists(dir("default-latents") + "/a.latent.safetensors"));

        // A run started from the package begins where the trained run ended.
        const std::string warm = dir("warm"), cold = dir("cold");
        QCOMPARE(train("wavevae", testing::plus(common(warm), {"--steps", "1", "--init-from", pkg})), 0);
        QCOMPARE(train("wavevae", testing::plus(common(cold), {"--steps", "1"})), 0);
        const double w = testing::losses(warm, "total").at(0), c = testing::losses(cold, "total").at(0);
        qInfo("first-step loss from the package %.3f, from scratch %.3f", w, c);
        QVERIFY(w < 0.9 * c);
        QCOMPARE(train("wavevae", testing::plus(common(dir("warm-bad")), {"--steps", "1", "--init-from", dir("nothing")})), 1);
        // The run records the checkpoint it started from, and resumes without it.
        auto snap = jobs::RunReader::read(warm);
        QCOMPARE(snap->run["recipe"]["init_from"].get<std::string>(), pkg);
        const std::string moved = pkg + "-moved";
        std::filesystem::rename(pkg, moved);
        QCOMPARE(train("wavevae", {"--run", warm, "--resume", "--steps", "2"}), 0);
        std::filesystem::rename(moved, pkg);
    }

    // --encoder-start N: the decoder learns alone on the initial encoder until step N.
    void encoderStartFreezesTheEncoder() {
        auto encoderOf = [](const std::string &run, int step) {
            std::map<std::string, std::string> enc;
            for (const auto &[k, v] : testing::tensorBytes(run + "/checkpoints/" + std::to_string(step) + "/wavevae.safetensors"))
                if (k.rfind("encoder.", 0) == 0) enc[k] = v;
            return enc;
        };
        const std::string one = dir("frozen1"), three = dir("frozen3"), thawed = dir("thawed");
        QCOMPARE(train("wavevae", testing::plus(common(one), {"--steps", "1", "--encoder-start", "10"})), 0);
        QCOMPARE(train("wavevae", testing::plus(common(three), {"--steps", "3", "--encoder-start", "10"})), 0);
        QCOMPARE(train("wavevae", testing::plus(common(thawed), {"--steps", "3", "--encoder-start", "1"})), 0);
        QVERIFY(!encoderOf(one, 1).empty());
        QVERIFY(encoderOf(one, 1) == encoderOf(three, 3));      // frozen: still the initial weights
        QVERIFY(encoderOf(three, 3) != encoderOf(thawed, 3));   // trained from step 1 on
        QVERIFY(testing::tensorBytes(one + "/checkpoints/1/wavevae.safetensors") !=
                testing::tensorBytes(three + "/checkpoints/3/wavevae.safetensors"));   // the decoder learned
    }

    void badInputIsNamed() {
        const QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        QProcess p;
        QStringList a{QStringLiteral("train"), QStringLiteral("wavevae")};
        for (const auto &s : testing::plus(common(dir("named")), {"--steps", "1"})) a << QString::fromStdString(s);
        p.start(cli, a);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("skipped") && err.contains("broken.wav"), err.constData());
        QVERIFY(!err.contains("notes.txt"));

        const std::string empty = dir("empty");
        std::filesystem::create_directories(empty);
        QCOMPARE(train("wavevae", {"--data", empty, "--run", dir("emptyrun"), "--preset", "tiny", "--steps", "1"}), 1);
        QCOMPARE(train("wavevae", {"--data", m_data, "--run", dir("badseg"), "--preset", "tiny", "--segment", "1001"}), 2);   // not a multiple of the hop (8)
    }
};

QTEST_GUILESS_MAIN(TestTrainWaveVae)
#include "tst_train_wavevae.moc"
