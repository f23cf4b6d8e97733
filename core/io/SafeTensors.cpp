#include "io/SafeTensors.h"

#include "io/Bounds.h"
#include "io/Json.h"
#include "util/Fs.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace ms::io {

using json = nlohmann::json;

std::string dtypeName(DType t) {
    switch (t) {
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::F64: return "F64";
    case DType::I64: return "I64";
    case DType::I32: return "I32";
    case DType::I16: return "I16";
    case DType::I8: return "I8";
    case DType::U8: return "U8";
    case DType::Bool: return "BOOL";
    }
    return "?";
}

Result<DType> dtypeFromName(const std::string &n) {
    static const std::map<std::string, DType> m{{"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
                                                {"F64", DType::F64}, {"I64", DType::I64}, {"I32", DType::I32},
                                                {"I16", DType::I16}, {"I8", DType::I8},   {"U8", DType::U8},
                                                {"BOOL", DType::Bool}};
    auto it = m.find(n);
    if (it == m.end()) return fail("unsupported dtype '" + n + "'");
    return it->second;
}

std::size_t dtypeSize(DType t) {
    switch (t) {
    case DType::F64: case DType::I64: return 8;
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: case DType::I16: return 2;
    default: return 1;
    }
}

int64_t TensorView::numel() const {
    return checkedNumel(shape).value_or(-1);
}

SafeTensorsFile::~SafeTensorsFile() = default;

Result<std::unique_ptr<SafeTensorsFile>> SafeTensorsFile::open(const std::string &path) {
    auto bytes = Bytes::map(path);
    if (!bytes) return Error{bytes.error()};
    return fromBytes(*bytes, path);
}

Result<std::unique_ptr<SafeTensorsFile>> SafeTensorsFile::fromBytes(std::shared_ptr<const Bytes> bytes,
                                                                    const std::string &path) {
    std::unique_ptr<SafeTensorsFile> f(new SafeTensorsFile);
    f->m_path = path;
    f->m_bytes = std::move(bytes);
    const size_t size = f->m_bytes->size();
    const unsigned char *base = f->m_bytes->data();
    if (size < 8) return fail(path + ": not a safetensors file (too short)");
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | base[i];
    if (hlen > size - 8 || hlen > (100u << 20)) return fail(path + ": not a safetensors file (bad header length)");
    auto parsed = parseJson(std::string_view(reinterpret_cast<const char *>(base + 8), size_t(hlen)),
                            path + ": corrupt safetensors header");
    if (!parsed) return Error{parsed.error()};
    const json &header = *parsed;
    if (!header.is_object()) return fail(path + ": corrupt safetensors header (not an object)");
    const size_t dataStart = 8 + size_t(hlen), dataSize = size - dataStart;
    struct Entry { uint64_t begin; TensorView v; };
    std::vector<Entry> entries;
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (it->is_object())
                for (auto m = it->begin(); m != it->end(); ++m)
                    f->m_meta[m.key()] = m->is_string() ? m->get<std::string>() : m->dump();
            continue;
        }
        const std::string where = path + ": tensor '" + it.key() + "'";
        try {
            TensorView v;
            v.name = it.key();
            if (!it->is_object()) return fail(where + " is not described by an object");
            auto dt = dtypeFromName(it->at("dtype").get<std::string>());
            if (!dt) return fail(where + ": " + dt.error());
            v.dtype = *dt;
            const json &shape = it->at("shape"), &off = it->at("data_offsets");
            if (!shape.is_array() || shape.size() > 64) return fail(where + ": its shape is not a list of at most 64 sizes");
            for (const auto &d : shape) {
                if (!d.is_number_integer() || d.get<int64_t>() < 0) return fail(where + ": its shape holds a negative or non-integer size");
                v.shape.push_back(d.get<int64_t>());
            }
            if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
                return fail(where + ": data_offsets is not a pair of non-negative integers");
            const uint64_t b = off[0].get<uint64_t>(), e = off[1].get<uint64_t>();
            if (b > e || e > dataSize) return fail(where + " lies outside the file (truncated?)");
            v.bytes = size_t(e - b);
            const auto numel = checkedNumel(v.shape);
            const auto want = numel ? checkedBytes(*numel, dtypeSize(v.dtype)) : std::nullopt;
            if (!want) return fail(where + ": its shape overflows");
            if (*want != v.bytes) return fail(where + " size does not match its shape");
            v.data = base + dataStart + b;
            entries.push_back({b, std::move(v)});
        } catch (const std::exception &e) {
            return fail(path + ": corrupt entry '" + it.key() + "' (" + e.what() + ")");
        }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.begin < b.begin; });
    for (auto &e : entries) {
        f->m_index[e.v.name] = f->m_tensors.size();
        f->m_tensors.push_back(std::move(e.v));
    }
    return f;
}

std::vector<std::string> SafeTensorsFile::names() const {
    std::vector<std::string> out;
    for (const auto &t : m_tensors) out.push_back(t.name);
    return out;
}

const TensorView *SafeTensorsFile::find(const std::string &name) const {
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

Status writeSafeTensors(const std::string &path, const std::vector<TensorView> &tensors,
                        const std::map<std::string, std::string> &metadata) {
    json header = json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    size_t offset = 0;
    for (const auto &t : tensors) {
        if (size_t(t.numel()) * dtypeSize(t.dtype) != t.bytes)
            return fail(path + ": tensor '" + t.name + "' size does not match its shape");
        header[t.name] = {{"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.bytes}}};
        offset += t.bytes;
    }
    std::string h = header.dump();
    while ((h.size() + 8) % 8) h.push_back(' ');   // align data to 8 bytes
    std::string bytes;
    bytes.reserve(8 + h.size() + offset);
    uint64_t n = h.size();
    for (int i = 0; i < 8; ++i) bytes.push_back(char((n >> (8 * i)) & 0xff));
    bytes += h;
    for (const auto &t : tensors) bytes.append(static_cast<const char *>(t.data), t.bytes);
    return fs::writeFileAtomic(fs::u8path(path), bytes);
}

} // namespace ms::io
