#pragma once
// Reading any format libsndfile reads, writing WAV and FLAC with metadata.

#include "audio/AudioBuffer.h"
#include "util/Result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>
#include <string>

namespace ms::audio {

struct AudioInfo {
    int sampleRate = 0;
    int channels = 0;
    long long frames = 0;
    std::string format;   // e.g. "WAV", "FLAC", "OGG"
    std::string subtype;  // e.g. "PCM_16", "FLOAT", "VORBIS"
    std::string title, comment;
};

// Header information without decoding. Fails with "<path>: <reason>".
Result<AudioInfo> probeAudio(const std::string &path);

// The longest audio a reader decodes: 2^28 samples over all channels (1 GiB
// of float32; about 50 minutes of 44.1 kHz stereo), and the most channels.
// A header's length is never trusted: memory grows with what decodes.
inline constexpr int64_t kMaxDecodedSamples = int64_t(1) << 28;
inline constexpr int kMaxChannels = 64;

// Decodes a whole file to float32 channels. Rejects zero-length audio, NaN/Inf
// samples and audio over the limits above with a message naming the file.
Result<AudioBuffer> readAudio(const std::string &path);
// The same for an encoded file in memory; `where` names it in errors.
Result<AudioBuffer> readAudioBytes(const void *data, std::size_t size, const std::string &where);

enum class SampleFormat { Pcm16, Pcm24, Float32 };
enum class Container { Wav, Flac };

struct WriteOptions {
    Container container = Container::Wav;
    SampleFormat format = SampleFormat::Pcm24;
    std::string title;
    std::string comment;
    bool overwrite = false;   // refuse to replace an existing file unless set
};

// Writes through a temp name and a rename. FLAC supports Pcm16/Pcm24 only.
Status writeAudio(const std::string &path, const AudioBuffer &buffer, const WriteOptions &options = {});

// Picks the container from the extension (.wav/.flac); anything else is an error.
Result<Container> containerForPath(const std::string &path);

// Reading a long file piece by piece, in bounded memory. The header's length
// is a hint: reads past the real end return fewer frames.
class AudioReader {
public:
    ~AudioReader();
    AudioReader(const AudioReader &) = delete;
    AudioReader &operator=(const AudioReader &) = delete;
    static Result<std::unique_ptr<AudioReader>> open(const std::string &path);
    const AudioInfo &info() const { return m_info; }
    // Non-empty when the file holds less data than its header promises.
    const std::string &truncation() const { return m_truncation; }
    // Up to `frames` frames from `start`, one vector per channel (shorter at the
    // end, empty past it). NaN/Inf samples fail with the file's name and time.
    Result<std::vector<std::vector<float>>> read(long long start, long long frames);

private:
    AudioReader() = default;
    std::string m_path, m_truncation;
    AudioInfo m_info;
    void *m_file = nullptr;
    long long m_pos = 0;
};

// Writing a file piece by piece through a temp name; finish() renames it into
// place. Destroyed unfinished (an error, a cancel), it removes the temp file.
class AudioWriter {
public:
    ~AudioWriter();
    AudioWriter(const AudioWriter &) = delete;
    AudioWriter &operator=(const AudioWriter &) = delete;
    static Result<std::unique_ptr<AudioWriter>> create(const std::string &path, int sampleRate, int channels,
                                                       const WriteOptions &options);
    // One vector per channel, equal lengths.
    Status write(const std::vector<std::vector<float>> &channels);
    Status finish();
    long long framesWritten() const { return m_frames; }

private:
    AudioWriter() = default;
    std::string m_path, m_tmp;
    void *m_file = nullptr;
    int m_channels = 0;
    long long m_frames = 0;
};

// "libsndfile-1.2.0"
std::string sndfileVersion();

} // namespace ms::audio
