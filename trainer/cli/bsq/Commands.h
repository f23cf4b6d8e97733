#pragma once
// The tokenizer's entries into the shared commands: `export --family bsq`
// (a run's checkpoint -> a package), `reconstruct --family bsq` and
// `params --family bsq`.
#include <string>
#include <vector>

namespace ms::cli::bsq {

extern const char *kExportUsage;
int exportPackage(const std::vector<std::string> &argv);
extern const char *kReconstructUsage;
int reconstruct(const std::vector<std::string> &argv);
// params --family bsq: counts from the built modules (a package, run or preset).
int printParams(const std::string &model, const std::string &preset, bool json, bool keys);

} // namespace ms::cli::bsq
