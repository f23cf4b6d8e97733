// Kick model packages: bit-exact save/load, folded vocoder weights, refusal of
// files that do not fit, and import of reference (KickWithReverb) torch.save checkpoints.
#include "io/TensorIO.h"
#include "io/TorchCheckpoint.h"
#include "models/kick/Import.h"
#include "models/kick/Package.h"
#include "models/kick/Tools.h"
#include "util/Fs.h"

#include <QtTest>

#include <fstream>

using namespace ms::models::kick;
namespace stdfs = std::filesystem;

namespace {

const std::string kFix = std::string(MELSTUDIO_FIXTURES) + "/models/";

struct Outputs {
    torch::Tensor mel, eps, cond, wave;
};

Outputs outputsOf(KickPackage &p) {
    torch::NoGradGuard ng;
    torch::manual_seed(11);
    auto z = torch::randn({2, 4, 8, 11});
    p.vae->eval();
    p.unet->eval();
    Outputs o;
    o.mel = p.vae->decode(z);
    o.cond = p.text->forward(KeywordEncoderImpl::padIds({{0, 1}, {}}));
    o.eps = p.unet->forward(z, torch::tensor({3, 700}), o.cond);
    if (p.vocoder) {
        p.vocoder->eval();
        o.wave = p.vocoder->forward(o.mel.squeeze(1).narrow(2, 0, 4));
    }
    return o;
}

double sumOf(const torch::nn::Module &m) {
    double s = 0;
    for (const auto &[k, v] : ms::io::stateDict(m)) s += v.to(torch::kFloat64).sum().item<double>();
    return s;
}

} // namespace

class TestKickPackage : public QObject {
    Q_OBJECT
private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void saveThenLoadIsBitExact() {
        auto cfg = KickModelConfig::fromPreset("tiny", Vocab({"punchy", "808", "deep"}));
        cfg.latentScale = 0.8;
        auto p = KickPackage::create(cfg, torch::kCPU, 3);
        const std::string dir = path("pkg");
        QVERIFY2(saveKickPackage(p, dir).ok(), "save");
        for (const char *f : {"model.json", "vae.safetensors", "unet.safetensors", "text.safetensors",
                              "vocoder.safetensors", "CARD.md"})
            QVERIFY2(stdfs::exists(stdfs::path(dir) / f), f);
        auto q = loadKickPackage(dir);
        QVERIFY2(q.ok(), q.error().c_str());
        QCOMPARE(q->config.vocab.words(), cfg.vocab.words());
        QCOMPARE(q->config.latentScale, 0.8);
        QCOMPARE(q->config.unet.toJson(), cfg.unet.toJson());
        auto a = outputsOf(p), b = outputsOf(*q);
        QVERIFY(torch::equal(a.mel, b.mel));
        QVERIFY(torch::equal(a.eps, b.eps));
        QVERIFY(torch::equal(a.cond, b.cond));
        QVERIFY(torch::equal(a.wave, b.wave));
        // Saving again over the existing folder replaces it and leaves no temp folder behind.
        QVERIFY(saveKickPackage(*q, dir).ok());
        int entries = 0;
        for (const auto &e : stdfs::directory_iterator(m_dir.path().toStdString())) { (void)e; ++entries; }
        QCOMPARE(entries, 1);
    }

    void foldedVocoderWeightsLoadToTheSameWaveform() {
        auto p = KickPackage::create(KickModelConfig::fromPreset("tiny", Vocab({"a", "b"})), torch::kCPU, 4);
        const std::string dir = path("folded");
        QVERIFY(saveKickPackage(p, dir, /*fold=*/true).ok());
        auto st = ms::io::loadTensors(dir + "/vocoder.safetensors");
        QVERIFY(st.ok());
        QVERIFY(st->count("conv_pre.weight") && !st->count("conv_pre.weight_g"));
        auto q = loadKickPackage(dir);
        QVERIFY2(q.ok(), q.error().c_str());
        auto a = outputsOf(p), b = outputsOf(*q);
        QVERIFY(torch::allclose(a.wave, b.wave, 0, 1e-6));   // tolerance: one float rounding of g/||v||
    }

