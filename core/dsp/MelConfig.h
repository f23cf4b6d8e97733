#pragma once
// Log-mel front end parameters. Defaults are design document 004's and equal
// torchaudio.transforms.MelSpectrogram(sample_rate=44100, n_fft=2048,
// hop_length=512, n_mels=128) (HTK mel scale, no filter norm, power 2,
// centred reflect padding, periodic Hann window) followed by
// log(clamp(mel, 1e-5)).

#include <cstddef>
#include <vector>

namespace ms::dsp {

struct MelConfig {
    int sampleRate = 44100;
    int nFft = 2048;
    int hop = 512;
    int nMels = 128;
    double fMin = 0.0;
    double fMax = 0.0;   // 0 means sampleRate / 2
    float logFloor = 1e-5f;

    int nFreqs() const { return nFft / 2 + 1; }
    // Frames for n samples with centred framing: 1 + n / hop.
    int framesFor(std::size_t samples) const { return 1 + int(samples / std::size_t(hop)); }
    bool operator==(const MelConfig &o) const {
        return sampleRate == o.sampleRate && nFft == o.nFft && hop == o.hop && nMels == o.nMels &&
               fMin == o.fMin && fMax == o.fMax && logFloor == o.logFloor;
    }
};

// HTK mel scale.
double hzToMel(double hz);
double melToHz(double mel);

// Triangular filterbank, row-major [nFreqs][nMels], as torchaudio's
// melscale_fbanks(..., norm=None, mel_scale="htk").
std::vector<float> melFilterbank(const MelConfig &cfg);

} // namespace ms::dsp
