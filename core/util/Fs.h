#pragma once
// File-system helpers: atomic writes (temp name + rename) and UTF-8 paths.

#include "util/Result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ms::fs {

namespace stdfs = std::filesystem;

// A path from a UTF-8 string (names with CJK characters, quotes and spaces).
stdfs::path u8path(std::string_view utf8);
// The UTF-8 string of a path.
std::string u8string(const stdfs::path &p);

// A sibling temp name for p: "<dir>/.<name>.tmp-<pid>-<n>".
stdfs::path tempSibling(const stdfs::path &p);

// Writes bytes to p through a temp name and a rename, so a reader never sees a
// half-written file. Fails with a message naming p (e.g. disk full).
Status writeFileAtomic(const stdfs::path &p, std::string_view bytes);

// Renames tmp onto dst (same file system); removes tmp on failure.
Status commitTemp(const stdfs::path &tmp, const stdfs::path &dst);

// Reads a whole file; refuses one larger than maxBytes (a text file read
// whole is a config, an index or a card, never gigabytes).
inline constexpr std::uint64_t kMaxReadFileBytes = std::uint64_t(1) << 30;
Result<std::string> readFile(const stdfs::path &p, std::uint64_t maxBytes = kMaxReadFileBytes);

// FNV-1a 64 / a short content hash of a byte string, hex.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed = 1469598103934665603ull);
std::string hexDigest(std::string_view bytes, int hexChars = 16);

} // namespace ms::fs
