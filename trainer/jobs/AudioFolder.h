#pragma once
// Training data that is a folder of audio files (the wave VAE's stereo 44.1 kHz
// crops, the tokenizer's mono 16 kHz windows): every audio file under it
// (sorted, recursive), decoded, resampled to the model's rate, held as int16
// with `channels` channels (mono doubled; more channels: the first ones, or their
// mean for a mono model), up to a total length. Unreadable files are named in
// `warnings` and skipped. Includes LibTorch: trainer/jobs only.

#include "jobs/TrainData.h"
#include "torch/Torch.h"

#include <memory>
#include <string>
#include <vector>

namespace ms::jobs {

class AudioFolderData : public TrainData {
public:
    static Result<std::unique_ptr<AudioFolderData>> open(const std::string &dir, int rate, int channels,
                                                         double maxMinutes, std::vector<std::string> *warnings);

    size_t size() const override { return m_files.size(); }
    const float *mel(size_t) const override { return nullptr; }
    const float *audio(size_t) const override { return nullptr; }
    const std::vector<std::string> &keywords(size_t) const override { return m_none; }
    int nMels() const override { return 0; }
    int frames() const override { return 0; }
    int audioSamples() const override { return 0; }
    std::string describe() const override;
    int64_t totalSamples() const { return m_total; }
    int channels() const { return m_channels; }

    // [channels, n] float from global position `at` of the files laid end to end,
    // inside the one file that holds it (the start moved back so that n samples
    // fit; zeros past a file shorter than n).
    torch::Tensor crop(int64_t at, int64_t n) const;
    // [channels, n] float from global position `at`, running on into the next
    // files (and from the first after the last): short files (spoken words) make
    // full windows instead of mostly silence.
    torch::Tensor stream(int64_t at, int64_t n) const;

private:
    struct File {
        std::string path;
        int64_t samples, offset;
        std::vector<int16_t> data;   // [channels][samples]
    };
    size_t fileAt(int64_t at) const;
    std::string m_dir;
    int m_rate = 0, m_channels = 2;
    std::vector<File> m_files;
    int64_t m_total = 0;
    std::vector<std::string> m_none;
};

} // namespace ms::jobs
