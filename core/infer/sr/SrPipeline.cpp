// Audio super-resolution of whole files (see SrPipeline.h).
#include "infer/sr/SrPipeline.h"

#include "audio/Resample.h"
#include "diffusion/Schedule.h"
#include "dsp/Iir.h"
#include "infer/sr/Chunker.h"
#include "io/Json.h"
#include "io/TensorIO.h"
#include "nn/Autocast.h"
#include "nn/Frozen.h"
#include "util/Fs.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <sstream>

namespace ms::infer::sr {

namespace msr = ms::models::sr;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

std::string hz(double f) {
    std::ostringstream o;
    o.precision(0);
    o << std::fixed << f << " Hz";
    return o.str();
}


} // namespace

std::string resolvePrecision(const std::string &p, torch::Device device) {
    if (p == "fp32" || p == "bf16" || p == "fp16") return p;
    if (p != "auto") throw std::invalid_argument("precision must be auto, fp32 or bf16 (got '" + p + "')");
    if (device.is_cuda()) return "fp16";
    return nn::cpuHasNativeBf16() ? "bf16" : "fp32";
}

double detectCutoffHz(const std::vector<double> &energy, int sampleRate, int nFft) {
    const auto bin = msr::locateCutoffBin(energy, 0.985);
    double f = double(bin) / double(nFft / 2) * (sampleRate / 2.0);
    if (f < 1000.0) f = sampleRate / 2.0;   // AudioSR: "almost empty", give up
    return f;
}

std::vector<float> audioSrLowpass(const std::vector<float> &x, double cutoffHz, int sr, const std::string &filter,
                                  int order) {
    const auto sos = dsp::lowpassSos(dsp::parseIirType(filter), order, cutoffHz, sr, 0.1);
    auto y = dsp::sosFiltFilt(sos, x);
    const double down = std::floor(2.0 * cutoffHz);
    if (down >= 1000 && down < sr) {
        auto lo = audio::resample(y, sr, down);
        if (lo) {
            auto back = audio::resample(*lo, down, sr);
            if (back) {
                back->resize(y.size(), 0.0f);
                y = std::move(*back);
            }
        }
    }
    return dsp::sosFiltFilt(sos, y);
}

SrPipeline::SrPipeline(msr::SrModel model, torch::Device device)
    : m_model(std::move(model)), m_device(device), m_frontend(m_model->config().mel) {
    m_model->eval();
    m_model->to(device);
}

Result<std::unique_ptr<SrPipeline>> SrPipeline::load(const std::string &source, torch::Device device,
                                                     std::string *report, const msr::SrLoadOptions &options) {
    try {
        if (source.rfind("random:", 0) == 0) {
            auto model = msr::SrModel(msr::SrModelConfig::preset(source.substr(7)));
            if (report) *report = "random weights (" + source.substr(7) + " preset)";
            return std::make_unique<SrPipeline>(model, device);
        }
        const auto p = fs::u8path(source);
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            auto j = io::readJsonFile(source + "/model.json");
            if (!j) return Error{j.error()};
            if (io::jsonValueOr<std::string>(*j, "family", "") != "sr")
                return fail(source + "/model.json: not a super-resolution model (family is not \"sr\")");
            msr::SrModelConfig cfg;
            try {
                cfg = msr::SrModelConfig::fromJson(j->at("components"));
            } catch (const std::exception &e) {
                return fail(source + "/model.json: " + e.what());
            }
            if (auto why = cfg.validate(); !why.empty()) return fail(source + "/model.json: " + why);
            msr::SrModel model(cfg);
            auto loaded = msr::loadSrCheckpoint(*model, source + "/model.safetensors", options);
            if (!loaded) return Error{loaded.error()};
            if (report) *report = loaded->text();
            return std::make_unique<SrPipeline>(model, device);
        }
        if (!std::filesystem::exists(p, ec)) return fail(source + ": no such model file or folder");
        // A bare AudioSR checkpoint: the audiosr preset, with its global parts fresh.
        auto cfg = msr::SrModelConfig::preset("audiosr");
        msr::SrModel model(cfg);
        auto loaded = msr::loadSrCheckpoint(*model, source, options);
        if (!loaded) return Error{loaded.error()};
        if (report) *report = loaded->text();
        return std::make_unique<SrPipeline>(model, device);
    } catch (const std::exception &e) {
        return fail(source + ": " + e.what());
    }
}