    void halfPrecisionPackagesAreHalfTheSizeAndDecodeAlike() {
        auto p = KickPackage::create(KickModelConfig::fromPreset("tiny", Vocab({"a", "b"})), torch::kCPU, 5);
        QVERIFY(saveKickPackage(p, path("f32")).ok());
        QVERIFY(saveKickPackage(p, path("f16"), false, /*half=*/true).ok());
        for (const char *f : {"vae.safetensors", "unet.safetensors", "text.safetensors", "vocoder.safetensors"}) {
            auto full = ms::io::loadTensors(path("f32") + "/" + f), half = ms::io::loadTensors(path("f16") + "/" + f);
            QVERIFY(full.ok() && half.ok());
            int64_t fullBytes = 0, halfBytes = 0;
            for (const auto &[k, t] : *half) {
                QVERIFY2(!t.is_floating_point() || t.scalar_type() == torch::kHalf, k.c_str());
                halfBytes += t.numel() * t.element_size();
            }
            for (const auto &[k, t] : *full) fullBytes += t.numel() * t.element_size();
            QCOMPARE(halfBytes * 2, fullBytes);
        }
        auto q = loadKickPackage(path("f16"));
        QVERIFY2(q.ok(), q.error().c_str());
        auto a = outputsOf(p), b = outputsOf(*q);
        // float16 keeps ~3 decimal digits: the outputs agree to that, not bit-exactly.
        const double rel = ((a.mel - b.mel).abs().max() / a.mel.abs().max()).item<double>();
        qInfo("largest relative mel difference after float16 storage: %.2e", rel);
        QVERIFY(rel < 1e-2);
        QVERIFY(!torch::equal(a.mel, b.mel));
        QVERIFY(torch::allclose(a.eps, b.eps, 1e-2, 1e-2));
    }

    void packageWithoutVocoderLoadsForGriffinLim() {
        auto p = KickPackage::create(KickModelConfig::fromPreset("tiny", Vocab({"a", "b"}), false), torch::kCPU, 1);
        QVERIFY(saveKickPackage(p, path("novoc")).ok());
        QVERIFY(!stdfs::exists(path("novoc") + "/vocoder.safetensors"));
        auto q = loadKickPackage(path("novoc"));
        QVERIFY2(q.ok(), q.error().c_str());
        QVERIFY(!q->vocoder);
        QVERIFY(q->warnings.empty());   // none configured, none expected
        // A vocoder that model.json configures but whose weights are gone: Griffin-Lim, and a warning saying so.
        auto v = KickPackage::create(KickModelConfig::fromPreset("tiny", Vocab({"a", "b"}), true), torch::kCPU, 1);
        QVERIFY(saveKickPackage(v, path("lostvoc")).ok());
        stdfs::remove(path("lostvoc") + "/vocoder.safetensors");
        auto w = loadKickPackage(path("lostvoc"));
        QVERIFY2(w.ok(), w.error().c_str());
        QVERIFY(!w->vocoder);
        QCOMPARE(w->warnings.size(), size_t(1));
        QVERIFY2(w->warnings[0].find("missing although model.json configures a vocoder") != std::string::npos,
                 w->warnings[0].c_str());
    }

