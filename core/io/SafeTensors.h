#pragma once
// safetensors files (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape,
// data_offsets}, "__metadata__": {str: str}}, then raw little-endian data.
// Readable from Python with `safetensors` or by hand with numpy.

#include "io/MappedFile.h"
#include "util/Result.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ms::io {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

std::string dtypeName(DType t);                 // "F32", ...
Result<DType> dtypeFromName(const std::string &name);
std::size_t dtypeSize(DType t);

struct TensorView {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void *data = nullptr;
    std::size_t bytes = 0;
    int64_t numel() const;
};

// A memory-mapped safetensors file; views stay valid while it lives.
class SafeTensorsFile {
public:
    ~SafeTensorsFile();
    SafeTensorsFile(const SafeTensorsFile &) = delete;
    SafeTensorsFile &operator=(const SafeTensorsFile &) = delete;

    // Opens and validates the header: its length, JSON nesting, every dtype,
    // shape (non-negative, at most 64 dimensions, no overflow) and offset
    // (inside the file, matching the shape's size). Errors name the file.
    static Result<std::unique_ptr<SafeTensorsFile>> open(const std::string &path);
    // The same for bytes already in memory; `where` names them in errors.
    static Result<std::unique_ptr<SafeTensorsFile>> fromBytes(std::shared_ptr<const Bytes> bytes,
                                                              const std::string &where);

    const std::string &path() const { return m_path; }
    std::vector<std::string> names() const;   // in file order
    bool contains(const std::string &name) const { return m_index.count(name) != 0; }
    const TensorView *find(const std::string &name) const;
    const std::map<std::string, std::string> &metadata() const { return m_meta; }

private:
    SafeTensorsFile() = default;
    std::string m_path;
    std::shared_ptr<const Bytes> m_bytes;
    std::vector<TensorView> m_tensors;
    std::map<std::string, std::size_t> m_index;
    std::map<std::string, std::string> m_meta;
};

// Writes tensors (in the order given) through a temp name + rename.
Status writeSafeTensors(const std::string &path, const std::vector<TensorView> &tensors,
                        const std::map<std::string, std::string> &metadata = {});

} // namespace ms::io
