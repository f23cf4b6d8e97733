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
        for (const auto &d : ms::metrics::channelDistances(*est, *ref)) {
            if (json)
                std::printf("%s\n", nlohmann::json{{"estimate", path}, {"part", d.part}, {"dac_mel", d.dacMel},
                                                   {"mrstft", d.mrstft}, {"si_sdr_db", d.siSdrDb}}.dump().c_str());
            else
                std::printf("%s %-6s dac_mel %.4f  mrstft %.4f  si_sdr %.2f dB\n", path.c_str(), d.part.c_str(), d.dacMel,
                            d.mrstft, d.siSdrDb);
        }
    }
    return failed ? 1 : 0;
}

ms::cli::Registrar reg({"compare-audio", "audio distances (DAC mel, MR-STFT, SI-SDR) per channel and side", kUsage, run});

} // namespace
