#pragma once
// `melstudio-cli params --family sr`: the super-resolution model's counts from
// the built modules beside design document 000's figures, or every parameter
// and buffer by name and shape (--keys).

#include <string>

namespace ms::cli::sr {

// preset "audiosr" or "tiny" (or a model folder); json: one object per line.
int printParams(const std::string &presetOrModel, bool json, bool keys, bool global);

} // namespace ms::cli::sr
