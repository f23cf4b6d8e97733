// train diffusion (tiny preset, CPU) on latents of a tiny VAE run: loss falls,
// resume is bit-exact (EMA, accumulation, keyword dropout), export packages it.
#include "TrainTestUtil.h"

#include "models/kick/Package.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ms;
using ms::testing::train;

class TestTrainDiffusion : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_data, m_vae;

    std::string dir(const char *name) const { return (m_tmp.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    std::vector<std::string> common(const std::string &run) const {
        return {"--data", m_data, "--run", run, "--preset", "tiny", "--device", "cpu", "--threads", "1",
                "--batch", "4", "--log-every", "1", "--seed", "5", "--vae", m_vae, "--min-count", "2"};
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_data = dir("data");
        m_vae = dir("vae");
        QCOMPARE(testing::makeDataset(m_data, 8, false), std::string());
        QCOMPARE(train("vae", {"--data", m_data, "--run", m_vae, "--preset", "tiny", "--device", "cpu", "--batch", "4",
                               "--steps", "10", "--lr", "2e-3"}),
                 0);
    }

    void diffusionLossFallsInAFewSteps() {
        const std::string run = dir("falls");
        QCOMPARE(train("diffusion", testing::plus(common(run), {"--steps", "40", "--lr", "3e-3"})), 0);
        auto l = testing::losses(run, "mse");
        QCOMPARE(int(l.size()), 40);
        const double first = testing::meanOf(l, 0, 5), last = testing::meanOf(l, 30, 40);
        qInfo("diffusion eps mse first 5 %.4f, last 10 %.4f", first, last);
        QVERIFY2(last < 0.8 * first, "the eps-prediction loss did not fall by 20% in 40 steps");
        auto ref = jobs::RunReader::resolveCheckpoint(run);
        QVERIFY(ref.ok());
        QVERIFY(ref->state["latent_std"].get<double>() > 0);
        QVERIFY(ref->state["ema"]["updates"].get<long long>() == 40);
        for (const char *f : {"unet.safetensors", "unet_ema.safetensors", "text.safetensors", "text_ema.safetensors",
                              "optimizer.pt", "vocab.json", "rng.safetensors"})
            QVERIFY2(std::filesystem::exists(ref->dir + "/" + f), f);
        QVERIFY(std::filesystem::exists(run + "/latents.safetensors"));
        QVERIFY(std::filesystem::exists(run + "/previews/40/output_mel.safetensors"));
    }

    void resumeAfterNStepsEqualsUninterruptedRun() {
        const std::string a = dir("uninterrupted"), b = dir("resumed");
        const std::vector<std::string> extra{"--lr", "1e-3", "--checkpoint-every", "2", "--preview-every", "0"};
        QCOMPARE(train("diffusion", testing::plus(testing::plus(common(a), extra), {"--steps", "5"})), 0);
        QCOMPARE(train("diffusion", testing::plus(testing::plus(common(b), extra), {"--steps", "2"})), 0);
        QCOMPARE(train("diffusion", testing::plus(testing::plus(common(b), extra), {"--steps", "5", "--resume"})), 0);
        for (const char *f : {"unet.safetensors", "unet_ema.safetensors", "text.safetensors", "text_ema.safetensors"}) {
            auto wa = testing::tensorBytes(a + "/checkpoints/5/" + f);
            auto wb = testing::tensorBytes(b + "/checkpoints/5/" + f);
            QVERIFY(!wa.empty());
            for (const auto &[name, bytes] : wa) QVERIFY2(wb[name] == bytes, (std::string(f) + ": " + name).c_str());
        }
    }

    void exportAssemblesALoadablePackageWithEmaWeights() {
        const std::string run = dir("falls"), pkg = dir("pkg");
        jobs::ExportParams p;
        p.vaeRun = m_vae;
        p.diffusionRun = run;
        p.out = pkg;
        auto st = jobs::exportPackage(p);
        QVERIFY2(st.ok(), st.error().c_str());
        QVERIFY(!jobs::exportPackage(p).ok());   // refuses to overwrite
        auto loaded = models::kick::loadKickPackage(pkg);
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        QVERIFY(!loaded->vocoder);
        auto ema = testing::tensorBytes(run + "/checkpoints/40/unet_ema.safetensors");
        auto out = testing::tensorBytes(pkg + "/unet.safetensors");
        QVERIFY(!ema.empty());
        for (const auto &[name, bytes] : ema) QVERIFY2(out[name] == bytes, name.c_str());
        auto ref = jobs::RunReader::resolveCheckpoint(run);
        // The run's latent_std is the package's latent_scale (the pipeline decodes x * latent_scale).
        const double sd = ref->state["latent_std"].get<double>();
        QCOMPARE(loaded->config.latentScale, sd);
        QVERIFY(std::filesystem::exists(pkg + "/CARD.md"));
        QVERIFY(ref->state.contains("vae_checkpoint"));

        // Without --vae, the VAE checkpoint the run recorded: the same package.
        const std::string inferred = dir("pkg-inferred");
        p.vaeRun.clear();
        p.out = inferred;
        st = jobs::exportPackage(p);
        QVERIFY2(st.ok(), st.error().c_str());
        for (const char *f : {"vae.safetensors", "unet.safetensors", "text.safetensors"})
            QVERIFY2(testing::tensorBytes(inferred + "/" + f) == testing::tensorBytes(pkg + "/" + f), f);

        // A run from before latent_std and vae_checkpoint: the std was recorded
        // as its reciprocal latent_scale, the VAE only in vae_source's text.
        const std::string old = dir("old-run"), oldPkg = dir("old-pkg");
        std::filesystem::copy(run, old, std::filesystem::copy_options::recursive);
        auto state = ref->state;
        state.erase("latent_std");
        state.erase("vae_checkpoint");
        state["latent_scale"] = 1.0 / sd;
        QVERIFY(state.value("vae_source", std::string()).rfind("run checkpoint ", 0) == 0);
        QVERIFY(fs::writeFileAtomic(old + "/checkpoints/40/state.json", state.dump()).ok());
        p.diffusionRun = old;
        p.out = oldPkg;
        st = jobs::exportPackage(p);
        QVERIFY2(st.ok(), st.error().c_str());
        auto oldLoaded = models::kick::loadKickPackage(oldPkg);
        QVERIFY2(oldLoaded.ok(), oldLoaded.error().c_str());
        QVERIFY(std::abs(oldLoaded->config.latentScale - sd) < 1e-9 * sd);
        QVERIFY(testing::tensorBytes(oldPkg + "/vae.safetensors") == testing::tensorBytes(pkg + "/vae.safetensors"));

        // One that records no VAE at all is refused with a message that says so.
        state.erase("vae_source");
        QVERIFY(fs::writeFileAtomic(old + "/checkpoints/40/state.json", state.dump()).ok());
        p.overwrite = true;
        st = jobs::exportPackage(p);
        QVERIFY(!st.ok());
        QVERIFY2(st.error().find("does not record the VAE") != std::string::npos, st.error().c_str());
    }

    // generate/reconstruct/vocode --model: a package as is, a diffusion run assembled.
    void inferenceModelTakesPackagesAndDiffusionRuns() {
        const std::string run = dir("falls"), pkg = dir("pkg");
        jobs::ScratchDir scratch("melstudio-test");
        QVERIFY(!scratch.path().empty());
        auto same = jobs::inferenceModel(pkg, "", scratch.path());
        QVERIFY2(same.ok(), same.error().c_str());
        QCOMPARE(*same, pkg);
        std::string note;
        auto assembled = jobs::inferenceModel(run, "", scratch.path(), &note);
        QVERIFY2(assembled.ok(), assembled.error().c_str());
        QCOMPARE(*assembled, scratch.path() + "/falls@40");
        QVERIFY2(note.find(m_vae) != std::string::npos, note.c_str());
        for (const char *f : {"vae.safetensors", "unet.safetensors", "text.safetensors"})
            QVERIFY2(testing::tensorBytes(*assembled + "/" + f) == testing::tensorBytes(pkg + "/" + f), f);
        // A checkpoint folder works too; a VAE run, a package with a vocoder run and a
        // missing folder do not.
        QVERIFY(jobs::inferenceModel(run + "/checkpoints/40", "", scratch.path()).ok());
        auto vae = jobs::inferenceModel(m_vae, "", scratch.path());
        QVERIFY(!vae.ok());
        QVERIFY2(vae.error().find("is a vae run") != std::string::npos, vae.error().c_str());
        QVERIFY(!jobs::inferenceModel(pkg, run, scratch.path()).ok());
        auto missing = jobs::inferenceModel(dir("no-such"), "", scratch.path());
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().find("does not exist") != std::string::npos, missing.error().c_str());
        std::string gone;
        {
            jobs::ScratchDir s2("melstudio-test");
            gone = s2.path();
            QVERIFY(std::filesystem::is_directory(gone));
        }
        QVERIFY(!std::filesystem::exists(gone));
    }

    void missingVaeIsRefused() {
        QCOMPARE(train("diffusion", {"--data", m_data, "--run", dir("novae"), "--preset", "tiny", "--steps", "1"}),
                 int(jobs::kTrainUsage));
        QCOMPARE(train("diffusion", {"--data", m_data, "--run", dir("badvae"), "--preset", "tiny", "--steps", "1",
                                     "--vae", dir("no-such-run")}),
                 int(jobs::kTrainFailed));
    }
};

QTEST_GUILESS_MAIN(TestTrainDiffusion)
#include "tst_train_diffusion.moc"