std::vector<float> SrPipeline::enhanceChunk(const std::vector<float> &xIn, double cutoffHz, uint64_t seed,
                                            const SrOptions &opt, const std::function<void(int, int)> &stepProgress) {
    c10::InferenceMode guard;
    const std::string precision = resolvePrecision(opt.precision, m_device);
    const auto &cfg = m_model->config();
    const int hop = cfg.mel.hop, sr = cfg.mel.sampleRate;
    const int64_t n = int64_t(xIn.size());
    const int64_t unit = int64_t(cfg.padFrames) * hop;
    const int64_t padded = std::max<int64_t>(unit, (n + unit - 1) / unit * unit);
    std::vector<float> x(xIn);
    x.resize(size_t(padded), 0.0f);
    auto xl = audioSrLowpass(x, std::min(cutoffHz, sr / 2.0 * 0.999), sr, opt.filter);

    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    auto toDev = [&](torch::Tensor t) { return t.to(m_device); };
    auto wave = toDev(torch::from_blob(x.data(), {1, padded}, torch::kFloat32).clone());
    auto waveLow = toDev(torch::from_blob(xl.data(), {1, padded}, torch::kFloat32).clone());
    auto melLow = m_frontend.logMel(waveLow);   // [1,T,M]

    // The condition latent is a posterior sample, as AudioSR's VAEFeatureExtract draws it.
    torch::Tensor moments, ctx;
    {
        nn::AutocastScope autocast(precision, m_device);   // the model's arithmetic only; the front end stays fp32
        moments = m_model->conditionMoments(melLow).to(torch::kFloat32);
        if (opt.useGlobal) ctx = m_model->globalContext(melLow);
    }
    auto post = msr::posteriorFromMoments(moments);
    auto c = post.mean + torch::exp(0.5 * post.logvar) * toDev(torch::randn(post.mean.sizes(), gen));
    if (ctx.defined()) ctx = ctx.to(torch::kFloat32);

    const auto &d = cfg.diffusion;
    const auto alphasCumprod = diffusion::cumulativeAlphas(diffusion::makeBetas(diffusion::BetaSchedule::Cosine, d.timesteps, 0, 0, d.cosineS));
    const auto sched = diffusion::makeDdimSchedule(alphasCumprod, opt.steps, opt.eta);
    auto xt = toDev(torch::randn(c.sizes(), gen));
    const bool cfgOn = opt.guidance != 1.0;
    auto uncond = torch::full_like(c, d.uncondValue);
    auto cIn = cfgOn ? torch::cat({c, uncond}, 0) : c;
    auto ctxIn = ctx.defined() && cfgOn ? torch::cat({ctx, ctx}, 0) : ctx;
    const auto param = d.vPrediction ? diffusion::Parameterization::V : diffusion::Parameterization::Eps;
    const int N = int(sched.timesteps.size());
    for (int i = N - 1; i >= 0; --i) {
        const int64_t t = sched.timesteps[size_t(i)];
        torch::Tensor out;
        nn::AutocastScope autocast(precision, m_device);
        if (cfgOn) {
            auto both = m_model->denoise(torch::cat({xt, xt}, 0), cIn, torch::full({2}, t, torch::kInt64).to(m_device), ctxIn);
            auto parts = both.to(torch::kFloat32).chunk(2, 0);
            out = parts[1] + opt.guidance * (parts[0] - parts[1]);
        } else {
            out = m_model->denoise(xt, cIn, torch::full({1}, t, torch::kInt64).to(m_device), ctxIn).to(torch::kFloat32);
        }
        const double sigma = sched.sigmas[size_t(i)];
        auto noise = sigma > 0 ? toDev(torch::randn(xt.sizes(), gen)) : torch::Tensor();
        xt = diffusion::ddimStep(xt, out, param, sched.alphas[size_t(i)], sched.alphasPrev[size_t(i)], sigma, noise);
        if (stepProgress) stepProgress(N - i, N);
    }

    // Decode, then AudioSR's mel replacement below the condition's cutoff mel bin.
    torch::Tensor mel;
    {
        nn::AutocastScope autocast(precision, m_device);
        mel = m_model->decodeLatent(xt).to(torch::kFloat32);   // [1,T,M]
    }
    {
        auto energy = melLow[0].exp().sum(0).to(torch::kFloat64).cpu().contiguous();
        std::vector<double> e(energy.data_ptr<double>(), energy.data_ptr<double>() + energy.numel());
        const auto bin = msr::locateCutoffBin(e, 0.985);
        if (bin > 0) mel.narrow(2, 0, bin).copy_(melLow.narrow(2, 0, bin));
    }
    torch::Tensor y;
    {
        nn::AutocastScope autocast(precision, m_device);
        y = m_model->vocode(mel).to(torch::kFloat32);   // [1, T*hop]
    }
    if (y.size(1) < padded) y = torch::constant_pad_nd(y, {0, padded - y.size(1)});

    // Low band from the input's STFT (librosa defaults: 2048 / 512, centred,
    // reflect), scaled by AudioSR's energy ratio at the cutoff bin, clipped to [0.8, 1.2].
    const int64_t nfft = 2048, hopS = 512;
    auto window = torch::hann_window(nfft, torch::TensorOptions().dtype(torch::kFloat32).device(m_device));
    auto X = torch::stft(wave, nfft, hopS, nfft, window, true, "reflect", false, true, true);
    auto Y = torch::stft(y, nfft, hopS, nfft, window, true, "reflect", false, true, true);
    const int64_t ci = std::clamp<int64_t>(int64_t(std::floor(cutoffHz / (sr / 2.0) * (nfft / 2))), 0, nfft / 2);
    if (ci > 0) {
        const double num = X.select(1, ci).abs().sum().item<double>(), den = Y.select(1, ci).abs().sum().item<double>();
        double ratio = den > 0 ? num / den : 1.0;
        ratio = std::clamp(ratio, 0.8, 1.2);
        Y.narrow(1, 0, ci).copy_(X.narrow(1, 0, ci) / ratio);
    }
    auto outWave = torch::istft(Y, nfft, hopS, nfft, window, true, false, true, padded).cpu().contiguous();
    const float *p = outWave.data_ptr<float>();
    return std::vector<float>(p, p + n);
}

