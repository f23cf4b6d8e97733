#pragma once
// The wave VAE's entries into the shared commands: `export --family wavevae`
// (a run's checkpoint -> a package) and `reconstruct --family wavevae`.
#include <string>
#include <vector>

namespace ms::cli::wavevae {

extern const char *kExportUsage;
int exportPackage(const std::vector<std::string> &argv);
extern const char *kReconstructUsage;
int reconstruct(const std::vector<std::string> &argv);

} // namespace ms::cli::wavevae
