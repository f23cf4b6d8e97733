#include "data/ShardWriter.h"

#include "util/Fs.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace ms::data {

ShardWriter::~ShardWriter() {
    if (m_file) std::fclose(m_file);
    if (!m_finished && !m_tmp.empty()) {
        std::error_code ec;
        std::filesystem::remove(m_tmp, ec);
    }
}

std::string ShardWriter::header(int64_t rows) const {
    nlohmann::json h = nlohmann::json::object();
    if (!m_meta.empty()) h["__metadata__"] = m_meta;
    std::vector<int64_t> shape{rows};
    shape.insert(shape.end(), m_rowShape.begin(), m_rowShape.end());
    const uint64_t bytes = uint64_t(rows) * uint64_t(m_rowNumel) * 4;
    h[m_name] = {{"dtype", "F32"}, {"shape", shape}, {"data_offsets", {uint64_t(0), bytes}}};
    return h.dump();
}

Result<std::unique_ptr<ShardWriter>> ShardWriter::create(const std::string &path, const std::string &name,
                                                         std::vector<int64_t> rowShape, int64_t maxRows,
                                                         std::map<std::string, std::string> metadata) {
    std::unique_ptr<ShardWriter> w(new ShardWriter);
    w->m_path = path;
    w->m_name = name;
    w->m_rowShape = std::move(rowShape);
    w->m_meta = std::move(metadata);
    w->m_maxRows = maxRows;
    w->m_rowNumel = 1;
    for (auto d : w->m_rowShape) w->m_rowNumel *= d;
    // Reserve room for the largest header, data aligned to 8 bytes.
    w->m_headerLen = w->header(maxRows).size();
    while ((w->m_headerLen + 8) % 8) ++w->m_headerLen;
    w->m_tmp = fs::tempSibling(fs::u8path(path));
    w->m_file = std::fopen(w->m_tmp.c_str(), "wb");
    if (!w->m_file) return fail("cannot write " + path + ": " + std::strerror(errno));
    const std::string blank(8 + w->m_headerLen, ' ');
    if (std::fwrite(blank.data(), 1, blank.size(), w->m_file) != blank.size())
        return fail("cannot write " + path + ": " + std::strerror(errno));
    return w;
}

Status ShardWriter::append(const float *row) {
    if (!m_file) return fail(m_path + ": shard already finished or failed");
    if (m_rows >= m_maxRows) return fail(m_path + ": more rows than reserved (" + std::to_string(m_maxRows) + ")");
    const size_t n = size_t(m_rowNumel);
    if (std::fwrite(row, sizeof(float), n, m_file) != n)
        return fail("cannot write " + m_path + ": " + std::strerror(errno));
    ++m_rows;
    return {};
}

Status ShardWriter::finish() {
    if (!m_file) return fail(m_path + ": shard already finished or failed");
    std::string h = header(m_rows);
    h.resize(m_headerLen, ' ');
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = (unsigned char)((uint64_t(m_headerLen) >> (8 * i)) & 0xff);
    int err = 0;
    if (std::fflush(m_file) != 0) err = errno;
    if (!err && std::fseek(m_file, 0, SEEK_SET) != 0) err = errno;
    if (!err && (std::fwrite(len, 1, 8, m_file) != 8 || std::fwrite(h.data(), 1, h.size(), m_file) != h.size())) err = errno;
    if (!err && std::fflush(m_file) != 0) err = errno;
    if (!err && ::fsync(::fileno(m_file)) != 0) err = errno;
    std::fclose(m_file);
    m_file = nullptr;
    if (err) return fail("cannot write " + m_path + ": " + std::strerror(err));
    if (auto st = fs::commitTemp(m_tmp, fs::u8path(m_path)); !st) return st;
    m_finished = true;
    return {};
}

} // namespace ms::data
