// train vocoder (tiny preset, CPU): the mel L1 falls, resume is bit-exact with
// both optimisers and the per-epoch ExponentialLR; the mel-only warm-up
// (--disc-start), energy-weighted segments and the spectral convergence term;
// --arch istft (Vocos recipe: MPD + MRD, hinge, multi-resolution STFT loss)
// through its warm-up and GAN phases, resumed exactly, and into a package.
#include "TrainTestUtil.h"

#include "models/kick/Package.h"
#include "models/kick/Tools.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ms;
using ms::testing::train;

class TestTrainVocoder : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data;

    std::string dir(const char *name) const { return (m_tmp.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    std::vector<std::string> common(const std::string &run) const {
        return {"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu", "--threads", "1",
                "--batch", "2", "--log-every", "1", "--seed", "3", "--preview-every", "0"};
    }
    // The generator and both discriminators of checkpoint `step` are bit-identical in two runs.
    static void sameCheckpointWeights(const std::string &a, const std::string &b, int step,
                                      const char *second = "msd.safetensors") {
        const std::string ck = "/checkpoints/" + std::to_string(step) + "/";
        for (const char *f : {"generator.safetensors", "mpd.safetensors", second}) {
            auto wa = testing::tensorBytes(a + ck + f);
            auto wb = testing::tensorBytes(b + ck + f);
            QVERIFY(!wa.empty());
            for (const auto &[name, bytes] : wa) QVERIFY2(wb[name] == bytes, (std::string(f) + ": " + name).c_str());
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = dir("data");
        QCOMPARE(testing::makeDataset(m_data, 4, true), std::string());
    }

    void vocoderMelLossFallsInAFewSteps() {
        const std::string run = dir("falls");
        QCOMPARE(train("vocoder", testing::plus(common(run), {"--steps", "16", "--lr", "2e-3", "--preview-every", "16"})), 0);
        auto mel = testing::losses(run, "mel_l1");
        QCOMPARE(int(mel.size()), 16);
        const double first = testing::meanOf(mel, 0, 3), last = testing::meanOf(mel, 13, 16);
        qInfo("vocoder mel L1 first 3 %.4f, last 3 %.4f", first, last);
        QVERIFY2(last < 0.8 * first, "the vocoder's mel L1 did not fall by 20% in 16 steps");
        QVERIFY(!testing::losses(run, "d_total").empty());
        QVERIFY(std::filesystem::exists(run + "/previews/16/output.wav"));
        // ExponentialLR per epoch: 4 items / batch 2 = 2 steps per epoch; the lr
        // logged after step 16 was used in epoch 7.
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QVERIFY(qAbs(snap->metrics.back()["lr"].get<double>() - 2e-3 * std::pow(0.999, 7)) < 1e-12);
    }

    void resumeAfterNStepsEqualsUninterruptedRun() {
        const std::string a = dir("uninterrupted"), b = dir("resumed");
        const std::vector<std::string> extra{"--checkpoint-every", "2"};
        QCOMPARE(train("vocoder", testing::plus(testing::plus(common(a), extra), {"--steps", "5"})), 0);
        QCOMPARE(train("vocoder", testing::plus(testing::plus(common(b), extra), {"--steps", "3"})), 0);
        QCOMPARE(train("vocoder", testing::plus(testing::plus(common(b), extra), {"--steps", "5", "--resume"})), 0);
        sameCheckpointWeights(a, b, 5);
    }

    void energyStartsFollowTheEnergy() {
        // 20000 samples, hop 512, segment 2048: starts 0..35. A burst in
        // [10240, 10752) lies inside the segments starting at 17..20.
        const int hop = 512, segment = 2048;
        const int64_t samples = 20000, maxStart = (samples - segment) / hop;
        std::vector<float> audio(samples, 0.0f);
        const auto silent = jobs::energyStartCdf(audio.data(), samples, hop, segment, maxStart);
        QCOMPARE(int64_t(silent.size()), maxStart + 1);
        for (int64_t f = 0; f <= maxStart; ++f) QVERIFY(qAbs(silent[size_t(f)] - float(f + 1) / 36.0f) < 1e-6f);
        for (int s = 10240; s < 10752; ++s) audio[size_t(s)] = (s % 2) ? 0.5f : -0.5f;
        const auto cdf = jobs::energyStartCdf(audio.data(), samples, hop, segment, maxStart);
        QCOMPARE(cdf.back(), 1.0f);
        for (size_t f = 1; f < cdf.size(); ++f) QVERIFY(cdf[f] >= cdf[f - 1]);
        QVERIFY(qAbs((cdf[20] - cdf[16]) - (0.5f + 0.5f * 4.0f / 36.0f)) < 1e-5f);
        int hits = 0;
        const int draws = 10000;
        for (int i = 0; i < draws; ++i) {
            const int64_t f = jobs::drawStart(cdf, (i + 0.5) / draws);
            QVERIFY(f >= 0 && f <= maxStart);
            hits += (f >= 17 && f <= 20);
        }
        QVERIFY2(qAbs(hits / double(draws) - 0.5556) < 0.01, std::to_string(hits).c_str());
        QCOMPARE(jobs::drawStart(cdf, 0.0), int64_t(0));
        QCOMPARE(jobs::drawStart(cdf, 0.999999), maxStart);
        QVERIFY(jobs::energyStartCdf(audio.data(), samples, hop, segment, maxStart + 1).empty());   // past the end
    }

    void discStartTrainsTheGeneratorAloneFirstAndResumesExactly() {
        const std::string a = dir("warm_a"), b = dir("warm_b");
        const std::vector<std::string> extra{"--checkpoint-every", "3", "--disc-start", "4", "--segments", "energy",
                                             "--lambda-stft", "45"};
        QCOMPARE(train("vocoder", testing::plus(testing::plus(common(a), extra), {"--steps", "5"})), 0);
        QCOMPARE(int(testing::losses(a, "mel_l1").size()), 5);
        QCOMPARE(int(testing::losses(a, "d_total").size()), 1);   // only step 5 ran the discriminators
        const auto sc = testing::losses(a, "stft_sc");             // logged in both phases
        QCOMPARE(int(sc.size()), 5);
        for (double v : sc) QVERIFY(std::isfinite(v) && v > 0);
        auto snap = jobs::RunReader::read(a);
        QVERIFY(snap.ok());
        QCOMPARE(snap->run["recipe"]["disc_start"].get<int>(), 4);
        QCOMPARE(snap->run["recipe"]["segments"].get<std::string>(), std::string("energy"));
        QCOMPARE(snap->run["recipe"]["lambda_stft"].get<double>(), 45.0);
        // Stopped inside the warm-up (step 3) and resumed past its end: the same weights.
        QCOMPARE(train("vocoder", testing::plus(testing::plus(common(b), extra), {"--steps", "3"})), 0);
        QCOMPARE(train("vocoder", testing::plus(testing::plus(common(b), extra), {"--steps", "5", "--resume"})), 0);
        sameCheckpointWeights(a, b, 5);
    }

    std::vector<std::string> istft(const std::string &run) const {
        return testing::plus(common(run), {"--arch", "istft", "--segment", "4096", "--mrstft-ffts", "512,2048"});
    }

    void istftVocoderLossFallsInAFewSteps() {
        const std::string run = dir("istft_falls");
        QCOMPARE(train("vocoder", testing::plus(istft(run), {"--steps", "16", "--lr", "2e-3", "--disc-start", "100",
                                                             "--preview-every", "16"})),
                 0);
        auto mel = testing::losses(run, "mel_l1");
        QCOMPARE(int(mel.size()), 16);
        const double first = testing::meanOf(mel, 0, 3), last = testing::meanOf(mel, 13, 16);
        qInfo("istft vocoder mel L1 first 3 %.4f, last 3 %.4f", first, last);
        QVERIFY2(last < 0.8 * first, "the istft vocoder's mel L1 did not fall by 20% in 16 steps");
        QCOMPARE(int(testing::losses(run, "mrstft_sc").size()), 16);
        QVERIFY(testing::losses(run, "d_total").empty());
        QVERIFY(std::filesystem::exists(run + "/previews/16/output.wav"));
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        QCOMPARE(snap->run["recipe"]["arch"].get<std::string>(), std::string("istft"));
        QCOMPARE(snap->run["recipe"]["config"]["vocoder"]["arch"].get<std::string>(), std::string("istft"));
        QCOMPARE(snap->run["flags"]["segments"].get<std::string>(), std::string("energy"));   // the istft default
    }

    void istftWarmUpThenGanResumesExactly() {
        const std::string a = dir("istft_a"), b = dir("istft_b");
        const std::vector<std::string> extra{"--checkpoint-every", "2", "--disc-start", "3"};
        QCOMPARE(train("vocoder", testing::plus(testing::plus(istft(a), extra), {"--steps", "5"})), 0);
        QCOMPARE(int(testing::losses(a, "mel_l1").size()), 5);
        QCOMPARE(int(testing::losses(a, "d_total").size()), 2);   // steps 4 and 5 ran the discriminators
        for (const char *k : {"g_adv_mp", "g_adv_mrd", "g_fm_mp", "g_fm_mrd", "d_mp", "d_mrd"}) {
            const auto v = testing::losses(a, k);
            QVERIFY2(v.size() == 2 && std::isfinite(v.back()), k);
        }
        QVERIFY(std::filesystem::exists(a + "/checkpoints/4/mrd.safetensors"));
        QVERIFY(!std::filesystem::exists(a + "/checkpoints/4/msd.safetensors"));
        QCOMPARE(train("vocoder", testing::plus(testing::plus(istft(b), extra), {"--steps", "3"})), 0);
        QCOMPARE(train("vocoder", testing::plus(testing::plus(istft(b), extra), {"--steps", "5", "--resume"})), 0);
        sameCheckpointWeights(a, b, 5, "mrd.safetensors");
    }

    // The iSTFT generator of a run goes into a package: model.json's vocoder says
    // "istft", the weights are the run's, and loading builds the iSTFT generator.
    void aPackageTakesAnIstftVocoderRunsGenerator() {
        const std::string run = dir("istft_falls"), pkg = dir("pkg-gl2");
        auto cfg = models::kick::KickModelConfig::fromPreset("tiny", models::kick::Vocab({"a", "b"}), false);
        QVERIFY(models::kick::writeRandomKickPackage(cfg, pkg, 1).ok());
        jobs::ScratchDir scratch("melstudio-test");
        auto out = jobs::inferenceModel(pkg, run, scratch.path());
        QVERIFY2(out.ok(), out.error().c_str());
        auto loaded = models::kick::loadKickPackage(*out);
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        QVERIFY(loaded->vocoder);
        QCOMPARE(loaded->vocoder->config().arch, std::string("istft"));
        auto gen = testing::tensorBytes(run + "/checkpoints/16/generator.safetensors");
        auto voc = testing::tensorBytes(*out + "/vocoder.safetensors");
        QVERIFY(!gen.empty());
        for (const auto &[name, bytes] : gen) QVERIFY2(voc[name] == bytes, name.c_str());
        torch::NoGradGuard ng;
        loaded->vocoder->eval();
        QCOMPARE(loaded->vocoder->forward(torch::zeros({1, 128, 5})).size(2), int64_t(5 * 512));

        // export --package PKG --vocoder RUN --mel-match 2 --half: the package's
        // other weights unchanged (as float16), the run's generator, mel_match set.
        jobs::ExportParams ep;
        ep.package = pkg;
        ep.vocoderRun = run;
        ep.melMatch = 2;
        ep.half = true;
        ep.out = dir("pkg-istft-exported");
        auto st = jobs::exportPackage(ep);
        QVERIFY2(st.ok(), st.error().c_str());
        auto cfgOut = models::kick::readKickModelConfig(ep.out);
        QVERIFY2(cfgOut.ok(), cfgOut.error().c_str());
        QVERIFY(cfgOut->vocoder.has_value());
        QCOMPARE(cfgOut->vocoder->arch, std::string("istft"));
        QCOMPARE(cfgOut->vocoder->melMatch, 2);
        auto reread = models::kick::loadKickPackage(ep.out);
        QVERIFY2(reread.ok(), reread.error().c_str());
        auto orig = models::kick::loadKickPackage(pkg);
        QVERIFY(orig.ok());
        auto same = [](torch::nn::Module &a, torch::nn::Module &b) {
            auto pa = a.named_parameters(), pb = b.named_parameters();
            for (const auto &kv : pa)
                if (!torch::equal(kv.value().to(torch::kHalf), pb[kv.key()].to(torch::kHalf))) return false;
            return true;
        };
        QVERIFY(same(*orig->unet, *reread->unet));
        QVERIFY(same(*orig->vae, *reread->vae));
        // Refusals: an existing --out without --overwrite, --package with --diffusion, no --vocoder.
        QVERIFY(!jobs::exportPackage(ep).ok());
        ep.overwrite = true;
        ep.diffusionRun = run;
        QVERIFY(!jobs::exportPackage(ep).ok());
        ep.diffusionRun.clear();
        ep.vocoderRun.clear();
        QVERIFY(!jobs::exportPackage(ep).ok());
    }

    void badVocoderOptionsAreUsageErrors() {
        // Refused before a run folder exists ("--segments must be uniform or energy, not 'loud'").
        QCOMPARE(train("vocoder", testing::plus(common(dir("badseg")), {"--steps", "1", "--segments", "loud"})),
                 int(jobs::kTrainUsage));
        QVERIFY(!std::filesystem::exists(dir("badseg")));
        QCOMPARE(train("vocoder", testing::plus(common(dir("baddisc")), {"--steps", "1", "--disc-start", "-1"})),
                 int(jobs::kTrainUsage));
        QVERIFY(!std::filesystem::exists(dir("baddisc")));
        QCOMPARE(train("vocoder", testing::plus(common(dir("badstft")), {"--steps", "1", "--lambda-stft", "-1"})),
                 int(jobs::kTrainUsage));
        QCOMPARE(train("vocoder", testing::plus(common(dir("badarch")), {"--steps", "1", "--arch", "wavenet"})),
                 int(jobs::kTrainUsage));
        QCOMPARE(train("vocoder", testing::plus(istft(dir("badffts")), {"--steps", "1", "--mrstft-ffts", "512,x"})),
                 int(jobs::kTrainUsage));
        QVERIFY(!std::filesystem::exists(dir("badffts")));
    }

    // --model PKG --vocoder-run RUN: a copy of the package with the run's generator.
    void aPackageTakesAVocoderRunsGenerator() {
        const std::string run = dir("falls"), pkg = dir("pkg-gl");
        auto cfg = models::kick::KickModelConfig::fromPreset("tiny", models::kick::Vocab({"a", "b"}), false);
        QVERIFY(models::kick::writeRandomKickPackage(cfg, pkg, 1).ok());
        jobs::ScratchDir scratch("melstudio-test");
        std::string note;
        auto out = jobs::inferenceModel(pkg, run, scratch.path(), &note);
        QVERIFY2(out.ok(), out.error().c_str());
        QCOMPARE(*out, scratch.path() + "/pkg-gl+falls@16");
        QVERIFY2(note.find(run) != std::string::npos, note.c_str());
        auto loaded = models::kick::readKickModelConfig(*out);
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        QVERIFY(loaded->vocoder.has_value());
        auto gen = testing::tensorBytes(run + "/checkpoints/16/generator.safetensors");
        auto voc = testing::tensorBytes(*out + "/vocoder.safetensors");
        QVERIFY(!gen.empty());
        QCOMPARE(voc.size(), gen.size());
        for (const auto &[name, bytes] : gen) QVERIFY2(voc[name] == bytes, name.c_str());
        for (const char *f : {"vae.safetensors", "unet.safetensors", "text.safetensors"})
            QVERIFY2(testing::tensorBytes(*out + "/" + f) == testing::tensorBytes(pkg + "/" + f), f);
        // A vocoder whose upsampling does not match the package's hop is refused.
        auto other = models::kick::KickModelConfig::fromPreset("tiny", models::kick::Vocab({"a"}), false);
        other.mel.hop = 256;
        const std::string pkg256 = dir("pkg-hop256");
        QVERIFY(models::kick::writeRandomKickPackage(other, pkg256, 1).ok());
        auto bad = jobs::inferenceModel(pkg256, run, scratch.path());
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().find("does not fit") != std::string::npos, bad.error().c_str());
    }

    void datasetWithoutAudioIsRefused() {
        const std::string noAudio = dir("noaudio");
        QCOMPARE(testing::makeDataset(noAudio, 2, false), std::string());
        const std::string run = dir("refused");
        QCOMPARE(train("vocoder", {"--data", noAudio, "--run", run, "--preset", "tiny", "--steps", "1"}),
                 int(jobs::kTrainFailed));
        auto snap = jobs::RunReader::read(run);
        QVERIFY(snap.ok());
        const std::string reason = snap->events.back()["reason"].get<std::string>();
        QVERIFY2(reason.find("audio") != std::string::npos, reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTrainVocoder)
#include "tst_train_vocoder.moc"
