#pragma once
// The audio BSQ-ViT tokenizer (design document 001; see Config.h): dB log-mel
// [frames, mels] -> 16 x 16 patches -> ViT encoder -> Linear to L dims -> L2
// normalisation -> binary spherical quantisation -> Linear back -> ViT decoder
// -> Linear + Tanh FFN -> Linear to the patch's 256 values -> dB mel clamped to
// [dbFloor, 0]. Module and parameter names follow the audio fork of bsq-vit
// (encoder.patch_embed, encoder.positional_embedding, encoder.ln_pre,
// encoder.transformer.resblocks.N..., quant_embed, post_quant_embed,
// decoder.ffn.0, decoder.conv_out), so a Python user can map the weights.
//
// One deviation, for training at small learning rates: the networks see the mel
// as (dB - dbFloor/2) / (-dbFloor/2), i.e. [-80, 0] dB -> [-1, 1], and the
// decoder's output is mapped back the same way before the clamp. (The fork feeds
// raw dB to a bias-free patch embedding followed by a LayerNorm, which absorbs
// the scale, but asks its head to output -80..0 from weights initialised at
// 0.02.)

#include "dsp/LogMelTorch.h"
#include "losses/Adversarial.h"
#include "models/bsq/Config.h"
#include "nn/Attention.h"
#include "torch/Torch.h"
#include "util/Result.h"

#include <functional>
#include <memory>
#include <string>

namespace ms::models::bsq {

// Binary spherical quantisation (Zhao et al. 2024; bsq-vit's
// BinarySphericalQuantizer with l2_norm and soft entropy). z [..., L] on the
// unit sphere: zhat = sign(z) (z = 0 -> -1), zq = z + (zhat - z).detach() (the
// straight-through gradient), times 1/sqrt(L). Token id = sum_d bit_d 2^(L-1-d)
// with bit = (zhat + 1) / 2: the first dimension is the most significant bit.
struct BsqOutput {
    torch::Tensor zq;              // [..., L], on the sphere (+-1/sqrt(L))
    torch::Tensor ids;             // [...] int64
    torch::Tensor commit;          // mean over tokens of ||zq.detach() - z||^2
    torch::Tensor sampleEntropy;   // per-token entropy (nats), summed over groups, mean over tokens
    torch::Tensor codebookEntropy; // entropy (nats) of the batch-mean distribution, summed over groups
};

class BinarySphericalQuantizer {
public:
    BinarySphericalQuantizer(int bits, int groupSize, double invTemperature);
    // The entropy terms are the paper's factorised soft form: per group of g bits,
    // p = softmax over the 2^g sub-codes c/sqrt(L) of 2 tau <z_g, c>; the per-sample
    // entropy is mean over tokens of sum_groups H(p), the codebook entropy
    // sum_groups H(mean over tokens of p). For g = 1 this is bsq-vit's
    // 'analytical' form, p(-1) = sigmoid(-4 tau z_d / sqrt(L)).
    BsqOutput operator()(const torch::Tensor &z) const;
    torch::Tensor codesToIds(const torch::Tensor &zhat) const;   // {-1,+1} [..., L] -> int64 [...]
    torch::Tensor idsToCodes(const torch::Tensor &ids) const;    // -> {-1,+1} float [..., L]
    int bits() const { return m_bits; }

private:
    int m_bits, m_group;
    double m_tau;
};

// The blocks of one side (the fork's AudioTransformer: `transformer.resblocks.N`).
class VitStackImpl : public torch::nn::Module {
public:
    explicit VitStackImpl(const BsqConfig &cfg);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::ModuleList resblocks{nullptr};
};
TORCH_MODULE(VitStack);

class AudioEncoderImpl : public torch::nn::Module {
public:
    explicit AudioEncoderImpl(const BsqConfig &cfg);
    torch::Tensor forward(const torch::Tensor &patches);   // [B, N, pT*pF] -> [B, N, width]
    torch::nn::Linear patch_embed{nullptr};
    torch::Tensor positional_embedding;
    torch::nn::LayerNorm ln_pre{nullptr}, ln_post{nullptr};
    VitStack transformer{nullptr};
};
TORCH_MODULE(AudioEncoder);

class AudioDecoderImpl : public torch::nn::Module {
public:
    explicit AudioDecoderImpl(const BsqConfig &cfg);
    torch::Tensor forward(const torch::Tensor &h);   // [B, N, width] -> [B, N, pT*pF]
    torch::Tensor positional_embedding;
    torch::nn::LayerNorm ln_pre{nullptr}, ln_post{nullptr};
    VitStack transformer{nullptr};
    torch::nn::Sequential ffn{nullptr};
    torch::nn::Linear conv_out{nullptr};
};
TORCH_MODULE(AudioDecoder);

struct BsqForward {
    torch::Tensor recon;   // dB mel [B, frames, mels], clamped to [dbFloor, 0]
    BsqOutput q;
};

class BsqVitImpl : public torch::nn::Module {
public:
    explicit BsqVitImpl(const BsqConfig &cfg);
    // dB mel [B, frames, mels] <-> patches [B, N, pT*pF] (time-patch-major, and
    // time-major inside a patch, as the fork).
    torch::Tensor patchify(const torch::Tensor &mel) const;
    torch::Tensor unpatchify(const torch::Tensor &patches) const;
    // The unit-norm pre-quantisation vectors z [B, N, L] of a dB mel.
    torch::Tensor encodeLatent(const torch::Tensor &mel);
    // Quantised codes [B, N, L] (+-1/sqrt(L)) -> dB mel [B, frames, mels], clamped.
    torch::Tensor decodeCodes(const torch::Tensor &zq);
    BsqForward forward(const torch::Tensor &mel);
    // Token ids [B, gridTime, gridFreq] (int64) of a dB mel, and back.
    torch::Tensor tokenize(const torch::Tensor &mel);
    torch::Tensor detokenize(const torch::Tensor &ids);
    const BsqConfig &config() const { return m_cfg; }
    const BinarySphericalQuantizer &quantizer() const { return m_quant; }

