// The Snake waveform VAE (one torch translation unit; see WaveVae.h).
#include "models/wavevae/WaveVae.h"

#include "io/Json.h"
#include "io/ModelDirs.h"
#include "io/TensorIO.h"
#include "util/Fs.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ms::models::wavevae {

namespace {

nn::NormConv conv(int in, int out, int kernel, int stride, int padding, int dilation, bool weightNorm,
                  bool transposed = false, bool bias = true, double gain = 1.0) {
    auto c = nn::normConv1d(in, out, kernel, stride, padding, dilation, 1,
                            weightNorm ? nn::NormKind::Weight : nn::NormKind::None, transposed, bias);
    // Variance-preserving initialisation: weights N(0, gain^2 / fan_in) (fan_in =
    // in x kernel, / stride for a transposed conv, whose outputs each see
    // kernel/stride taps per input channel), biases 0; the residual units' last
    // convolution at gain 0.1, so that fifteen of them in a row start near the
    // identity instead of doubling the variance each. PyTorch's default (uniform
    // +-1/sqrt(fan_in)) shrinks a signal ~sqrt(3)x per convolution, ~50x through
    // the encoder's seven, while the biases and Snake's non-negative sin^2 term add
    // offsets that do not shrink: the untrained encoder's latent was a constant
    // plus ~1 % signal, and 1000 steps of training did not undo it. On three
    // held-out clips after 300 steps of the cpu preset this init gave DAC mel
    // 4.36 / 4.89 / 3.54 against 4.78 / 6.67 / 4.16 with PyTorch's.
    torch::NoGradGuard ng;
    const double fan = double(in) * kernel / (transposed ? stride : 1);
    auto &v = weightNorm ? c->weight_v : c->weight;
    v.normal_(0.0, gain / std::sqrt(fan));
    if (weightNorm) {
        std::vector<int64_t> dims;
        for (int64_t d = 1; d < v.dim(); ++d) dims.push_back(d);
        c->weight_g.copy_(v.norm(2, dims, true));
    }
    if (bias) c->bias.zero_();
    return c;
}

} // namespace

SnakeImpl::SnakeImpl(int channels) {
    alpha = register_parameter("alpha", torch::zeros({channels}));
    beta = register_parameter("beta", torch::zeros({channels}));
}

torch::Tensor SnakeImpl::forward(const torch::Tensor &x) {
    auto a = alpha.exp().view({1, -1, 1});
    auto b = beta.exp().view({1, -1, 1});
    return x + (1.0 / (b + 1e-9)) * torch::sin(x * a).pow(2);
}

ResidualUnitImpl::ResidualUnitImpl(int c, int d, bool wn) {
    layers = register_module("layers", torch::nn::Sequential(Snake(c), conv(c, c, 7, 1, 3 * d, d, wn), Snake(c),
                                                             conv(c, c, 1, 1, 0, 1, wn, false, true, 0.1)));
}

torch::Tensor ResidualUnitImpl::forward(const torch::Tensor &x) { return x + layers->forward(x); }

WaveBlockImpl::WaveBlockImpl(torch::nn::Sequential seq) { layers = register_module("layers", seq); }

torch::Tensor WaveBlockImpl::forward(const torch::Tensor &x) { return layers->forward(x); }

WaveEncoderImpl::WaveEncoderImpl(const WaveVaeConfig &cfg) {
    torch::nn::Sequential s;
    const bool wn = cfg.weightNorm;
    s->push_back(conv(cfg.audioChannels, cfg.channels[0], 7, 1, 3, 1, wn));
    for (size_t i = 0; i < cfg.strides.size(); ++i) {
        const int ci = cfg.channels[i], co = cfg.channels[i + 1], st = cfg.strides[i];
        torch::nn::Sequential block;
        for (int d : cfg.dilations) block->push_back(ResidualUnit(ci, d, wn));
        block->push_back(Snake(ci));
        block->push_back(conv(ci, co, 2 * st, st, (st + 1) / 2, 1, wn));
        s->push_back(WaveBlock(block));
    }
    s->push_back(Snake(cfg.channels.back()));
    auto head = conv(cfg.channels.back(), 2 * cfg.latentDim, 3, 1, 1, 1, wn);
    {
        // The log-variance half starts at kInitialLogVar (noise std e^-3 = 0.05), not 0:
        // at std 1 the reparameterisation noise drowns the untrained encoder's mu
        // (|mu| ~ 0.1), the decoder learns to ignore the latent and the encoder then
        // gets no gradient. The cpu preset collapsed so (the latent constant over
        // time after 1000 steps). Imported weights replace this initial value.
        torch::NoGradGuard ng;
        head->bias.narrow(0, cfg.latentDim, cfg.latentDim).fill_(kInitialLogVar);
    }
    s->push_back(head);
    layers = register_module("layers", s);
}

