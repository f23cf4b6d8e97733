#include "audio/AudioFile.h"

#include "util/Fs.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

namespace ms::audio {

namespace {

struct SndCloser {
    void operator()(SNDFILE *f) const { if (f) sf_close(f); }
};
using SndPtr = std::unique_ptr<SNDFILE, SndCloser>;

std::string majorName(int format) {
    SF_FORMAT_INFO info{};
    info.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof info) == 0 && info.extension)
        { std::string s = info.extension; for (auto &c : s) c = char(std::toupper((unsigned char)c)); return s == "OGA" ? "OGG" : s; }
    return "?";
}

std::string subtypeName(int format) {
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: return "PCM_S8";
    case SF_FORMAT_PCM_U8: return "PCM_U8";
    case SF_FORMAT_PCM_16: return "PCM_16";
    case SF_FORMAT_PCM_24: return "PCM_24";
    case SF_FORMAT_PCM_32: return "PCM_32";
    case SF_FORMAT_FLOAT: return "FLOAT";
    case SF_FORMAT_DOUBLE: return "DOUBLE";
    case SF_FORMAT_VORBIS: return "VORBIS";
    case SF_FORMAT_OPUS: return "OPUS";
    case SF_FORMAT_ULAW: return "ULAW";
    case SF_FORMAT_ALAW: return "ALAW";
    default: return "OTHER";
    }
}

// What libsndfile opened: a file with no channels or no rate is refused the same way
// whether it came from disk or from memory.
Status checkHeader(const SF_INFO &info, const std::string &where) {
    if (info.channels > 0 && info.samplerate > 0) return {};
    return fail(where + ": invalid header (channels " + std::to_string(info.channels) + ", rate " +
                std::to_string(info.samplerate) + ")");
}

// Opens for reading, turning libsndfile's terse errors into a sentence.
Result<SndPtr> openRead(const std::string &path, SF_INFO &info) {
    std::error_code ec;
    const auto p = fs::u8path(path);
    if (!std::filesystem::exists(p, ec)) return fail(path + ": no such file");
    if (std::filesystem::is_directory(p, ec)) return fail(path + ": is a folder, not an audio file");
    FILE *probe = std::fopen(path.c_str(), "rb");
    if (!probe) return fail(path + ": cannot open (" + std::strerror(errno) + ")");
    std::fseek(probe, 0, SEEK_END);
    long size = std::ftell(probe);
    std::fclose(probe);
    if (size == 0) return fail(path + ": empty file (0 bytes)");
    info = SF_INFO{};
    SNDFILE *f = sf_open(path.c_str(), SFM_READ, &info);
    if (!f) {
        std::string why = sf_strerror(nullptr);
        return fail(path + ": not a readable audio file (" + why + ")");
    }
    SndPtr owned(f);
    if (auto st = checkHeader(info, path); !st) return Error{st.error()};
    return owned;
}

// libsndfile reads a truncated WAV/AIFF silently and logs "data : N (should be M)".
// Returns a message when more than 1% of the promised data is missing.
std::string truncationNote(SNDFILE *f) {
    std::string log(8192, '\0');
    sf_command(f, SFC_GET_LOG_INFO, log.data(), int(log.size()));
    log.resize(std::strlen(log.c_str()));
    for (const char *key : {"\ndata : ", "\nSSND : "}) {
        auto pos = log.find(key);
        if (pos == std::string::npos) continue;
        auto eol = log.find('\n', pos + 1);
        std::string line = log.substr(pos + 1, eol == std::string::npos ? std::string::npos : eol - pos - 1);
        long long promised = 0, present = 0;
        auto colon = line.find(':');
        auto sb = line.find("should be");
        if (colon == std::string::npos || sb == std::string::npos) continue;
        promised = std::atoll(line.c_str() + colon + 1);
        present = std::atoll(line.c_str() + sb + 9);
        if (promised > 0 && present >= 0 && present < promised * 0.99)
            return "truncated (header promises " + std::to_string(promised) + " data bytes, file holds " +
                   std::to_string(present) + ")";
    }
    return {};
}

} // namespace

