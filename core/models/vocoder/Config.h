#pragma once
// Configuration of the vocoders (generator and its discriminators), shared by
// the families that turn log-mels into audio. Plain data, no LibTorch: presets
// are values, read from and written to a model package's model.json
// ("components": {"vocoder": {...}}).
//
// Two architectures (`arch`):
//   "hifigan"  HiFi-GAN V1 (upsampling convolutions), the default; its JSON has
//              no "arch" key, so packages written before the iSTFT vocoder are
//              read and written unchanged;
//   "istft"    Vocos (Siuzdak 2023): ConvNeXt blocks at the mel frame rate and
//              a head that predicts STFT magnitude and phase, then an inverse
//              STFT with "same" padding (T frames -> T * hop_length samples).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ms::models::vocoder {

// A mel front end the families use, for the presets (name, rate, bins, hop).
struct VocoderMel {
    std::string name;
    int sampleRate = 44100;
    int nMels = 128;
    int hop = 512;
};

struct VocoderConfig {
    std::string arch = "hifigan";   // "hifigan" | "istft"
    int nMels = 128;
    // HiFi-GAN generator.
    int initialChannels = 256;
    std::vector<int> upsampleRates{8, 8, 2, 2, 2};
    std::vector<int> upsampleKernels{16, 16, 4, 4, 4};
    std::vector<int> resblockKernels{3, 7, 11};
    std::vector<std::vector<int>> resblockDilations{{1, 3, 5}, {1, 3, 5}, {1, 3, 5}};
    // iSTFT (Vocos) generator: backbone width, ConvNeXt hidden width, blocks,
    // the inverse STFT's size and hop (window = n_fft), layer-scale init (0:
    // 1 / num_layers, as Vocos) and the clip of exp(log-magnitude).
    int dim = 512, intermediateDim = 1536, numLayers = 8;
    int nFft = 2048, hopLength = 512;
    double layerScaleInit = 0.0;
    double magClip = 100.0;
    // How the head's second half becomes each frame's phase:
    //   "absolute"   Vocos: the phase of every frame on its own;
    //   "increment"  the phase advance since the previous frame, added to the
    //                advance of a sinusoid at the bin's centre frequency and
    //                summed over frames (phase vocoder). A steady tone below
    //                the frame rate (a kick's body: ~50 Hz at 86 frames/s) is
    //                then a constant, where "absolute" must learn a phase that
    //                turns ~4 rad per frame. Any phase sequence is reachable
    //                with either. Missing from a model.json: "absolute".
    std::string phase = "absolute";
    // A magnitude prior the head's log-magnitude is added to (FreeV, Lv et al.
    // 2024): "mel_pinv" is the linear magnitude that the mel filterbank's
    // pseudo-inverse gives from the input mel (what Griffin-Lim starts from),
    // so the network learns a correction, not the magnitude from nothing. Its
    // [n_fft/2+1, n_mels] matrix is a buffer (head.mel_prior) of the weights,
    // set by the trainer from the dataset's mel front end: any front end, HTK or
    // Slaney. "none" (Vocos): missing from a model.json.
    std::string magPrior = "none";
    // A prior for the phase (with a magnitude prior and phase "absolute" only):
    // "peaks" is a phase vocoder's phase on the prior magnitude, with identity
    // phase locking around each peak (IstftHead::peakLockedPhase); the head's
    // phase output is a correction added to it. A partial between two bins,
    // or gliding across them, then starts as one sinusoid at its own
    // frequency. "none": missing from a model.json.
    std::string phasePrior = "none";
    // Mel matching after the generator (dsp::LogMelTransform::matchMel), at
    // inference: this many passes that rescale the output's STFT, band by band
    // and frame by frame, to the input mel's power, keeping the generator's
    // phase. 0 (missing from a model.json): the generator's output as it is.
    // The pipelines apply it; the generator's forward (and training) does not.
    int melMatch = 0;
    // Discriminators (training only). MPD for both; MSD for HiFi-GAN; the
    // multi-resolution (STFT magnitude) discriminator for istft, as Vocos:
    // one {n_fft, hop, win} per sub-discriminator.
    std::vector<int> periods{2, 3, 5, 7, 11};
    std::vector<int> mpdChannels{32, 64, 128, 256, 256};
    std::vector<int> msdChannels{64, 128, 256, 512, 512, 512};
    std::vector<int> msdGroups{1, 4, 16, 16, 16, 1};
    int msdScales = 3;
    std::vector<std::vector<int>> mrdResolutions{{1024, 256, 1024}, {2048, 512, 2048}, {512, 128, 512}};
    int mrdChannels = 64;
    // Weight norm as parameters (weight_g / weight_v, for training and the kick
    // packages) or plain weights (AudioSR's vocoder, saved after remove_weight_norm()).
    bool weightNorm = true;
    // Slope of the leaky ReLU before conv_post: 0.1 in the kick vocoder; AudioSR's
    // generator calls F.leaky_relu(x) there, PyTorch's default 0.01.
    double finalSlope = 0.1;

    bool istft() const { return arch == "istft"; }
    int hop() const;                                // samples per mel frame
    // Sizes that must agree or stay in range (a model.json may be hostile); empty when fine.
    std::string validate() const;
    nlohmann::json toJson() const;
    static VocoderConfig fromJson(const nlohmann::json &j);
    // A size preset: hifigan tiny|paper (kick mels); istft tiny|cpu|paper for
    // any mel front end (n_fft = 4 * hop, as Vocos's 1024 / 256).
    static VocoderConfig preset(const std::string &name, const std::string &arch = "hifigan", int nMels = 128,
                                int hop = 512);
    // The mel front ends of the families: kick (44.1 kHz, 128, hop 512), sr
    // (48 kHz, 256, hop 480), 16k (16 kHz, 128, hop 160).
    static const std::vector<VocoderMel> &melConfigurations();

private:
    nlohmann::json toJsonWithoutMelMatch() const;
};

} // namespace ms::models::vocoder
