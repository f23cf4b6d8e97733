#pragma once
// Configuration of the Snake waveform VAE (design document 002): stereo
// 44.1 kHz audio -> a 64-channel latent at 44100 / 2048 = 21.5 frames/s and
// back. Plain data, no LibTorch; written to a model package's model.json
// ("components": {"wavevae": {...}}).
//
// Widths follow the document's table, not Stable Audio's Oobleck: the input
// convolution makes `channels[0]` (128), and block i takes channels[i] to
// channels[i+1]: 128 -> 256 -> 512 -> 1024 -> 2048 -> 2048 with strides
// 2, 4, 4, 8, 8. (Oobleck's c_mults [1, 2, 4, 8, 16] are prefixed with 1, so
// its blocks go 128 -> 128 -> 256 -> 512 -> 1024 -> 2048; the document's
// "c_mults" line says the same numbers, its table the widths used here.)

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ms::models::wavevae {

struct WaveVaeConfig {
    int sampleRate = 44100;
    int audioChannels = 2;
    // Widths: channels[0] after the input convolution, channels[i+1] after block i.
    std::vector<int> channels{128, 256, 512, 1024, 2048, 2048};
    std::vector<int> strides{2, 4, 4, 8, 8};
    std::vector<int> dilations{1, 3, 9};   // the residual units of every block
    int latentDim = 64;
    bool weightNorm = true;                // Oobleck's WNConv1d / WNConvTranspose1d

    // Samples per latent frame: the product of the strides (2048 for the document).
    int hop() const;
    double frameRate() const { return double(sampleRate) / double(hop()); }
    // Frames the encoder gives for `samples` (floor, as the strided convolutions
    // do: 88,200 samples -> 43) and samples the decoder gives for `frames`
    // (frames x hop: 43 -> 88,064).
    long long framesFor(long long samples) const;
    long long samplesFor(long long frames) const { return frames * hop(); }
    // The receptive field of one latent frame, in samples on each side of its
    // span (chunked encoding needs at least this much context).
    long long receptiveFieldSamples() const;

    // "paper" (the document), "cpu" (widths / 16: trains here), "tiny" (tests).
    static WaveVaeConfig preset(const std::string &name);
    static std::vector<std::string> presetNames();
    nlohmann::json toJson() const;
    static WaveVaeConfig fromJson(const nlohmann::json &j);
};

} // namespace ms::models::wavevae
