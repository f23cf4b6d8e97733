#pragma once
// Helpers for the data-pipeline tests: synthetic kicks, hand-made WAV bytes,
// and a byte-exact snapshot of a folder tree.

#include "audio/AudioFile.h"
#include "util/Fs.h"

#include <cmath>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace testutil {

namespace stdfs = std::filesystem;

// A decaying sine "kick": peak near the start, `channels` identical channels.
inline ms::audio::AudioBuffer kick(int rate, int channels, double seconds, float amp = 0.5f, double hz = 60.0) {
    ms::audio::AudioBuffer b;
    b.sampleRate = rate;
    const size_t n = size_t(rate * seconds);
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) {
        const double t = double(i) / rate;
        x[i] = amp * float(std::exp(-t * 8.0) * std::sin(2 * M_PI * hz * t + 0.3));
    }
    b.channels.assign(size_t(channels), x);
    return b;
}

inline void writeBytes(const stdfs::path &p, const std::string &bytes) {
    stdfs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

inline void le(std::string &s, uint32_t v, int n) {
    for (int i = 0; i < n; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}

// WAV bytes by hand: IEEE float (format 3) or 16-bit PCM, optional JUNK chunk of junkBytes.
inline std::string wavBytes(const std::vector<float> &interleaved, int rate, int channels, bool asFloat,
                            uint32_t junkBytes = 0) {
    const int bps = asFloat ? 4 : 2;
    std::string data;
    for (float v : interleaved) {
        if (asFloat) {
            uint32_t u;
            std::memcpy(&u, &v, 4);
            le(data, u, 4);
        } else {
            const int s = int(std::lround(std::max(-1.f, std::min(1.f, v)) * 32767));
            le(data, uint32_t(uint16_t(int16_t(s))), 2);
        }
    }
    std::string out = "RIFF";
    const uint32_t junk = junkBytes ? 8 + junkBytes : 0;
    le(out, uint32_t(4 + 8 + 16 + junk + 8 + data.size()), 4);
    out += "WAVEfmt ";
    le(out, 16, 4);
    le(out, asFloat ? 3 : 1, 2);
    le(out, uint32_t(channels), 2);
    le(out, uint32_t(rate), 4);
    le(out, uint32_t(rate * channels * bps), 4);
    le(out, uint32_t(channels * bps), 2);
    le(out, uint32_t(bps * 8), 2);
    if (junkBytes) {
        out += "JUNK";
        le(out, junkBytes, 4);
        out.append(junkBytes, '\0');
    }
    out += "data";
    le(out, uint32_t(data.size()), 4);
    return out + data;
}

// Relative path -> content hash of every file (and "<dir>" for folders) below root,
// leaving out the subtree `exclude` (relative), if given.
inline std::map<std::string, std::string> snapshot(const stdfs::path &root, const std::string &exclude = {}) {
    std::map<std::string, std::string> out;
    for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::recursive_directory_iterator(); ++it) {
        const std::string rel = stdfs::relative(it->path(), root).string();
        if (!exclude.empty() && (rel == exclude || rel.rfind(exclude + "/", 0) == 0)) {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink()) out[rel] = "<link>" + stdfs::read_symlink(it->path()).string();
        else if (it->is_directory()) out[rel] = "<dir>";
        else out[rel] = ms::fs::hexDigest(*ms::fs::readFile(it->path()), 32);
    }
    return out;
}

} // namespace testutil
