#include "jobs/AudioFolder.h"

#include "audio/AudioFile.h"
#include "audio/Resample.h"
#include "util/Fs.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace ms::jobs {

namespace stdfs = std::filesystem;

Result<std::unique_ptr<AudioFolderData>> AudioFolderData::open(const std::string &dir, int rate, int channels,
                                                               double maxMinutes, std::vector<std::string> *warnings) {
    std::error_code ec;
    if (!stdfs::is_directory(fs::u8path(dir), ec)) return fail(dir + " is not a folder of audio files");
    std::vector<stdfs::path> files;
    for (auto it = stdfs::recursive_directory_iterator(fs::u8path(dir), ec); !ec && it != stdfs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
        if (ext == ".wav" || ext == ".flac" || ext == ".ogg" || ext == ".aiff" || ext == ".aif" || ext == ".mp3")
            files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    auto out = std::unique_ptr<AudioFolderData>(new AudioFolderData());
    out->m_dir = dir;
    out->m_rate = rate;
    out->m_channels = channels;
    const int64_t limit = maxMinutes > 0 ? int64_t(maxMinutes * 60.0 * rate) : INT64_MAX;
    for (const auto &f : files) {
        if (out->m_total >= limit) break;
        auto buf = audio::readAudio(fs::u8string(f));
        if (!buf) {
            warnings->push_back("skipped " + fs::u8string(f) + ": " + buf.error());
            continue;
        }
        audio::AudioBuffer b = std::move(*buf);
        if (b.sampleRate != rate) {
            auto r = audio::resample(b, rate);
            if (!r) {
                warnings->push_back("skipped " + fs::u8string(f) + ": " + r.error());
                continue;
            }
            b = std::move(*r);
        }
        if (b.empty()) {
            warnings->push_back("skipped " + fs::u8string(f) + ": no samples");
            continue;
        }
        const int64_t n = std::min<int64_t>(int64_t(b.frames()), limit - out->m_total);
        std::vector<int16_t> s(size_t(channels * n));
        auto put = [&](int c, int64_t i, float v) {
            s[size_t(c * n + i)] = int16_t(std::lrint(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
        };
        for (int64_t i = 0; i < n; ++i) {
            if (channels == 1) {   // the mean of every channel
                float v = 0;
                for (const auto &ch : b.channels) v += ch[size_t(i)];
                put(0, i, v / float(b.channelCount()));
            } else {
                for (int c = 0; c < channels; ++c) put(c, i, b.channels[size_t(std::min(c, b.channelCount() - 1))][size_t(i)]);
            }
        }
        out->m_files.push_back({fs::u8string(f), n, out->m_total, std::move(s)});
        out->m_total += n;
    }
    if (out->m_files.empty()) return fail("no readable audio files in " + dir);
    return out;
}

std::string AudioFolderData::describe() const {
    std::ostringstream s;
    s << m_dir << ": " << m_files.size() << " files, " << double(m_total) / m_rate / 60.0 << " min (at "
      << m_rate / 1000.0 << " kHz)";
    return s.str();
}

size_t AudioFolderData::fileAt(int64_t at) const {
    auto it = std::upper_bound(m_files.begin(), m_files.end(), at, [](int64_t v, const File &f) { return v < f.offset; });
    return size_t(it - m_files.begin()) - 1;
}

torch::Tensor AudioFolderData::crop(int64_t at, int64_t n) const {
    at = std::clamp<int64_t>(at, 0, m_total - 1);
    const File &f = m_files[fileAt(at)];
    int64_t start = at - f.offset;
    start = std::max<int64_t>(0, std::min(start, f.samples - n));
    const int64_t len = std::min(n, f.samples - start);
    auto out = torch::zeros({m_channels, n});
    auto acc = out.accessor<float, 2>();
    for (int c = 0; c < m_channels; ++c)
        for (int64_t i = 0; i < len; ++i) acc[c][i] = float(f.data[size_t(c * f.samples + start + i)]) / 32767.0f;
    return out;
}

torch::Tensor AudioFolderData::stream(int64_t at, int64_t n) const {
    at = ((at % m_total) + m_total) % m_total;
    auto out = torch::zeros({m_channels, n});
    auto acc = out.accessor<float, 2>();
    size_t k = fileAt(at);
    int64_t pos = at - m_files[k].offset, done = 0;
    while (done < n) {
        const File &f = m_files[k];
        const int64_t len = std::min(n - done, f.samples - pos);
        for (int c = 0; c < m_channels; ++c)
            for (int64_t i = 0; i < len; ++i) acc[c][done + i] = float(f.data[size_t(c * f.samples + pos + i)]) / 32767.0f;
        done += len;
        k = (k + 1) % m_files.size();
        pos = 0;
    }
    return out;
}

} // namespace ms::jobs
