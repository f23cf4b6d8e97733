#pragma once
// Reading any format libsndfile reads, writing WAV and FLAC with metadata.

#include "audio/AudioBuffer.h"
#include "util/Result.h"

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

// Decodes a whole file to float32 channels. Rejects zero-length audio and
// NaN/Inf samples with a message naming the file.
Result<AudioBuffer> readAudio(const std::string &path);

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
