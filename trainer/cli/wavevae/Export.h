#pragma once
// `melstudio-cli export --family wavevae`: a run's checkpoint -> a wave VAE package.
#include <string>
#include <vector>

namespace ms::cli::wavevae {

extern const char *kExportUsage;
int exportPackage(const std::vector<std::string> &argv);

} // namespace ms::cli::wavevae
