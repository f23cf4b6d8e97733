#include "io/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ms::io {

Bytes::~Bytes() {
    if (m_map) ::munmap(m_map, m_size);
}

Result<std::shared_ptr<const Bytes>> Bytes::map(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return fail(path + ": cannot read its size (" + std::strerror(err) + ")");
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return fail(path + ": is a folder, not a file");
    }
    std::shared_ptr<Bytes> b(new Bytes);
    b->m_size = size_t(st.st_size);
    if (b->m_size > 0) {
        void *m = ::mmap(nullptr, b->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            return fail(path + ": cannot map the file (" + std::strerror(err) + ")");
        }
        b->m_map = m;
        b->m_data = static_cast<const uint8_t *>(m);
    }
    ::close(fd);
    return std::shared_ptr<const Bytes>(std::move(b));
}

std::shared_ptr<const Bytes> Bytes::copy(const void *data, std::size_t size) {
    std::shared_ptr<Bytes> b(new Bytes);
    b->m_owned.assign(static_cast<const char *>(data), size);
    b->m_data = reinterpret_cast<const uint8_t *>(b->m_owned.data());
    b->m_size = size;
    return b;
}

} // namespace ms::io
