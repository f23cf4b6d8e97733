#include "models/vocoder/Config.h"

#include "io/Json.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <stdexcept>

namespace ms::models::vocoder {

namespace {

template <class T>
void get(const nlohmann::json &j, const char *key, T &out) {
    out = io::jsonValueOr<T>(j, key, out);
}

bool within(const std::vector<int> &v, int lo, int hi) {
    return v.size() <= 16 && std::all_of(v.begin(), v.end(), [&](int x) { return x >= lo && x <= hi; });
}

} // namespace

int VocoderConfig::hop() const {
    if (istft()) return hopLength;
    return std::accumulate(upsampleRates.begin(), upsampleRates.end(), 1, std::multiplies<int>());
}

std::string VocoderConfig::validate() const {
    if (arch != "hifigan" && arch != "istft") return "vocoder.arch '" + arch + "' is not hifigan or istft";
    if (!within({nMels}, 1, 1024)) return "vocoder.n_mels is out of range (1..1024)";
    if (!within({melMatch}, 0, 16)) return "vocoder.mel_match is out of range (0..16 passes)";
    if (!within(periods, 1, 64) || !within(mpdChannels, 1, 4096))
        return "a vocoder discriminator size is out of range (periods up to 64, channels up to 4096)";
    if (istft()) {
        if (!within({dim, intermediateDim}, 1, 8192) || !within({numLayers}, 0, 64))
            return "an istft vocoder size is out of range (widths up to 8192, up to 64 layers)";
        if (!within({nFft, hopLength}, 2, 65536)) return "the istft vocoder's n_fft or hop_length is out of range";
        if (nFft % hopLength != 0 || nFft < 2 * hopLength || (nFft - hopLength) % 2 != 0)
            return "the istft vocoder's n_fft must be a multiple (2 or more) of hop_length, with (n_fft - hop) even";
        if (!(magClip > 0) || layerScaleInit < 0) return "the istft vocoder's mag_clip / layer_scale_init are invalid";
        if (phase != "absolute" && phase != "increment")
            return "the istft vocoder's phase '" + phase + "' is not absolute or increment";
        if (magPrior != "none" && magPrior != "mel_pinv")
            return "the istft vocoder's mag_prior '" + magPrior + "' is not none or mel_pinv";
        if (phasePrior != "none" && phasePrior != "peaks")
            return "the istft vocoder's phase_prior '" + phasePrior + "' is not none or peaks";
        if (phasePrior == "peaks" && (phase != "absolute" || magPrior == "none"))
            return "the istft vocoder's phase_prior peaks needs phase absolute (a correction) and a mag_prior";
        if (mrdResolutions.size() > 16 || !within({mrdChannels}, 1, 4096)) return "the istft vocoder's MRD is out of range";
        for (const auto &r : mrdResolutions)
            if (r.size() != 3 || !within(r, 2, 65536) || r[2] > r[0])
                return "each mrd_resolutions entry must be {n_fft, hop, win} with win <= n_fft";
        return {};
    }
    if (!within({initialChannels}, 1, 4096) || !within(upsampleRates, 1, 64) || !within(upsampleKernels, 1, 128) ||
        !within(resblockKernels, 1, 64) || upsampleRates.empty() || resblockDilations.size() > 16)
        return "a vocoder size is out of range (channels up to 4096, rates up to 64, kernels up to 128)";
    int64_t product = 1;   // hop() multiplies in int: keep it far from overflow
    for (int r : upsampleRates)
        if ((product *= r) > 65536) return "the vocoder's upsampling product is over 65536";
    for (const auto &d : resblockDilations)
        if (!within(d, 1, 1024)) return "a vocoder dilation is out of range (1..1024, at most 16 per block)";
    if (upsampleRates.size() != upsampleKernels.size())
        return "vocoder.upsample_rates and upsample_kernels differ in length";
    if (resblockKernels.size() != resblockDilations.size())
        return "vocoder.resblock_kernels and resblock_dilations differ in length";
    if ((initialChannels >> upsampleRates.size()) < 1)
        return "vocoder.initial_channels is too small for the number of upsampling stages";
    return {};
}

nlohmann::json VocoderConfig::toJson() const {
    nlohmann::json j = toJsonWithoutMelMatch();
    if (melMatch > 0) j["mel_match"] = melMatch;   // only when set: older packages stay byte-identical
    return j;
}

nlohmann::json VocoderConfig::toJsonWithoutMelMatch() const {
    if (istft())
        return {{"arch", arch}, {"n_mels", nMels}, {"dim", dim}, {"intermediate_dim", intermediateDim},
                {"num_layers", numLayers}, {"n_fft", nFft}, {"hop_length", hopLength}, {"padding", "same"},
                {"layer_scale_init", layerScaleInit}, {"mag_clip", magClip}, {"phase", phase}, {"mag_prior", magPrior}, {"phase_prior", phasePrior},
                {"periods", periods},
                {"mpd_channels", mpdChannels}, {"mrd_resolutions", mrdResolutions}, {"mrd_channels", mrdChannels}};
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
    get(j, "arch", c.arch);
    get(j, "n_mels", c.nMels);
    get(j, "periods", c.periods);
    get(j, "mpd_channels", c.mpdChannels);
    get(j, "mel_match", c.melMatch);
    if (c.istft()) {
        if (j.contains("padding") && j.at("padding") != "same")
            throw std::invalid_argument("istft vocoder: only \"same\" padding is supported");
        get(j, "dim", c.dim);
        get(j, "intermediate_dim", c.intermediateDim);
        get(j, "num_layers", c.numLayers);
        get(j, "n_fft", c.nFft);
        get(j, "hop_length", c.hopLength);
        get(j, "layer_scale_init", c.layerScaleInit);
        get(j, "mag_clip", c.magClip);
        get(j, "phase", c.phase);
        get(j, "mag_prior", c.magPrior);
        get(j, "phase_prior", c.phasePrior);
        get(j, "mrd_resolutions", c.mrdResolutions);
        get(j, "mrd_channels", c.mrdChannels);
        return c;
    }
    get(j, "initial_channels", c.initialChannels);
    get(j, "upsample_rates", c.upsampleRates);
    get(j, "upsample_kernels", c.upsampleKernels);
    get(j, "resblock_kernels", c.resblockKernels);
    get(j, "resblock_dilations", c.resblockDilations);
    get(j, "msd_channels", c.msdChannels);
    get(j, "msd_groups", c.msdGroups);
    get(j, "msd_scales", c.msdScales);
    get(j, "weight_norm", c.weightNorm);
    get(j, "final_slope", c.finalSlope);
    return c;
}

VocoderConfig VocoderConfig::preset(const std::string &name, const std::string &arch, int nMels, int hop) {
    VocoderConfig c;
    c.arch = arch;
    c.nMels = nMels;
    if (arch == "istft") {
        if (name != "tiny" && name != "cpu" && name != "paper")
            throw std::invalid_argument("unknown istft vocoder preset '" + name + "' (tiny, cpu, paper)");
        c.hopLength = hop;
        c.nFft = 4 * hop;
        // Vocos clips exp(log-magnitude) at 100 for n_fft 1024, where a sinusoid
        // of amplitude 0.4 already reaches it (a periodic Hann window sums to
        // n_fft / 2, a bin-centred sinusoid of amplitude A gives A * n_fft / 4).
        // A kick's body is a full-scale low sinusoid: the clip sits at n_fft
        // (amplitude 4) so that it only guards exp() against overflow.
        c.magClip = c.nFft;
        if (name == "tiny") {
            c.dim = 32;
            c.intermediateDim = 96;
            c.numLayers = 2;
            c.mpdChannels = {4, 8, 8, 8, 8};
            c.mrdChannels = 4;
        } else if (name == "cpu") {
            // Sized for ~2 hours of both cores of the 2-core VM (DEVELOPERS.md).
            c.dim = 256;
            c.intermediateDim = 768;
            c.numLayers = 6;
            c.mpdChannels = {16, 32, 64, 128, 128};
            c.mrdChannels = 16;
        } else {   // Vocos's published model (13.5M at 100 mels / n_fft 1024)
            c.dim = 512;
            c.intermediateDim = 1536;
            c.numLayers = 8;
            c.mpdChannels = {32, 128, 512, 1024, 1024};
            c.mrdChannels = 64;
        }
        return c;
    }
    if (arch != "hifigan") throw std::invalid_argument("unknown vocoder arch '" + arch + "' (hifigan, istft)");
    if (name != "tiny" && name != "paper")
        throw std::invalid_argument("unknown vocoder preset '" + name + "' (tiny, paper)");
    if (hop != 512) throw std::invalid_argument("the hifigan presets are for hop 512 (upsampling 8 x 8 x 2 x 2 x 2)");
    if (name == "tiny") {
        c.initialChannels = 32;   // 32 -> 16 -> 8 -> 4 -> 2 -> 1 over the five stages
        c.resblockKernels = {3};
        c.resblockDilations = {{1, 3}};
        c.mpdChannels = {4, 8, 8, 8, 8};
        c.msdChannels = {16, 16, 16, 16, 16, 16};
    }
    return c;
}

const std::vector<VocoderMel> &VocoderConfig::melConfigurations() {
    static const std::vector<VocoderMel> mels{{"kick", 44100, 128, 512}, {"sr", 48000, 256, 480}, {"16k", 16000, 128, 160}};
    return mels;
}

} // namespace ms::models::vocoder
