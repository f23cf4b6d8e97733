#pragma once
// Streams one F32 tensor [rows, rowShape...] into a safetensors file row by
// row, so a large dataset never sits in memory. The header is reserved for
// maxRows and rewritten (space-padded, as the format allows) with the real
// row count at finish(). Written under a temp name, renamed at finish().

#include "util/Result.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ms::data {

class ShardWriter {
public:
    ~ShardWriter();   // an unfinished shard's temp file is removed
    ShardWriter(const ShardWriter &) = delete;
    ShardWriter &operator=(const ShardWriter &) = delete;

    // Starts a shard holding tensor `name` of shape [rows, rowShape...], rows <= maxRows.
    static Result<std::unique_ptr<ShardWriter>> create(const std::string &path, const std::string &name,
                                                       std::vector<int64_t> rowShape, int64_t maxRows,
                                                       std::map<std::string, std::string> metadata = {});
    // Appends one row of rowNumel() floats.
    Status append(const float *row);
    // Writes the final header, syncs and renames onto the destination.
    Status finish();

    int64_t rows() const { return m_rows; }
    int64_t rowNumel() const { return m_rowNumel; }

private:
    ShardWriter() = default;
    std::string header(int64_t rows) const;
    std::string m_path, m_name;
    std::filesystem::path m_tmp;
    std::vector<int64_t> m_rowShape;
    std::map<std::string, std::string> m_meta;
    int64_t m_maxRows = 0, m_rows = 0, m_rowNumel = 0;
    std::size_t m_headerLen = 0;
    std::FILE *m_file = nullptr;
    bool m_finished = false;
};

} // namespace ms::data
