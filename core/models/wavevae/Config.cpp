#include "models/wavevae/Config.h"

#include <stdexcept>

namespace ms::models::wavevae {

int WaveVaeConfig::hop() const {
    int h = 1;
    for (int s : strides) h *= s;
    return h;
}

long long WaveVaeConfig::framesFor(long long samples) const {
    long long L = samples;
    for (int s : strides) {
        // Conv1d(kernel 2s, stride s, padding ceil(s/2))
        const long long pad = (s + 1) / 2;
        const long long n = L + 2 * pad - 2LL * s;
        if (n < 0) return 0;
        L = n / s + 1;
    }
    return L;
}

long long WaveVaeConfig::receptiveFieldSamples() const {
    long long rate = 1, field = 3;   // the input convolution, kernel 7
    long long units = 0;
    for (int d : dilations) units += 3LL * d;   // kernel 7, dilation d: +-3d
    for (int s : strides) {
        field += units * rate + 2LL * s * rate;  // three residual units, then the strided conv (kernel 2s)
        rate *= s;
    }
    return field + rate;   // the output convolution, kernel 3, at the latent rate
}

WaveVaeConfig WaveVaeConfig::preset(const std::string &name) {
    WaveVaeConfig c;
    if (name == "paper") return c;
    if (name == "cpu") {
        // The document's strides and latent (2048x, 64 channels), widths / 16:
        // ~1.9 M parameters, ~1.5 s per training step of 4 x 1.5 s on 2 cores.
        c.channels = {8, 16, 32, 64, 128, 128};
        return c;
    }
    if (name == "tiny") {
        // Tests: two blocks (hop 8), a few channels.
        c.channels = {4, 8, 8};
        c.strides = {2, 4};
        c.latentDim = 4;
        return c;
    }
    throw std::invalid_argument("unknown wavevae preset '" + name + "' (paper, cpu, tiny)");
}

std::vector<std::string> WaveVaeConfig::presetNames() { return {"paper", "cpu", "tiny"}; }

nlohmann::json WaveVaeConfig::toJson() const {
    return {{"sample_rate", sampleRate}, {"audio_channels", audioChannels}, {"channels", channels},
            {"strides", strides},        {"dilations", dilations},          {"latent_dim", latentDim},
            {"weight_norm", weightNorm}};
}

WaveVaeConfig WaveVaeConfig::fromJson(const nlohmann::json &j) {
    WaveVaeConfig c;
    if (!j.is_object()) throw std::invalid_argument("wavevae config is not a JSON object");
    c.sampleRate = j.value("sample_rate", c.sampleRate);
    c.audioChannels = j.value("audio_channels", c.audioChannels);
    c.channels = j.value("channels", c.channels);
    c.strides = j.value("strides", c.strides);
    c.dilations = j.value("dilations", c.dilations);
    c.latentDim = j.value("latent_dim", c.latentDim);
    c.weightNorm = j.value("weight_norm", c.weightNorm);
    if (c.channels.size() != c.strides.size() + 1)
        throw std::invalid_argument("wavevae config: channels needs one more entry than strides");
    if (c.sampleRate <= 0 || c.audioChannels <= 0 || c.latentDim <= 0 || c.strides.empty())
        throw std::invalid_argument("wavevae config: sample_rate, audio_channels, latent_dim and strides must be positive");
    for (int v : c.channels)
        if (v <= 0) throw std::invalid_argument("wavevae config: channels must be positive");
    for (int v : c.strides)
        if (v <= 0) throw std::invalid_argument("wavevae config: strides must be positive");
    return c;
}

} // namespace ms::models::wavevae
