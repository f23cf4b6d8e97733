#include "cli/Args.h"

#include <cstdlib>

namespace ms::cli {

Args::Args(const std::vector<std::string> &argv, const std::set<std::string> &flags) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string &a = argv[i];
        if (a.size() > 2 && a.rfind("--", 0) == 0) {
            std::string name = a.substr(2), value = "1";
            auto eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            } else if (!flags.count(name) && i + 1 < argv.size()) {
                value = argv[++i];
            }
            m_opts[name] = value;
        } else {
            m_pos.push_back(a);
        }
    }
}

bool Args::has(const std::string &name) const {
    m_read.insert(name);
    return m_opts.count(name) != 0;
}

std::string Args::get(const std::string &name, const std::string &fallback) const {
    m_read.insert(name);
    auto it = m_opts.find(name);
    return it == m_opts.end() ? fallback : it->second;
}

long long Args::getInt64(const std::string &name, long long fallback) const {
    std::string v = get(name);
    if (v.empty()) return fallback;
    char *end = nullptr;
    long long x = std::strtoll(v.c_str(), &end, 10);
    if (!end || *end) { m_error = "--" + name + ": '" + v + "' is not a whole number"; return fallback; }
    return x;
}

int Args::getInt(const std::string &name, int fallback) const { return int(getInt64(name, fallback)); }

double Args::getDouble(const std::string &name, double fallback) const {
    std::string v = get(name);
    if (v.empty()) return fallback;
    char *end = nullptr;
    double x = std::strtod(v.c_str(), &end);
    if (!end || *end) { m_error = "--" + name + ": '" + v + "' is not a number"; return fallback; }
    return x;
}

std::vector<std::string> Args::unused() const {
    std::vector<std::string> out;
    for (const auto &[k, v] : m_opts)
        if (!m_read.count(k)) out.push_back("--" + k);
    return out;
}

} // namespace ms::cli
