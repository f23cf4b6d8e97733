#pragma once
// Kick model helpers without LibTorch in the interface, for the command line
// and the studio: parameter counts, random packages, model.json reading.

#include "models/kick/Config.h"
#include "util/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ms::models::kick {

struct ModuleParams {
    std::string module;   // "vae.encoder", "vae.decoder", "vae", "unet", "text", "vocoder.generator", "vocoder.mpd", "vocoder.msd"
    int64_t params = 0;
};

// Parameter counts of the modules built from `config` (never typed in).
std::vector<ModuleParams> parameterCounts(const KickModelConfig &config);

// Input and output shapes of each stage, measured by running one item
// through modules built from `config` (batch dimension left out).
struct StageShape {
    std::string module;   // "vae.encoder", "vae.decoder", "unet", "text", "vocoder.generator"
    std::string stage;    // e.g. "net.3 (Conv2d)", "mid", "forward"
    std::vector<int64_t> in, out;
};
std::vector<StageShape> stageShapes(const KickModelConfig &config);

// Every parameter and buffer of the package's modules as "<file>:<name>"
// (file: vae, unet, text, vocoder: the package's safetensors) and its shape.
struct NamedShape {
    std::string name;
    std::vector<int64_t> shape;
};
std::vector<NamedShape> parameterKeys(const KickModelConfig &config);

// Reads and validates a package's model.json.
Result<KickModelConfig> readKickModelConfig(const std::string &dir);

// Writes a randomly initialised package (seeded) to dir.
Status writeRandomKickPackage(const KickModelConfig &config, const std::string &dir, uint64_t seed = 0);

} // namespace ms::models::kick
