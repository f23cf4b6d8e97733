#pragma once
// Loads AudioSR checkpoints (torch.save zip with "state_dict", Lightning
// .ckpt, a bare state dict) and safetensors into an SrModel, with a key report
// like document 003's. Nothing is copied unless every key fits: a mismatch is
// refused with the report. The torch file is memory-mapped and its tensors
// are views of the map until each is copied into its parameter, so a 4-6 GB
// file costs the model's memory once, not twice.
//
// Pickle is data: only torch's tensor-rebuild and storage globals and a few
// container types are accepted anywhere in the file; anything else (os.system,
// builtins.eval, ...) refuses the file with a message naming the global.

#include "models/sr/Modules.h"
#include "util/Result.h"

#include <functional>
#include <string>
#include <vector>

namespace ms::models::sr {

struct SrKeyReport {
    std::string format;                    // "torch.save", "lightning", "safetensors"
    int64_t loaded = 0;                    // tensors copied
    std::vector<std::string> missing;      // the model needs them, the file lacks them
    std::vector<std::string> unexpected;   // the file has them, nothing uses them
    std::vector<std::string> mismatched;   // "name: file [a,b] vs model [c,d]"
    std::vector<std::string> ignored;      // stored by AudioSR, not needed for inference (by group)
    std::vector<std::string> fresh;        // the model's own initial values kept (by group)
    bool ok() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
    // Multi-line report: counts, then every name of the first three lists and
    // the groups of the last two.
    std::string text() const;
};

struct SrLoadOptions {
    // Called with (tensors copied, tensors to copy).
    std::function<void(int64_t, int64_t)> progress;
};

// Fills `model` from `path`. On success the report says what was ignored and
// what stayed fresh; a file that does not fit fails with its report, naming
// the file. The model is untouched on failure.
Result<SrKeyReport> loadSrCheckpoint(SrModelImpl &model, const std::string &path, const SrLoadOptions &options = {});

// Writes a model folder: model.json {"family": "sr", "version": 1, "preset",
// "components": config, "sample_rate", "weights_dtype", "source"} and
// model.safetensors with AudioSR's key names (float16 when `half`), each
// through a temp name and a rename. `source` says where the weights came from.
Status writeSrPackage(SrModelImpl &model, const std::string &dir, bool half, const std::string &source);

// The globals a pickle may name (see above).
bool pickleGlobalAllowed(const std::string &name);

} // namespace ms::models::sr
