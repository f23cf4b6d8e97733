// KickPipeline: the kick latent diffusion inference path (design document 004).
#include "infer/kick/KickPipeline.h"

#include "audio/Edit.h"
#include "device/Device.h"
#include "dsp/LogMelTorch.h"
#include "io/ModelDirs.h"
#include "models/kick/Diffusion.h"
#include "models/kick/FrozenKick.h"
#include "models/kick/Package.h"
#include "util/Fs.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace ms::infer::kick {

namespace mk = ms::models::kick;
namespace stdfs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

constexpr int kSamples = 88200;   // 2 s at 44.1 kHz

std::vector<float> toVector(const torch::Tensor &t) {
    auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

} // namespace

void finishKick(std::vector<float> &x, int sr) {
    // y[n] = x[n] - x[n-1] + r y[n-1], r = exp(-2 pi 10 / sr), from rest at 0:
    // an offset c becomes a transient c r^n at the onset (time constant 16 ms).
    if (sr > 0) {
        const double r = std::exp(-2.0 * M_PI * 10.0 / double(sr));
        double prevX = 0.0, prevY = 0.0;
        for (float &v : x) {
            const double y = double(v) - prevX + r * prevY;
            prevX = v;
            prevY = y;
            v = float(y);
        }
    }
    float peak = 0;
    for (float v : x) peak = std::max(peak, std::abs(v));
    if (peak > 0)
        for (float &v : x) v *= 0.95f / peak;
    const size_t a = size_t(1.0 * sr), b = size_t(1.75 * sr);
    for (size_t i = a; i < x.size(); ++i) {
        if (i < b) {
            const double r = 1.0 - double(i - a) / double(b - a - 1);
            x[i] *= float(r * r * r);
        } else {
            x[i] = 0.f;
        }
    }
}

namespace {

// "<dir>: <what> failed: <first line of the exception>" (LibTorch appends a stack trace).
Error failure(const std::string &dir, const char *what, const std::exception &e) {
    std::string msg = e.what();
    if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
    return fail(dir + ": " + what + " failed: " + msg);
}

using ms::device::ScopedThreads;

std::vector<float> prepareClip(const std::vector<float> &mono, int sr) {
    std::vector<float> x = mono;
    audio::shapeClip(x, size_t(kSamples), -1.0f, size_t(0.2 * sr));
    return x;
}

} // namespace

struct KickPipeline::Impl {
    mk::KickPackage pkg;
    torch::Device device{torch::kCPU};
    std::unique_ptr<mk::NoiseSchedule> schedule;
    std::unique_ptr<dsp::LogMelTransform> mel;
    std::string dir, id;
    int melMatch = -1;   // KickPipeline::setMelMatch; -1: the package's
    int melMatchPasses() const { return melMatch >= 0 ? melMatch : pkg.vocoder ? pkg.vocoder->config().melMatch : 0; }
    // CPU inference copies, built on first use (models/kick/FrozenKick.h).
    std::unique_ptr<mk::FrozenUNet> frozenUnet[2];   // by Precision
    std::unique_ptr<mk::FrozenVaeDecoder> frozenDecoder;

    std::mutex frozenMutex;   // guards building them

    bool frozen() const { return device.is_cpu() && ms::nn::frozenConvAvailable(); }

    const mk::FrozenUNet &unetFor(ms::nn::Precision p) {
        std::lock_guard<std::mutex> lock(frozenMutex);
        auto &f = frozenUnet[p == ms::nn::Precision::BFloat16 ? 1 : 0];
        if (!f) f = std::make_unique<mk::FrozenUNet>(*pkg.unet, p);
        return *f;
    }

    // [B,latent,h,w] -> [B,1,nMels,frames].
    torch::Tensor decode(const torch::Tensor &z) {
        if (!frozen()) return pkg.vae->decode(z);
        const mk::FrozenVaeDecoder *dec = nullptr;
        {
            std::lock_guard<std::mutex> lock(frozenMutex);
            if (!frozenDecoder)
                frozenDecoder = std::make_unique<mk::FrozenVaeDecoder>(*pkg.vae, ms::nn::Precision::Float32);
            dec = frozenDecoder.get();
        }
        return dec->decode(z);
    }

