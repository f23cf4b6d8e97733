#pragma once
// Keyword vocabulary of the text conditioning and the prompt tokenizer.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ms::models::kick {

class Vocab {
public:
    Vocab() = default;
    explicit Vocab(std::vector<std::string> words);   // ids are positions; duplicates dropped

    // Keywords seen at least minCount times (lower-cased, trimmed), sorted.
    static Vocab build(const std::vector<std::vector<std::string>> &keywordLists, int minCount = 5);

    const std::vector<std::string> &words() const { return m_words; }
    int size() const { return int(m_words.size()); }
    // Id of a word, -1 when unknown.
    int64_t id(const std::string &word) const;
    // Ids of the known keywords (lower-cased); unknown ones go to `unknown`.
    std::vector<int64_t> encode(const std::vector<std::string> &keywords,
                                std::vector<std::string> *unknown = nullptr) const;

    nlohmann::json toJson() const;                      // ["word", ...]
    static Vocab fromJson(const nlohmann::json &j);     // throws std::runtime_error unless a list of strings

private:
    std::vector<std::string> m_words;
    std::map<std::string, int64_t> m_index;
};

// Splits free text on anything that is not a letter or digit, lower-cased,
// empty pieces dropped: "Punchy, 808-Kick!" -> {"punchy", "808", "kick"}.
std::vector<std::string> tokenizePrompt(const std::string &prompt);

} // namespace ms::models::kick
