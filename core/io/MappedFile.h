#pragma once
// The bytes of a file, memory-mapped read-only, or of a buffer in memory:
// one type so that every reader of untrusted input parses the same span
// whether it came from disk or from a fuzzer.

#include "util/Result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ms::io {

class Bytes {
public:
    ~Bytes();
    Bytes(const Bytes &) = delete;
    Bytes &operator=(const Bytes &) = delete;

    // Maps a file read-only. Fails with "<path>: <reason>" (missing, a folder, unreadable).
    static Result<std::shared_ptr<const Bytes>> map(const std::string &path);
    // Owns a copy of a buffer.
    static std::shared_ptr<const Bytes> copy(const void *data, std::size_t size);

    const uint8_t *data() const { return m_data; }
    std::size_t size() const { return m_size; }

private:
    Bytes() = default;
    const uint8_t *m_data = nullptr;
    std::size_t m_size = 0;
    void *m_map = nullptr;   // munmap'd when set
    std::string m_owned;
};

} // namespace ms::io