torch::Tensor WaveEncoderImpl::forward(const torch::Tensor &x) { return layers->forward(x); }

WaveDecoderImpl::WaveDecoderImpl(const WaveVaeConfig &cfg) {
    torch::nn::Sequential s;
    const bool wn = cfg.weightNorm;
    s->push_back(conv(cfg.latentDim, cfg.channels.back(), 7, 1, 3, 1, wn));
    for (size_t k = cfg.strides.size(); k-- > 0;) {
        const int ci = cfg.channels[k + 1], co = cfg.channels[k], st = cfg.strides[k];
        torch::nn::Sequential block;
        block->push_back(Snake(ci));
        block->push_back(conv(ci, co, 2 * st, st, (st + 1) / 2, 1, wn, /*transposed=*/true));
        for (int d : cfg.dilations) block->push_back(ResidualUnit(co, d, wn));
        s->push_back(WaveBlock(block));
    }
    s->push_back(Snake(cfg.channels[0]));
    s->push_back(conv(cfg.channels[0], cfg.audioChannels, 7, 1, 3, 1, wn, false, /*bias=*/false));
    layers = register_module("layers", s);
}

torch::Tensor WaveDecoderImpl::forward(const torch::Tensor &z) { return layers->forward(z); }

WaveVaeImpl::WaveVaeImpl(const WaveVaeConfig &cfg) : m_cfg(cfg) {
    encoder = register_module("encoder", WaveEncoder(cfg));
    decoder = register_module("decoder", WaveDecoder(cfg));
}

std::pair<torch::Tensor, torch::Tensor> WaveVaeImpl::encode(const torch::Tensor &audio) {
    auto h = encoder->forward(audio);
    auto parts = h.chunk(2, 1);
    return {parts[0], parts[1]};
}

torch::Tensor WaveVaeImpl::decode(const torch::Tensor &z) { return decoder->forward(z); }

WaveVaeOutput WaveVaeImpl::forward(const torch::Tensor &audio, const torch::Tensor &eps) {
    auto [mu, logvar] = encode(audio);
    auto z = eps.defined() ? mu + eps * torch::exp(0.5 * logvar) : mu;
    return {decode(z), mu, logvar};
}

Result<WaveVae> loadWaveVae(const std::string &dir, std::string *description) {
    if (dir.rfind("random:", 0) == 0) {   // benchmarks: untrained weights of a preset
        try {
            WaveVae vae(WaveVaeConfig::preset(dir.substr(7)));
            vae->eval();
            if (description) *description = "random weights (" + dir.substr(7) + " preset)";
            return vae;
        } catch (const std::exception &e) {
            return fail(std::string(e.what()));
        }
    }
    nlohmann::json cfgJson;
    if (auto model = io::readJsonFile(dir + "/model.json"); model) {
        if (io::jsonValueOr<std::string>(*model, "family", "") != "wavevae")
            return fail(dir + "/model.json: not a wave VAE model (family is not \"wavevae\")");
        if (!model->contains("components") || !(*model)["components"].contains("wavevae"))
            return fail(dir + "/model.json has no components.wavevae");
        cfgJson = (*model)["components"]["wavevae"];
    } else if (auto state = io::readJsonFile(dir + "/state.json"); state) {
        if (!state->contains("config") || !(*state)["config"].contains("wavevae"))
            return fail(dir + "/state.json: not a wave VAE checkpoint (no config.wavevae)");
        cfgJson = (*state)["config"]["wavevae"];
    } else {
        return fail(dir + " holds neither model.json nor a checkpoint's state.json");
    }
    WaveVaeConfig cfg;
    try {
        cfg = WaveVaeConfig::fromJson(cfgJson);
    } catch (const std::exception &e) {
        return fail(dir + ": " + e.what());
    }
    WaveVae vae(cfg);
    if (Status st = io::loadModule(*vae, dir + "/wavevae.safetensors"); !st) return fail(st.error());
    vae->eval();
    if (description) {
        int64_t n = 0;
        for (const auto &p : vae->parameters()) n += p.numel();
        *description = dir + " (" + std::to_string(n) + " parameters)";
    }
    return vae;
}

