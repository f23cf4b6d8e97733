#pragma once
// A small argument parser for melstudio-cli subcommands:
// positionals, `--name value`, `--name=value` and boolean `--flag`.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ms::cli {

class Args {
public:
    // argv after the subcommand name. `flags` are options that take no value.
    Args(const std::vector<std::string> &argv, const std::set<std::string> &flags = {});

    const std::vector<std::string> &positionals() const { return m_pos; }
    bool has(const std::string &name) const;
    std::string get(const std::string &name, const std::string &fallback = "") const;
    int getInt(const std::string &name, int fallback) const;
    long long getInt64(const std::string &name, long long fallback) const;
    double getDouble(const std::string &name, double fallback) const;
    // Names given but never read by get/has: reported as unknown options.
    std::vector<std::string> unused() const;
    // Non-empty when a value failed to parse ("--steps: 'abc' is not a number").
    const std::string &error() const { return m_error; }

private:
    std::vector<std::string> m_pos;
    std::map<std::string, std::string> m_opts;
    mutable std::set<std::string> m_read;
    mutable std::string m_error;
};

} // namespace ms::cli
