#include "models/kick/Config.h"

#include "io/Json.h"

#include <algorithm>
#include <stdexcept>

namespace ms::models::kick {

namespace {

template <class T>
void get(const nlohmann::json &j, const char *key, T &out) {
    out = io::jsonValueOr<T>(j, key, out);
}

void requirePreset(const std::string &name, const char *what) {
    if (name != "tiny" && name != "paper")
        throw std::invalid_argument(std::string("unknown ") + what + " preset '" + name + "' (tiny, paper)");
}

} // namespace

// ---- VAE --------------------------------------------------------------------

nlohmann::json VaeConfig::toJson() const {
    return {{"in_channels", inChannels}, {"channels", channels}, {"latent_channels", latentChannels},
            {"groups", groups}, {"n_mels", nMels}, {"frames", frames}};
}

VaeConfig VaeConfig::fromJson(const nlohmann::json &j) {
    VaeConfig c;
    get(j, "in_channels", c.inChannels);
    get(j, "channels", c.channels);
    get(j, "latent_channels", c.latentChannels);
    get(j, "groups", c.groups);
    get(j, "n_mels", c.nMels);
    get(j, "frames", c.frames);
    return c;
}

VaeConfig VaeConfig::preset(const std::string &name) {
    requirePreset(name, "VAE");
    VaeConfig c;
    if (name == "tiny") {
        c.channels = {8, 8, 8, 8};
        c.groups = 4;
    }
    return c;
}

// ---- UNet -------------------------------------------------------------------

nlohmann::json UNetConfig::toJson() const {
    return {{"latent_channels", latentChannels}, {"channels", channels}, {"time_dim", timeDim},
            {"cond_dim", condDim}, {"groups", groups}, {"heads", heads}};
}

UNetConfig UNetConfig::fromJson(const nlohmann::json &j) {
    UNetConfig c;
    get(j, "latent_channels", c.latentChannels);
    get(j, "channels", c.channels);
    get(j, "time_dim", c.timeDim);
    get(j, "cond_dim", c.condDim);
    get(j, "groups", c.groups);
    get(j, "heads", c.heads);
    return c;
}

UNetConfig UNetConfig::preset(const std::string &name) {
    requirePreset(name, "UNet");
    UNetConfig c;
    if (name == "tiny") {
        c.channels = {8, 16, 16};
        c.timeDim = 16;
        c.condDim = 32;
        c.groups = 4;
    }
    return c;
}

// ---- Text -------------------------------------------------------------------

nlohmann::json TextConfig::toJson() const {
    return {{"vocab_size", vocabSize}, {"embed_dim", embedDim}, {"cond_dim", condDim}};
}

TextConfig TextConfig::fromJson(const nlohmann::json &j) {
    TextConfig c;
    get(j, "vocab_size", c.vocabSize);
    get(j, "embed_dim", c.embedDim);
    get(j, "cond_dim", c.condDim);
    return c;
}

TextConfig TextConfig::preset(const std::string &name) {
    requirePreset(name, "text");
    TextConfig c;
    if (name == "tiny") {
        c.embedDim = 8;
        c.condDim = 32;
    }
    return c;
}

// ---- Diffusion --------------------------------------------------------------

nlohmann::json DiffusionConfig::toJson() const {
    return {{"timesteps", timesteps}, {"beta_start", betaStart}, {"beta_end", betaEnd}, {"schedule", "linear"}};
}

DiffusionConfig DiffusionConfig::fromJson(const nlohmann::json &j) {
    DiffusionConfig c;
    get(j, "timesteps", c.timesteps);
    get(j, "beta_start", c.betaStart);
    get(j, "beta_end", c.betaEnd);
    return c;
}

DiffusionConfig DiffusionConfig::preset(const std::string &name) {
    requirePreset(name, "diffusion");
    return DiffusionConfig{};
}

// ---- Whole model ------------------------------------------------------------

KickModelConfig KickModelConfig::fromPreset(const std::string &name, const Vocab &vocab, bool withVocoder) {
    KickModelConfig c;
    c.preset = name;
    c.vae = VaeConfig::preset(name);
    c.unet = UNetConfig::preset(name);
    c.text = TextConfig::preset(name);
    c.text.vocabSize = std::max(1, vocab.size());
    if (withVocoder) c.vocoder = VocoderConfig::preset(name);
    c.diffusion = DiffusionConfig::preset(name);
    c.vocab = vocab;
    return c;
}

std::string KickModelConfig::validate() const {
    auto divides = [](int g, const std::vector<int> &chs) {
        for (int c : chs)
            if (g <= 0 || c % g != 0) return false;
        return true;
    };
    // Sizes a model.json may claim: far above every preset, low enough that a
    // hostile file cannot make the reader build a model of many gigabytes.
    auto within = [](const std::vector<int> &v, int lo, int hi) {
        return v.size() <= 16 && std::all_of(v.begin(), v.end(), [&](int x) { return x >= lo && x <= hi; });
    };
    if (!within(vae.channels, 1, 1024) || !within(unet.channels, 1, 1024) || !within({vae.latentChannels, vae.inChannels, vae.groups}, 1, 256) ||
        !within({unet.timeDim, unet.condDim, text.embedDim, text.condDim}, 1, 4096) || !within({unet.heads, unet.groups}, 1, 256) ||
        !within({text.vocabSize}, 0, 100000) || !within({vae.nMels, mel.nMels}, 1, 1024) || !within({vae.frames}, 1, 100000) ||
        !within({mel.nFft, mel.hop}, 1, 65536) || !within({sampleRate, mel.sampleRate}, 1000, 768000) ||
        !within({diffusion.timesteps}, 0, 100000))
        return "a size is out of range (channels up to 1024, embeddings up to 4096, vocabulary up to 100000, "
               "timesteps up to 100000)";
    if (vocoder) {
        const std::string bad = vocoder->validate();
        if (!bad.empty()) return bad;
    }
    if (vae.channels.empty()) return "vae.channels is empty";
    if (!divides(vae.groups, vae.channels)) return "vae.groups does not divide every vae channel count";
    if (unet.channels.size() != 3) return "unet.channels must list exactly three levels";
    if (!divides(unet.groups, unet.channels)) return "unet.groups does not divide every unet channel count";
    if (unet.channels.back() % unet.heads != 0) return "unet.heads does not divide the middle channels";
    if (unet.timeDim % 2 != 0) return "unet.time_dim must be even";
    if (unet.latentChannels != vae.latentChannels) return "unet.latent_channels differs from vae.latent_channels";
    if (text.condDim != unet.condDim) return "text.cond_dim differs from unet.cond_dim";
    if (text.vocabSize < std::max(1, vocab.size())) return "text.vocab_size is smaller than the vocabulary";
    if (vae.nMels != mel.nMels) return "vae.n_mels differs from mel.n_mels";
    if (vocoder) {
        if (vocoder->nMels != mel.nMels) return "vocoder.n_mels differs from mel.n_mels";
        if (vocoder->hop() != mel.hop) return "the vocoder's hop (upsampling product or hop_length) differs from mel.hop";
    }
    if (diffusion.timesteps < 2) return "diffusion.timesteps must be at least 2";
    if (!(latentScale > 0)) return "latent_scale must be positive";
    return {};
}

nlohmann::json melConfigToJson(const dsp::MelConfig &m) {
    return {{"sample_rate", m.sampleRate}, {"n_fft", m.nFft}, {"hop_length", m.hop}, {"n_mels", m.nMels},
            {"f_min", m.fMin}, {"f_max", m.fMax}, {"log_floor", m.logFloor}, {"mel_scale", "htk"},
            {"power", 2.0}, {"center", true}, {"log", "natural"}};
}

dsp::MelConfig melConfigFromJson(const nlohmann::json &j) {
    dsp::MelConfig m;
    get(j, "sample_rate", m.sampleRate);
    get(j, "n_fft", m.nFft);
    get(j, "hop_length", m.hop);
    get(j, "n_mels", m.nMels);
    get(j, "f_min", m.fMin);
    get(j, "f_max", m.fMax);
    get(j, "log_floor", m.logFloor);
    return m;
}

} // namespace ms::models::kick
