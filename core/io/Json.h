#pragma once
// JSON from files a user did not write (model.json, configs, dataset
// indexes, safetensors headers): parsed with a size cap and a nesting limit,
// so that a hostile file is an error message, never a stack overflow.

#include "util/Result.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ms::io {

// The largest JSON text melstudio parses (a dataset index of 100k items is ~30 MB).
// Parsed JSON takes up to ~16 x its text (measured on the fuzz corpus: 9.5 x),
// so one file costs at most ~1 GB.
inline constexpr std::size_t kMaxJsonBytes = std::size_t(64) << 20;
inline constexpr std::size_t kJsonAllocFactor = 16;

// Parses text; errors read "<where>: <what> (<parser's reason>)".
Result<nlohmann::json> parseJson(std::string_view text, const std::string &where);

// Reads and parses a file.
Result<nlohmann::json> readJsonFile(const std::string &path);

// A JSON value as T (a number, bool, string, or a vector of those), refusing
// with std::runtime_error a value T cannot hold: nlohmann's own get<int>() of
// 1e81, or get<float>() of 1e300, is undefined behaviour in C++.
template <class T>
T jsonValue(const nlohmann::json &v, const std::string &what) {
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean()) throw std::runtime_error(what + " is not true or false");
        return v.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        using L = std::numeric_limits<T>;
        if (v.is_number_unsigned() && v.get<uint64_t>() <= uint64_t(L::max())) return T(v.get<uint64_t>());
        if (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() >= int64_t(L::min()) &&
            (v.get<int64_t>() < 0 || uint64_t(v.get<int64_t>()) <= uint64_t(L::max())))
            return T(v.get<int64_t>());
        throw std::runtime_error(what + " is not an integer between " + std::to_string(L::min()) + " and " +
                                 std::to_string(L::max()));
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) throw std::runtime_error(what + " is not a number");
        const double d = v.get<double>();
        if (!(d >= -double(std::numeric_limits<T>::max()) && d <= double(std::numeric_limits<T>::max())))
            throw std::runtime_error(what + " is out of range");
        return T(d);
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) throw std::runtime_error(what + " is not a string");
        return v.get<std::string>();
    } else {
        // std::vector<U>
        if (!v.is_array()) throw std::runtime_error(what + " is not a list");
        T out;
        for (size_t i = 0; i < v.size(); ++i)
            out.push_back(jsonValue<typename T::value_type>(v[i], what + "[" + std::to_string(i) + "]"));
        return out;
    }
}

// j[key] as T when present and not null, else `fallback`.
template <class T>
T jsonValueOr(const nlohmann::json &j, const char *key, T fallback) {
    if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return fallback;
    return jsonValue<T>(j.at(key), std::string("'") + key + "'");
}

} // namespace ms::io
