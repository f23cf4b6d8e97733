#pragma once
// Configurations of the kick latent diffusion components (design document 004).
// Plain data, no LibTorch: presets are values, read from and written to the
// model package's model.json.

#include "dsp/MelConfig.h"
#include "models/kick/Vocab.h"
#include "models/vocoder/Config.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ms::models::kick {

// The optional vocoder is one of the vocoder family's generators (HiFi-GAN or the iSTFT vocoder);
// its config lives there (models/vocoder/Config.h).
using vocoder::VocoderConfig;

struct VaeConfig {
    int inChannels = 1;
    std::vector<int> channels{32, 64, 128, 256};   // one strided stage each
    int latentChannels = 4;
    int groups = 8;                                 // GroupNorm groups in the ResBlocks
    int nMels = 128;
    int frames = 173;

    nlohmann::json toJson() const;                  // every field, snake_case
    static VaeConfig fromJson(const nlohmann::json &j);   // missing fields keep defaults
    static VaeConfig preset(const std::string &name);     // "tiny" or "paper"; throws on others
};

struct UNetConfig {
    int latentChannels = 4;
    std::vector<int> channels{64, 128, 256};        // exactly three levels
    int timeDim = 64;                               // sinusoidal embedding size
    int condDim = 256;
    int groups = 8;
    int heads = 1;                                  // SelfAttention2d heads (reference: 1)

    nlohmann::json toJson() const;
    static UNetConfig fromJson(const nlohmann::json &j);
    static UNetConfig preset(const std::string &name);
};

struct TextConfig {
    int vocabSize = 0;
    int embedDim = 64;
    int condDim = 256;

    nlohmann::json toJson() const;
    static TextConfig fromJson(const nlohmann::json &j);
    static TextConfig preset(const std::string &name);   // vocabSize stays 0: set it from the vocabulary
};

struct DiffusionConfig {
    int timesteps = 1000;
    double betaStart = 1e-4, betaEnd = 0.02;

    nlohmann::json toJson() const;
    static DiffusionConfig fromJson(const nlohmann::json &j);
    static DiffusionConfig preset(const std::string &name);
};

// Everything model.json says about a kick-ldm package except the weights.
struct KickModelConfig {
    std::string preset = "paper";
    VaeConfig vae;
    UNetConfig unet;
    TextConfig text;
    std::optional<VocoderConfig> vocoder;   // absent: Griffin-Lim
    DiffusionConfig diffusion;
    Vocab vocab;
    dsp::MelConfig mel;
    int sampleRate = 44100;
    // Std of the VAE latents: diffusion runs on z / latentScale, so generated
    // latents are multiplied by it before decoding.
    double latentScale = 1.0;

    // A preset with the given vocabulary (text.vocabSize = vocab size, min 1).
    static KickModelConfig fromPreset(const std::string &name, const Vocab &vocab, bool withVocoder = true);
    // Checks sizes that must agree (latent channels, mel bins, groups dividing channels).
    std::string validate() const;   // empty when fine
};

nlohmann::json melConfigToJson(const dsp::MelConfig &m);
dsp::MelConfig melConfigFromJson(const nlohmann::json &j);

} // namespace ms::models::kick
