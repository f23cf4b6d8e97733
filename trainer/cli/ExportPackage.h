#pragma once
// `export --family F`'s shared part: the flags (--run --out --half --card), the
// card's text, the package's provenance ("name", "source": checkpoint and step),
// and the messages; `save` loads the family's model from the checkpoint folder
// and writes the package.
#include "cli/Args.h"
#include "io/Json.h"
#include "io/ModelDirs.h"
#include "util/Fs.h"
#include "util/Result.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace ms::cli {

using SavePackage = std::function<Status(const std::string &checkpointDir, const std::string &out, bool half,
                                         const nlohmann::json &extra, const std::string &card, std::string *description)>;

inline int exportPackage(const std::vector<std::string> &argv, const char *usage, const SavePackage &save) {
    cli::Args a(argv, {"half"});
    const std::string run = a.get("run"), out = a.get("out"), cardPath = a.get("card");
    a.get("family");
    const bool half = a.has("half");
    if (!a.error().empty() || !a.unused().empty() || !a.positionals().empty() || run.empty() || out.empty()) {
        std::fprintf(stderr, "export: %s\n%s\n",
                     !a.error().empty() ? a.error().c_str()
                     : !a.unused().empty() ? ("unknown option " + a.unused()[0]).c_str()
                     : !a.positionals().empty() ? ("unexpected argument " + a.positionals()[0]).c_str()
                                                : "--run and --out are required",
                     usage);
        return 2;
    }
    const std::string dir = io::newestCheckpointDir(run);
    std::string card;
    if (!cardPath.empty()) {
        auto text = fs::readFile(fs::u8path(cardPath));
        if (!text) {
            std::fprintf(stderr, "export: --card %s: %s\n", cardPath.c_str(), text.error().c_str());
            return 1;
        }
        card = *text;
    }
    nlohmann::json extra = {{"name", fs::u8string(fs::u8path(out).filename())}, {"source", {{"checkpoint", dir}}}};
    if (auto state = io::readJsonFile(dir + "/state.json"); state && state->contains("step")) extra["source"]["step"] = (*state)["step"];
    std::string description;
    if (Status st = save(dir, out, half, extra, card, &description); !st) {
        std::fprintf(stderr, "export: %s\n", st.error().c_str());
        return 1;
    }
    std::printf("wrote %s from %s%s\n", out.c_str(), description.c_str(), half ? " (float16)" : "");
    return 0;
}

} // namespace ms::cli
