// The audio BSQ-ViT tokenizer (design document 001): the document's shapes,
// parameter counts from the built modules (the Conformer module's share by hand),
// BSQ's properties (codes on the sphere, ids <-> codes, MSB first, the
// straight-through gradient), the entropy terms against a hand computation;
// train tokenizer (tiny) learns and resumes bit-exactly; tokenize / detokenize
// keep the ids exactly and name every bad file; export makes the default model.
#include "TrainTestUtil.h"

#include "audio/AudioFile.h"
#include "io/ModelDirs.h"
#include "io/SafeTensors.h"
#include "io/TensorIO.h"
#include "models/bsq/BsqVit.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>

using namespace ms;
using namespace ms::models::bsq;
using ms::testing::train;

namespace {

int64_t count(const torch::nn::Module &m) {
    int64_t n = 0;
    for (const auto &p : m.parameters()) n += p.numel();
    return n;
}

// `seconds` of a spoken-like signal: a gliding harmonic tone in syllables, at `rate`.
audio::AudioBuffer voice(double f0, int rate, int channels, double seconds) {
    audio::AudioBuffer b;
    b.sampleRate = rate;
    const size_t n = size_t(seconds * rate);
    for (int c = 0; c < channels; ++c) {
        std::vector<float> x(n);
        double ph = 0;
        for (size_t i = 0; i < n; ++i) {
            const double t = double(i) / rate, f = f0 * (1.0 + 0.2 * std::sin(2 * M_PI * 0.7 * t));
            ph += 2 * M_PI * f / rate;
            const double env = std::max(0.0, std::sin(2 * M_PI * 2.5 * t));
            x[i] = float(0.3 * env * (std::sin(ph) + 0.4 * std::sin(2 * ph) + 0.2 * std::sin(3 * ph)));
        }
        b.channels.push_back(std::move(x));
    }
    return b;
}

QStringList qargs(std::initializer_list<std::string> a) {
    QStringList out;
    for (const auto &s : a) out << QString::fromStdString(s);
    return out;
}

} // namespace

