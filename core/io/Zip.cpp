#include "io/Zip.h"

#include "io/Bounds.h"

namespace ms::io {

namespace {

uint64_t le(const uint8_t *p, int n) {
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k) v = (v << 8) | p[k];
    return v;
}

constexpr uint32_t kEocd = 0x06054b50, kEocd64 = 0x06064b50, kLocator64 = 0x07064b50;
constexpr uint32_t kCentral = 0x02014b50, kLocal = 0x04034b50;

} // namespace

const ZipEntry *ZipDirectory::find(const std::string &name) const {
    auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_entries[it->second];
}

Result<ZipDirectory> ZipDirectory::read(const uint8_t *d, std::size_t size, const std::string &where) {
    auto bad = [&](const std::string &why) { return fail(where + ": not a readable zip archive (" + why + ")"); };
    if (size < 22) return bad("too short");
    // The end-of-central-directory record: 22 bytes plus a comment of up to 64 KB, at the end.
    std::size_t eocd = SIZE_MAX;
    const std::size_t lowest = size > 22 + 65535 ? size - 22 - 65535 : 0;
    for (std::size_t p = size - 22 + 1; p-- > lowest;)
        if (le(d + p, 4) == kEocd && p + 22 + le(d + p + 20, 2) <= size) { eocd = p; break; }
    if (eocd == SIZE_MAX) return bad("no end-of-directory record; truncated?");
    uint64_t count = le(d + eocd + 10, 2), cdSize = le(d + eocd + 12, 4), cdOffset = le(d + eocd + 16, 4);
    if (le(d + eocd + 4, 2) != 0 || le(d + eocd + 6, 2) != 0) return bad("a multi-disk archive");
    if (eocd >= 20 && le(d + eocd - 20, 4) == kLocator64) {
        const uint64_t at = le(d + eocd - 20 + 8, 8);
        if (!inRange(at, 56, eocd - 20) || le(d + at, 4) != kEocd64) return bad("a broken zip64 record");
        count = le(d + at + 32, 8);
        cdSize = le(d + at + 40, 8);
        cdOffset = le(d + at + 48, 8);
    }
    if (!inRange(cdOffset, cdSize, size)) return bad("the directory lies outside the file");
    // Each directory entry takes at least 46 bytes: a count beyond that is a lie.
    if (count > cdSize / 46) return bad("more entries claimed than the directory can hold");

    ZipDirectory z;
    z.m_entries.reserve(std::size_t(count));
    uint64_t p = cdOffset;
    const uint64_t cdEnd = cdOffset + cdSize;
    for (uint64_t i = 0; i < count; ++i) {
        if (!inRange(p, 46, cdEnd) || le(d + p, 4) != kCentral) return bad("a broken directory entry");
        const uint64_t flags = le(d + p + 8, 2), method = le(d + p + 10, 2);
        uint64_t comp = le(d + p + 20, 4), uncomp = le(d + p + 24, 4), local = le(d + p + 42, 4);
        const uint64_t nameLen = le(d + p + 28, 2), extraLen = le(d + p + 30, 2), commentLen = le(d + p + 32, 2);
        const uint64_t entryLen = 46 + nameLen + extraLen + commentLen;
        if (!inRange(p, entryLen, cdEnd)) return bad("a directory entry runs past the directory");
        ZipEntry e;
        e.name.assign(reinterpret_cast<const char *>(d + p + 46), std::size_t(nameLen));
        // zip64: the fields stored as 0xFFFFFFFF follow in the 0x0001 extra field, in this order.
        for (uint64_t x = p + 46 + nameLen, xe = x + extraLen; x + 4 <= xe;) {
            const uint64_t id = le(d + x, 2), len = le(d + x + 2, 2);
            if (x + 4 + len > xe) return bad("a broken extra field in '" + e.name + "'");
            if (id == 1) {
                uint64_t q = x + 4;
                for (uint64_t *field : {&uncomp, &comp, &local}) {
                    if (*field != 0xffffffffu) continue;
                    if (q + 8 > x + 4 + len) return bad("a short zip64 field in '" + e.name + "'");
                    *field = le(d + q, 8);
                    q += 8;
                }
            }
            x += 4 + len;
        }
        if (flags & 1) return bad("'" + e.name + "' is encrypted");
        if (method != 0 || comp != uncomp)
            return bad("'" + e.name + "' is compressed; torch.save stores its records uncompressed");
        if (!inRange(local, 30, size) || le(d + local, 4) != kLocal) return bad("'" + e.name + "' has no local header");
        const uint64_t dataAt = local + 30 + le(d + local + 26, 2) + le(d + local + 28, 2);
        if (!inRange(dataAt, uncomp, size)) return bad("'" + e.name + "' runs past the end of the file; truncated?");
        e.offset = dataAt;
        e.size = uncomp;
        if (!z.m_index.emplace(e.name, z.m_entries.size()).second) return bad("'" + e.name + "' appears twice");
        z.m_entries.push_back(std::move(e));
        p += entryLen;
    }
    return z;
}

} // namespace ms::io
