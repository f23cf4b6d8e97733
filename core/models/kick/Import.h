#pragma once
// Import of the reference PyTorch implementation's checkpoints
// (zhinit/KickWithReverb, kick_gen_trainer: torch.save dicts) into a
// kick-ldm package. No LibTorch in this header.
//   VAE:       {"epoch", "model_state_dict", "optimizer_state_dict", "config"}
//   diffusion: {"step", "model_state_dict", "ema_state_dict", "text_enc_state_dict",
//               "optimizer_state_dict", "vocab", "config"}
//   vocoder:   {"generator", "mpd", "msd", "optim_g", ..., "epoch"}; weight norm as
//              torch.nn.utils.parametrizations (parametrizations.weight.original0/1)
//              or the older weight_g/weight_v names.

#include "util/Result.h"

#include <string>
#include <vector>

namespace ms::models::kick {

struct KwrImportOptions {
    std::string vaePath, diffusionPath, vocoderPath;   // vocoder optional
    std::string outDir;
    std::string preset = "paper";   // configuration the checkpoints are expected to fit
    bool useEma = true;             // ema_state_dict (else model_state_dict) for the UNet
};

struct KwrImportResult {
    std::string report;   // per component: key report and what was mapped
    bool ok = false;      // false: nothing was written; report says why
    // What the import had to assume (no EMA weights, a config it could not
    // read); each is also a "warning: " line of the report.
    std::vector<std::string> warnings;
};

// Reads the checkpoints, maps their keys to ours, checks them strictly against
// the preset's modules and writes the package only when everything fits.
// Unreadable files are an Error; key mismatches give ok == false with the report.
Result<KwrImportResult> importKickWithReverb(const KwrImportOptions &options);

} // namespace ms::models::kick