Result<SrFileResult> SrPipeline::upsampleFile(const std::string &input, const std::string &output,
                                              const SrOptions &opt, const audio::WriteOptions &write,
                                              const SrProgressFn &progress, const std::atomic<bool> *cancel) {
    const auto t0 = Clock::now();
    const auto &cfg = m_model->config();
    const int sr = cfg.mel.sampleRate;
    if (opt.steps < 1 || opt.steps > cfg.diffusion.timesteps)
        return fail("--steps must be between 1 and " + std::to_string(cfg.diffusion.timesteps));
    try {
        (void)dsp::parseIirType(opt.filter);
    } catch (const std::exception &e) {
        return fail(e.what());
    }
    if (fs::u8path(input) == fs::u8path(output)) return fail(input + ": the output would replace the input");
    auto reader = audio::AudioReader::open(input);
    if (!reader) return Error{reader.error()};
    auto &in = **reader;
    const int ch = in.info().channels, srcRate = in.info().sampleRate;
    if (srcRate < 1000 || srcRate > 768000) return fail(input + ": sample rate " + std::to_string(srcRate) + " Hz is not supported");

    SrFileResult res;
    res.input = input;
    res.output = output;
    res.inputRate = srcRate;
    res.channels = ch;

    // Reads [start48, start48 + len) at the model's rate, all channels.
    const int64_t g = std::gcd(int64_t(srcRate), int64_t(sr));
    const int64_t srcUnit = srcRate / g, dstUnit = sr / g;
    auto readWindow = [&](int64_t start48, int64_t len) -> Result<std::vector<std::vector<float>>> {
        if (srcRate == sr) {
            auto r = in.read(start48, len);
            if (!r) return Error{r.error()};
            for (auto &c : *r) c.resize(size_t(len), 0.0f);
            return r;
        }
        // An aligned source window with a margin, resampled, then cut.
        const int64_t marginUnits = std::max<int64_t>(1, 4096 / srcUnit + 1);
        const int64_t u0 = std::max<int64_t>(0, start48 / dstUnit - marginUnits);
        const int64_t u1 = (start48 + len + dstUnit - 1) / dstUnit + marginUnits;
        auto r = in.read(u0 * srcUnit, (u1 - u0) * srcUnit);
        if (!r) return Error{r.error()};
        std::vector<std::vector<float>> out(static_cast<size_t>(ch));
        for (int c = 0; c < ch; ++c) {
            auto &src = (*r)[size_t(c)];
            src.resize(size_t((u1 - u0) * srcUnit), 0.0f);
            auto y = audio::resample(src, srcRate, sr);
            if (!y) return Error{input + ": " + y.error()};
            const int64_t off = start48 - u0 * dstUnit;
            auto &o = out[size_t(c)];
            o.assign(size_t(len), 0.0f);
            for (int64_t k = 0; k < len && off + k < int64_t(y->size()); ++k) o[size_t(k)] = (*y)[size_t(off + k)];
        }
        return out;
    };

    // Pass 1: length, level and spectrum of the whole file, block by block
    // (bounded memory). The header's length is only a hint: reading stops
    // where the data does.
    const int64_t block = int64_t(cfg.chunkSamples());
    const int nfft = cfg.mel.nFft;
    std::vector<double> energy(size_t(nfft / 2 + 1), 0.0);
    double sumSq = 0, peak = 0;
    int64_t srcFrames = 0;
    {
        auto window = torch::hann_window(nfft);
        const int64_t srcBlock = std::max<int64_t>(srcUnit, block / dstUnit * srcUnit);
        for (;;) {
            if (cancel && *cancel) return fail(input + ": cancelled");
            auto r = in.read(srcFrames, srcBlock);
            if (!r) return Error{r.error()};
            const int64_t got = r->empty() ? 0 : int64_t((*r)[0].size());
            if (got == 0) break;
            srcFrames += got;
            for (int c = 0; c < ch; ++c) {
                auto &v = (*r)[size_t(c)];
                for (float x : v) {
                    sumSq += double(x) * x;
                    peak = std::max(peak, double(std::fabs(x)));
                }
                std::vector<float> at48 = v;
                if (srcRate != sr) {
                    auto y = audio::resample(v, srcRate, sr);
                    if (!y) return Error{input + ": " + y.error()};
                    at48 = std::move(*y);
                }
                if (int64_t(at48.size()) >= nfft) {
                    auto t = torch::from_blob(at48.data(), {int64_t(at48.size())}, torch::kFloat32);
                    auto mag = torch::stft(t, nfft, cfg.mel.hop, nfft, window, false, "reflect", false, true, true).abs();
                    auto e = mag.sum(1).to(torch::kFloat64).contiguous();
                    for (size_t k = 0; k < energy.size(); ++k) energy[k] += e.data_ptr<double>()[k];
                }
            }
            if (got < srcBlock) break;
        }
    }
    const int64_t frames48 = int64_t(std::llround(double(srcFrames) * sr / srcRate));
    if (frames48 <= 0) return fail(input + ": zero-length audio");
    if (!in.truncation().empty()) res.notes.push_back(in.truncation() + ": what the file holds is processed");
    res.seconds = double(frames48) / sr;
    const double count = double(srcFrames) * ch;
    const double rms = std::sqrt(sumSq / count);

    // The cutoff (per file, all channels together: the stereo image keeps one band edge).
    res.cutoffHz = opt.cutoffHz > 0 ? opt.cutoffHz : detectCutoffHz(energy, sr, nfft);
    if (opt.cutoffHz > 0 && (opt.cutoffHz < 500 || opt.cutoffHz >= sr / 2.0))
        return fail("--cutoff must lie between 500 Hz and " + hz(sr / 2.0));
    if (peak == 0) {
        res.unchanged = true;
        res.notes.push_back("digital silence: written unchanged");
    } else if (res.cutoffHz >= sr / 2.0 * 0.975) {
        res.unchanged = true;
        res.notes.push_back(opt.cutoffHz > 0 ? "cutoff at the band edge: nothing to extend, written unchanged"
                                             : "already full band (or no content above 1 kHz, where AudioSR gives up): written unchanged at 48 kHz");
    }

    // Level: the model sees AudioSR's normalised level (or document 003's quiet rule).
    res.quiet = rms < 0.001;
    double gain = 1.0;
    if (opt.level == LevelMode::Normalize) {
        gain = std::min(0.5 / std::max(peak, 1e-12), 1000.0);
    } else if (res.quiet && rms > 0) {
        gain = std::min({0.05 / rms, 1000.0, 0.95 / std::max(peak, 1e-12)});
    }
    res.modelGain = gain;
    if (res.quiet && !res.unchanged) {
        std::ostringstream o;
        o.precision(3);
        o << "quiet input (RMS " << rms << " < 0.001): raised " << gain << "x before the model (document 003)"
          << (opt.restoreLevel ? ", output returned at the input's level" : ", output kept at the raised level");
        res.notes.push_back(o.str());
    }
    const double outGain = opt.restoreLevel ? 1.0 : gain;

    audio::WriteOptions w = write;
    std::ostringstream comment;
    comment << "melstudio upsample: model " << cfg.presetName << ", steps " << opt.steps << ", guidance " << opt.guidance
            << ", seed " << opt.seed << ", cutoff " << hz(res.cutoffHz) << ", global " << (opt.useGlobal && cfg.global.enabled ? "on" : "off")
            << ", source " << srcRate << " Hz";
    if (w.comment.empty()) w.comment = comment.str();
    auto writer = audio::AudioWriter::create(output, sr, ch, w);
    if (!writer) return Error{writer.error()};

    const int64_t overlap = res.unchanged ? 0 : int64_t(opt.overlapFrames) * cfg.mel.hop;
    const auto plan = makeChunkPlan(frames48, block, std::min<int64_t>(overlap, block / 2 - 1));
    auto process = [&](int64_t index, int64_t start, int64_t len) -> Result<Channels> {
        if (cancel && *cancel) return fail(input + ": cancelled");
        auto win = readWindow(start, len);
        if (!win) return Error{win.error()};
        if (res.unchanged) {
            for (auto &c : *win)
                for (auto &s : c) s *= float(outGain);
            return *win;
        }
        Channels out(static_cast<size_t>(ch));
        for (int c = 0; c < ch; ++c) {
            std::vector<float> x((*win)[size_t(c)]);
            for (auto &s : x) s *= float(gain);
            // The same seed for every channel of a chunk keeps correlated channels correlated.
            auto y = enhanceChunk(x, res.cutoffHz, opt.seed + uint64_t(index), opt, [&](int step, int steps) {
                if (!progress) return;
                SrProgress pr;
                pr.chunk = index;
                pr.chunks = plan.count();
                pr.step = step;
                pr.steps = steps;
                pr.channel = c;
                pr.channels = ch;
                const double frac = (double(index) + (double(c) + double(step) / steps) / ch) / double(plan.count());
                pr.totalSeconds = res.seconds;
                pr.audioSeconds = frac * res.seconds;
                pr.elapsed = seconds(t0);
                pr.xRealTime = pr.elapsed > 0 ? pr.audioSeconds / pr.elapsed : 0;
                pr.etaSeconds = frac > 0 ? pr.elapsed * (1 - frac) / frac : 0;
                progress(pr);
            });
            for (auto &s : y) s = float(s / gain * outGain);
            out[size_t(c)] = std::move(y);
        }
        return out;
    };
    auto sink = [&](const Channels &c) { return (*writer)->write(c); };
    if (auto st = runChunked(plan, ch, process, sink); !st) return Error{st.error()};
    if (auto st = (*writer)->finish(); !st) return Error{st.error()};
    res.elapsed = seconds(t0);
    return res;
}

} // namespace ms::infer::sr
