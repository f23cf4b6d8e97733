#pragma once
// The Snake waveform VAE of design document 002 (see Config.h): Snake
// activations, residual units with dilations 1, 3, 9, strided weight-normalised
// convolutions down (encoder) and transposed ones up (decoder). Module and
// parameter names follow Stable Audio's Oobleck (`layers.N...`, `weight_g`,
// `weight_v`, Snake `alpha`, `beta`), so a Python user can map the weights.

#include "models/wavevae/Config.h"
#include "nn/NormConv.h"
#include "torch/Torch.h"
#include "util/Result.h"

#include <string>

#include <functional>
#include <utility>

namespace ms::models::wavevae {

// The initial bias of the encoder's log-variance channels (WaveVae.cpp says why).
constexpr double kInitialLogVar = -6.0;

// Snake(x) = x + 1/beta * sin^2(alpha * x), per channel. alpha and beta are
// stored as logarithms (Stable Audio's SnakeBeta with alpha_logscale: both
// initialised to 0, i.e. alpha = beta = 1) and 1e-9 keeps 1/beta finite.
class SnakeImpl : public torch::nn::Module {
public:
    explicit SnakeImpl(int channels);
    torch::Tensor forward(const torch::Tensor &x);   // [B, C, T]
    torch::Tensor alpha, beta;                        // log alpha, log beta: [C]
};
TORCH_MODULE(Snake);

// Snake -> Conv k7 dilation d -> Snake -> Conv k1, plus the input.
class ResidualUnitImpl : public torch::nn::Module {
public:
    ResidualUnitImpl(int channels, int dilation, bool weightNorm);
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(ResidualUnit);

// A block's layers (Oobleck's EncoderBlock / DecoderBlock: `layers.N`).
class WaveBlockImpl : public torch::nn::Module {
public:
    explicit WaveBlockImpl(torch::nn::Sequential seq);
    torch::Tensor forward(const torch::Tensor &x);
    torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(WaveBlock);

// Encoder: Conv k7 (audio -> channels[0]); per block: three residual units at
// the block's input width, Snake, Conv(kernel 2s, stride s, padding ceil(s/2));
// then Snake + Conv k3 to 2 x latentDim (mu, log-variance; the log-variance
// bias starts at kInitialLogVar).
class WaveEncoderImpl : public torch::nn::Module {
public:
    explicit WaveEncoderImpl(const WaveVaeConfig &cfg);
    torch::Tensor forward(const torch::Tensor &x);   // [B, ch, L] -> [B, 2*latent, frames]
    torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(WaveEncoder);

// Decoder, the mirror: Conv k7 (latent -> last width); per block, from the
// last: Snake, ConvTranspose(kernel 2s, stride s, padding ceil(s/2)), three
// residual units at the block's output width; then Snake + Conv k7 (no bias)
// to the audio channels. T frames -> T x hop samples.
class WaveDecoderImpl : public torch::nn::Module {
public:
    explicit WaveDecoderImpl(const WaveVaeConfig &cfg);
    torch::Tensor forward(const torch::Tensor &z);   // [B, latent, frames] -> [B, ch, frames*hop]
    torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(WaveDecoder);

struct WaveVaeOutput {
    torch::Tensor recon, mu, logvar;
};

class WaveVaeImpl : public torch::nn::Module {
public:
    explicit WaveVaeImpl(const WaveVaeConfig &cfg);
    // mu and log-variance, each [B, latent, frames], of audio [B, ch, L] (L is
    // used as it is: frames = cfg.framesFor(L)).
    std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor &audio);
    torch::Tensor decode(const torch::Tensor &z);
    // Training: z = mu + eps * exp(logvar / 2) with the given eps (drawn by the
    // caller, same shape as mu); eps undefined: z = mu.
    WaveVaeOutput forward(const torch::Tensor &audio, const torch::Tensor &eps);
    const WaveVaeConfig &config() const { return m_cfg; }

    WaveEncoder encoder{nullptr};
    WaveDecoder decoder{nullptr};

private:
    WaveVaeConfig m_cfg;
};
TORCH_MODULE(WaveVae);

// A trained wave VAE from a folder: a model package (model.json with family
// "wavevae" and components.wavevae, wavevae.safetensors) or a training
// checkpoint (state.json with config.wavevae, wavevae.safetensors). Errors name
// the file and what is wrong. `description` gets "PATH (N parameters)".
// "random:PRESET" builds untrained weights of a preset (benchmarks).
Result<WaveVae> loadWaveVae(const std::string &dir, std::string *description = nullptr);

// Writes a wave VAE package folder whole or not at all: model.json (family
// "wavevae", components.wavevae, sample_rate, hop, latent_dim, parameters, and
// the keys of `extra`), wavevae.safetensors (float16 with `half`; loaded back
// as float32) and, when `card` is not empty, CARD.md.
Status saveWaveVaePackage(const WaveVaeImpl &vae, const std::string &dir, bool half, const nlohmann::json &extra,
                          const std::string &card);

// Encodes audio of any length [ch, L] in windows of `chunkFrames` latent frames
// with `overlapFrames` of context on each side (kept from the audio, zero past
// its ends), keeping each window's centre: the mean latent [latent, ceil(L/hop)].
// Away from the file's ends it equals encoding the whole (zero-padded to a
// multiple of hop) in one piece when the overlap covers the receptive field
// (cfg.receptiveFieldSamples()). `progress` (optional) gets the fraction done.
torch::Tensor encodeChunked(WaveVaeImpl &vae, const torch::Tensor &audio, int64_t chunkFrames, int64_t overlapFrames,
                            const std::function<void(double)> &progress = {});
// Decodes a latent [latent, T] the same way: [ch, T * hop].
torch::Tensor decodeChunked(WaveVaeImpl &vae, const torch::Tensor &latent, int64_t chunkFrames, int64_t overlapFrames,
                            const std::function<void(double)> &progress = {});

} // namespace ms::models::wavevae
