// The audio BSQ-ViT tokenizer (one torch translation unit; see BsqVit.h).
#include "models/bsq/BsqVit.h"

#include "io/Json.h"
#include "io/ModelDirs.h"
#include "io/TensorIO.h"
#include "util/Fs.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace ms::models::bsq {

namespace {

// Entropy (nats) along the last dimension; +1e-8 inside the log as bsq-vit.
torch::Tensor entropy(const torch::Tensor &p) { return -(p * (p + 1e-8).log()).sum(-1); }

} // namespace

VitStackImpl::VitStackImpl(const BsqConfig &cfg) {
    resblocks = register_module("resblocks", torch::nn::ModuleList());
    for (int i = 0; i < cfg.layers; ++i)
        resblocks->push_back(nn::VitBlock(cfg.width, cfg.heads, cfg.mlpRatio, cfg.conformer ? cfg.convKernel : 0));
}

torch::Tensor VitStackImpl::forward(torch::Tensor x) {
    for (auto &m : *resblocks) x = m->as<nn::VitBlockImpl>()->forward(x);
    return x;
}

BinarySphericalQuantizer::BinarySphericalQuantizer(int bits, int groupSize, double invTemperature)
    : m_bits(bits), m_group(groupSize), m_tau(invTemperature) {
    if (bits <= 0 || groupSize <= 0 || bits % groupSize) throw std::invalid_argument("BSQ: group size must divide L");
}

BsqOutput BinarySphericalQuantizer::operator()(const torch::Tensor &z) const {
    const double scale = 1.0 / std::sqrt(double(m_bits));
    auto zhat = torch::where(z > 0, torch::ones_like(z), -torch::ones_like(z));
    BsqOutput out;
    out.ids = codesToIds(zhat);
    auto zq = (z + (zhat - z).detach()) * scale;
    out.zq = zq;
    out.commit = (zq.detach() - z).pow(2).sum(-1).mean();
    // The 2^g sub-codes of a group, {-1,+1}^g / sqrt(L), MSB first: [2^g, g].
    const int64_t g = m_group, codes = int64_t(1) << g;
    auto idx = torch::arange(codes, torch::TensorOptions().dtype(torch::kLong).device(z.device()));
    auto basis = torch::pow(2, torch::arange(g - 1, -1, -1, torch::TensorOptions().dtype(torch::kLong).device(z.device())));
    auto book = (torch::remainder(torch::floor_divide(idx.unsqueeze(1), basis), 2) * 2 - 1).to(z.scalar_type()) * scale;
    auto zg = z.reshape({-1, int64_t(m_bits) / g, g});                          // [T, G, g]
    auto prob = torch::softmax(2.0 * m_tau * torch::matmul(zg, book.t()), -1);   // [T, G, 2^g]
    out.sampleEntropy = entropy(prob).sum(-1).mean();
    out.codebookEntropy = entropy(prob.mean(0)).sum();
    return out;
}

torch::Tensor BinarySphericalQuantizer::codesToIds(const torch::Tensor &zhat) const {
    auto basis = torch::pow(2, torch::arange(m_bits - 1, -1, -1, torch::TensorOptions().dtype(torch::kLong).device(zhat.device())));
    return ((zhat > 0).to(torch::kLong) * basis).sum(-1);
}

torch::Tensor BinarySphericalQuantizer::idsToCodes(const torch::Tensor &ids) const {
    auto basis = torch::pow(2, torch::arange(m_bits - 1, -1, -1, torch::TensorOptions().dtype(torch::kLong).device(ids.device())));
    return torch::remainder(torch::floor_divide(ids.unsqueeze(-1), basis), 2).to(torch::kFloat) * 2 - 1;
}

AudioEncoderImpl::AudioEncoderImpl(const BsqConfig &cfg) {
    namespace tn = torch::nn;
    patch_embed = register_module("patch_embed", tn::Linear(tn::LinearOptions(cfg.patchTime * cfg.patchFreq, cfg.width).bias(false)));
    positional_embedding = register_parameter("positional_embedding", torch::randn({cfg.tokens(), cfg.width}) * 0.02);
    ln_pre = register_module("ln_pre", tn::LayerNorm(tn::LayerNormOptions({cfg.width})));
    transformer = register_module("transformer", VitStack(cfg));
    ln_post = register_module("ln_post", tn::LayerNorm(tn::LayerNormOptions({cfg.width})));
    torch::NoGradGuard ng;
    patch_embed->weight.normal_(0.0, 0.02);
}

