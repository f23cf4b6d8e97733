#pragma once
// The central directory of a zip archive whose entries are stored
// uncompressed, as torch.save writes them (zip64 included, for checkpoints
// over 4 GB). Every offset and size is checked against the bytes there; a
// compressed, encrypted or multi-disk entry is refused, not guessed at.

#include "util/Result.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ms::io {

struct ZipEntry {
    std::string name;
    uint64_t offset = 0;   // of the entry's data in the archive
    uint64_t size = 0;
};

class ZipDirectory {
public:
    // Reads the directory of the archive in [data, data + size). Errors start
    // with `where` (the file's name).
    static Result<ZipDirectory> read(const uint8_t *data, std::size_t size, const std::string &where);

    const std::vector<ZipEntry> &entries() const { return m_entries; }
    const ZipEntry *find(const std::string &name) const;

private:
    std::vector<ZipEntry> m_entries;
    std::map<std::string, std::size_t> m_index;
};

} // namespace ms::io
