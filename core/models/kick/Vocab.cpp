#include "models/kick/Vocab.h"

#include "io/Json.h"

#include <algorithm>
#include <cctype>

namespace ms::models::kick {

namespace {
std::string lowerTrim(const std::string &s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    std::string out = s.substr(a, b - a);
    for (auto &c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
} // namespace

Vocab::Vocab(std::vector<std::string> words) {
    for (auto &w : words) {
        if (m_index.count(w)) continue;
        m_index.emplace(w, int64_t(m_words.size()));
        m_words.push_back(std::move(w));
    }
}

Vocab Vocab::build(const std::vector<std::vector<std::string>> &keywordLists, int minCount) {
    std::map<std::string, int> counts;
    for (const auto &list : keywordLists)
        for (const auto &k : list) {
            std::string w = lowerTrim(k);
            if (!w.empty()) ++counts[w];
        }
    std::vector<std::string> words;
    for (const auto &[w, n] : counts)
        if (n >= minCount) words.push_back(w);   // std::map iterates sorted
    return Vocab(std::move(words));
}

int64_t Vocab::id(const std::string &word) const {
    auto it = m_index.find(word);
    return it == m_index.end() ? -1 : it->second;
}

std::vector<int64_t> Vocab::encode(const std::vector<std::string> &keywords, std::vector<std::string> *unknown) const {
    std::vector<int64_t> ids;
    for (const auto &k : keywords) {
        const int64_t i = id(lowerTrim(k));
        if (i >= 0) ids.push_back(i);
        else if (unknown) unknown->push_back(k);
    }
    return ids;
}

nlohmann::json Vocab::toJson() const { return m_words; }

Vocab Vocab::fromJson(const nlohmann::json &j) { return Vocab(io::jsonValue<std::vector<std::string>>(j, "vocab")); }

std::vector<std::string> tokenizePrompt(const std::string &prompt) {
    std::vector<std::string> out;
    std::string cur;
    for (unsigned char c : prompt) {
        if (std::isalnum(c) || c >= 0x80) {   // keep UTF-8 bytes inside words
            cur.push_back(char(std::tolower(c)));
        } else if (!cur.empty()) {
            out.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

} // namespace ms::models::kick
