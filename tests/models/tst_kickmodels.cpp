// Kick latent diffusion modules: shapes of every stage (design document 004),
// parameter counts against an independent count from layer shapes, samplers,
// and the frozen CPU inference copies against the modules.
#include "models/kick/Diffusion.h"
#include "models/kick/FrozenKick.h"
#include "models/kick/Tools.h"
#include "models/kick/UNet.h"
#include "models/kick/Vae.h"
#include "models/vocoder/HifiGan.h"
#include "nn/Frozen.h"

#include <QtTest>

using namespace ms::models::kick;
using namespace ms::models::vocoder;

namespace {

// Independent counts from layer shapes.
int64_t conv(int64_t in, int64_t out, int64_t k) { return out * in * k * k + out; }
int64_t convT(int64_t in, int64_t out, int64_t k) { return in * out * k * k + out; }
int64_t gn(int64_t c) { return 2 * c; }
int64_t lin(int64_t in, int64_t out) { return in * out + out; }
int64_t vaeRes(int64_t c) { return 2 * gn(c) + 2 * conv(c, c, 3); }
int64_t condRes(int64_t c, int64_t cd) { return 2 * gn(c) + 2 * conv(c, c, 3) + lin(cd, c); }
// Weight-normed 1-d conv: v [out,in/g,k], g [out], bias [out]; transposed: v [in,out,k], g [in].
int64_t wn1(int64_t in, int64_t out, int64_t k, int64_t groups = 1) { return out * (in / groups) * k + out + out; }
int64_t wnT1(int64_t in, int64_t out, int64_t k) { return in * out * k + in + out; }

std::vector<int64_t> shape(const torch::Tensor &t) { return {t.sizes().begin(), t.sizes().end()}; }

int64_t count(const torch::nn::Module &m) {
    int64_t n = 0;
    for (const auto &p : m.parameters()) n += p.numel();
    return n;
}

// The tiny preset's UNet (eval mode), keyword encoder and schedule, for the sampler tests.
struct TinySampler {
    KickModelConfig cfg = KickModelConfig::fromPreset("tiny", Vocab({"a"}));
    LatentUNet unet{cfg.unet};
    KeywordEncoder text{cfg.text};
    NoiseSchedule sched{cfg.diffusion};
    TinySampler() { unet->eval(); }
};

} // namespace

