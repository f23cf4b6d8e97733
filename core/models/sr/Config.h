#pragma once
// Audio super-resolution family (design documents 000 and 003): AudioSR's
// latent diffusion (AutoencoderKL over a 48 kHz 256-bin log-mel, a UNet on the
// noisy latent concatenated with the scaled low-pass condition latent,
// v-prediction on a cosine schedule, DDIM with classifier-free guidance, the
// 48 kHz HiFi-GAN) extended by document 000's global audio encoder, whose
// summary of the whole input is injected into every spatial transformer.
// Sizes are data: presets "audiosr" (AudioSR's get_basic_config()) and "tiny".

#include "models/vocoder/Config.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ms::models::sr {

// The log-mel front end (AudioSR's mel_spectrogram_train): reflect padding of
// (nFft - hop) / 2 on both sides, frames without centring, |STFT| (power 1),
// Slaney mel filterbank with Slaney area normalisation (librosa's default),
// natural log of max(x, 1e-5). 100 frames per second at 48 kHz / hop 480.
struct SrMelConfig {
    int sampleRate = 48000, nFft = 2048, hop = 480, nMels = 256;
    double fMin = 20.0, fMax = 24000.0;
    nlohmann::json toJson() const;
    static SrMelConfig fromJson(const nlohmann::json &j);
};

// AutoencoderKL (ldm model.py Encoder/Decoder, no attention but the middle one).
struct SrVaeConfig {
    int ch = 128;
    std::vector<int> chMult{1, 2, 4, 8};
    int numResBlocks = 2;
    int zChannels = 16;   // double_z: the encoder gives 2 * z channels (mean, log-variance)
    int embedDim = 16;
    int downsampleFactor() const { return 1 << (int(chMult.size()) - 1); }
    nlohmann::json toJson() const;
    static SrVaeConfig fromJson(const nlohmann::json &j);
};

// openaimodel.UNetModel with use_spatial_transformer, extra_sa_layer (two
// self-attention SpatialTransformers per attention site), legacy head sizes.
struct SrUNetConfig {
    int inChannels = 32, outChannels = 16, modelChannels = 128;
    std::vector<int> channelMult{1, 2, 3, 5};
    int numResBlocks = 2;
    std::vector<int> attentionResolutions{8, 4, 2};
    int headChannels = 32;
    int transformerDepth = 1;
    bool extraSaLayer = true;
    int downsampleFactor() const { return 1 << (int(channelMult.size()) - 1); }
    nlohmann::json toJson() const;
    static SrUNetConfig fromJson(const nlohmann::json &j);
};

// Document 000's GlobalAudioEncoder: three conv blocks with BatchNorm over the
// mel (frequency as height), a linear projection of the flattened channels x
// height, a learnable positional table, a post-norm transformer encoder,
// mean over time, output projection and global projection. The document says
// the third block gives height 8 and a 2048-wide projection; its own kernels
// (8,3)/(4,3)/(4,3), strides 4/2/2 and paddings 2/1/1 give 256 -> 64 -> 32
// -> 16, so the projection is 256 x 16 = 4096 wide. The code follows the layers.
struct SrGlobalConfig {
    bool enabled = true;
    std::vector<int> convChannels{32, 64, 256};
    int dModel = 256, heads = 8, feedForward = 512, layers = 4, context = 128, maxFrames = 1024;
    double dropout = 0.1;
    // Height after the three conv blocks for nMels input rows.
    static int cnnHeight(int nMels);
    nlohmann::json toJson() const;
    static SrGlobalConfig fromJson(const nlohmann::json &j);
};

struct SrDiffusionConfig {
    int timesteps = 1000;
    double cosineS = 8e-3;
    bool vPrediction = true;
    double scaleFactor = 0.3342401385307312;   // the real checkpoint's buffer; overridden by a checkpoint's own
    double uncondValue = -11.4981;             // AudioSR's unconditional condition latent (before scaling)
    nlohmann::json toJson() const;
    static SrDiffusionConfig fromJson(const nlohmann::json &j);
};

struct SrModelConfig {
    std::string presetName;
    SrMelConfig mel;
    SrVaeConfig vae;
    SrUNetConfig unet;
    SrGlobalConfig global;
    vocoder::VocoderConfig vocoder;
    SrDiffusionConfig diffusion;
    // A second encoder for the condition (AudioSR's cond_stage_models.0.vae):
    // its weights may differ from first_stage_model's. Without it the first
    // stage encoder encodes the condition.
    bool condEncoder = true;
    int chunkFrames = 1024;   // mel frames per model call (10.24 s)
    int padFrames = 512;      // inputs are padded to a multiple of this (5.12 s)

    int chunkSamples() const { return chunkFrames * mel.hop; }
    nlohmann::json toJson() const;
    static SrModelConfig fromJson(const nlohmann::json &j);
    // "audiosr" (AudioSR basic + the global encoder) or "tiny"; throws
    // std::invalid_argument naming the valid presets otherwise.
    static SrModelConfig preset(const std::string &name);
    static std::vector<std::string> presetNames();
    // Empty when consistent, else what is wrong (sizes, divisibility).
    std::string validate() const;
};

} // namespace ms::models::sr
