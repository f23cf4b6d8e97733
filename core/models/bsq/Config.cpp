#include "models/bsq/Config.h"

#include <cmath>
#include <stdexcept>

namespace ms::models::bsq {

double BsqConfig::dbReference() const { return 20.0 * std::log10(double(nFft) / 4.0); }

dsp::MelConfig BsqConfig::mel() const {
    dsp::MelConfig m;
    m.sampleRate = sampleRate;
    m.nFft = nFft;
    m.hop = hop;
    m.nMels = nMels;
    m.fMin = 0.0;
    m.fMax = 0.0;
    return m;
}

BsqConfig BsqConfig::preset(const std::string &name) {
    BsqConfig c;
    if (name == "paper") return c;
    if (name == "paper-b36") {
        c.codeBits = 36;
        return c;
    }
    if (name == "cpu") {
        // The document's front end, patches and L; a quarter of ViT-B's width and a
        // third of its depth (`params --family bsq` counts it): ~2 s per step of 8
        // windows on one core of the 2-core AMD EPYC VM.
        c.width = 192;
        c.heads = 3;
        c.layers = 4;
        c.headHidden = 768;
        return c;
    }
    if (name == "tiny") {
        // Tests: 32 mels x 64 frames (0.64 s), 4 x 2 patches, 8 bits.
        c.nMels = 32;
        c.frames = 64;
        c.width = 32;
        c.heads = 2;
        c.layers = 1;
        c.headHidden = 64;
        c.convKernel = 3;
        c.codeBits = 8;
        return c;
    }
    throw std::invalid_argument("unknown tokenizer preset '" + name + "' (paper, paper-b36, cpu, tiny)");
}

std::vector<std::string> BsqConfig::presetNames() { return {"paper", "paper-b36", "cpu", "tiny"}; }

nlohmann::json BsqConfig::toJson() const {
    return {{"sample_rate", sampleRate}, {"n_fft", nFft},           {"hop", hop},
            {"n_mels", nMels},           {"frames", frames},        {"db_floor", dbFloor},
            {"patch_time", patchTime},   {"patch_freq", patchFreq}, {"width", width},
            {"layers", layers},          {"heads", heads},          {"mlp_ratio", mlpRatio},
            {"head_hidden", headHidden}, {"conformer", conformer},  {"conv_kernel", convKernel},
            {"code_bits", codeBits},     {"group_size", groupSize}, {"inv_temperature", invTemperature}};
}

BsqConfig BsqConfig::fromJson(const nlohmann::json &j) {
    if (!j.is_object()) throw std::invalid_argument("tokenizer config is not a JSON object");
    BsqConfig c;
    try {
        c.sampleRate = j.value("sample_rate", c.sampleRate);
        c.nFft = j.value("n_fft", c.nFft);
        c.hop = j.value("hop", c.hop);
        c.nMels = j.value("n_mels", c.nMels);
        c.frames = j.value("frames", c.frames);
        c.dbFloor = j.value("db_floor", c.dbFloor);
        c.patchTime = j.value("patch_time", c.patchTime);
        c.patchFreq = j.value("patch_freq", c.patchFreq);
        c.width = j.value("width", c.width);
        c.layers = j.value("layers", c.layers);
        c.heads = j.value("heads", c.heads);
        c.mlpRatio = j.value("mlp_ratio", c.mlpRatio);
        c.headHidden = j.value("head_hidden", c.headHidden);
        c.conformer = j.value("conformer", c.conformer);
        c.convKernel = j.value("conv_kernel", c.convKernel);
        c.codeBits = j.value("code_bits", c.codeBits);
        c.groupSize = j.value("group_size", c.groupSize);
        c.invTemperature = j.value("inv_temperature", c.invTemperature);
    } catch (const nlohmann::json::exception &e) {
        throw std::invalid_argument(std::string("tokenizer config: ") + e.what());
    }
    if (c.sampleRate <= 0 || c.nFft <= 0 || c.hop <= 0 || c.nMels <= 0 || c.frames <= 0 || c.patchTime <= 0 ||
        c.patchFreq <= 0 || c.width <= 0 || c.layers <= 0 || c.heads <= 0 || c.headHidden <= 0 || c.codeBits <= 0 ||
        c.groupSize <= 0 || c.convKernel <= 0 || c.mlpRatio <= 0 || !(c.dbFloor < 0) || !(c.invTemperature > 0))
        throw std::invalid_argument("tokenizer config: sizes must be positive and db_floor negative");
    if (c.frames % c.patchTime || c.nMels % c.patchFreq)
        throw std::invalid_argument("tokenizer config: frames and n_mels must be multiples of the patch sizes");
    if (c.width % c.heads) throw std::invalid_argument("tokenizer config: width must be a multiple of heads");
    if (c.codeBits > 62) throw std::invalid_argument("tokenizer config: code_bits above 62 do not fit an int64 id");
    if (c.codeBits % c.groupSize || c.groupSize > 12)
        throw std::invalid_argument("tokenizer config: group_size must divide code_bits and be at most 12");
    return c;
}

} // namespace ms::models::bsq
