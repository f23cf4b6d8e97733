#pragma once
// Configuration of the HiFi-GAN vocoder (generator and its discriminators), shared
// by the families that turn log-mels into audio. Plain data, no LibTorch: presets
// are values, read from and written to a model package's model.json
// ("components": {"vocoder": {...}}).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ms::models::vocoder {

struct VocoderConfig {
    int nMels = 128;
    int initialChannels = 256;
    std::vector<int> upsampleRates{8, 8, 2, 2, 2};
    std::vector<int> upsampleKernels{16, 16, 4, 4, 4};
    std::vector<int> resblockKernels{3, 7, 11};
    std::vector<std::vector<int>> resblockDilations{{1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
    // Discriminators (training only).
    std::vector<int> periods{2, 3, 5, 7, 11};
    std::vector<int> mpdChannels{32, 64, 128, 256, 256};
    std::vector<int> msdChannels{64, 128, 256, 512, 512, 512};
    std::vector<int> msdGroups{1, 4, 16, 16, 16, 1};
    int msdScales = 3;
    // Weight norm as parameters (weight_g / weight_v, for training and the kick
    // packages) or plain weights (AudioSR's vocoder, saved after remove_weight_norm()).
    bool weightNorm = true;
    // Slope of the leaky ReLU before conv_post: 0.1 in the kick vocoder; AudioSR's
    // generator calls F.leaky_relu(x) there, PyTorch's default 0.01.
    double finalSlope = 0.1;

    int hop() const;                                // product of upsampleRates
    nlohmann::json toJson() const;
    static VocoderConfig fromJson(const nlohmann::json &j);
    static VocoderConfig preset(const std::string &name);
};

} // namespace ms::models::vocoder
