#include "data/Keywords.h"

#include <algorithm>

namespace ms::data {

namespace {

bool isSep(char c) { return c == '-' || c == '_' || c == ' ' || c == '.'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return isDigit(c); });
}

// True when a digit is found at s[i] after skipping at most one separator or a run of spaces, stepping by dir.
bool digitBeside(const std::string &s, long i, int dir) {
    const long n = long(s.size());
    if (i < 0 || i >= n) return false;
    if (isDigit(s[i])) return true;
    if (s[i] == ' ') {
        while (i >= 0 && i < n && s[i] == ' ') i += dir;
        return i >= 0 && i < n && isDigit(s[i]);
    }
    if (isSep(s[i])) {
        i += dir;
        return i >= 0 && i < n && isDigit(s[i]);
    }
    return false;
}

} // namespace

std::string asciiLower(std::string_view s) {
    std::string out(s);
    for (auto &c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

std::size_t utf8Length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

bool isAudioExtension(std::string_view ext) {
    const std::string e = asciiLower(ext);
    for (const char *a : {"wav", "aif", "aiff", "flac", "ogg", "oga", "opus"})
        if (e == a) return true;
    return false;
}

std::string_view stripAudioExtension(std::string_view name) {
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return name;
    const auto ext = name.substr(dot + 1);
    if (isAudioExtension(ext) || asciiLower(ext) == "mp3") return name.substr(0, dot);
    return name;
}

std::vector<std::string> extractKeywords(std::string_view fileName) {
    const std::string_view stem = stripAudioExtension(fileName);
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= stem.size(); ++i) {
        if (i < stem.size() && !isSep(stem[i])) continue;
        const std::string tok = asciiLower(stem.substr(start, i - start));
        start = i + 1;
        if (utf8Length(tok) < 2 || allDigits(tok)) continue;
        if (std::find(out.begin(), out.end(), tok) == out.end()) out.push_back(tok);
    }
    return out;
}

bool isLoopOrBpm(std::string_view fileName) {
    const std::string s = asciiLower(fileName);
    if (s.find("loop") != std::string::npos) return true;
    for (auto pos = s.find("bpm"); pos != std::string::npos; pos = s.find("bpm", pos + 1)) {
        const long before = long(pos) - 1, after = long(pos) + 3;
        if (digitBeside(s, before, -1) || digitBeside(s, after, +1)) return true;
        const bool letterBefore = before >= 0 && isAsciiLetter(s[before]);
        const bool letterAfter = after < long(s.size()) && isAsciiLetter(s[after]);
        if (!letterBefore && !letterAfter) return true;
    }
    return false;
}

} // namespace ms::data
