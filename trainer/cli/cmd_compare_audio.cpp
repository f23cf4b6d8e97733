// melstudio-cli compare-audio: the shared audio distances between a reference
// and estimates, per channel and for the side signal.
#include "audio/AudioFile.h"
#include "audio/Resample.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "metrics/AudioMetrics.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace {

const char *kUsage =
    "usage: melstudio-cli compare-audio REF EST... [--json]\n\n"
    "Compares each estimate with the reference over their common length (an estimate at another rate is\n"
    "resampled to the reference's): DAC's multi-scale mel distance, the multi-resolution STFT distance (FFT\n"
    "2048..32, SC + log-magnitude) and SI-SDR (dB, higher is better), for each channel and, where both are\n"
    "stereo, for the side signal (L - R) / 2. --json: one line per estimate and part.";

int run(const std::vector<std::string> &argv) {
    ms::cli::Args a(argv, {"json"});
    const bool json = a.has("json");
    if (a.positionals().size() < 2 || !a.unused().empty()) {
        std::fprintf(stderr, "%s\n", kUsage);
        return 2;
    }
    auto ref = ms::audio::readAudio(a.positionals()[0]);
    if (!ref) {
        std::fprintf(stderr, "compare-audio: %s\n", ref.error().c_str());
        return 1;
    }
    int failed = 0;
    for (size_t k = 1; k < a.positionals().size(); ++k) {
        const std::string &path = a.positionals()[k];
        auto est = ms::audio::readAudio(path);
        if (est && est->sampleRate != ref->sampleRate) est = ms::audio::resample(*est, ref->sampleRate);
        if (!est) {
            std::fprintf(stderr, "compare-audio: %s\n", est.error().c_str());
            ++failed;
            continue;
        }
        std::vector<std::pair<std::string, std::pair<std::vector<float>, std::vector<float>>>> parts;
        const int ch = std::min(ref->channelCount(), est->channelCount());
        for (int c = 0; c < ch; ++c)
            parts.push_back({ch == 1 ? "mono" : c == 0 ? "left" : c == 1 ? "right" : "ch" + std::to_string(c),
                             {est->channels[size_t(c)], ref->channels[size_t(c)]}});
        if (ref->channelCount() == 2 && est->channelCount() == 2) {
            auto side = [](const ms::audio::AudioBuffer &b) {
                std::vector<float> s(b.frames());
                for (size_t i = 0; i < s.size(); ++i) s[i] = 0.5f * (b.channels[0][i] - b.channels[1][i]);
                return s;
            };
            parts.push_back({"side", {side(*est), side(*ref)}});
        }
        for (const auto &[name, pr] : parts) {
            const double mel = ms::metrics::dacMelDistance(pr.first, pr.second, ref->sampleRate);
            const double stft = ms::metrics::multiResolutionStftDistance(pr.first, pr.second);
            const double sdr = ms::metrics::siSdr(pr.first, pr.second);
            if (json)
                std::printf("%s\n", nlohmann::json{{"estimate", path}, {"part", name}, {"dac_mel", mel},
                                                   {"mrstft", stft}, {"si_sdr_db", sdr}}.dump().c_str());
            else
                std::printf("%s %-6s dac_mel %.4f  mrstft %.4f  si_sdr %.2f dB\n", path.c_str(), name.c_str(), mel,
                            stft, sdr);
        }
    }
    return failed ? 1 : 0;
}

ms::cli::Registrar reg({"compare-audio", "audio distances (DAC mel, MR-STFT, SI-SDR) per channel and side", kUsage, run});

} // namespace