Result<AudioInfo> probeAudio(const std::string &path) {
    SF_INFO info{};
    auto f = openRead(path, info);
    if (!f) return Error{f.error()};
    AudioInfo out;
    out.sampleRate = info.samplerate;
    out.channels = info.channels;
    out.frames = info.frames;
    out.format = majorName(info.format);
    out.subtype = subtypeName(info.format);
    if (const char *t = sf_get_string(f->get(), SF_STR_TITLE)) out.title = t;
    if (const char *c = sf_get_string(f->get(), SF_STR_COMMENT)) out.comment = c;
    return out;
}

namespace {

// Decodes an open file. A header's frame count is a claim: memory grows with
// what really decodes, up to kMaxDecodedSamples.
Result<AudioBuffer> decode(SNDFILE *sf, const SF_INFO &info, const std::string &path) {
    if (auto note = truncationNote(sf); !note.empty()) return fail(path + ": " + note);
    // Clip float data into [-1,1] like integer data would be; keep NaN detectable.
    sf_command(sf, SFC_SET_SCALE_FLOAT_INT_READ, nullptr, SF_TRUE);
    const int ch = info.channels;
    if (ch > kMaxChannels)
        return fail(path + ": " + std::to_string(ch) + " channels; melstudio reads at most " + std::to_string(kMaxChannels));
    const int64_t maxFrames = kMaxDecodedSamples / ch;
    std::vector<float> interleaved;
    // The header's length is a claim: reserve at most a second's worth, grow with what decodes.
    if (info.frames > 0) interleaved.reserve(size_t(std::min<int64_t>(info.frames, 65536)) * ch);
    const sf_count_t blockFrames = std::max(1, 16384 / ch);
    std::vector<float> block(size_t(blockFrames) * ch);
    sf_count_t got;
    while ((got = sf_readf_float(sf, block.data(), blockFrames)) > 0) {
        if (int64_t(interleaved.size() / ch) + got > maxFrames)
            return fail(path + ": more than " + std::to_string(kMaxDecodedSamples) +
                        " samples (over " + std::to_string(maxFrames / std::max(1, info.samplerate) / 60) +
                        " minutes at this rate and channel count); melstudio reads files up to that length");
        interleaved.insert(interleaved.end(), block.begin(), block.begin() + got * ch);
    }
    if (sf_error(sf) != SF_ERR_NO_ERROR)
        return fail(path + ": decoding failed (" + std::string(sf_strerror(sf)) + ")");
    const size_t frames = interleaved.size() / ch;
    if (frames == 0) return fail(path + ": contains no audio (0 frames)");
    if (info.frames > 0 && sf_count_t(frames) < info.frames / 2)
        return fail(path + ": truncated (header says " + std::to_string(info.frames) + " frames, only " +
                    std::to_string(frames) + " could be read)");
    for (float v : interleaved)
        if (!std::isfinite(v)) return fail(path + ": contains NaN or infinite samples");
    AudioBuffer out;
    out.sampleRate = info.samplerate;
    out.channels.assign(ch, std::vector<float>(frames));
    for (size_t i = 0; i < frames; ++i)
        for (int c = 0; c < ch; ++c) out.channels[c][i] = interleaved[i * ch + c];
    return out;
}

// libsndfile's virtual I/O over a buffer.
struct MemoryFile {
    const unsigned char *data;
    sf_count_t size, pos = 0;
};
sf_count_t memLength(void *u) { return static_cast<MemoryFile *>(u)->size; }
sf_count_t memSeek(sf_count_t offset, int whence, void *u) {
    auto *m = static_cast<MemoryFile *>(u);
    sf_count_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->size : 0;
    sf_count_t to;
    if (__builtin_add_overflow(base, offset, &to) || to < 0) return -1;
    m->pos = to;
    return to;
}
sf_count_t memRead(void *ptr, sf_count_t count, void *u) {
    auto *m = static_cast<MemoryFile *>(u);
    if (count <= 0 || m->pos >= m->size) return 0;
    const sf_count_t n = std::min(count, m->size - m->pos);
    std::memcpy(ptr, m->data + m->pos, size_t(n));
    m->pos += n;
    return n;
}
sf_count_t memWrite(const void *, sf_count_t, void *) { return 0; }
sf_count_t memTell(void *u) { return static_cast<MemoryFile *>(u)->pos; }

} // namespace

