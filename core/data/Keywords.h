#pragma once
// Keyword extraction and loop/BPM detection from sample file names, by the
// rules of design document 004 ("Data Pipeline", step 1). No LibTorch.

#include <string>
#include <string_view>
#include <vector>

namespace ms::data {

// Keywords of a file name: a trailing audio extension (.wav .aif .aiff .flac
// .ogg .oga .opus .mp3, any case) is removed first; then the name is split on
// '-', '_', ' ' and '.', each token is ASCII-lowercased (other UTF-8 bytes,
// e.g. CJK, are kept as they are), pure numbers (ASCII digits only) and tokens
// of fewer than 2 code points are dropped, and repeats are dropped keeping the
// first occurrence. "Kick_808-Punchy.wav" -> {"kick", "punchy"}.
std::vector<std::string> extractKeywords(std::string_view fileName);

// True when a file name marks a loop or a tempo-tagged file, case-insensitive:
// - "loop" anywhere, also glued to other words ("KickLoop", "kickloop01");
// - "bpm" next to a number, directly or across one separator or spaces
//   ("120bpm", "120_BPM", "bpm-120", "BPM120");
// - "bpm" as a whole word (no letter on either side: "Kick_BPM.wav").
// "bpm" inside a longer word without a number beside it ("Subpmx") is not a tag.
bool isLoopOrBpm(std::string_view fileName);

// Lowercases ASCII letters only; other bytes (UTF-8 sequences) are unchanged.
std::string asciiLower(std::string_view s);

// Number of UTF-8 code points (continuation bytes 10xxxxxx are not counted).
std::size_t utf8Length(std::string_view s);

// The name without a trailing audio extension, as used by extractKeywords.
std::string_view stripAudioExtension(std::string_view fileName);

// True when the extension (without the dot, any case) is one libsndfile reads
// for our purposes: wav, aif, aiff, flac, ogg, oga, opus.
bool isAudioExtension(std::string_view ext);

} // namespace ms::data
