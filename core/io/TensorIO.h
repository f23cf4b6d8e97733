#pragma once
// Tensors and module state to and from safetensors with PyTorch-style keys,
// with a key report when a file does not fit a module.

#include "io/SafeTensors.h"
#include "torch/Torch.h"
#include "util/Result.h"

#include <map>
#include <string>
#include <vector>

namespace ms::io {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Writes CPU-contiguous copies of the tensors (any float/int dtype).
Status saveTensors(const std::string &path, const NamedTensors &tensors,
                   const std::map<std::string, std::string> &metadata = {});

// Reads every tensor of a file into memory (copies out of the map).
Result<std::map<std::string, torch::Tensor>> loadTensors(const std::string &path);

// Parameters and buffers of a module by their dotted PyTorch names.
NamedTensors stateDict(const torch::nn::Module &module);

// The floating-point tensors of `state` as float16, in place (packages stored
// with --half; the loaders compute in float32).
void toHalf(NamedTensors &state);

struct KeyReport {
    std::vector<std::string> missing;      // in the module, not in the file
    std::vector<std::string> unexpected;   // in the file, not in the module
    std::vector<std::string> mismatched;   // "name: file [a,b] vs module [c,d]"
    bool clean() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
    std::string summary() const;           // "0 missing, 0 unexpected, 0 mis-shaped" + the first names
};

// Compares a state dict against a module's.
KeyReport compareKeys(const torch::nn::Module &module, const std::map<std::string, torch::Tensor> &state);

// Copies state into the module. With strict, any key problem refuses the load
// (the module is untouched) and the error carries the report.
Status loadState(torch::nn::Module &module, const std::map<std::string, torch::Tensor> &state,
                 bool strict = true, KeyReport *report = nullptr);

Status saveModule(const torch::nn::Module &module, const std::string &path,
                  const std::map<std::string, std::string> &metadata = {});
Status loadModule(torch::nn::Module &module, const std::string &path, bool strict = true,
                  KeyReport *report = nullptr);

} // namespace ms::io