torch::Tensor AudioEncoderImpl::forward(const torch::Tensor &patches) {
    auto x = ln_pre->forward(patch_embed->forward(patches) + positional_embedding);
    return ln_post->forward(transformer->forward(x));
}

AudioDecoderImpl::AudioDecoderImpl(const BsqConfig &cfg) {
    namespace tn = torch::nn;
    positional_embedding = register_parameter("positional_embedding", torch::randn({cfg.tokens(), cfg.width}) * 0.02);
    ln_pre = register_module("ln_pre", tn::LayerNorm(tn::LayerNormOptions({cfg.width})));
    transformer = register_module("transformer", VitStack(cfg));
    ln_post = register_module("ln_post", tn::LayerNorm(tn::LayerNormOptions({cfg.width})));
    ffn = register_module("ffn", tn::Sequential(tn::Linear(cfg.width, cfg.headHidden), tn::Tanh()));
    conv_out = register_module("conv_out", tn::Linear(cfg.headHidden, cfg.patchTime * cfg.patchFreq));
    torch::NoGradGuard ng;
    ffn[0]->as<tn::Linear>()->weight.normal_(0.0, 0.02);
    conv_out->weight.normal_(0.0, 0.02);
}

torch::Tensor AudioDecoderImpl::forward(const torch::Tensor &h) {
    auto x = ln_pre->forward(h + positional_embedding);
    x = ln_post->forward(transformer->forward(x));
    return conv_out->forward(ffn->forward(x));
}

BsqVitImpl::BsqVitImpl(const BsqConfig &cfg)
    : m_cfg(cfg), m_quant(cfg.codeBits, cfg.groupSize, cfg.invTemperature) {
    encoder = register_module("encoder", AudioEncoder(cfg));
    quant_embed = register_module("quant_embed", torch::nn::Linear(cfg.width, cfg.codeBits));
    post_quant_embed = register_module("post_quant_embed", torch::nn::Linear(cfg.codeBits, cfg.width));
    decoder = register_module("decoder", AudioDecoder(cfg));
}

torch::Tensor BsqVitImpl::patchify(const torch::Tensor &mel) const {
    const int64_t B = mel.size(0), gT = m_cfg.gridTime(), gF = m_cfg.gridFreq(), pT = m_cfg.patchTime, pF = m_cfg.patchFreq;
    if (mel.dim() != 3 || mel.size(1) != m_cfg.frames || mel.size(2) != m_cfg.nMels)
        throw std::invalid_argument("tokenizer: a window is [B, " + std::to_string(m_cfg.frames) + ", " +
                                    std::to_string(m_cfg.nMels) + "], not " + c10::str(mel.sizes()));
    return mel.reshape({B, gT, pT, gF, pF}).permute({0, 1, 3, 2, 4}).reshape({B, gT * gF, pT * pF});
}

torch::Tensor BsqVitImpl::unpatchify(const torch::Tensor &p) const {
    const int64_t B = p.size(0), gT = m_cfg.gridTime(), gF = m_cfg.gridFreq(), pT = m_cfg.patchTime, pF = m_cfg.patchFreq;
    return p.reshape({B, gT, gF, pT, pF}).permute({0, 1, 3, 2, 4}).reshape({B, gT * pT, gF * pF});
}

torch::Tensor BsqVitImpl::encodeLatent(const torch::Tensor &mel) {
    const double half = -m_cfg.dbFloor / 2.0;
    auto x = (mel + half) / half;   // [-80, 0] dB -> [-1, 1]
    auto h = quant_embed->forward(encoder->forward(patchify(x)));
    return torch::nn::functional::normalize(h, torch::nn::functional::NormalizeFuncOptions().dim(-1));
}

torch::Tensor BsqVitImpl::decodeCodes(const torch::Tensor &zq) {
    const double half = -m_cfg.dbFloor / 2.0;
    auto y = unpatchify(decoder->forward(post_quant_embed->forward(zq)));
    return (y * half - half).clamp(m_cfg.dbFloor, 0.0);
}

BsqForward BsqVitImpl::forward(const torch::Tensor &mel) {
    BsqForward out;
    out.q = m_quant(encodeLatent(mel));
    out.recon = decodeCodes(out.q.zq);
    return out;
}

torch::Tensor BsqVitImpl::tokenize(const torch::Tensor &mel) {
    auto z = encodeLatent(mel);
    auto zhat = torch::where(z > 0, torch::ones_like(z), -torch::ones_like(z));
    return m_quant.codesToIds(zhat).reshape({mel.size(0), m_cfg.gridTime(), m_cfg.gridFreq()});
}

