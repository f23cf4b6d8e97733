#include "models/sr/Config.h"

#include "io/Json.h"

#include <sstream>
#include <stdexcept>

namespace ms::models::sr {

namespace {
template <class T>
void get(const nlohmann::json &j, const char *key, T &out) {
    out = io::jsonValueOr<T>(j, key, out);
}
int convOut(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; }
} // namespace

nlohmann::json SrMelConfig::toJson() const {
    return {{"sample_rate", sampleRate}, {"n_fft", nFft}, {"hop", hop}, {"n_mels", nMels},
            {"f_min", fMin}, {"f_max", fMax}};
}
SrMelConfig SrMelConfig::fromJson(const nlohmann::json &j) {
    SrMelConfig c;
    get(j, "sample_rate", c.sampleRate);
    get(j, "n_fft", c.nFft);
    get(j, "hop", c.hop);
    get(j, "n_mels", c.nMels);
    get(j, "f_min", c.fMin);
    get(j, "f_max", c.fMax);
    return c;
}

nlohmann::json SrVaeConfig::toJson() const {
    return {{"ch", ch}, {"ch_mult", chMult}, {"num_res_blocks", numResBlocks}, {"z_channels", zChannels},
            {"embed_dim", embedDim}};
}
SrVaeConfig SrVaeConfig::fromJson(const nlohmann::json &j) {
    SrVaeConfig c;
    get(j, "ch", c.ch);
    get(j, "ch_mult", c.chMult);
    get(j, "num_res_blocks", c.numResBlocks);
    get(j, "z_channels", c.zChannels);
    get(j, "embed_dim", c.embedDim);
    return c;
}

nlohmann::json SrUNetConfig::toJson() const {
    return {{"in_channels", inChannels}, {"out_channels", outChannels}, {"model_channels", modelChannels},
            {"channel_mult", channelMult}, {"num_res_blocks", numResBlocks},
            {"attention_resolutions", attentionResolutions}, {"num_head_channels", headChannels},
            {"transformer_depth", transformerDepth}, {"extra_sa_layer", extraSaLayer}};
}
SrUNetConfig SrUNetConfig::fromJson(const nlohmann::json &j) {
    SrUNetConfig c;
    get(j, "in_channels", c.inChannels);
    get(j, "out_channels", c.outChannels);
    get(j, "model_channels", c.modelChannels);
    get(j, "channel_mult", c.channelMult);
    get(j, "num_res_blocks", c.numResBlocks);
    get(j, "attention_resolutions", c.attentionResolutions);
    get(j, "num_head_channels", c.headChannels);
    get(j, "transformer_depth", c.transformerDepth);
    get(j, "extra_sa_layer", c.extraSaLayer);
    return c;
}

int SrGlobalConfig::cnnHeight(int nMels) {
    return convOut(convOut(convOut(nMels, 8, 4, 2), 4, 2, 1), 4, 2, 1);
}
nlohmann::json SrGlobalConfig::toJson() const {
    return {{"enabled", enabled}, {"conv_channels", convChannels}, {"d_model", dModel}, {"heads", heads},
            {"feed_forward", feedForward}, {"layers", layers}, {"context", context}, {"max_frames", maxFrames},
            {"dropout", dropout}};
}
SrGlobalConfig SrGlobalConfig::fromJson(const nlohmann::json &j) {
    SrGlobalConfig c;
    get(j, "enabled", c.enabled);
    get(j, "conv_channels", c.convChannels);
    get(j, "d_model", c.dModel);
    get(j, "heads", c.heads);
    get(j, "feed_forward", c.feedForward);
    get(j, "layers", c.layers);
    get(j, "context", c.context);
    get(j, "max_frames", c.maxFrames);
    get(j, "dropout", c.dropout);
    return c;
}

nlohmann::json SrDiffusionConfig::toJson() const {
    return {{"timesteps", timesteps}, {"schedule", "cosine"}, {"cosine_s", cosineS},
            {"parameterization", vPrediction ? "v" : "eps"}, {"scale_factor", scaleFactor},
            {"uncond_value", uncondValue}};
}
SrDiffusionConfig SrDiffusionConfig::fromJson(const nlohmann::json &j) {
    SrDiffusionConfig c;
    get(j, "timesteps", c.timesteps);
    get(j, "cosine_s", c.cosineS);
    std::string p = c.vPrediction ? "v" : "eps";
    get(j, "parameterization", p);
    if (p != "v" && p != "eps") throw std::invalid_argument("parameterization must be \"v\" or \"eps\", got \"" + p + "\"");
    c.vPrediction = p == "v";
    get(j, "scale_factor", c.scaleFactor);
    get(j, "uncond_value", c.uncondValue);
    return c;
}

nlohmann::json SrModelConfig::toJson() const {
    return {{"family", "sr"}, {"preset", presetName}, {"mel", mel.toJson()}, {"vae", vae.toJson()},
            {"unet", unet.toJson()}, {"global", global.toJson()}, {"vocoder", vocoder.toJson()},
            {"diffusion", diffusion.toJson()}, {"cond_encoder", condEncoder}, {"chunk_frames", chunkFrames},
            {"pad_frames", padFrames}};
}

SrModelConfig SrModelConfig::fromJson(const nlohmann::json &j) {
    SrModelConfig c;
    get(j, "preset", c.presetName);
    if (j.contains("mel")) c.mel = SrMelConfig::fromJson(j.at("mel"));
    if (j.contains("vae")) c.vae = SrVaeConfig::fromJson(j.at("vae"));
    if (j.contains("unet")) c.unet = SrUNetConfig::fromJson(j.at("unet"));
    if (j.contains("global")) c.global = SrGlobalConfig::fromJson(j.at("global"));
    if (j.contains("vocoder")) c.vocoder = vocoder::VocoderConfig::fromJson(j.at("vocoder"));
    if (j.contains("diffusion")) c.diffusion = SrDiffusionConfig::fromJson(j.at("diffusion"));
    get(j, "cond_encoder", c.condEncoder);
    get(j, "chunk_frames", c.chunkFrames);
    get(j, "pad_frames", c.padFrames);
    return c;
}

std::vector<std::string> SrModelConfig::presetNames() { return {"audiosr", "tiny"}; }

SrModelConfig SrModelConfig::preset(const std::string &name) {
    SrModelConfig c;
    c.presetName = name;
    // AudioSR's 48 kHz HiFi-GAN (get_vocoder_config_48k), weight norm removed.
    c.vocoder.nMels = 256;
    c.vocoder.initialChannels = 1536;
    c.vocoder.upsampleRates = {6, 5, 4, 2, 2};
    c.vocoder.upsampleKernels = {12, 10, 8, 4, 4};
    c.vocoder.resblockKernels = {3, 7, 11, 15};
    c.vocoder.resblockDilations = {{1, 3, 5}, {1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
    c.vocoder.weightNorm = false;
    c.vocoder.finalSlope = 0.01;
    if (name == "audiosr") return c;
    if (name != "tiny") throw std::invalid_argument("unknown sr preset '" + name + "' (audiosr, tiny)");
    // The structure of "audiosr" at toy widths; tools/make_sr_fixtures.py builds the same.
    c.mel.nMels = 16;
    c.vae.ch = 32;
    c.vae.chMult = {1, 2};
    c.vae.numResBlocks = 1;
    c.vae.zChannels = c.vae.embedDim = 4;
    c.unet.inChannels = 8;
    c.unet.outChannels = 4;
    c.unet.modelChannels = 32;
    c.unet.channelMult = {1, 1};
    c.unet.numResBlocks = 1;
    c.unet.attentionResolutions = {2};
    c.global.convChannels = {8, 8, 16};
    c.global.dModel = 32;
    c.global.heads = 2;
    c.global.feedForward = 64;
    c.global.layers = 1;
    c.global.context = 16;
    c.global.maxFrames = 64;
    c.vocoder.nMels = 16;
    c.vocoder.initialChannels = 32;
    c.vocoder.resblockKernels = {3, 7};
    c.vocoder.resblockDilations = {{1, 3, 5}, {1, 3, 5}};
    c.diffusion.scaleFactor = 0.75;
    c.chunkFrames = 64;
    c.padFrames = 32;
    return c;
}

std::string SrModelConfig::validate() const {
    std::ostringstream e;
    auto positive = [&](int v, const char *what) {
        if (v <= 0 || v > (1 << 16)) e << what << " must be in 1.." << (1 << 16) << " (got " << v << "); ";
    };
    positive(mel.sampleRate, "mel.sample_rate");
    positive(mel.nFft, "mel.n_fft");
    positive(mel.hop, "mel.hop");
    positive(mel.nMels, "mel.n_mels");
    positive(vae.ch, "vae.ch");
    positive(vae.zChannels, "vae.z_channels");
    positive(vae.embedDim, "vae.embed_dim");
    positive(unet.modelChannels, "unet.model_channels");
    positive(unet.headChannels, "unet.num_head_channels");
    positive(chunkFrames, "chunk_frames");
    positive(padFrames, "pad_frames");
    if (vae.chMult.empty() || vae.chMult.size() > 8) e << "vae.ch_mult needs 1..8 levels; ";
    if (unet.channelMult.empty() || unet.channelMult.size() > 8) e << "unet.channel_mult needs 1..8 levels; ";
    for (int m : vae.chMult)
        if (m <= 0 || m > 64 || (vae.ch * m) % 32) e << "vae.ch x mult must be a positive multiple of 32 (GroupNorm(32)); ";
    for (int m : unet.channelMult)
        if (m <= 0 || m > 64 || (unet.modelChannels * m) % 32 || (unet.modelChannels * m) % unet.headChannels)
            e << "unet.model_channels x mult must be a multiple of 32 and of num_head_channels; ";
    if (vae.chMult.size() <= 8 && unet.channelMult.size() <= 8) {
        const int need = vae.downsampleFactor() * unet.downsampleFactor();
        if (padFrames % need) e << "pad_frames must be a multiple of " << need << "; ";
        if (mel.nMels % need) e << "mel.n_mels must be a multiple of " << need << "; ";
        if (chunkFrames % padFrames) e << "chunk_frames must be a multiple of pad_frames; ";
    }
    if (unet.inChannels != 2 * vae.embedDim || unet.outChannels != vae.embedDim)
        e << "unet in/out channels must be 2 x / 1 x vae.embed_dim (concat conditioning); ";
    if (vocoder.nMels != mel.nMels) e << "vocoder.n_mels must equal mel.n_mels; ";
    if (vocoder.hop() != mel.hop) e << "the vocoder's upsampling product must equal mel.hop; ";
    if (global.enabled) {
        if (global.convChannels.size() != 3) e << "global.conv_channels needs 3 entries; ";
        if (SrGlobalConfig::cnnHeight(mel.nMels) < 1) e << "too few mel bins for the global encoder's convs; ";
        if (global.heads <= 0 || global.dModel % std::max(1, global.heads)) e << "global.d_model must divide by heads; ";
        positive(global.maxFrames, "global.max_frames");
        if (global.maxFrames < chunkFrames) e << "global.max_frames must cover chunk_frames; ";
    }
    if (diffusion.timesteps < 2 || diffusion.timesteps > 100000) e << "diffusion.timesteps out of range; ";
    return e.str();
}

} // namespace ms::models::sr
