#pragma once
// Where models are found: the bundled default package of each family, and the
// folder a run folder stands for (its newest complete checkpoint); and how a
// package folder is written without losing the one it replaces. No torch.

#include "util/Result.h"

#include <filesystem>
#include <functional>
#include <string>

namespace ms::io {

// The bundled default package `name` (e.g. "kick-default", "wavevae-default"):
// $MELSTUDIO_MODEL_DIR/<name> (the variable names a folder of packages), then
// <exe>/../share/melstudio/models/<name> (installed), then the source tree's
// resources/models/<name>. A package is a folder with model.json. Empty when
// none is installed.
std::string defaultModelDir(const std::string &name);

// A `train` run folder's newest complete checkpoint (checkpoints/<step>/ with
// state.json), or `dir` itself when it has none (a package or a checkpoint).
std::string newestCheckpointDir(const std::string &dir);

// Writes the folder `dir` whole or not at all: `fill` writes the files into a
// temporary sibling folder, which then takes dir's place (an existing dir is
// moved aside first and removed last, and put back if the swap fails). On any
// failure the temporary folder is removed and the error names dir.
Status replaceFolder(const std::string &dir, const std::function<Status(const std::filesystem::path &tmp)> &fill);

} // namespace ms::io