    // [B,1,nMels,frames] log-mel -> [B,kSamples] audio.
    torch::Tensor synthesize(const torch::Tensor &logMel, bool neural, int glIters, uint64_t seed) {
        auto m = logMel.squeeze(1);
        torch::Tensor wave;
        if (neural) {
            wave = pkg.vocoder->forward(m).squeeze(1);
            if (const int passes = melMatchPasses(); passes > 0) {
                ScopedThreads one(1, device.is_cpu());   // small FFTs, as Griffin-Lim's
                wave = mel->matchMel(wave, m, passes);
            }
        } else {
            // Griffin-Lim's FFTs and elementwise ops are small: on the quiet
            // 2-core VM one thread took 108-113 ms per kick, two 128-168 ms.
            ScopedThreads one(1, device.is_cpu());
            auto mag = mel->melToMagnitude(m);
            wave = mel->griffinLim(mag, glIters, kSamples, 0.99, seed);
        }
        if (wave.size(-1) >= kSamples) return wave.narrow(-1, 0, kSamples);
        return torch::constant_pad_nd(wave, {0, kSamples - wave.size(-1)});
    }
};

KickPipeline::KickPipeline() : d(std::make_unique<Impl>()) {}
KickPipeline::~KickPipeline() = default;

Result<std::unique_ptr<KickPipeline>> KickPipeline::load(const std::string &packageDir, const std::string &device) {
    std::string devErr;
    const std::string dev = ms::device::resolve(device, &devErr);
    if (!devErr.empty() && device.rfind("cuda", 0) == 0) return fail(devErr);
    std::unique_ptr<KickPipeline> p(new KickPipeline());
    try {
        p->d->device = torch::Device(dev);
        auto pkg = mk::loadKickPackage(packageDir, p->d->device);
        if (!pkg) return Error{pkg.error()};
        p->d->pkg = std::move(*pkg);
        auto &k = p->d->pkg;
        k.vae->eval();
        k.unet->eval();
        k.text->eval();
        if (k.vocoder) {
            k.vocoder->eval();
            k.vocoder->prepareInference();
        }
        p->d->schedule = std::make_unique<mk::NoiseSchedule>(k.config.diffusion, p->d->device);
        p->d->mel = std::make_unique<dsp::LogMelTransform>(k.config.mel, p->d->device);
        p->d->dir = packageDir;
        p->d->id = ms::fs::u8string(ms::fs::u8path(packageDir).lexically_normal().filename());
        if (p->d->id.empty()) p->d->id = ms::fs::u8string(ms::fs::u8path(packageDir).lexically_normal().parent_path().filename());
        p->d->id += " (kick-ldm v1, " + k.config.preset + ")";
    } catch (const std::exception &e) {
        return fail(packageDir + ": cannot load the model: " + e.what());
    }
    return p;
}

void KickPipeline::parsePrompt(const std::string &prompt, std::vector<std::string> &known,
                               std::vector<std::string> &unknown) const {
    known.clear();
    unknown.clear();
    for (const auto &w : mk::tokenizePrompt(prompt)) {
        if (d->pkg.config.vocab.id(w) >= 0) known.push_back(w);
        else unknown.push_back(w);
    }
}

const std::vector<std::string> &KickPipeline::vocabulary() const { return d->pkg.config.vocab.words(); }
bool KickPipeline::hasVocoder() const { return static_cast<bool>(d->pkg.vocoder); }
int KickPipeline::melMatch() const { return d->melMatchPasses(); }
void KickPipeline::setMelMatch(int passes) { d->melMatch = std::clamp(passes, -1, 16); }
std::string KickPipeline::vocoderName() const { return hasVocoder() ? d->pkg.vocoder->config().arch : "griffinlim"; }
const std::vector<std::string> &KickPipeline::warnings() const { return d->pkg.warnings; }
std::string KickPipeline::device() const { return d->device.str(); }
bool KickPipeline::supportsBf16() const { return d->frozen() && ms::nn::cpuCanRunBf16(); }
std::string KickPipeline::autoPrecision() const {
    return d->frozen() && ms::nn::cpuHasNativeBf16() ? "bf16" : "fp32";
}
std::string KickPipeline::modelId() const { return d->id; }
std::string KickPipeline::packageDir() const { return d->dir; }