class TestTrainTokenizer : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data;

    std::string dir(const char *name) const { return (m_tmp.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    std::vector<std::string> common(const std::string &run) const {
        return {"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu", "--threads", "1",
                "--batch", "4", "--log-every", "1", "--seed", "3"};
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        torch::manual_seed(0);
        m_data = dir("speech");
        std::filesystem::create_directories(m_data + "/sub");
        QVERIFY(audio::writeAudio(m_data + "/a.wav", voice(140, 16000, 1, 3)).ok());
        QVERIFY(audio::writeAudio(m_data + "/sub/b.wav", voice(220, 44100, 2, 2)).ok());   // stereo 44.1 kHz: mixed, resampled
        QVERIFY(audio::writeAudio(m_data + "/c.wav", voice(95, 16000, 1, 0.3)).ok());      // shorter than a window
        std::ofstream(m_data + "/broken.wav") << "RIFF....WAVEjunk";                       // named and skipped
    }

    // The document's grid: 1024 frames x 128 mels in 16 x 16 patches = 64 x 8 = 512
    // tokens of 256 values; 10.24 s per window; 18 bits -> 900 bit/s, 50 tokens/s.
    // 163,680 samples (1023 hops) give exactly 1024 centred frames.
    void shapesMatchTheDocument() {
        const auto cfg = BsqConfig::preset("paper");
        QCOMPARE(cfg.gridTime(), 64);
        QCOMPARE(cfg.gridFreq(), 8);
        QCOMPARE(cfg.tokens(), 512);
        QCOMPARE(cfg.patchTime * cfg.patchFreq, 256);
        QCOMPARE(cfg.windowSeconds(), 10.24);
        QCOMPARE(cfg.tokensPerSecond(), 50.0);
        QCOMPARE(cfg.bitsPerSecond(), 900.0);
        QCOMPARE(BsqConfig::preset("paper-b36").bitsPerSecond(), 1800.0);
        BsqFrontEnd front(cfg);
        auto mel = front(0.1 * torch::randn({1023 * 160}));
        QCOMPARE(mel.sizes().vec(), (std::vector<int64_t>{1024, 128}));
        QVERIFY(mel.max().item<double>() <= 0.0 && mel.min().item<double>() >= -80.0);
        // 0 dB: a full-scale sine centred on an STFT bin (bin 64 = 1 kHz) reaches 0 dB
        // in its mel band (and a little more, clamped, from the window's leakage).
        auto t = torch::arange(16000, torch::kDouble) / 16000.0;
        auto sine = torch::cos(2 * M_PI * 1000.0 * t).to(torch::kFloat);
        const double full = front(sine).max().item<double>(), hundredth = front(0.01 * sine).max().item<double>();
        qInfo("a full-scale 1 kHz sine peaks at %.2f dB, at 1/100 at %.2f dB", full, hundredth);
        QVERIFY(full > -3.0 && full <= 0.0);
        QVERIFY(hundredth > -43.0 && hundredth < -36.0);

        const auto tiny = BsqConfig::preset("tiny");
        BsqVit m(tiny);
        auto x = torch::rand({2, tiny.frames, tiny.nMels}) * -80.0;
        QCOMPARE(m->unpatchify(m->patchify(x)).equal(x), true);
        // Patch 0 holds frames 0..15 of mels 0..15, time-major inside the patch.
        QCOMPARE(m->patchify(x)[0][0][1].item<float>(), x[0][0][1].item<float>());
        QCOMPARE(m->patchify(x)[0][0][16].item<float>(), x[0][1][0].item<float>());
        QCOMPARE(m->patchify(x)[0][1][0].item<float>(), x[0][0][16].item<float>());   // then the next frequency patch
        auto f = m->forward(x);
        QCOMPARE(f.recon.sizes(), x.sizes());
        QCOMPARE(f.q.ids.sizes().vec(), (std::vector<int64_t>{2, tiny.tokens()}));
        QVERIFY(f.recon.max().item<double>() <= 0.0 && f.recon.min().item<double>() >= -80.0);
        QCOMPARE(m->tokenize(x).sizes().vec(), (std::vector<int64_t>{2, tiny.gridTime(), tiny.gridFreq()}));
    }

    // Counts from the built modules; the Conformer module's share by hand: per
    // block ln_conv (2d) + layer_norm (2d) + pointwise d->2d (2d^2 + 2d) +
    // depthwise (k d + d) + BatchNorm (2d) + pointwise d->d (d^2 + d).
    void parameterCounts() {
        for (const char *preset : {"cpu", "tiny"}) {
            auto on = BsqConfig::preset(preset), off = on;
            off.conformer = false;
            const int64_t d = on.width, k = on.convKernel;
            const int64_t perBlock = 2 * d + 2 * d + (2 * d * d + 2 * d) + (k * d + d) + 2 * d + (d * d + d);
            const int64_t a = count(*BsqVit(on)), b = count(*BsqVit(off));
            qInfo("%s: %lld parameters with the Conformer module, %lld without (+%.1f %%)", preset, (long long)a,
                  (long long)b, 100.0 * double(a - b) / double(b));
            QCOMPARE(a - b, 2 * on.layers * perBlock);
        }
    }

    // Codes lie on the unit sphere (+-1/sqrt(L) each); ids <-> codes round trip;
    // dimension 0 is the most significant bit; z = 0 quantises to -1; the
    // straight-through gradient of zq with respect to z is the identity (times
    // the constant 1/sqrt(L)).
    void bsqProperties() {
        const int L = 18;
        BinarySphericalQuantizer q(L, 1, 1.0);
        auto z = torch::nn::functional::normalize(torch::randn({5, 7, L}),
                                                  torch::nn::functional::NormalizeFuncOptions().dim(-1)).requires_grad_(true);
        auto out = q(z);
        QVERIFY(torch::allclose(out.zq.norm(2, -1), torch::ones({5, 7}), 1e-6, 1e-6));
        QVERIFY(torch::allclose(out.zq.abs(), torch::full({5, 7, L}, 1.0 / std::sqrt(double(L))), 1e-6, 1e-7));
        auto ids = torch::randint(0, int64_t(1) << L, {1000}, torch::kLong);
        QVERIFY(q.codesToIds(q.idsToCodes(ids)).equal(ids));
        QCOMPARE(out.ids.sizes().vec(), (std::vector<int64_t>{5, 7}));
        QVERIFY(q.codesToIds(torch::sign(z.detach())).equal(out.ids));
        auto msb = -torch::ones({L});
        msb[0] = 1;
        QCOMPARE(q.codesToIds(msb).item<int64_t>(), int64_t(1) << (L - 1));
        auto lsb = -torch::ones({L});
        lsb[L - 1] = 1;
        QCOMPARE(q.codesToIds(lsb).item<int64_t>(), int64_t(1));
        QCOMPARE(q(torch::zeros({1, L})).ids.item<int64_t>(), int64_t(0));   // z = 0 -> -1 in every bit
        auto w = torch::randn({5, 7, L});
        (out.zq * w).sum().backward();
        QVERIFY(torch::allclose(z.grad(), w / std::sqrt(double(L)), 1e-6, 1e-6));
    }

    // The entropy terms on two tokens of L = 2 against a hand computation: with
    // groups of one bit, p(+1) = sigmoid(4 tau z_d / sqrt(L)); with one group of
    // two bits, a softmax over the four codes of 2 tau <z, c> / sqrt(L).
    void entropyTermsByHand() {
        const double s = 1.0 / std::sqrt(2.0), tau = 1.5;
        const double za[2] = {0.6, -0.8}, zb[2] = {-0.28, 0.96};
        auto z = torch::tensor({za[0], za[1], zb[0], zb[1]}, torch::kDouble).reshape({2, 2});
        auto H2 = [](double p) { return -(p * std::log(p + 1e-8) + (1 - p) * std::log(1 - p + 1e-8)); };
        double sample = 0, cb = 0;
        for (int d = 0; d < 2; ++d) {
            const double pa = 1.0 / (1.0 + std::exp(-4 * tau * za[d] * s)), pb = 1.0 / (1.0 + std::exp(-4 * tau * zb[d] * s));
            sample += (H2(pa) + H2(pb)) / 2.0;
            cb += H2((pa + pb) / 2.0);
        }
        auto one = BinarySphericalQuantizer(2, 1, tau)(z);
        QVERIFY(std::abs(one.sampleEntropy.item<double>() - sample) < 1e-9);
        QVERIFY(std::abs(one.codebookEntropy.item<double>() - cb) < 1e-9);
        // One group of two bits: codes (-1,-1), (-1,+1), (+1,-1), (+1,+1) (MSB first).
        const double codes[4][2] = {{-1, -1}, {-1, 1}, {1, -1}, {1, 1}};
        double avg[4] = {0, 0, 0, 0}, hs = 0;
        for (const double *zz : {za, zb}) {
            double e[4], sum = 0;
            for (int c = 0; c < 4; ++c) sum += e[c] = std::exp(2 * tau * s * (zz[0] * codes[c][0] + zz[1] * codes[c][1]));
            for (int c = 0; c < 4; ++c) {
                const double p = e[c] / sum;
                hs -= p * std::log(p + 1e-8) / 2.0;
                avg[c] += p / 2.0;
            }
        }
        double hc = 0;
        for (double p : avg) hc -= p * std::log(p + 1e-8);
        auto two = BinarySphericalQuantizer(2, 2, tau)(z);
        QVERIFY(std::abs(two.sampleEntropy.item<double>() - hs) < 1e-9);
        QVERIFY(std::abs(two.codebookEntropy.item<double>() - hc) < 1e-9);
        // Commitment: mean over tokens of ||zq - z||^2.
        const double ca = std::pow(s - za[0], 2) + std::pow(-s - za[1], 2), cbb = std::pow(-s - zb[0], 2) + std::pow(s - zb[1], 2);
        QVERIFY(std::abs(one.commit.item<double>() - (ca + cbb) / 2.0) < 1e-9);
    }

    void lossFallsAndPreviewsAppear() {
        const std::string run = dir("falls");
        QCOMPARE(train("tokenizer", testing::plus(common(run), {"--steps", "60", "--lr", "2e-3", "--checkpoint-every", "60"})), 0);
        const auto mse = testing::losses(run, "mse_db");
        QCOMPARE(mse.size(), size_t(60));
        const double first = testing::meanOf(mse, 0, 5), last = testing::meanOf(mse, 55, 60);
        qInfo("mel MSE %.1f -> %.1f dB^2", first, last);
        QVERIFY(last < 0.5 * first);
        for (const char *f : {"target_mel.safetensors", "output_mel.safetensors", "latent.safetensors", "target.wav", "output.wav"})
            QVERIFY2(std::filesystem::exists(run + "/previews/60/" + f), f);
        QCOMPARE(train("tokenizer", testing::plus(common(dir("empty")), {"--data", dir("nothing-here")})), 1);
    }

    void resumeIsBitExact() {
        const std::string straight = dir("straight"), split = dir("split");
        QCOMPARE(train("tokenizer", testing::plus(common(straight), {"--steps", "6", "--checkpoint-every", "3"})), 0);
        QCOMPARE(train("tokenizer", testing::plus(common(split), {"--steps", "3", "--checkpoint-every", "3"})), 0);
        QCOMPARE(train("tokenizer", {"--run", split, "--resume", "--steps", "6"}), 0);
        QCOMPARE(testing::tensorBytes(straight + "/checkpoints/6/bsq.safetensors"),
                 testing::tensorBytes(split + "/checkpoints/6/bsq.safetensors"));
        // The optional PatchGAN phase trains from --disc-start and resumes bit-exactly too.
        const std::vector<std::string> adv{"--disc-start", "2", "--disc-channels", "4", "--disc-layers", "2"};
        const std::string a1 = dir("adv-straight"), a2 = dir("adv-split");
        QCOMPARE(train("tokenizer", testing::plus(testing::plus(common(a1), adv), {"--steps", "6", "--checkpoint-every", "3"})), 0);
        QCOMPARE(train("tokenizer", testing::plus(testing::plus(common(a2), adv), {"--steps", "3", "--checkpoint-every", "3"})), 0);
        QCOMPARE(train("tokenizer", {"--run", a2, "--resume", "--steps", "6"}), 0);
        for (const char *f : {"bsq.safetensors", "patchgan.safetensors"})
            QCOMPARE(testing::tensorBytes(a1 + "/checkpoints/6/" + f), testing::tensorBytes(a2 + "/checkpoints/6/" + f));
        QCOMPARE(testing::losses(a1, "d_total").size(), size_t(4));   // steps 2..5 (0-based)
        // A NaN loss stops the run with a message and keeps the last good checkpoint.
        const std::string nan = dir("nan");
        QCOMPARE(train("tokenizer", testing::plus(common(nan), {"--steps", "6", "--checkpoint-every", "2", "--debug-nan-at-step", "3"})),
                 int(jobs::kTrainNonFinite));
        auto snap = jobs::RunReader::read(nan);
        QVERIFY(snap.ok());
        QCOMPARE(snap->checkpoints, (std::vector<long long>{2}));
        QCOMPARE(snap->lastEvent(), std::string("failed"));
        QVERIFY(snap->events.back()["reason"].get<std::string>().find("NaN") != std::string::npos);
    }

    // tokenize writes the ids the model computes, bit for bit; detokenize decodes
    // exactly the mel of those ids, at the file's length; bad files are named.
    void tokenizeDetokenizeRoundTrip() {
        const QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        const std::string run = dir("falls"), out = dir("tokens"), back = dir("decoded");
        const std::string six = dir("six.wav"), nan = dir("nan.wav"), low = dir("eight-khz.wav"), empty = dir("empty.wav");
        QVERIFY(audio::writeAudio(six, voice(200, 16000, 6, 1)).ok());
        audio::AudioBuffer bn = voice(200, 16000, 1, 1);
        bn.channels[0][100] = std::numeric_limits<float>::quiet_NaN();
        audio::WriteOptions w;
        w.format = audio::SampleFormat::Float32;
        QVERIFY(audio::writeAudio(nan, bn, w).ok());
        QVERIFY(audio::writeAudio(low, voice(200, 8000, 1, 1)).ok());
        std::ofstream(empty).close();
        QProcess p;
        // The same thread count here and in the child: the same sums, the same signs.
        const std::string threads = std::to_string(torch::get_num_threads());
        p.start(cli, qargs({"tokenize", m_data + "/a.wav", six, nan, low, empty, m_data + "/broken.wav", "--out", out,
                            "--model", run, "--threads", threads}));
        QVERIFY(p.waitForFinished(60000));
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(p.exitCode() == 1, err.constData());   // some files failed
        QVERIFY2(err.contains("six.wav: 6 channels"), err.constData());
        QVERIFY2(err.contains("nan.wav: ") && err.contains("NaN"), err.constData());
        QVERIFY2(err.contains("empty.wav: "), err.constData());
        QVERIFY2(err.contains("broken.wav"), err.constData());
        QVERIFY2(err.contains("eight-khz.wav: 8000 Hz, resampled to 16000 Hz"), err.constData());
        QVERIFY(std::filesystem::exists(out + "/eight-khz.tokens.safetensors"));
        QVERIFY(!std::filesystem::exists(out + "/six.tokens.safetensors"));

        auto model = loadBsqVit(io::newestCheckpointDir(run));
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().c_str());
        const auto &cfg = (*model)->config();
        auto x = audio::readAudio(m_data + "/a.wav");
        QVERIFY(x.ok());
        auto wave = torch::from_blob(x->channels[0].data(), {int64_t(x->frames())}, torch::kFloat).clone();
        auto ids = tokenizeMel(**model, BsqFrontEnd(cfg)(wave));
        auto all = io::loadTensors(out + "/a.tokens.safetensors");
        QVERIFY(all.ok());
        QCOMPARE(all->at("ids").scalar_type(), torch::kLong);
        QVERIFY(all->at("ids").equal(ids));
        QCOMPARE(ids.size(0), int64_t(std::ceil((1.0 + 48000.0 / 160.0) / cfg.frames)));

        QProcess d;
        d.start(cli, qargs({"detokenize", out + "/a.tokens.safetensors", "--out", back, "--model", run, "--iterations", "4",
                            "--threads", threads}));
        QVERIFY(d.waitForFinished(60000));
        QVERIFY2(d.exitCode() == 0, d.readAllStandardError().constData());
        auto y = audio::readAudio(back + "/a.wav");
        QVERIFY(y.ok());
        QCOMPARE(y->sampleRate, 16000);
        QCOMPARE(int64_t(y->frames()), int64_t(48000));
        auto mel = io::loadTensors(back + "/a.mel.safetensors");
        QVERIFY(mel.ok());
        QVERIFY(mel->at("mel").equal(detokenizeIds(**model, ids).narrow(0, 0, 1 + 48000 / 160)));

        // Token files that do not fit the model are refused by name.
        const std::string wrong = dir("wrong.tokens.safetensors");
        auto bad = torch::zeros({1, 3, 3}, torch::kLong);
        QVERIFY(io::saveTensors(wrong, {{"ids", bad}}).ok());
        QProcess r;
        r.start(cli, qargs({"detokenize", wrong, "--out", back, "--model", run}));
        QVERIFY(r.waitForFinished(60000));
        QCOMPARE(r.exitCode(), 1);
        QVERIFY(r.readAllStandardError().contains("wrong.tokens.safetensors: \"ids\" must be int64"));
    }

    void exportedPackageIsTheDefault() {
        const QString cli = qEnvironmentVariable("MELSTUDIO_CLI");
        if (cli.isEmpty()) QSKIP("MELSTUDIO_CLI is not set (run through ctest)");
        const std::string models = dir("models"), pkg = models + "/tokenizer-default";
        QProcess e;
        e.start(cli, qargs({"export", "--family", "bsq", "--run", dir("falls"), "--out", pkg, "--half"}));
        QVERIFY(e.waitForFinished(60000));
        QVERIFY2(e.exitCode() == 0, e.readAllStandardError().constData());
        auto f = io::SafeTensorsFile::open(pkg + "/bsq.safetensors");
        QVERIFY(f.ok());
        for (const auto &name : (*f)->names()) {
            const auto dt = (*f)->find(name)->dtype;
            QVERIFY2(dt == io::DType::F16 || dt == io::DType::I64, name.c_str());   // BatchNorm's counter stays int64
        }
        QProcess p;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MELSTUDIO_MODEL_DIR"), QString::fromStdString(models));
        p.setProcessEnvironment(env);
        p.start(cli, qargs({"reconstruct", "--family", "bsq", m_data + "/a.wav", dir("rec.wav"), "--json", "--iterations", "4"}));
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(p.exitCode() == 0, (out + p.readAllStandardError()).constData());
        auto j = nlohmann::json::parse(out.toStdString());
        QCOMPARE(j["bits_per_second"].get<double>(), BsqConfig::preset("tiny").bitsPerSecond());
        QVERIFY(j["tokens_mel_mse_db2"].get<double>() >= 0 && j["distinct_ids"].get<int>() >= 1);
        auto y = audio::readAudio(dir("rec.wav"));
        QVERIFY(y.ok() && y->frames() == 48000);
    }
};

QTEST_GUILESS_MAIN(TestTrainTokenizer)
#include "tst_train_tokenizer.moc"