torch::Tensor BsqVitImpl::detokenize(const torch::Tensor &ids) {
    auto codes = m_quant.idsToCodes(ids.reshape({ids.size(0), -1}).to(torch::kLong)).to(encoder->positional_embedding.device());
    return decodeCodes(codes / std::sqrt(double(m_cfg.codeBits)));
}

PatchDiscriminatorImpl::PatchDiscriminatorImpl(int c, int layers) {
    namespace tn = torch::nn;
    auto conv = [](int in, int out, int stride, bool bias) {
        return tn::Conv2d(tn::Conv2dOptions(in, out, 4).stride(stride).padding(1).bias(bias));
    };
    auto lrelu = [] { return tn::LeakyReLU(tn::LeakyReLUOptions().negative_slope(0.2)); };
    tn::Sequential seq;
    seq->push_back(conv(1, c, 2, true));
    seq->push_back(lrelu());
    int mult = 1;
    for (int n = 1; n <= layers; ++n) {
        const int prev = mult;
        mult = std::min(1 << n, 8);
        seq->push_back(conv(c * prev, c * mult, n < layers ? 2 : 1, false));
        seq->push_back(tn::BatchNorm2d(c * mult));
        seq->push_back(lrelu());
    }
    seq->push_back(conv(c * mult, 1, 1, true));
    main = register_module("main", seq);
    torch::NoGradGuard ng;
    for (auto &p : named_parameters(true)) {
        const bool bn = p.value().dim() == 1 && p.key().find("weight") != std::string::npos;
        if (p.value().dim() == 4) p.value().normal_(0.0, 0.02);
        else if (bn) p.value().normal_(1.0, 0.02);
        else p.value().zero_();
    }
}

losses::DiscOutput PatchDiscriminatorImpl::forward(const torch::Tensor &x) {
    losses::DiscOutput out;
    out.logits.push_back(main->forward(x.unsqueeze(1)).flatten(1));
    out.features.emplace_back();
    return out;
}

BsqFrontEnd::BsqFrontEnd(const BsqConfig &cfg, torch::Device device) : m_cfg(cfg), m_mel(cfg.mel(), device) {}

torch::Tensor BsqFrontEnd::operator()(const torch::Tensor &audio) const {
    auto p = m_mel.melPower(audio);   // [.., mels, frames]
    auto db = 10.0 * torch::log10(p.clamp_min(1e-10)) - m_cfg.dbReference();
    return db.clamp(m_cfg.dbFloor, 0.0).transpose(-1, -2).contiguous();
}

torch::Tensor BsqFrontEnd::griffinLim(const torch::Tensor &mel, int iterations) const {
    // dB -> natural log of the power, as melToMagnitude takes it.
    auto logPower = (mel.transpose(-1, -2) + m_cfg.dbReference()) * (std::log(10.0) / 10.0);
    const int64_t frames = mel.size(-2);
    auto mag = m_mel.melToMagnitude(logPower);
    return m_mel.griffinLim(mag, iterations, (frames - 1) * m_cfg.hop).squeeze(0);
}

Result<BsqVit> loadBsqVit(const std::string &dir, std::string *description) {
    if (dir.rfind("random:", 0) == 0) {
        try {
            BsqVit m(BsqConfig::preset(dir.substr(7)));
            m->eval();
            if (description) *description = "random weights (" + dir.substr(7) + " preset)";
            return m;
        } catch (const std::exception &e) {
            return fail(std::string(e.what()));
        }
    }
    nlohmann::json cfgJson;
    if (auto model = io::readJsonFile(dir + "/model.json"); model) {
        if (io::jsonValueOr<std::string>(*model, "family", "") != "bsq")
            return fail(dir + "/model.json: not a tokenizer model (family is not \"bsq\")");
        if (!model->contains("components") || !(*model)["components"].contains("bsq"))
            return fail(dir + "/model.json has no components.bsq");
        cfgJson = (*model)["components"]["bsq"];
    } else if (auto state = io::readJsonFile(dir + "/state.json"); state) {
        if (!state->contains("config") || !(*state)["config"].contains("bsq"))
            return fail(dir + "/state.json: not a tokenizer checkpoint (no config.bsq)");
        cfgJson = (*state)["config"]["bsq"];
    } else {
        return fail(dir + " holds neither model.json nor a checkpoint's state.json");
    }
    BsqConfig cfg;
    try {
        cfg = BsqConfig::fromJson(cfgJson);
    } catch (const std::exception &e) {
        return fail(dir + ": " + e.what());
    }
    BsqVit m(cfg);
    if (Status st = io::loadModule(*m, dir + "/bsq.safetensors"); !st) return fail(st.error());
    m->eval();
    if (description) {
        int64_t n = 0;
        for (const auto &p : m->parameters()) n += p.numel();
        *description = dir + " (" + std::to_string(n) + " parameters)";
    }
    return m;
}

