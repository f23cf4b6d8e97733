#pragma once
// Step 1 of design document 004: collect kick samples from a nested library
// into one flat dataset folder with metadata.csv. No LibTorch.

#include "util/Result.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ms::data {

struct AggregateParams {
    std::string src;                        // library root (read only, never modified)
    std::string dst;                        // dataset folder (created when missing)
    std::uint64_t minBytes = 5 * 1024;      // inclusive
    std::uint64_t maxBytes = 1024 * 1024;   // inclusive
    std::string nameFilter = "kick";        // case-insensitive substring of the file name; empty keeps all
    bool followSymlinks = false;            // symlinked files and folders are skipped unless set
    bool decodeCheck = true;                // decode every candidate (catches truncation, NaN/Inf, 0 frames)
};

// Why a file was not kept. Stable short codes, used in counts and summaries.
namespace reason {
inline constexpr const char *nameFilter = "name-filter";        // name lacks the filter word
inline constexpr const char *notAudio = "not-audio-extension";  // extension libsndfile is not asked to read
inline constexpr const char *loopOrBpm = "loop-or-bpm";
inline constexpr const char *tooSmall = "too-small";
inline constexpr const char *tooLarge = "too-large";
inline constexpr const char *unreadable = "unreadable";         // permissions or I/O error
inline constexpr const char *badAudio = "bad-audio";            // does not open/decode as audio
inline constexpr const char *duplicate = "duplicate";           // same bytes as a file already kept
inline constexpr const char *copyFailed = "copy-failed";        // writing into DST failed (disk full, ...)
inline constexpr const char *symlink = "symlink";
inline constexpr const char *nameCollision = "name-collision";  // DST already has that name with other bytes
} // namespace reason

struct SkippedFile {
    std::string path;     // source path (UTF-8)
    std::string reason;   // a reason:: code
    std::string detail;   // a sentence for the user
};

struct KeptFile {
    std::string path;        // source path
    std::string filename;    // name inside DST: <8 hex of content hash>_<original name>
    std::string hash;        // full content hash (32 hex)
    bool alreadyPresent = false;   // DST already held this exact file (re-run)
};

struct AggregateResult {
    std::vector<KeptFile> kept;
    // Files that passed the name filter but were not kept, with the reason.
    // Files failing the name filter are only counted (a library holds many).
    std::vector<SkippedFile> skipped;
    std::map<std::string, long long> countsByReason;   // every skipped file, by reason code
    long long filesSeen = 0;
    long long alreadyPresent = 0;
    long long metadataRows = 0;                        // rows in DST/metadata.csv after the run
    bool cancelled = false;
};

// (done, total, current source path); called from the calling thread.
using AggregateProgress = std::function<void(long long done, long long total, const std::string &current)>;

// Walks src recursively (never into dst when dst lies inside src), keeps the
// files that pass every filter, copies them (never moves) into dst through a
// temp name + rename, and merges dst/metadata.csv atomically. Per-file problems
// are recorded in the result and the run continues; fails only when src is not
// a readable folder, dst cannot be created, or metadata.csv cannot be written.
Result<AggregateResult> aggregate(const AggregateParams &params, const AggregateProgress &progress = {},
                                  const std::atomic<bool> *cancel = nullptr);

} // namespace ms::data
