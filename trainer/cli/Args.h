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
    // Whether name was on the command line, without counting as a read.
    bool given(const std::string &name) const { return m_opts.count(name) != 0; }
    // Adds or replaces `--name value` (a resumed run's recorded flags).
    void set(const std::string &name, const std::string &value) { m_opts[name] = value; }
    // Names read through has/get so far (given or not).
    const std::set<std::string> &readNames() const { return m_read; }
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