Status saveBsqPackage(const BsqVitImpl &model, const std::string &dir, bool half, const nlohmann::json &extra,
                      const std::string &card) {
    return io::replaceFolder(dir, [&](const std::filesystem::path &tmp) {
        auto state = io::stateDict(model);
        int64_t n = 0;
        for (const auto &p : model.parameters()) n += p.numel();
        if (half) io::toHalf(state);
        const auto &cfg = model.config();
        Status st = io::saveTensors(fs::u8string(tmp / "bsq.safetensors"), state, {{"format", "pt"}, {"family", "bsq"}});
        nlohmann::json j = extra.is_object() ? extra : nlohmann::json::object();
        j["family"] = "bsq";
        j["format_version"] = 1;
        j["components"] = {{"bsq", cfg.toJson()}};
        j["sample_rate"] = cfg.sampleRate;
        j["code_bits"] = cfg.codeBits;
        j["tokens_per_second"] = cfg.tokensPerSecond();
        j["bits_per_second"] = cfg.bitsPerSecond();
        j["parameters"] = n;
        j["dtype"] = half ? "float16" : "float32";
        if (st) st = fs::writeFileAtomic(tmp / "model.json", j.dump(2) + "\n");
        if (st && !card.empty()) st = fs::writeFileAtomic(tmp / "CARD.md", card);
        return st;
    });
}

namespace {
int64_t windowsFor(int64_t frames, int64_t window) { return std::max<int64_t>(1, (frames + window - 1) / window); }
} // namespace

torch::Tensor tokenizeMel(BsqVitImpl &model, const torch::Tensor &mel, const std::function<void(double)> &progress) {
    torch::NoGradGuard ng;
    const auto &cfg = model.config();
    const int64_t W = cfg.frames, n = windowsFor(mel.size(0), W);
    auto padded = torch::full({n * W, int64_t(cfg.nMels)}, cfg.dbFloor);
    padded.narrow(0, 0, mel.size(0)).copy_(mel);
    const auto dev = model.encoder->positional_embedding.device();
    std::vector<torch::Tensor> out;
    for (int64_t w = 0; w < n; ++w) {
        out.push_back(model.tokenize(padded.narrow(0, w * W, W).unsqueeze(0).to(dev)).to(torch::kCPU));
        if (progress) progress(double(w + 1) / double(n));
    }
    return torch::cat(out, 0);
}

torch::Tensor detokenizeIds(BsqVitImpl &model, const torch::Tensor &ids, const std::function<void(double)> &progress) {
    torch::NoGradGuard ng;
    std::vector<torch::Tensor> out;
    for (int64_t w = 0; w < ids.size(0); ++w) {
        out.push_back(model.detokenize(ids.narrow(0, w, 1)).squeeze(0).to(torch::kCPU));
        if (progress) progress(double(w + 1) / double(ids.size(0)));
    }
    return torch::cat(out, 0);
}

IdUsage idUsage(const torch::Tensor &ids) {
    std::map<int64_t, int64_t> count;
    auto flat = ids.reshape({-1}).to(torch::kLong).contiguous();
    const int64_t *p = flat.data_ptr<int64_t>();
    for (int64_t i = 0; i < flat.numel(); ++i) ++count[p[i]];
    IdUsage u;
    u.distinct = int64_t(count.size());
    for (const auto &[id, c] : count) {
        const double q = double(c) / double(flat.numel());
        u.entropyBits -= q * std::log2(q);
    }
    return u;
}

Status saveTokenFile(const std::string &path, const BsqConfig &cfg, const torch::Tensor &ids, int64_t frames,
                     int64_t samples, const std::string &source, const std::string &model) {
    return io::saveTensors(path, {{"ids", ids.to(torch::kLong)}},
                           {{"sample_rate", std::to_string(cfg.sampleRate)}, {"hop", std::to_string(cfg.hop)},
                            {"frames_per_window", std::to_string(cfg.frames)}, {"frames", std::to_string(frames)},
                            {"samples", std::to_string(samples)}, {"code_bits", std::to_string(cfg.codeBits)},
                            {"tokens_per_second", std::to_string(cfg.tokensPerSecond())},
                            {"bits_per_second", std::to_string(cfg.bitsPerSecond())}, {"source", source},
                            {"model", model}, {"config", cfg.toJson().dump()}});
}

} // namespace ms::models::bsq
