// melstudio-cli info: versions, devices and audio file headers.
#include "audio/AudioFile.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "device/Device.h"

#include <cstdio>
#include <thread>

namespace {

int run(const std::vector<std::string> &argv) {
    ms::cli::Args args(argv);
    std::printf("melstudio %s\nLibTorch %s\n%s\n", MELSTUDIO_VERSION, ms::device::torchVersion().c_str(),
                ms::audio::sndfileVersion().c_str());
    std::printf("devices:");
    for (const auto &d : ms::device::available()) std::printf(" %s", d.c_str());
    std::printf("\n");
    const int quota = ms::device::cgroupCpuLimit();
    std::printf("cpu cores: %d usable of %u", ms::device::usableCores(), std::thread::hardware_concurrency());
    if (quota > 0) std::printf(" (cgroup CPU quota: %d)", quota);
    std::printf("\n");
    int rc = 0;
    for (const auto &path : args.positionals()) {
        auto info = ms::audio::probeAudio(path);
        if (!info) {
            std::fprintf(stderr, "%s\n", info.error().c_str());
            rc = 1;
            continue;
        }
        std::printf("%s: %s %s, %d Hz, %d ch, %lld frames (%.3f s)\n", path.c_str(), info->format.c_str(),
                    info->subtype.c_str(), info->sampleRate, info->channels, info->frames,
                    info->sampleRate ? double(info->frames) / info->sampleRate : 0.0);
    }
    return rc;
}

ms::cli::Registrar reg({"info", "versions, compute devices, and audio file headers",
                        "usage: melstudio-cli info [AUDIO_FILE ...]", run});

} // namespace
