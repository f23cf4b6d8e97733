#pragma once
// Reading any format libsndfile reads, writing WAV and FLAC with metadata.

#include "audio/AudioBuffer.h"
#include "util/Result.h"

#include <cstddef>
#include <cstdint>
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

// "libsndfile-1.2.0"
std::string sndfileVersion();

} // namespace ms::audio