Result<AudioBuffer> readAudio(const std::string &path) {
    SF_INFO info{};
    auto f = openRead(path, info);
    if (!f) return Error{f.error()};
    return decode(f->get(), info, path);
}

Result<AudioBuffer> readAudioBytes(const void *data, std::size_t size, const std::string &where) {
    if (size == 0) return fail(where + ": empty file (0 bytes)");
    MemoryFile mem{static_cast<const unsigned char *>(data), sf_count_t(size)};
    SF_VIRTUAL_IO io{memLength, memSeek, memRead, memWrite, memTell};
    SF_INFO info{};
    SndPtr f(sf_open_virtual(&io, SFM_READ, &info, &mem));
    if (!f) return fail(where + ": not a readable audio file (" + std::string(sf_strerror(nullptr)) + ")");
    if (auto st = checkHeader(info, where); !st) return Error{st.error()};
    return decode(f.get(), info, where);
}

Result<Container> containerForPath(const std::string &path) {
    std::string ext = fs::u8path(path).extension().string();
    for (auto &c : ext) c = char(std::tolower((unsigned char)c));
    if (ext == ".wav") return Container::Wav;
    if (ext == ".flac") return Container::Flac;
    return fail(path + ": cannot write '" + ext + "' files; use .wav or .flac");
}

Status writeAudio(const std::string &path, const AudioBuffer &buffer, const WriteOptions &opt) {
    for (const auto &c : buffer.channels)
        if (c.size() != buffer.frames()) return fail(path + ": channels differ in length");
    // One writer for whole buffers and streams: temp name, checks, metadata, rename.
    auto w = AudioWriter::create(path, buffer.sampleRate, buffer.channelCount(), opt);
    if (!w) return Error{w.error()};
    if (auto st = (*w)->write(buffer.channels); !st) return st;
    return (*w)->finish();
}

// ---- streaming ----------------------------------------------------------------

AudioReader::~AudioReader() {
    if (m_file) sf_close(static_cast<SNDFILE *>(m_file));
}

Result<std::unique_ptr<AudioReader>> AudioReader::open(const std::string &path) {
    SF_INFO info{};
    auto f = openRead(path, info);
    if (!f) return Error{f.error()};
    std::unique_ptr<AudioReader> r(new AudioReader());
    r->m_path = path;
    r->m_info.sampleRate = info.samplerate;
    r->m_info.channels = info.channels;
    r->m_info.frames = info.frames;
    r->m_info.format = majorName(info.format);
    r->m_info.subtype = subtypeName(info.format);
    if (info.channels > kMaxChannels)
        return fail(path + ": " + std::to_string(info.channels) + " channels (at most " + std::to_string(kMaxChannels) + ")");
    r->m_truncation = truncationNote(f->get());
    r->m_file = f->release();
    return r;
}

Result<std::vector<std::vector<float>>> AudioReader::read(long long start, long long frames) {
    auto *f = static_cast<SNDFILE *>(m_file);
    const int ch = m_info.channels;
    std::vector<std::vector<float>> out(static_cast<size_t>(ch));
    if (frames <= 0) return out;
    if (start != m_pos) {
        if (sf_seek(f, sf_count_t(start), SEEK_SET) < 0) {
            // Past the end (the header's length was a hint) or not seekable.
            if (m_info.frames > 0 && start >= m_info.frames) return out;
            return fail(m_path + ": cannot seek to frame " + std::to_string(start) + " (" + sf_strerror(f) + ")");
        }
        m_pos = start;
    }
    std::vector<float> block(size_t(std::min<long long>(frames, 65536)) * size_t(ch));
    long long done = 0;
    while (done < frames) {
        const long long want = std::min<long long>(frames - done, 65536);
        const sf_count_t got = sf_readf_float(f, block.data(), sf_count_t(want));
        if (got <= 0) break;
        for (int c = 0; c < ch; ++c) {
            auto &dst = out[size_t(c)];
            for (sf_count_t i = 0; i < got; ++i) {
                const float v = block[size_t(i) * size_t(ch) + size_t(c)];
                if (!std::isfinite(v))
                    return fail(m_path + ": contains NaN or infinite samples (near " +
                                std::to_string(double(start + done + i) / m_info.sampleRate) + " s)");
                dst.push_back(v);
            }
        }
        done += got;
        m_pos += got;
        if (got < want) break;
    }
    return out;
}

