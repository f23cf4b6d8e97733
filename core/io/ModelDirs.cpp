#include "io/ModelDirs.h"

#include "util/Fs.h"

#include <algorithm>
#include <cstdlib>

namespace ms::io {

namespace stdfs = std::filesystem;

namespace {
bool isPackage(const stdfs::path &p) {
    std::error_code ec;
    return stdfs::exists(p / "model.json", ec);
}
} // namespace

std::string defaultModelDir(const std::string &name) {
    if (const char *env = std::getenv("MELSTUDIO_MODEL_DIR"); env && *env) {
        auto p = fs::u8path(env) / name;
        if (isPackage(p)) return fs::u8string(p);
    }
    std::error_code ec;
    auto exe = stdfs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        auto p = exe.parent_path().parent_path() / "share" / "melstudio" / "models" / name;
        if (isPackage(p)) return fs::u8string(p.lexically_normal());
    }
#ifdef MELSTUDIO_SOURCE_DIR
    {
        auto p = fs::u8path(MELSTUDIO_SOURCE_DIR) / "resources" / "models" / name;
        if (isPackage(p)) return fs::u8string(p);
    }
#endif
    return {};
}

std::string newestCheckpointDir(const std::string &dir) {
    std::error_code ec;
    const auto root = fs::u8path(dir) / "checkpoints";
    long long best = -1;
    for (auto it = stdfs::directory_iterator(root, ec); !ec && it != stdfs::directory_iterator(); it.increment(ec)) {
        const std::string n = fs::u8string(it->path().filename());
        if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos || n.size() > 15) continue;
        if (!stdfs::exists(it->path() / "state.json", ec)) continue;
        best = std::max(best, std::stoll(n));
    }
    return best >= 0 ? fs::u8string(root / std::to_string(best)) : dir;
}

Status replaceFolder(const std::string &dir, const std::function<Status(const stdfs::path &tmp)> &fill) {
    const auto target = fs::u8path(dir);
    std::error_code ec;
    if (target.has_parent_path()) stdfs::create_directories(target.parent_path(), ec);
    const auto tmp = fs::tempSibling(target);
    stdfs::remove_all(tmp, ec);
    if (!stdfs::create_directories(tmp, ec))
        return fail(fs::u8string(tmp) + ": cannot create the temporary folder: " + ec.message());
    auto cleanup = [&] { std::error_code e; stdfs::remove_all(tmp, e); };
    Status st = fill(tmp);
    if (!st) {
        cleanup();
        return fail(dir + ": cannot write it: " + st.error());
    }
    stdfs::path old;
    if (stdfs::exists(target, ec)) {
        old = fs::tempSibling(target);
        stdfs::rename(target, old, ec);
        if (ec) {
            cleanup();
            return fail(dir + ": cannot replace the existing folder: " + ec.message());
        }
    }
    stdfs::rename(tmp, target, ec);
    if (ec) {
        std::error_code back;
        if (!old.empty()) stdfs::rename(old, target, back);
        cleanup();
        return fail(dir + ": cannot move the new folder into place: " + ec.message());
    }
    if (!old.empty()) stdfs::remove_all(old, ec);
    return {};
}

} // namespace ms::io
