// melstudio-cli reconstruct / vocode: before/after checks of the VAE and the vocoder.
#include "audio/AudioFile.h"
#include "audio/Edit.h"
#include "audio/Resample.h"
#include "cli/Args.h"
#include "cli/Command.h"
#include "cli/bsq/Commands.h"
#include "cli/wavevae/Commands.h"
#include "device/Device.h"
#include "infer/kick/KickPipeline.h"
#include "jobs/Train.h"

#include <cstdio>

namespace {

int runWith(const char *name, const std::vector<std::string> &argv, bool viaVae, const char *usage) {
    for (size_t i = 0; viaVae && i + 1 < argv.size(); ++i) {   // the other families
        if (argv[i] == "--family" && argv[i + 1] == "wavevae") return ms::cli::wavevae::reconstruct(argv);
        if (argv[i] == "--family" && argv[i + 1] == "bsq") return ms::cli::bsq::reconstruct(argv);
    }
    ms::cli::Args a(argv, {"overwrite"});
    std::string model = a.get("model");
    const std::string vocoderRun = a.get("vocoder-run");
    const std::string vocoderChoice = a.get("vocoder", "package");
    const int melMatch = a.getInt("mel-match", -1);
    const std::string device = a.get("device", "auto");
    const bool overwrite = a.has("overwrite");
    ms::device::configureThreads(a.getInt("threads", 0));
    if (!a.error().empty() || !a.unused().empty() || a.positionals().size() != 2) {
        std::fprintf(stderr, "%s: %s\n%s\n", name,
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                                           : "give IN.wav and OUT.wav",
                     usage);
        return 2;
    }
    if (model.empty()) model = ms::infer::kick::defaultKickModelDir();
    if (model.empty()) {
        std::fprintf(stderr, "%s: no model installed; pass --model PKG\n", name);
        return 1;
    }
    const std::string in = a.positionals()[0], out = a.positionals()[1];
    auto buf = ms::audio::readAudio(in);
    if (!buf) {
        std::fprintf(stderr, "%s: %s\n", name, buf.error().c_str());
        return 1;
    }
    auto mono = ms::audio::mixToMono(*buf);
    if (buf->sampleRate != 44100) {
        auto r = ms::audio::resample(mono, buf->sampleRate, 44100);
        if (!r) {
            std::fprintf(stderr, "%s: %s: %s\n", name, in.c_str(), r.error().c_str());
            return 1;
        }
        mono = std::move(*r);
    }
    ms::jobs::ScratchDir scratch(std::string("melstudio-") + name);
    std::string note;
    auto folder = ms::jobs::inferenceModel(model, vocoderRun, scratch.path(), &note);
    if (!folder) {
        std::fprintf(stderr, "%s: %s\n", name, folder.error().c_str());
        return 1;
    }
    if (!note.empty()) std::fprintf(stderr, "%s: model = %s\n", name, note.c_str());
    auto pipe = ms::infer::kick::KickPipeline::load(*folder, device);
    if (!pipe) {
        std::fprintf(stderr, "%s: %s\n", name, pipe.error().c_str());
        return 1;
    }
    for (const auto &w : (*pipe)->warnings()) std::fprintf(stderr, "%s: warning: %s\n", name, w.c_str());
    // The models see one 2 s one-shot, like preprocess makes: say so when the input is longer.
    const double seconds = double(mono.size()) / 44100.0;
    if (seconds > 2.05)
        std::fprintf(stderr, "%s: %s is %.1f s long; its first 2.0 s (peak-normalised, faded out) are used\n", name,
                     in.c_str(), seconds);
    if (vocoderChoice != "package" && vocoderChoice != "griffinlim") {
        std::fprintf(stderr, "%s: --vocoder must be package or griffinlim\n", name);
        return 2;
    }
    const bool gl = vocoderChoice == "griffinlim";
    if (melMatch >= 0) (*pipe)->setMelMatch(melMatch);
    auto take = viaVae ? (*pipe)->reconstruct(mono, gl) : (*pipe)->vocode(mono, gl);
    if (!take) {
        std::fprintf(stderr, "%s: %s\n", name, take.error().c_str());
        return 1;
    }
    ms::audio::WriteOptions wo;
    wo.overwrite = overwrite;
    wo.title = std::string(name) + " of " + in;
    wo.comment = "melstudio " + std::string(MELSTUDIO_VERSION) + "; model=" + (*pipe)->modelId() + "; " +
                 (*pipe)->vocoderName();
    auto st = ms::audio::writeAudio(out, ms::audio::AudioBuffer::mono(take->audio, take->sampleRate), wo);
    if (!st) {
        std::fprintf(stderr, "%s: %s\n", name, st.error().c_str());
        return 1;
    }
    std::printf("%s\n", out.c_str());
    return 0;
}

const char *kRecUsage =
    "usage: melstudio-cli reconstruct [--model PKG|RUN] [--vocoder-run RUN] [--vocoder package|griffinlim]\n"
    "                                 [--mel-match N] [--device D] [--threads N] [--overwrite] IN.wav OUT.wav\n\n"
    "Audio -> log-mel -> VAE (mu) -> log-mel -> vocoder (Griffin-Lim without one, or with\n"
    "--vocoder griffinlim) -> OUT.wav.\n"
    "--mel-match N: mel matching passes after the neural vocoder (default: the package's mel_match).\n"
    "The input is mixed to mono, resampled to 44.1 kHz and prepared as in training (2 s, -1 dBFS, 0.2 s fade).\n"
    "--model: a package, or a diffusion run with the VAE it was trained with (see generate --help).\n\n"
    "   or: melstudio-cli reconstruct --family wavevae IN OUT.wav [--model M] [--json] ...\n"
    "       (stereo through the wave VAE, with its distances to IN)\n"
    "   or: melstudio-cli reconstruct --family bsq IN OUT.wav [--model M] [--json] ...\n"
    "       (through the tokenizer's tokens and Griffin-Lim, with its mel errors to IN)";
const char *kVocUsage =
    "usage: melstudio-cli vocode [--model PKG|RUN] [--vocoder-run RUN] [--vocoder package|griffinlim]\n"
    "                            [--mel-match N] [--device D] [--threads N] [--overwrite] IN.wav OUT.wav\n\n"
    "Audio -> log-mel -> vocoder (Griffin-Lim without one, or with --vocoder griffinlim) -> OUT.wav:\n"
    "the vocoder alone. --mel-match N: as reconstruct.\n"
    "--model: a package, or a diffusion run with the VAE it was trained with (see generate --help).";

ms::cli::Registrar regRec({"reconstruct", "audio -> VAE -> vocoder round trip of a kick model",
                           kRecUsage, [](const std::vector<std::string> &a) { return runWith("reconstruct", a, true, kRecUsage); }});
ms::cli::Registrar regVoc({"vocode", "audio -> mel -> vocoder resynthesis with a kick model",
                           kVocUsage, [](const std::vector<std::string> &a) { return runWith("vocode", a, false, kVocUsage); }});

} // namespace
