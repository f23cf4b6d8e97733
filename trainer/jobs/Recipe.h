#pragma once
// What a resume continues: the recipe flags a run recorded in run.json when it
// started, the few a resume may change, and the check of a resume's command line
// against them. No LibTorch and no Qt here.

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace ms::cli { class Args; }

namespace ms::jobs {

// The flags a resume may change: the length (--steps, --epochs) and where and how
// fast the run trains (--device, --threads, --nice). A change is recorded in
// events.jsonl ("resume_changed") and in run.json's "resume_changes". Every other
// recipe flag is the run's own: given with another value, the resume is refused.
const std::vector<std::string> &flagsChangeableOnResume();
bool changeableOnResume(const std::string &flag);

// A run's recipe as a resume continues it.
struct RunRecipe {
    // Flag name (without "--") -> value: run.json's "flags" (as the run started),
    // with the "resume_changes" made since applied in order.
    nlohmann::json flags = nlohmann::json::object();
    // Flags used only where the command line does not give them, never checked:
    // values a run.json from before "flags" existed does not record exactly.
    std::set<std::string> assumed;
    long long totalSteps = -1;      // the run's length now (-1: unknown)
    long long stepsPerEpoch = 0;    // 0: unknown
    bool legacy = false;            // run.json has no "flags"; read from its other fields
};

// The recipe of run.json (null or not an object: an empty recipe).
RunRecipe runRecipe(const nlohmann::json &run);

// path made absolute and normal (no trailing separator): recipe flags that are
// paths are recorded so that a resume from another folder finds the same files.
std::string absolutePath(const std::string &path);

// A flag value as it is written on a command line (numbers round-trip exactly).
std::string flagText(const nlohmann::json &value);

// The outcome of checking a resume's resolved flags against the run's recipe.
struct ResumeCheck {
    std::vector<std::string> refusals;     // one sentence per flag, naming it and the run's value
    std::vector<nlohmann::json> changes;   // {"flag","from","to"} of allowed changes (+ total steps for a length)
};

// `now` are the flags as this resume resolved them (the run's own wherever the
// command line did not give one); `args` tells which were given. A length that
// ends before newestCheckpoint is refused.
ResumeCheck checkResume(const RunRecipe &recipe, const nlohmann::json &now, const cli::Args &args,
                        long long newestCheckpoint);

} // namespace ms::jobs
