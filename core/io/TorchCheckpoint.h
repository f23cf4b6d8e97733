#pragma once
// Reads Python `torch.save` files (zip format, PyTorch >= 1.6) without Python:
// a small unpickler for dicts, lists, tuples, numbers, strings and tensors.
// It never runs pickle code: unknown classes (a pickled dataclass config,
// pathlib paths) become opaque Object values whose constructor arguments and
// state stay readable.
//
// The files come from the internet, so every claim in them is checked: zip
// offsets and sizes against the file, string lengths against the pickle,
// tensor shapes, strides and offsets against their storage. The value tree
// may nest at most io::kMaxNesting levels, has no cycles, expands to at most
// kMaxExpandedValues values, and what the reader allocates stays within
// io::allocBudget(file size). The file is memory-mapped; tensors are copied
// out of it, so a 6 GB checkpoint needs its tensors' bytes of memory, once.

#include "io/MappedFile.h"
#include "torch/Torch.h"
#include "util/Result.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ms::io {

struct PyValue;
using PyPtr = std::shared_ptr<PyValue>;

struct PyValue {
    // Storage: a tensor's raw storage (read-only, inside the file) that no
    // tensor record rebuilt; readers look for Tensor values only.
    enum class Kind { None, Bool, Int, Float, Str, Bytes, List, Tuple, Dict, Tensor, Global, Object, Storage };
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

// The most values a checkpoint's tree may expand to when shared values are
// counted once per reference (a walker of the tree visits that many).
inline constexpr int64_t kMaxExpandedValues = 10'000'000;

struct TorchLoadOptions {
    // Contiguous tensors become read-only views of the mapped file instead of
    // copies (they keep the map alive; never write to them). For importers that
    // copy each tensor into a module once: a 4-6 GB checkpoint then costs the
    // module's memory, not twice that.
    bool viewsOfFile = false;
};

// Parses a torch.save zip file. Errors name the file and what was not understood.
Result<PyPtr> loadTorchCheckpoint(const std::string &path, const TorchLoadOptions &options = {});
// The same for bytes already in memory; `where` names them in errors.
Result<PyPtr> parseTorchCheckpoint(std::shared_ptr<const io::Bytes> bytes, const std::string &where,
                                   const TorchLoadOptions &options = {});

// The string -> tensor entries of a dict (nested state dicts, any other value skipped).
std::map<std::string, torch::Tensor> tensorEntries(const PyValue &dict);

// The string items of a list or tuple.
std::vector<std::string> stringItems(const PyValue &list);

} // namespace ms::io