class TestKickModels : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { torch::manual_seed(0); }

    void vaeStagesMatchTheDocument() {
        torch::NoGradGuard ng;
        KickVAE vae(VaeConfig::preset("paper"));
        vae->eval();
        auto x = torch::randn({1, 1, 128, 173});
        const std::vector<std::vector<int64_t>> expected = {{1, 32, 64, 87}, {1, 64, 32, 44}, {1, 128, 16, 22}, {1, 256, 8, 11}};
        torch::Tensor h = x;
        int stage = 0;
        for (size_t i = 0; i < vae->encoder->net->size(); ++i) {
            auto m = vae->encoder->net->ptr(i);
            if (auto *c = m->as<torch::nn::Conv2dImpl>()) h = c->forward(h);
            else h = m->as<VaeResBlockImpl>()->forward(h);
            if (i % 2 == 1) QCOMPARE(shape(h), expected[size_t(stage++)]);
        }
        QCOMPARE(stage, 4);
        auto [mu, logvar] = vae->encode(x);
        QCOMPARE(shape(mu), (std::vector<int64_t>{1, 4, 8, 11}));
        QCOMPARE(shape(logvar), (std::vector<int64_t>{1, 4, 8, 11}));
        QCOMPARE(shape(vae->decode(mu)), (std::vector<int64_t>{1, 1, 128, 173}));
        auto out = vae->forward(x);
        QVERIFY(torch::equal(out.recon, vae->decode(mu)));   // eval: z = mu
        QCOMPARE(vaeLatentSize(VaeConfig::preset("paper")), std::make_pair(8, 11));
    }

    void vaeSamplesOnlyWhenTraining() {
        torch::NoGradGuard ng;
        KickVAE vae(VaeConfig::preset("tiny"));
        auto x = torch::randn({2, 1, 128, 173});
        vae->train();
        auto a = vae->forward(x), b = vae->forward(x);
        QVERIFY(!torch::equal(a.recon, b.recon));
        vae->eval();
        QVERIFY(torch::equal(vae->forward(x).recon, vae->forward(x).recon));
    }

    void unetStagesMatchTheDocument() {
        torch::NoGradGuard ng;
        LatentUNet unet(UNetConfig::preset("paper"));
        unet->eval();
        auto trace = unet->traceShapes(torch::randn({2, 4, 8, 11}), torch::tensor({10, 500}), torch::randn({2, 256}));
        const std::vector<std::pair<std::string, std::vector<int64_t>>> expected = {
            {"down1", {2, 64, 8, 11}}, {"down2", {2, 128, 4, 6}}, {"down_conv2", {2, 256, 2, 3}}, {"mid", {2, 256, 2, 3}},
            {"up2", {2, 128, 4, 6}},   {"up1", {2, 64, 8, 11}},   {"out", {2, 4, 8, 11}}};
        QCOMPARE(trace.size(), expected.size());
        for (size_t i = 0; i < trace.size(); ++i) {
            QCOMPARE(trace[i].first, expected[i].first);
            QCOMPARE(trace[i].second, expected[i].second);
        }
    }

    void hifiganOutputIs512SamplesPerFrame() {
        torch::NoGradGuard ng;
        for (const char *preset : {"tiny", "paper"}) {
            HifiGanGenerator g(VocoderConfig::preset(preset));
            g->eval();
            auto y = g->forward(torch::randn({2, 128, 3}));
            QCOMPARE(shape(y), (std::vector<int64_t>{2, 1, 3 * 512}));
            QVERIFY(y.abs().max().item<float>() <= 1.0f);
        }
    }

    void foldedWeightNormGivesTheSameWaveform() {
        torch::NoGradGuard ng;
        HifiGanGenerator g(VocoderConfig::preset("tiny"));
        g->eval();
        auto mel = torch::randn({1, 128, 5});
        auto a = g->forward(mel);
        g->foldWeightNorm();
        auto b = g->forward(mel);
        QVERIFY(torch::allclose(a, b, 0, 1e-6));   // tolerance: float rounding only
        QVERIFY(g->named_parameters().contains("conv_pre.weight_g"));
        QVERIFY(g->named_parameters().contains("resblocks.0.convs1.1.weight_v"));
    }

    void discriminatorsGiveLogitsAndFeaturesPerSubDiscriminator() {
        auto cfg = VocoderConfig::preset("tiny");
        MultiPeriodDiscriminator mpd(cfg);
        MultiScaleDiscriminator msd(cfg);
        auto y = torch::randn({2, 1, 8192}) * 0.1;
        auto p = mpd->forward(y), s = msd->forward(y);
        QCOMPARE(p.logits.size(), size_t(5));
        QCOMPARE(s.logits.size(), size_t(3));
        QCOMPARE(p.features[0].size(), size_t(6));   // 5 convs + conv_post
        QCOMPARE(s.features[0].size(), size_t(7));   // 6 convs + conv_post
        QVERIFY(msd->named_buffers().contains("discriminators.0.convs.0.weight_u"));
        QVERIFY(msd->named_parameters().contains("discriminators.1.convs.0.weight_g"));
        auto fake = msd->forward(y * 0.5);
        QVERIFY(discriminatorLoss(s, fake).item<float>() > 0);
        QVERIFY(featureMatchingLoss(s, fake).item<float>() > 0);
        QCOMPARE(featureMatchingLoss(s, s).item<float>(), 0.0f);
        QVERIFY(generatorAdvLoss(fake).item<float>() > 0);
    }

    void parameterCountsEqualCountsFromLayerShapes_data() {
        QTest::addColumn<QString>("preset");
        QTest::newRow("tiny") << QStringLiteral("tiny");
        QTest::newRow("paper") << QStringLiteral("paper");
    }
    void parameterCountsEqualCountsFromLayerShapes() {
        QFETCH(QString, preset);
        auto cfg = KickModelConfig::fromPreset(preset.toStdString(), Vocab({"a", "b", "c"}));
        std::map<std::string, int64_t> got;
        for (const auto &m : parameterCounts(cfg)) got[m.module] = m.params;

        const auto &v = cfg.vae;
        const auto &ch = v.channels;
        int64_t enc = 0, in = v.inChannels;
        for (int c : ch) { enc += conv(in, c, 3) + vaeRes(c); in = c; }
        enc += 2 * conv(ch.back(), v.latentChannels, 1);
        int64_t dec = conv(v.latentChannels, ch.back(), 1) + vaeRes(ch.back());
        for (size_t i = ch.size() - 1; i >= 1; --i) dec += convT(ch[i], ch[i - 1], 4) + vaeRes(ch[i - 1]);
        dec += convT(ch[0], v.inChannels, 4);
        QCOMPARE(got["vae.encoder"], enc);
        QCOMPARE(got["vae.decoder"], dec);
        QCOMPARE(got["vae"], enc + dec);

        const auto &u = cfg.unet;
        const int64_t c0 = u.channels[0], c1 = u.channels[1], c2 = u.channels[2], cd = u.condDim, L = u.latentChannels;
        int64_t unet = lin(u.timeDim, cd) + lin(cd, cd) + conv(L, c0, 3) + condRes(c0, cd) + conv(c0, c1, 3) +
                       condRes(c1, cd) + conv(c1, c2, 3) + 2 * condRes(c2, cd) + gn(c2) + conv(c2, 3 * c2, 1) +
                       conv(c2, c2, 1) + convT(c2, c1, 4) + condRes(2 * c1, cd) + conv(2 * c1, c1, 1) +
                       convT(c1, c0, 4) + condRes(2 * c0, cd) + conv(2 * c0, c0, 1) + gn(c0) + conv(c0, L, 3);
        QCOMPARE(got["unet"], unet);
        QCOMPARE(got["text"], int64_t(3) * cfg.text.embedDim + lin(cfg.text.embedDim, cfg.text.condDim) + cfg.text.condDim);

        const auto &g = *cfg.vocoder;
        int64_t gen = wn1(g.nMels, g.initialChannels, 7);
        int64_t c = g.initialChannels;
        for (size_t i = 0; i < g.upsampleRates.size(); ++i) {
            gen += wnT1(c, c / 2, g.upsampleKernels[i]);
            c /= 2;
            for (size_t j = 0; j < g.resblockKernels.size(); ++j)
                gen += int64_t(g.resblockDilations[j].size()) * 2 * wn1(c, c, g.resblockKernels[j]);
        }
        gen += wn1(c, 1, 7);
        QCOMPARE(got["vocoder.generator"], gen);

        int64_t mpd = 0;
        for (size_t p = 0; p < g.periods.size(); ++p) {
            int64_t cin = 1;
            for (int co : g.mpdChannels) { mpd += int64_t(co) * cin * 5 + 2 * co; cin = co; }
            mpd += cin * 3 + 2;
        }
        QCOMPARE(got["vocoder.mpd"], mpd);
        const int kernels[6] = {15, 41, 41, 41, 41, 5};
        int64_t msd = 0;
        for (int s = 0; s < g.msdScales; ++s) {
            int64_t cin = 1;
            for (int i = 0; i < 6; ++i) {
                const int64_t co = g.msdChannels[size_t(i)], gr = g.msdGroups[size_t(i)];
                msd += co * (cin / gr) * kernels[i] + co + (s == 0 ? 0 : co);   // spectral norm: no g
                cin = co;
            }
            msd += cin * 3 + 1 + (s == 0 ? 0 : 1);
        }
        QCOMPARE(got["vocoder.msd"], msd);
        // Cross-check the helper against the modules themselves.
        QCOMPARE(got["unet"], count(*LatentUNet(cfg.unet)));
    }

    void emptyPromptEqualsUnconditionalBranch() {
        torch::NoGradGuard ng;
        auto cfg = KickModelConfig::fromPreset("tiny", Vocab({"punchy", "808", "deep"}));
        KeywordEncoder text(cfg.text);
        LatentUNet unet(cfg.unet);
        unet->eval();
        auto ids = KeywordEncoderImpl::padIds({{}, {0, 2}});
        auto cond = text->forward(ids);
        QVERIFY(torch::equal(cond[0], text->null_embedding));
        QVERIFY(!torch::equal(cond[1], text->null_embedding));
        // Mean over keywords, then the projection.
        auto expect = text->proj->forward((text->embedding->weight[0] + text->embedding->weight[2]) / 2);
        QVERIFY(torch::allclose(cond[1], expect, 0, 1e-6));
        // With an empty prompt, the guided prediction is the unconditional one for any scale.
        auto x = torch::randn({1, 4, 8, 11});
        auto t = torch::tensor({int64_t(321)});
        auto nullC = text->nullCond(1);
        auto guided = guidedEps(*unet, x, t, text->forward(KeywordEncoderImpl::padIds({{}})), nullC, 3.0);
        QVERIFY(torch::allclose(guided, unet->forward(x, t, nullC), 0, 1e-5));   // batched vs single call
    }

    void cfgScaleOneEqualsConditionalPrediction() {
        torch::NoGradGuard ng;
        auto cfg = KickModelConfig::fromPreset("tiny", Vocab({"a", "b"}));
        LatentUNet unet(cfg.unet);
        KeywordEncoder text(cfg.text);
        unet->eval();
        auto x = torch::randn({3, 4, 8, 11});
        auto t = torch::tensor({5, 400, 999});
        auto c = text->forward(KeywordEncoderImpl::padIds({{0}, {1}, {0, 1}}));
        auto u = text->nullCond(3);
        auto ec = unet->forward(x, t, c), eu = unet->forward(x, t, u);
        QVERIFY(torch::equal(guidedEps(*unet, x, t, c, u, 1.0), ec));
        // One batched call gives u + s (c - u) (tolerance: batched kernels may round differently).
        QVERIFY(torch::allclose(guidedEps(*unet, x, t, c, u, 2.5), eu + 2.5 * (ec - eu), 1e-4, 1e-5));
        QVERIFY(!torch::allclose(guidedEps(*unet, x, t, c, u, 2.5), ec, 1e-4, 1e-5));
    }

    void samplerIsDeterministicPerSeed() {
        torch::NoGradGuard ng;
        TinySampler tiny;
        auto &unet = tiny.unet;
        auto &text = tiny.text;
        auto &sched = tiny.sched;
        auto c = text->forward(KeywordEncoderImpl::padIds({{0}})), u = text->nullCond(1);
        SampleOptions o;
        o.steps = 6;
        auto run = [&](uint64_t seed, double eta) {
            SampleOptions oo = o;
            oo.eta = eta;
            auto g = makeGenerators(seed, 1);
            return ddim(*unet, sched, c, u, {4, 8, 11}, g, oo);
        };
        for (double eta : {0.0, 0.5}) {
            QVERIFY(torch::equal(run(7, eta), run(7, eta)));
            QVERIFY(!torch::allclose(run(7, eta), run(8, eta)));
        }
        // Take i of a batch uses seed + i.
        auto g3 = makeGenerators(7, 3);
        auto batch = ddim(*unet, sched, c.expand({3, -1}), u.expand({3, -1}), {4, 8, 11}, g3, o);
        QVERIFY(torch::allclose(batch[2], run(9, 0.0)[0], 1e-4, 1e-5));
        // DDPM: deterministic per seed too (short schedule to stay fast).
        DiffusionConfig dc;
        dc.timesteps = 20;
        NoiseSchedule shortSched(dc);
        auto ga = makeGenerators(3, 1), gb = makeGenerators(3, 1), gc = makeGenerators(4, 1);
        auto a = ddpm(*unet, shortSched, c, u, {4, 8, 11}, ga, o);
        QVERIFY(torch::equal(a, ddpm(*unet, shortSched, c, u, {4, 8, 11}, gb, o)));
        QVERIFY(!torch::allclose(a, ddpm(*unet, shortSched, c, u, {4, 8, 11}, gc, o)));
    }

    void ddimTimestepsFollowTheReference() {
        NoiseSchedule s(DiffusionConfig{});
        auto ts = s.ddimTimesteps(50);
        QCOMPARE(int(ts.size()), 50);
        QCOMPARE(ts.front(), 999);
        QCOMPARE(ts[1], 979);
        QCOMPARE(ts.back(), 19);
        QVERIFY(std::abs(s.beta(0) - 1e-4) < 1e-9);
        QVERIFY(std::abs(s.beta(999) - 0.02) < 1e-9);
        // addNoise: sqrt(abar) x0 + sqrt(1 - abar) n
        auto x0 = torch::ones({1, 4, 8, 11}), n = torch::zeros({1, 4, 8, 11});
        auto xt = s.addNoise(x0, n, torch::tensor({int64_t(500)}));
        QVERIFY(std::abs(xt[0][0][0][0].item<double>() - std::sqrt(s.alphaBar(500))) < 1e-6);
    }

    void cancelStopsWithinOneStep() {
        torch::NoGradGuard ng;
        TinySampler tiny;
        auto &unet = tiny.unet;
        auto &text = tiny.text;
        auto &sched = tiny.sched;
        std::atomic<bool> cancel{false};
        int calls = 0;
        auto g = makeGenerators(1, 1);
        SampleOptions o;
        o.steps = 20;
        auto x = ddim(*unet, sched, text->nullCond(1), text->nullCond(1), {4, 8, 11}, g, o,
                      [&](int step, int, const torch::Tensor &lat) {
                          ++calls;
                          QCOMPARE(shape(lat), (std::vector<int64_t>{1, 4, 8, 11}));
                          if (step == 3) cancel = true;
                      },
                      &cancel);
        QVERIFY(!x.defined());
        QCOMPARE(calls, 3);
    }
    // ---- Frozen inference copies (nn/Frozen.h, models/kick/FrozenKick.h) ----

    void subpixelTransposedConv1dIsExact_data() {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("stride");
        QTest::addColumn<int>("padding");
        QTest::newRow("hifigan x8") << 16 << 8 << 4;
        QTest::newRow("hifigan x2") << 4 << 2 << 1;
        QTest::newRow("stride 1") << 3 << 1 << 1;
        QTest::newRow("odd kernel") << 5 << 3 << 1;
    }

    void subpixelTransposedConv1dIsExact() {
        QFETCH(int, kernel);
        QFETCH(int, stride);
        QFETCH(int, padding);
        torch::NoGradGuard ng;
        auto w = torch::randn({6, 5, kernel}), b = torch::randn({5}), x = torch::randn({2, 6, 9});
        auto ref = torch::conv_transpose1d(x, w, b, stride, padding);
        auto [ws, bs] = ms::nn::subpixelWeight1d(w, b, stride, padding);
        const auto ax = ms::nn::subpixelAxis(kernel, stride, padding);
        auto y = ms::nn::interleavePhases1d(torch::conv1d(x, ws, bs, {1}, {ax.padding}), stride);
        QCOMPARE(shape(y), shape(ref));
        QVERIFY(torch::allclose(y, ref, 1e-5, 1e-5));
    }

    void subpixelRefusesKernelsItCannotMatch() {
        QVERIFY(!ms::nn::subpixelApplies(3, 2, 1));   // output 2T - 1, not 2T
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ms::nn::subpixelAxis(3, 2, 1));
    }

    void frozenConv2dMatchesTorch() {
        torch::NoGradGuard ng;
        auto x = torch::randn({2, 6, 8, 11});
        auto w = torch::randn({7, 6, 3, 3}), b = torch::randn({7});
        ms::nn::FrozenConv2d c(w, b, {2, 2}, {1, 1}, ms::nn::Precision::Float32);
        QVERIFY(torch::allclose(c(x), torch::conv2d(x, w, b, 2, 1), 1e-4, 1e-4));
        auto wt = torch::randn({6, 5, 4, 4}), bt = torch::randn({5});
        auto t = ms::nn::FrozenConv2d::transposed(wt, bt, {2, 2}, {1, 1}, ms::nn::Precision::Float32);
        auto ref = torch::conv_transpose2d(x, wt, bt, 2, 1);
        QCOMPARE(shape(t(x)), shape(ref));
        QVERIFY(torch::allclose(t(x), ref, 1e-4, 1e-4));
    }

    void frozenUNetMatchesTheModule_data() {
        QTest::addColumn<QString>("preset");
        QTest::newRow("tiny") << "tiny";
        QTest::newRow("paper") << "paper";
    }

    void frozenUNetMatchesTheModule() {
        QFETCH(QString, preset);
        c10::InferenceMode im;
        auto cfg = KickModelConfig::fromPreset(preset.toStdString(), Vocab({"a"}));
        LatentUNet unet(cfg.unet);
        unet->eval();
        auto x = torch::randn({3, 4, 8, 11}), c = torch::randn({3, cfg.unet.condDim});
        auto t = torch::tensor({int64_t(0), int64_t(500), int64_t(999)});
        auto ref = unet->forward(x, t, c);
        FrozenUNet f32(*unet, ms::nn::Precision::Float32);
        QVERIFY(torch::allclose(f32.forward(x, t, c), ref, 1e-4, 1e-4));
        // bfloat16 keeps 8 bits of mantissa: the prediction stays within a few
        // per cent (on the shipped model, generated mels moved by 2% of the
        // distance between two seeds' kicks).
        if (!ms::nn::cpuCanRunBf16()) QSKIP("this CPU has no AVX-512: oneDNN runs no bfloat16 convolutions");
        FrozenUNet b16(*unet, ms::nn::Precision::BFloat16);
        const double rel = ((b16.forward(x, t, c) - ref).norm() / ref.norm()).item<double>();
        QVERIFY2(rel < 0.05, qPrintable(QString::number(rel)));
    }

    void frozenVaeDecoderMatchesTheModule_data() { frozenUNetMatchesTheModule_data(); }

    void frozenVaeDecoderMatchesTheModule() {
        QFETCH(QString, preset);
        c10::InferenceMode im;
        auto cfg = VaeConfig::preset(preset.toStdString());
        KickVAE vae(cfg);
        vae->eval();
        const auto [h, w] = vaeLatentSize(cfg);
        auto z = torch::randn({2, cfg.latentChannels, h, w});
        auto ref = vae->decode(z);
        FrozenVaeDecoder f(*vae, ms::nn::Precision::Float32);
        auto y = f.decode(z);
        QCOMPARE(shape(y), shape(ref));
        QVERIFY(torch::allclose(y, ref, 1e-4, 1e-4));
    }

    void frozenSamplerGivesTheModulesKick() {
        c10::InferenceMode im;
        TinySampler tiny;
        auto &unet = tiny.unet;
        auto &text = tiny.text;
        auto &sched = tiny.sched;
        FrozenUNet f(*unet, ms::nn::Precision::Float32);
        const EpsModel frozen = epsModel(f);
        SampleOptions o;
        o.steps = 10;
        auto c = text->forward(KeywordEncoderImpl::padIds({{0}}));
        auto g1 = makeGenerators(5, 2), g2 = makeGenerators(5, 2);
        auto a = ddim(*unet, sched, c.expand({2, -1}), text->nullCond(2), {4, 8, 11}, g1, o);
        auto b = ddim(frozen, sched, c.expand({2, -1}), text->nullCond(2), {4, 8, 11}, g2, o);
        QVERIFY(torch::allclose(a, b, 1e-3, 1e-3));
    }
};

QTEST_GUILESS_MAIN(TestKickModels)
#include "tst_kickmodels.moc"
