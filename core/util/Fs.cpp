#include "util/Fs.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ms::fs {

stdfs::path u8path(std::string_view utf8) {
    // Linux paths are bytes; UTF-8 passes through unchanged.
    return stdfs::path(std::string(utf8));
}

std::string u8string(const stdfs::path &p) { return p.string(); }

stdfs::path tempSibling(const stdfs::path &p) {
    static std::atomic<int> counter{0};
    std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter++);
    return p.parent_path() / name;
}

Status commitTemp(const stdfs::path &tmp, const stdfs::path &dst) {
    std::error_code ec;
    stdfs::rename(tmp, dst, ec);
    if (ec) {
        stdfs::remove(tmp, ec);
        return fail("cannot rename " + tmp.string() + " to " + dst.string() + ": " + ec.message());
    }
    return {};
}

Status writeFileAtomic(const stdfs::path &p, std::string_view bytes) {
    const stdfs::path tmp = tempSibling(p);
    FILE *f = std::fopen(tmp.c_str(), "wb");
    if (!f) return fail("cannot write " + p.string() + ": " + std::strerror(errno));
    size_t n = bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), f);
    int err = (n != bytes.size()) ? errno : 0;
    if (std::fflush(f) != 0 && !err) err = errno;
    if (!err && ::fsync(::fileno(f)) != 0) err = errno;
    std::fclose(f);
    if (err) {
        std::error_code ec;
        stdfs::remove(tmp, ec);
        return fail("cannot write " + p.string() + ": " + std::strerror(err));
    }
    return commitTemp(tmp, p);
}

Result<std::string> readFile(const stdfs::path &p, std::uint64_t maxBytes) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return fail("cannot open " + p.string() + ": " + std::strerror(errno));
    std::error_code ec;
    if (stdfs::is_directory(p, ec)) return fail(p.string() + ": is a folder, not a file");
    const auto size = stdfs::file_size(p, ec);
    if (!ec && size > maxBytes)
        return fail(p.string() + ": " + std::to_string(size >> 20) + " MB is more than the " +
                    std::to_string(maxBytes >> 20) + " MB this reader accepts (is it the right file?)");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return fail("cannot read " + p.string());
    return ss.str();
}

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string hexDigest(std::string_view bytes, int hexChars) {
    // Two independent FNV lanes give 128 bits; enough for content addressing of a library.
    std::uint64_t a = fnv1a64(bytes), b = fnv1a64(bytes, 0x84222325cbf29ce4ull ^ bytes.size());
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
    return std::string(buf, buf + std::min(hexChars, 32));
}

} // namespace ms::fs
