#pragma once
// The tokenizer's entries into the shared commands: `export --family bsq`
// (a run's checkpoint -> a package) and `reconstruct --family bsq`.
#include <string>
#include <vector>

namespace ms::cli::bsq {

extern const char *kExportUsage;
int exportPackage(const std::vector<std::string> &argv);
extern const char *kReconstructUsage;
int reconstruct(const std::vector<std::string> &argv);

} // namespace ms::cli::bsq
