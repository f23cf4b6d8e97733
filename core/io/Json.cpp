#include "io/Json.h"

#include "io/Bounds.h"
#include "util/Fs.h"

namespace ms::io {

namespace {
struct TooDeep {};
} // namespace

Result<nlohmann::json> parseJson(std::string_view text, const std::string &where) {
    if (text.size() > kMaxJsonBytes)
        return fail(where + ": " + std::to_string(text.size() >> 20) + " MB of JSON is more than the " +
                    std::to_string(kMaxJsonBytes >> 20) + " MB melstudio reads");
    // nlohmann's parser keeps its own stack, but dump() and every reader of
    // the result recurse: refuse deep nesting while parsing.
    auto depthCheck = [](int depth, nlohmann::json::parse_event_t, nlohmann::json &) {
        if (depth > kMaxNesting) throw TooDeep{};
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), depthCheck);
    } catch (const TooDeep &) {
        return fail(where + ": invalid JSON (nested deeper than " + std::to_string(kMaxNesting) + " levels)");
    } catch (const std::exception &e) {
        return fail(where + ": invalid JSON (" + e.what() + ")");
    }
}

Result<nlohmann::json> readJsonFile(const std::string &path) {
    auto text = fs::readFile(fs::u8path(path), kMaxJsonBytes);
    if (!text) return Error{text.error()};
    return parseJson(*text, path);
}

} // namespace ms::io
