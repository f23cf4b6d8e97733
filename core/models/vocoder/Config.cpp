#include "models/vocoder/Config.h"

#include "io/Json.h"

#include <functional>
#include <numeric>
#include <stdexcept>

namespace ms::models::vocoder {

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

int VocoderConfig::hop() const {
    return std::accumulate(upsampleRates.begin(), upsampleRates.end(), 1, std::multiplies<int>());
}

nlohmann::json VocoderConfig::toJson() const {
    nlohmann::json j = {{"n_mels", nMels}, {"initial_channels", initialChannels}, {"upsample_rates", upsampleRates},
            {"upsample_kernels", upsampleKernels}, {"resblock_kernels", resblockKernels},
            {"resblock_dilations", resblockDilations}, {"periods", periods}, {"mpd_channels", mpdChannels},
            {"msd_channels", msdChannels}, {"msd_groups", msdGroups}, {"msd_scales", msdScales}};
    // Written only when they differ from the defaults, so existing packages stay byte-identical.
    if (!weightNorm) j["weight_norm"] = false;
    if (finalSlope != 0.1) j["final_slope"] = finalSlope;
    return j;
}

VocoderConfig VocoderConfig::fromJson(const nlohmann::json &j) {
    VocoderConfig c;
    get(j, "n_mels", c.nMels);
    get(j, "initial_channels", c.initialChannels);
    get(j, "upsample_rates", c.upsampleRates);
    get(j, "upsample_kernels", c.upsampleKernels);
    get(j, "resblock_kernels", c.resblockKernels);
    get(j, "resblock_dilations", c.resblockDilations);
    get(j, "periods", c.periods);
    get(j, "mpd_channels", c.mpdChannels);
    get(j, "msd_channels", c.msdChannels);
    get(j, "msd_groups", c.msdGroups);
    get(j, "msd_scales", c.msdScales);
    get(j, "weight_norm", c.weightNorm);
    get(j, "final_slope", c.finalSlope);
    return c;
}

VocoderConfig VocoderConfig::preset(const std::string &name) {
    requirePreset(name, "vocoder");
    VocoderConfig c;
    if (name == "tiny") {
        c.initialChannels = 32;   // 32 -> 16 -> 8 -> 4 -> 2 -> 1 over the five stages
        c.resblockKernels = {3};
        c.resblockDilations = {{1, 3}};
        c.mpdChannels = {4, 8, 8, 8, 8};
        c.msdChannels = {16, 16, 16, 16, 16, 16};
    }
    return c;
}

} // namespace ms::models::vocoder
