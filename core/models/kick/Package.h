#pragma once
// The kick-ldm model package (docs: /work/shared/ARCHITECTURE.md, "Model package"):
//   model.json          {"family":"kick-ldm","version":1,"preset",...,"components":{vae,unet,text,vocoder?,diffusion},
//                        "vocab":[...],"sample_rate":44100,"mel":{...},"latent_scale":1.0,
//                        "vocoder_weight_norm":"kept"|"folded","card":"CARD.md"}
//   vae.safetensors     KickVAE state (encoder.net.0.weight, ...)
//   unet.safetensors    LatentUNet state (EMA weights for inference)
//   text.safetensors    KeywordEncoder state
//   vocoder.safetensors the vocoder generator's state (optional; Griffin-Lim without it), HiFi-GAN
//                       or the iSTFT vocoder (model.json's vocoder "arch"). HiFi-GAN: "kept" =
//                       weight_g/weight_v, "folded" = plain `weight` (remove_weight_norm names);
//                       the iSTFT vocoder has no weight norm (Vocos's names)
//   CARD.md

#include "models/kick/Config.h"
#include "models/kick/UNet.h"
#include "models/kick/Vae.h"
#include "models/vocoder/Generator.h"
#include "models/vocoder/HifiGan.h"
#include "torch/Torch.h"
#include "util/Result.h"

#include <string>

namespace ms::models::kick {

// The package's optional vocoder: a generator of the vocoder family (HiFi-GAN or iSTFT).
using vocoder::HifiGanGenerator;

struct KickPackage {
    KickModelConfig config;
    KickVAE vae{nullptr};
    LatentUNet unet{nullptr};
    KeywordEncoder text{nullptr};
    vocoder::Generator vocoder{nullptr};   // null when the package has none
    std::string dir;                     // folder it was loaded from (empty when built in memory)
    std::string card;                    // CARD.md text
    // What loading had to assume (e.g. a vocoder model.json names but whose
    // weights are missing: Griffin-Lim instead). Shown by the CLI and the studio.
    std::vector<std::string> warnings;

    // Randomly initialised modules for a configuration (seeded), on `device`.
    static KickPackage create(const KickModelConfig &config, torch::Device device = torch::kCPU, uint64_t seed = 0);
};

// Loads model.json and the weights; any file that does not fit the configured
// modules is refused with its key report (missing / unexpected / mis-shaped).
Result<KickPackage> loadKickPackage(const std::string &dir, torch::Device device = torch::kCPU);

// Writes the package into a temp folder beside `dir`, then renames it into
// place (an existing package at `dir` is replaced only after the new one is complete).
// half: store floating-point weights as F16 (half the size; loading converts
// back to float32, the modules compute in float32 either way).
Status saveKickPackage(const KickPackage &pkg, const std::string &dir, bool foldVocoderWeightNorm = false,
                       bool half = false);

// model.json as JSON / from JSON (no weights).
nlohmann::json kickModelJson(const KickModelConfig &config, const std::string &vocoderWeightNorm = "kept");
Result<KickModelConfig> kickModelConfigFromJson(const nlohmann::json &j, const std::string &where);

} // namespace ms::models::kick