AudioWriter::~AudioWriter() {
    if (m_file) {
        sf_close(static_cast<SNDFILE *>(m_file));
        std::error_code ec;
        std::filesystem::remove(fs::u8path(m_tmp), ec);
    }
}

Result<std::unique_ptr<AudioWriter>> AudioWriter::create(const std::string &path, int sampleRate, int channels,
                                                         const WriteOptions &opt) {
    const auto target = fs::u8path(path);
    std::error_code ec;
    if (!opt.overwrite && std::filesystem::exists(target, ec))
        return fail(path + ": already exists (choose another name or allow overwriting)");
    SF_INFO info{};
    info.samplerate = sampleRate;
    info.channels = channels;
    int sub = opt.format == SampleFormat::Pcm16 ? SF_FORMAT_PCM_16
              : opt.format == SampleFormat::Pcm24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT;
    if (opt.container == Container::Flac) {
        if (sub == SF_FORMAT_FLOAT) return fail(path + ": FLAC stores integer samples only; use 16 or 24 bit");
        info.format = SF_FORMAT_FLAC | sub;
    } else {
        info.format = SF_FORMAT_WAV | sub;
    }
    if (!sf_format_check(&info)) return fail(path + ": unsupported format combination");
    std::unique_ptr<AudioWriter> w(new AudioWriter());
    w->m_path = path;
    w->m_tmp = fs::tempSibling(target).string();
    SNDFILE *f = sf_open(w->m_tmp.c_str(), SFM_WRITE, &info);
    if (!f) return fail(path + ": cannot create (" + std::string(sf_strerror(nullptr)) + ")");
    w->m_file = f;
    w->m_channels = channels;
    if (!opt.title.empty()) sf_set_string(f, SF_STR_TITLE, opt.title.c_str());
    if (!opt.comment.empty()) sf_set_string(f, SF_STR_COMMENT, opt.comment.c_str());
    sf_set_string(f, SF_STR_SOFTWARE, "melstudio " MELSTUDIO_VERSION);
    sf_command(f, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    return w;
}

Status AudioWriter::write(const std::vector<std::vector<float>> &channels) {
    if (!m_file) return fail(m_path + ": already finished");
    if (int(channels.size()) != m_channels) return fail(m_path + ": wrong channel count");
    const size_t n = channels.empty() ? 0 : channels[0].size();
    for (const auto &c : channels)
        if (c.size() != n) return fail(m_path + ": channels differ in length");
    std::vector<float> block;
    for (size_t start = 0; start < n; start += 8192) {
        const size_t k = std::min<size_t>(8192, n - start);
        block.resize(k * size_t(m_channels));
        for (size_t i = 0; i < k; ++i)
            for (int c = 0; c < m_channels; ++c) block[i * size_t(m_channels) + size_t(c)] = channels[size_t(c)][start + i];
        auto *f = static_cast<SNDFILE *>(m_file);
        if (sf_writef_float(f, block.data(), sf_count_t(k)) != sf_count_t(k))
            return fail(m_path + ": write failed (" + std::string(sf_strerror(f)) + "; is the disk full?)");
    }
    m_frames += (long long)n;
    return {};
}

Status AudioWriter::finish() {
    if (!m_file) return fail(m_path + ": already finished");
    auto *f = static_cast<SNDFILE *>(m_file);
    sf_write_sync(f);
    sf_close(f);
    m_file = nullptr;
    return fs::commitTemp(fs::u8path(m_tmp), fs::u8path(m_path));
}

std::string sndfileVersion() { return sf_version_string(); }

} // namespace ms::audio