Result<KickResult> KickPipeline::run(const KickParams &params, const StepCallback &onStep,
                                     const std::atomic<bool> *cancel) {
    if (params.count < 1) return fail("generate: count must be at least 1");
    if (params.sampler != "ddim" && params.sampler != "ddpm")
        return fail("generate: unknown sampler '" + params.sampler + "' (ddim, ddpm)");
    if (params.vocoder != "auto" && params.vocoder != "hifigan" && params.vocoder != "istft" &&
        params.vocoder != "griffinlim")
        return fail("generate: unknown vocoder '" + params.vocoder + "' (auto, hifigan, istft, griffinlim)");
    if ((params.vocoder == "hifigan" || params.vocoder == "istft") && !hasVocoder())
        return fail(d->dir + ": this model has no vocoder; use --vocoder griffinlim or auto");
    if ((params.vocoder == "hifigan" || params.vocoder == "istft") && params.vocoder != vocoderName())
        return fail(d->dir + ": this model's vocoder is " + vocoderName() + ", not " + params.vocoder +
                    "; use --vocoder auto, " + vocoderName() + " or griffinlim");
    if (params.sampler == "ddim" && (params.steps < 1 || params.steps > d->schedule->timesteps()))
        return fail("generate: steps must be between 1 and " + std::to_string(d->schedule->timesteps()));
    if (params.precision != "auto" && params.precision != "fp32" && params.precision != "bf16")
        return fail("generate: unknown precision '" + params.precision + "' (auto, fp32, bf16)");
    if (params.precision == "bf16" && d->device.is_cpu() && d->frozen() && !ms::nn::cpuCanRunBf16())
        return fail("generate: --precision bf16 needs a CPU with AVX-512 (BW, VL, DQ); this one has none: "
                    "use fp32 or auto");

    KickResult res;
    res.params = params;
    res.modelId = d->id;
    const bool neural = params.vocoder != "griffinlim" && hasVocoder();
    res.vocoderUsed = neural ? vocoderName() : "griffinlim";
    try {
        c10::InferenceMode guard;
        auto &k = d->pkg;
        const auto t0 = Clock::now();
        parsePrompt(params.prompt, res.keywordsUsed, res.unknownWords);
        const int64_t b = params.count;
        auto ids = mk::KeywordEncoderImpl::padIds({k.config.vocab.encode(res.keywordsUsed)}).to(d->device);
        auto cond = k.text->forward(ids).expand({b, -1}).contiguous();
        auto uncond = k.text->nullCond(b).contiguous();
        res.timingsMs["prompt"] = msSince(t0);

        const auto [h, w] = mk::vaeLatentSize(k.config.vae);
        const std::vector<int64_t> row{k.config.vae.latentChannels, h, w};
        auto gens = mk::makeGenerators(params.seed, params.count);
        mk::SampleOptions opt;
        opt.steps = params.steps;
        opt.eta = params.eta;
        opt.guidance = params.guidance;
        mk::EpsModel eps = mk::epsModel(*k.unet);
        res.precisionUsed = "fp32";
        if (d->frozen()) {
            const auto prec =
                ms::nn::parsePrecision(params.precision == "auto" ? autoPrecision() : params.precision);
            eps = mk::epsModel(d->unetFor(prec));
            res.precisionUsed = ms::nn::precisionName(prec);
        }
        mk::LatentCallback cb;
        if (onStep)
            cb = [&](int step, int total, const torch::Tensor &x) {
                LatentFrame f;
                f.count = int(x.size(0));
                f.channels = int(x.size(1));
                f.height = int(x.size(2));
                f.width = int(x.size(3));
                f.data = toVector(x);
                onStep(step, total, f);
            };
        const auto t1 = Clock::now();
        torch::Tensor x;
        {
            ScopedThreads loopThreads(params.samplerThreads, d->device.is_cpu());
            res.samplerThreadsUsed = d->device.is_cpu() ? at::get_num_threads() : 0;
            x = params.sampler == "ddim" ? mk::ddim(eps, *d->schedule, cond, uncond, row, gens, opt, cb, cancel)
                                         : mk::ddpm(eps, *d->schedule, cond, uncond, row, gens, opt, cb, cancel);
        }
        res.timingsMs["sample"] = msSince(t1);
        if (!x.defined() || (cancel && cancel->load())) {
            res.cancelled = true;
            res.timingsMs["total"] = msSince(t0);
            return res;
        }
        // On CPU the decoder and the vocoder run one kick at a time: measured on
        // the 2-core machine, a batch of 16 through oneDNN took several times
        // longer per kick than single kicks (cache-sized working set).
        const int64_t chunk = d->device.is_cpu() ? 1 : b;
        const auto t2 = Clock::now();
        std::vector<torch::Tensor> mels, waves;
        for (int64_t s = 0; s < b; s += chunk)
            mels.push_back(d->decode(x.narrow(0, s, std::min(chunk, b - s)) * k.config.latentScale));
        auto logMel = torch::cat(mels, 0);   // [B,1,nMels,frames]
        res.timingsMs["decode"] = msSince(t2);
        const auto t3 = Clock::now();
        for (int64_t s = 0; s < b; s += chunk)
            waves.push_back(d->synthesize(mels[size_t(s / chunk)], neural, params.griffinLimIterations,
                                          params.seed + uint64_t(s)));
        auto wave = torch::cat(waves, 0);
        res.timingsMs["vocoder"] = msSince(t3);
        const auto t4 = Clock::now();
        auto waveC = wave.to(torch::kCPU).contiguous();
        auto melC = logMel.to(torch::kCPU).contiguous();
        auto latC = x.to(torch::kCPU).contiguous();
        for (int i = 0; i < params.count; ++i) {
            KickTake t;
            t.audio = toVector(waveC[i]);
            if (params.finish) finishKick(t.audio, k.config.sampleRate);
            t.sampleRate = k.config.sampleRate;
            t.mel = toVector(melC[i]);
            t.nMels = int(melC.size(2));
            t.frames = int(melC.size(3));
            t.latent = toVector(latC[i]);
            t.seed = params.seed + uint64_t(i);
            res.takes.push_back(std::move(t));
        }
        res.timingsMs["post"] = msSince(t4);
        res.timingsMs["total"] = msSince(t0);
    } catch (const std::exception &e) {
        return failure(d->dir, "generation", e);
    }
    return res;
}

