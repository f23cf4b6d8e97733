#pragma once
// JSON from files a user did not write (model.json, configs, dataset
// indexes, safetensors headers): parsed with a size cap and a nesting limit,
// so that a hostile file is an error message, never a stack overflow.

#include "util/Result.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ms::io {

// The largest JSON text melstudio parses (a dataset index of 100k items is ~30 MB).
inline constexpr std::size_t kMaxJsonBytes = std::size_t(256) << 20;

// Parses text; errors read "<where>: <what> (<parser's reason>)".
Result<nlohmann::json> parseJson(std::string_view text, const std::string &where);

// Reads and parses a file.
Result<nlohmann::json> readJsonFile(const std::string &path);

} // namespace ms::io