    AudioEncoder encoder{nullptr};
    torch::nn::Linear quant_embed{nullptr}, post_quant_embed{nullptr};
    AudioDecoder decoder{nullptr};

private:
    BsqConfig m_cfg;
    BinarySphericalQuantizer m_quant;
};
TORCH_MODULE(BsqVit);

// The optional PatchGAN discriminator of the audio config (disc_type patchgan):
// pix2pix's / taming's NLayerDiscriminator over the normalised mel as a
// one-channel image [B, 1, frames, mels]: Conv k4 s2 (1 -> c) + LeakyReLU 0.2;
// layers - 1 of Conv k4 s2 (no bias) + BatchNorm + LeakyReLU, the width doubling
// up to 8c; the same at stride 1; Conv k4 s1 -> one logit per patch. Weights
// N(0, 0.02), BatchNorm scales N(1, 0.02). bsq-vit's default is c = 64, 3 layers.
class PatchDiscriminatorImpl : public torch::nn::Module {
public:
    PatchDiscriminatorImpl(int channels, int layers);
    // x [B, frames, mels] in the networks' [-1, 1] units -> logits [B, patches].
    losses::DiscOutput forward(const torch::Tensor &x);
    torch::nn::Sequential main{nullptr};
};
TORCH_MODULE(PatchDiscriminator);

// The front end: audio [n] or [B, n] at cfg.sampleRate -> dB mel [frames, mels]
// or [B, frames, mels] (centred frames, 1 + n / hop of them), clamped to
// [dbFloor, 0] (Config.h says how 0 dB is referenced).
class BsqFrontEnd {
public:
    explicit BsqFrontEnd(const BsqConfig &cfg, torch::Device device = torch::kCPU);
    torch::Tensor operator()(const torch::Tensor &audio) const;
    // Audio from a dB mel [frames, mels] by Griffin-Lim (pseudo-inverse of the
    // filterbank, `iterations` rounds): [(frames - 1) * hop].
    torch::Tensor griffinLim(const torch::Tensor &mel, int iterations = 64) const;
    const dsp::LogMelTransform &transform() const { return m_mel; }

private:
    BsqConfig m_cfg;
    dsp::LogMelTransform m_mel;
};

// A trained tokenizer from a folder: a model package (model.json with family
// "bsq" and components.bsq, bsq.safetensors) or a `train tokenizer` checkpoint
// (state.json with config.bsq). Errors name the file and what is wrong.
// `description` gets "PATH (N parameters)". "random:PRESET": untrained weights.
Result<BsqVit> loadBsqVit(const std::string &dir, std::string *description = nullptr);
// Writes a package folder whole or not at all (float16 weights with `half`).
Status saveBsqPackage(const BsqVitImpl &model, const std::string &dir, bool half, const nlohmann::json &extra,
                      const std::string &card);

// Tokens of a whole recording: its dB mel [frames, mels] cut into consecutive
// windows of cfg.frames (the last padded with the floor) -> ids [windows,
// gridTime, gridFreq]; and back to a dB mel [windows * cfg.frames, mels].
torch::Tensor tokenizeMel(BsqVitImpl &model, const torch::Tensor &mel, const std::function<void(double)> &progress = {});
torch::Tensor detokenizeIds(BsqVitImpl &model, const torch::Tensor &ids, const std::function<void(double)> &progress = {});

// How a file uses the codebook: distinct ids and the entropy of their histogram
// (bits per token).
struct IdUsage {
    int64_t distinct = 0;
    double entropyBits = 0;
};
IdUsage idUsage(const torch::Tensor &ids);

// Writes a token file, as `tokenize` and the Tokenizer page do: the int64 tensor
// "ids" [windows, gridTime, gridFreq] and metadata sample_rate, hop,
// frames_per_window, frames (the file's mel frames), samples, code_bits,
// tokens_per_second, bits_per_second, source, model, config (through a
// temporary name).
Status saveTokenFile(const std::string &path, const BsqConfig &cfg, const torch::Tensor &ids, int64_t frames,
                     int64_t samples, const std::string &source, const std::string &model);

} // namespace ms::models::bsq