Result<KickTake> KickPipeline::reconstruct(const std::vector<float> &mono44k, bool griffinLim) {
    if (mono44k.empty()) return fail("reconstruct: empty input");
    try {
        c10::InferenceMode guard;
        auto &k = d->pkg;
        auto clip = prepareClip(mono44k, k.config.sampleRate);
        auto wave = torch::from_blob(clip.data(), {int64_t(clip.size())}, torch::kFloat32).clone().to(d->device);
        auto lm = (*d->mel)(wave).unsqueeze(0).unsqueeze(0);   // [1,1,nMels,frames]
        auto mu = k.vae->encode(lm).first;
        auto rec = d->decode(mu);
        auto audio = d->synthesize(rec, hasVocoder() && !griffinLim, 64, 0);
        KickTake t;
        t.audio = toVector(audio[0]);
        t.sampleRate = k.config.sampleRate;
        t.mel = toVector(rec[0]);
        t.nMels = int(rec.size(2));
        t.frames = int(rec.size(3));
        t.latent = toVector(mu[0]);
        return t;
    } catch (const std::exception &e) {
        return failure(d->dir, "reconstruction", e);
    }
}

Result<KickTake> KickPipeline::vocode(const std::vector<float> &mono44k, bool griffinLim) {
    if (mono44k.empty()) return fail("vocode: empty input");
    try {
        c10::InferenceMode guard;
        auto &k = d->pkg;
        auto clip = prepareClip(mono44k, k.config.sampleRate);
        auto wave = torch::from_blob(clip.data(), {int64_t(clip.size())}, torch::kFloat32).clone().to(d->device);
        auto lm = (*d->mel)(wave).unsqueeze(0).unsqueeze(0);
        auto audio = d->synthesize(lm, hasVocoder() && !griffinLim, 64, 0);
        KickTake t;
        t.audio = toVector(audio[0]);
        t.sampleRate = k.config.sampleRate;
        t.mel = toVector(lm[0]);
        t.nMels = int(lm.size(2));
        t.frames = int(lm.size(3));
        return t;
    } catch (const std::exception &e) {
        return failure(d->dir, "vocoding", e);
    }
}