Status saveWaveVaePackage(const WaveVaeImpl &vae, const std::string &dir, bool half, const nlohmann::json &extra,
                          const std::string &card) {
    return io::replaceFolder(dir, [&](const std::filesystem::path &tmp) {
        auto state = io::stateDict(vae);
        int64_t n = 0;
        for (const auto &p : vae.parameters()) n += p.numel();
        if (half) io::toHalf(state);
        const auto &cfg = vae.config();
        Status st = io::saveTensors(fs::u8string(tmp / "wavevae.safetensors"), state,
                                    {{"format", "pt"}, {"family", "wavevae"}});
        nlohmann::json model = extra.is_object() ? extra : nlohmann::json::object();
        model["family"] = "wavevae";
        model["format_version"] = 1;
        model["components"] = {{"wavevae", cfg.toJson()}};
        model["sample_rate"] = cfg.sampleRate;
        model["hop"] = cfg.hop();
        model["latent_dim"] = cfg.latentDim;
        model["parameters"] = n;
        model["dtype"] = half ? "float16" : "float32";
        if (st) st = fs::writeFileAtomic(tmp / "model.json", model.dump(2) + "\n");
        if (st && !card.empty()) st = fs::writeFileAtomic(tmp / "CARD.md", card);
        return st;
    });
}

namespace {

// Runs `fn` over windows of `chunk` frames (with `overlap` frames of context each
// side, clipped to [0, total)) and concatenates each window's centre along dim 1.
// `scale`: output samples per frame (1 for latents, hop for audio).
torch::Tensor chunked(int64_t total, int64_t chunk, int64_t overlap, int64_t scale,
                      const std::function<torch::Tensor(int64_t from, int64_t to)> &fn,
                      const std::function<void(double)> &progress) {
    if (chunk <= 0 || overlap < 0) throw std::invalid_argument("chunk must be positive and overlap non-negative");
    std::vector<torch::Tensor> parts;
    for (int64_t s = 0; s < total; s += chunk) {
        const int64_t n = std::min(chunk, total - s);
        const int64_t from = std::max<int64_t>(0, s - overlap), to = std::min(total, s + n + overlap);
        auto out = fn(from, to);
        parts.push_back(out.narrow(1, (s - from) * scale, n * scale).contiguous());
        if (progress) progress(double(s + n) / double(total));
    }
    return parts.empty() ? torch::Tensor() : torch::cat(parts, 1);
}

} // namespace

torch::Tensor encodeChunked(WaveVaeImpl &vae, const torch::Tensor &audio, int64_t chunkFrames, int64_t overlapFrames,
                            const std::function<void(double)> &progress) {
    torch::NoGradGuard ng;
    const int64_t hop = vae.config().hop();
    const int64_t L = audio.size(1);
    const int64_t T = (L + hop - 1) / hop;
    auto padded = torch::nn::functional::pad(audio, torch::nn::functional::PadFuncOptions({0, T * hop - L}));
    return chunked(T, chunkFrames, overlapFrames, 1, [&](int64_t from, int64_t to) {
        return vae.encode(padded.narrow(1, from * hop, (to - from) * hop).unsqueeze(0)).first.squeeze(0);
    }, progress);
}

torch::Tensor decodeChunked(WaveVaeImpl &vae, const torch::Tensor &latent, int64_t chunkFrames, int64_t overlapFrames,
                            const std::function<void(double)> &progress) {
    torch::NoGradGuard ng;
    const int64_t hop = vae.config().hop();
    return chunked(latent.size(1), chunkFrames, overlapFrames, hop, [&](int64_t from, int64_t to) {
        return vae.decode(latent.narrow(1, from, to - from).unsqueeze(0)).squeeze(0);
    }, progress);
}

} // namespace ms::models::wavevae
