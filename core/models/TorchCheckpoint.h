#pragma once
// Reads Python `torch.save` files (zip format, PyTorch >= 1.6) without Python:
// a small unpickler for dicts, lists, tuples, numbers, strings and tensors.
// Unlike torch::pickle_load it does not refuse unknown classes (a pickled
// dataclass config, pathlib paths): they become opaque Object values whose
// constructor arguments and state stay readable.

#include "torch/Torch.h"
#include "util/Result.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ms::models {

struct PyValue;
using PyPtr = std::shared_ptr<PyValue>;

struct PyValue {
    enum class Kind { None, Bool, Int, Float, Str, Bytes, List, Tuple, Dict, Tensor, Global, Object };
    Kind kind = Kind::None;
    bool b = false;
    int64_t i = 0;
    double f = 0;
    std::string s;                                  // Str/Bytes; Global/Object: "module.name"
    std::vector<PyPtr> items;                       // List/Tuple; Object: constructor args
    std::vector<std::pair<PyPtr, PyPtr>> entries;   // Dict (insertion order)
    PyPtr state;                                    // Object: BUILD state (often a Dict)
    torch::Tensor tensor;

    // Dict lookup by string key (also looks into an Object's state dict); null when absent.
    const PyValue *get(const std::string &key) const;
    bool isDict() const { return kind == Kind::Dict; }
};

// Parses a torch.save zip file. Errors name the file and what was not understood.
Result<PyPtr> loadTorchCheckpoint(const std::string &path);

// The string -> tensor entries of a dict (nested state dicts, any other value skipped).
std::map<std::string, torch::Tensor> tensorEntries(const PyValue &dict);

// The string items of a list or tuple.
std::vector<std::string> stringItems(const PyValue &list);

} // namespace ms::models
