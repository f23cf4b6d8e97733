// melstudio-cli: the headless command line over the same engine as the studio.
#include "cli/Command.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace ms::cli {
std::map<std::string, Command> &registry() {
    static std::map<std::string, Command> r;
    return r;
}
} // namespace ms::cli

static void printHelp() {
    std::printf("melstudio-cli %s: train and run audio generative models without the GUI.\n\n"
                "usage: melstudio-cli COMMAND [options]   (melstudio-cli COMMAND --help for details)\n\n"
                "commands:\n",
                MELSTUDIO_VERSION);
    for (const auto &[name, c] : ms::cli::registry()) std::printf("  %-12s %s\n", name.c_str(), c.summary.c_str());
}

int main(int argc, char **argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printHelp();
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::printf("melstudio-cli %s\n", MELSTUDIO_VERSION);
        return 0;
    }
    auto &reg = ms::cli::registry();
    auto it = reg.find(args[0]);
    if (it == reg.end()) {
        std::fprintf(stderr, "melstudio-cli: unknown command '%s'\n\n", args[0].c_str());
        printHelp();
        return 2;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto &a : rest)
        if (a == "--help" || a == "-h") {
            std::printf("%s\n", it->second.usage.c_str());
            return 0;
        }
    try {
        return it->second.run(rest);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "melstudio-cli %s: %s\n", args[0].c_str(), e.what());
        return 1;
    }
}
