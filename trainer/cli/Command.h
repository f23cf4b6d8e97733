#pragma once
// Subcommand registry for melstudio-cli. Each cmd_*.cpp registers itself with
// a static Registrar; those files are compiled into the executable directly.

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ms::cli {

struct Command {
    std::string name;
    std::string summary;   // one line for `melstudio-cli --help`
    std::string usage;     // full help for `melstudio-cli NAME --help`
    std::function<int(const std::vector<std::string> &args)> run;
};

std::map<std::string, Command> &registry();

struct Registrar {
    explicit Registrar(Command c) { registry()[c.name] = std::move(c); }
};

} // namespace ms::cli
