#include "data/Aggregate.h"

#include "audio/AudioFile.h"
#include "data/Csv.h"
#include "data/Keywords.h"
#include "util/Fs.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

namespace ms::data {

namespace {

namespace stdfs = std::filesystem;

struct Walker {
    const AggregateParams &p;
    stdfs::path dstCanon;
    AggregateResult &res;
    std::vector<stdfs::path> files;
    std::set<stdfs::path> visited;   // canonical folders, against symlink loops

    bool passesName(const std::string &name) const {
        return p.nameFilter.empty() || asciiLower(name).find(asciiLower(p.nameFilter)) != std::string::npos;
    }
    void skip(const stdfs::path &path, const char *why, std::string detail) {
        res.countsByReason[why]++;
        res.skipped.push_back({fs::u8string(path), why, std::move(detail)});
    }

    void walk(const stdfs::path &dir) {
        std::error_code ec;
        auto canon = stdfs::canonical(dir, ec);
        if (!ec) {
            if (canon == dstCanon) return;   // DST inside SRC: never aggregate our own output
            if (!visited.insert(canon).second) return;
        }
        std::vector<stdfs::directory_entry> entries;
        stdfs::directory_iterator it(dir, ec), end;
        if (ec) {
            skip(dir, reason::unreadable, "cannot list folder (" + ec.message() + ")");
            return;
        }
        for (; it != end; it.increment(ec)) {
            if (ec) {
                skip(dir, reason::unreadable, "listing stopped (" + ec.message() + ")");
                break;
            }
            entries.push_back(*it);
        }
        std::sort(entries.begin(), entries.end(),
                  [](const auto &a, const auto &b) { return a.path() < b.path(); });
        for (const auto &e : entries) {
            const auto path = e.path();
            std::error_code sec;
            const bool isLink = e.is_symlink(sec);
            if (isLink && !p.followSymlinks) {
                const std::string name = fs::u8string(path.filename());
                if (passesName(name)) skip(path, reason::symlink, "symbolic link (not followed; --follow-symlinks to include)");
                else res.countsByReason[reason::nameFilter]++;
                continue;
            }
            if (e.is_directory(sec)) walk(path);
            else if (e.is_regular_file(sec)) files.push_back(path);
        }
    }
};

std::string sizeText(std::uint64_t b) {
    char buf[48];
    if (b >= 1024 * 1024) std::snprintf(buf, sizeof buf, "%.2f MB", b / 1048576.0);
    else std::snprintf(buf, sizeof buf, "%.1f KB", b / 1024.0);
    return buf;
}

} // namespace

Result<AggregateResult> aggregate(const AggregateParams &p, const AggregateProgress &progress,
                                  const std::atomic<bool> *cancel) {
    std::error_code ec;
    const auto src = fs::u8path(p.src), dst = fs::u8path(p.dst);
    if (p.src.empty() || !stdfs::is_directory(src, ec)) return fail("source folder " + p.src + " does not exist or is not a folder");
    stdfs::create_directories(dst, ec);
    if (!stdfs::is_directory(dst, ec))
        return fail("cannot create the dataset folder " + p.dst + (ec ? " (" + ec.message() + ")" : ""));
    // Fail early and clearly when DST is not writable.
    if (auto st = fs::writeFileAtomic(dst / ".melstudio-write-test", "ok"); !st)
        return fail("dataset folder " + p.dst + " is not writable: " + st.error());
    stdfs::remove(dst / ".melstudio-write-test", ec);
    if (stdfs::equivalent(src, dst, ec)) return fail("source and dataset folder are the same folder (" + p.src + ")");

    AggregateResult res;
    Walker w{p, stdfs::weakly_canonical(dst, ec), res, {}, {}};
    w.walk(src);
    res.filesSeen = (long long)w.files.size();

    std::vector<MetadataRow> newRows;
    std::unordered_map<std::string, std::string> keptByHash;   // hash -> first source path
    const long long total = res.filesSeen;
    long long done = 0;
    for (const auto &path : w.files) {
        if (cancel && cancel->load()) { res.cancelled = true; break; }
        const std::string spath = fs::u8string(path);
        if (progress) progress(done, total, spath);
        ++done;
        const std::string name = fs::u8string(path.filename());
        if (!w.passesName(name)) { res.countsByReason[reason::nameFilter]++; continue; }
        const std::string ext = fs::u8string(path.extension());
        if (ext.size() < 2 || !isAudioExtension(ext.substr(1))) {
            w.skip(path, reason::notAudio, "extension '" + ext + "' is not an audio format read here (wav, aif, aiff, flac, ogg, oga, opus)");
            continue;
        }
        if (isLoopOrBpm(name)) { w.skip(path, reason::loopOrBpm, "loop or tempo-tagged file"); continue; }
        std::error_code fec;
        const auto size = stdfs::file_size(path, fec);
        if (fec) { w.skip(path, reason::unreadable, "cannot read size (" + fec.message() + ")"); continue; }
        if (size < p.minBytes) { w.skip(path, reason::tooSmall, sizeText(size) + " < " + sizeText(p.minBytes)); continue; }
        if (size > p.maxBytes) { w.skip(path, reason::tooLarge, sizeText(size) + " > " + sizeText(p.maxBytes)); continue; }
        auto bytes = fs::readFile(path);
        if (!bytes) { w.skip(path, reason::unreadable, bytes.error()); continue; }
        const std::string hash = fs::hexDigest(*bytes, 32);
        if (auto it = keptByHash.find(hash); it != keptByHash.end()) {
            w.skip(path, reason::duplicate, "same bytes as " + it->second);
            continue;
        }
        if (p.decodeCheck) {
            auto a = audio::readAudio(spath);
            if (!a) { w.skip(path, reason::badAudio, a.error()); continue; }
        } else {
            auto info = audio::probeAudio(spath);
            if (!info) { w.skip(path, reason::badAudio, info.error()); continue; }
            if (info->frames <= 0) { w.skip(path, reason::badAudio, spath + ": contains no audio (0 frames)"); continue; }
        }
        KeptFile k{spath, hash.substr(0, 8) + "_" + name, hash, false};
        const auto target = dst / fs::u8path(k.filename);
        if (stdfs::exists(target, fec)) {
            auto old = fs::readFile(target);
            if (old && fs::hexDigest(*old, 32) == hash) {
                k.alreadyPresent = true;
                res.alreadyPresent++;
            } else {
                w.skip(path, reason::nameCollision, fs::u8string(target) + " exists with other content; left untouched");
                continue;
            }
        } else if (auto st = fs::writeFileAtomic(target, *bytes); !st) {
            w.skip(path, reason::copyFailed, st.error());
            continue;
        }
        keptByHash.emplace(hash, spath);
        newRows.push_back({k.filename, fs::u8string(stdfs::absolute(path, fec)), extractKeywords(name)});
        res.kept.push_back(std::move(k));
    }
    if (progress) progress(done, total, {});

    // Merge with an existing metadata.csv: rows for files still in DST stay, new rows win.
    const auto metaPath = dst / "metadata.csv";
    std::map<std::string, MetadataRow> merged;
    if (stdfs::exists(metaPath, ec)) {
        auto old = readMetadata(fs::u8string(metaPath));
        if (!old) return fail("existing " + old.error() + "; fix or remove it, then run aggregate again");
        for (auto &r : *old)
            if (stdfs::is_regular_file(dst / fs::u8path(r.filename), ec)) merged[r.filename] = std::move(r);
    }
    for (auto &r : newRows) merged[r.filename] = std::move(r);
    std::vector<MetadataRow> rows;
    rows.reserve(merged.size());
    for (auto &[k, r] : merged) rows.push_back(std::move(r));
    if (auto st = writeMetadata(fs::u8string(metaPath), rows); !st)
        return fail("cannot write " + fs::u8string(metaPath) + ": " + st.error());
    res.metadataRows = (long long)rows.size();
    return res;
}

} // namespace ms::data