int KickPipeline::melBins() const { return int(d->pkg.config.vae.nMels); }
int KickPipeline::melFrames() const { return int(d->pkg.config.vae.frames); }
const dsp::MelConfig &KickPipeline::melConfig() const { return d->pkg.config.mel; }

Result<std::vector<float>> KickPipeline::autoencodeMel(const std::vector<float> &mel) {
    const int64_t nm = melBins(), nf = melFrames();
    if (int64_t(mel.size()) != nm * nf)
        return fail("autoencode: the mel has " + std::to_string(mel.size()) + " values; the model takes " +
                    std::to_string(nm) + " x " + std::to_string(nf));
    try {
        c10::InferenceMode guard;
        auto &k = d->pkg;
        auto lm = torch::from_blob(const_cast<float *>(mel.data()), {1, 1, nm, nf}, torch::kFloat32).clone().to(d->device);
        auto rec = d->decode(k.vae->encode(lm).first);
        return toVector(rec[0]);
    } catch (const std::exception &e) {
        return failure(d->dir, "autoencoding", e);
    }
}

Result<std::vector<float>> KickPipeline::synthesizeMel(const std::vector<float> &mel, const std::string &vocoder,
                                                       int glIters, std::uint64_t seed) {
    const int64_t nm = melBins();
    if (mel.empty() || int64_t(mel.size()) % nm != 0)
        return fail("synthesize: the mel's size is not a multiple of " + std::to_string(nm) + " bins");
    if (vocoder != "hifigan" && vocoder != "istft" && vocoder != "griffinlim")
        return fail("synthesize: unknown vocoder '" + vocoder + "' (hifigan, istft, griffinlim)");
    if (vocoder != "griffinlim" && !hasVocoder()) return fail(d->dir + ": this model has no vocoder");
    if (vocoder != "griffinlim" && vocoder != vocoderName())
        return fail(d->dir + ": this model's vocoder is " + vocoderName() + ", not " + vocoder);
    try {
        c10::InferenceMode guard;
        auto lm = torch::from_blob(const_cast<float *>(mel.data()), {1, 1, nm, int64_t(mel.size()) / nm}, torch::kFloat32)
                      .clone()
                      .to(d->device);
        return toVector(d->synthesize(lm, vocoder != "griffinlim", glIters, seed)[0]);
    } catch (const std::exception &e) {
        return failure(d->dir, "synthesis", e);
    }
}

std::string defaultKickModelDir() {
    // $MELSTUDIO_MODEL_DIR may also name the kick package itself.
    if (const char *env = std::getenv("MELSTUDIO_MODEL_DIR"); env && *env) {
        std::error_code ec;
        if (stdfs::exists(ms::fs::u8path(env) / "model.json", ec)) return env;
    }
    return io::defaultModelDir("kick-default");
}

} // namespace ms::infer::kick