    void weightsThatDoNotFitAreRefusedWithAKeyReport() {
        auto p = KickPackage::create(KickModelConfig::fromPreset("tiny", Vocab({"a", "b"})), torch::kCPU, 1);
        const std::string dir = path("bad");
        QVERIFY(saveKickPackage(p, dir).ok());
        // Replace the UNet weights with a paper-sized UNet's.
        LatentUNet big(UNetConfig::preset("paper"));
        QVERIFY(ms::io::saveModule(*big, dir + "/unet.safetensors").ok());
        auto q = loadKickPackage(dir);
        QVERIFY(!q.ok());
        QVERIFY2(q.error().find("unet.safetensors") != std::string::npos, q.error().c_str());
        QVERIFY2(q.error().find("mis-shaped") != std::string::npos, q.error().c_str());
        // A broken model.json names the file.
        std::ofstream(dir + "/model.json") << "{ not json";
        auto r = loadKickPackage(dir);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("model.json") != std::string::npos, r.error().c_str());
        QVERIFY(!loadKickPackage(path("nowhere")).ok());
    }

    void torchSaveCheckpointsAreReadWithoutPython() {
        auto ck = ms::io::loadTorchCheckpoint(kFix + "kwr_diffusion.pt");
        QVERIFY2(ck.ok(), ck.error().c_str());
        const auto *cfg = (*ck)->get("config");
        QVERIFY(cfg && cfg->kind == ms::io::PyValue::Kind::Object);
        QCOMPARE(QString::fromStdString(cfg->s), QStringLiteral("training.config.DiffusionConfig"));
        QCOMPARE(cfg->get("timesteps")->i, int64_t(1000));
        QCOMPARE(ms::io::stringItems(*(*ck)->get("vocab")),
                 (std::vector<std::string>{"punchy", "808", "deep"}));
        auto sd = ms::io::tensorEntries(*(*ck)->get("ema_state_dict"));
        QVERIFY(sd.count("down_in.weight"));
        QCOMPARE(sd["down_in.weight"].sizes().vec(), (std::vector<int64_t>{8, 4, 3, 3}));
        auto bad = ms::io::loadTorchCheckpoint(kFix + "kwr_expected.json");
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().find("kwr_expected.json") != std::string::npos);
    }

    void importOfReferenceCheckpointsGivesTheSameWeights() {
        KwrImportOptions o;
        o.vaePath = kFix + "kwr_vae.pt";
        o.diffusionPath = kFix + "kwr_diffusion.pt";
        o.vocoderPath = kFix + "kwr_vocoder.pt";
        o.outDir = path("imported");
        o.preset = "tiny";
        auto r = importKickWithReverb(o);
        QVERIFY2(r.ok(), r.error().c_str());
        QVERIFY2(r->ok, r->report.c_str());
        QVERIFY(r->report.find("0 missing, 0 unexpected, 0 mis-shaped") != std::string::npos);
        auto p = loadKickPackage(o.outDir);
        QVERIFY2(p.ok(), p.error().c_str());
        auto ex = ms::fs::readFile(kFix + "kwr_expected.json");
        QVERIFY(ex.ok());
        auto j = nlohmann::json::parse(*ex);
        auto near = [](double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); };
        QVERIFY(near(sumOf(*p->vae), j["vae"].get<double>()));
        QVERIFY(near(sumOf(*p->unet), j["unet"].get<double>()));
        QVERIFY(near(sumOf(*p->text), j["text"].get<double>()));
        QVERIFY(near(sumOf(*p->vocoder), j["vocoder"].get<double>()));
        QCOMPARE(p->config.vocab.words(), j["vocab"].get<std::vector<std::string>>());
    }

    void importRefusesAMismatchedCheckpointWithAReport() {
        KwrImportOptions o;
        o.vaePath = kFix + "kwr_vae_bad.pt";
        o.diffusionPath = kFix + "kwr_diffusion.pt";
        o.outDir = path("refused");
        o.preset = "tiny";
        auto r = importKickWithReverb(o);
        QVERIFY2(r.ok(), r.error().c_str());
        QVERIFY(!r->ok);
        QVERIFY2(r->report.find("1 unexpected, 1 mis-shaped") != std::string::npos, r->report.c_str());
        QVERIFY(r->report.find("unexpected: encoder.net.0.weightX") != std::string::npos);
        QVERIFY(r->report.find("mis-shaped: encoder.conv_mu.bias: file [7] vs model [4]") != std::string::npos);
        QVERIFY(r->report.find("missing: ") != std::string::npos);
        QVERIFY(!stdfs::exists(o.outDir));
        // The right files against the wrong preset: refused, not a crash.
        o.vaePath = kFix + "kwr_vae.pt";
        o.preset = "paper";
        auto p = importKickWithReverb(o);
        QVERIFY(p.ok());
        QVERIFY(!p->ok);
        QVERIFY(!stdfs::exists(o.outDir));
    }

private:
    std::string path(const char *name) const { return (m_dir.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestKickPackage)
#include "tst_kickpackage.moc"
