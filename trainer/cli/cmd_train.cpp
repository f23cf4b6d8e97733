// melstudio-cli train vae|diffusion|vocoder: one training run in a run folder.
#include "cli/Args.h"
#include "cli/Command.h"
#include "jobs/Train.h"

#include <cstdio>

namespace {

int run(const std::vector<std::string> &given) {
    // --run-dir is --run: torchrun's argument parser refuses "--run" anywhere on its
    // command line, the training program's arguments included (an ambiguous prefix
    // of its --run-path), so under torchrun the run folder is given as --run-dir.
    std::vector<std::string> argv = given;
    for (auto &a : argv) {
        if (a == "--run-dir") a = "--run";
        else if (a.rfind("--run-dir=", 0) == 0) a = "--run=" + a.substr(10);
    }
    ms::cli::Args args(argv, {"resume"});
    if (args.positionals().size() != 1) {
        std::fprintf(stderr, "%s\n", ms::jobs::trainUsage().c_str());
        return ms::jobs::kTrainUsage;
    }
    if (const int code = ms::jobs::launchRanksIfAsked(args, argv); code >= 0) return code;
    return ms::jobs::runTrain(args.positionals()[0], args);
}

ms::cli::Registrar reg({"train", "train the kick VAE, diffusion UNet or vocoder into a run folder",
                        ms::jobs::trainUsage(), run});

} // namespace
