#pragma once
// Configuration of the audio BSQ-ViT tokenizer (design document 001): 16 kHz
// mono log-mels (128 bins x 1024 frames at hop 160 = 10.24 s, n_fft 1024 as the
// audio fork's data loader) cut into 16 x 16 patches (64 in time x 8 in
// frequency = 512 tokens), each token L bits (L = 18: 512 x 18 / 10.24 s = 900
// bit/s). Plain data, no LibTorch; written to a model package's model.json
// ("components": {"bsq": {...}}).
//
// The mel is in dB clamped to [-80, 0]: 10 log10(mel power / ref) with
// ref = (n_fft / 4)^2, the power one STFT bin of the (unnormalised, periodic
// Hann) transform gets from a full-scale sine centred on it; 0 dB is a
// full-scale tone, -80 dB the floor. (The audio fork's loader uses torchaudio's
// AmplitudeToDB with ref 1 and top_db 80, i.e. [max - 80, max] per clip with
// max up to +48 dB, not the [-80, 0] its model clamps to; a fixed reference
// keeps consecutive windows of a file on one scale.)

#include "dsp/MelConfig.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ms::models::bsq {

struct BsqConfig {
    // Front end.
    int sampleRate = 16000, nFft = 1024, hop = 160, nMels = 128;
    int frames = 1024;                 // mel frames per window
    double dbFloor = -80.0;            // the clamp range is [dbFloor, 0]
    // Patches and transformers (the decoder mirrors the encoder).
    int patchTime = 16, patchFreq = 16;
    int width = 768, layers = 12, heads = 12;
    double mlpRatio = 4.0;
    int headHidden = 3072;             // the decoder's output FFN (Linear + Tanh) width
    bool conformer = true;             // the convolution module in every block
    int convKernel = 31;
    // Binary spherical quantisation.
    int codeBits = 18;                 // L
    int groupSize = 1;                 // the entropy terms' sub-codebook size (bits)
    double invTemperature = 1.0;

    int gridTime() const { return frames / patchTime; }
    int gridFreq() const { return nMels / patchFreq; }
    int tokens() const { return gridTime() * gridFreq(); }
    // Samples one window of `frames` frames covers (frames x hop).
    long long windowSamples() const { return (long long)frames * hop; }
    double windowSeconds() const { return double(windowSamples()) / sampleRate; }
    double tokensPerSecond() const { return tokens() / windowSeconds(); }
    double bitsPerSecond() const { return tokensPerSecond() * codeBits; }
    // 10 log10 of the 0 dB reference power.
    double dbReference() const;
    dsp::MelConfig mel() const;

    // "paper" (ViT-B: 768 wide, 12 heads, 12 layers each side, Conformer, L 18),
    // "paper-b36" (L 36), "cpu" (trains here), "tiny" (tests).
    static BsqConfig preset(const std::string &name);
    static std::vector<std::string> presetNames();
    nlohmann::json toJson() const;
    static BsqConfig fromJson(const nlohmann::json &j);   // throws std::invalid_argument
};

} // namespace ms::models::bsq
