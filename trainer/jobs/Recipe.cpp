#include "jobs/Recipe.h"

#include "cli/Args.h"
#include "util/Fs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace ms::jobs {

const std::vector<std::string> &flagsChangeableOnResume() {
    static const std::vector<std::string> flags{"steps", "epochs", "device", "threads", "nice"};
    return flags;
}

bool changeableOnResume(const std::string &flag) {
    const auto &f = flagsChangeableOnResume();
    return std::find(f.begin(), f.end(), flag) != f.end();
}

std::string absolutePath(const std::string &path) {
    if (path.empty()) return path;
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(fs::u8path(path), ec);
    if (ec) return path;
    p = p.lexically_normal();
    if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
    return fs::u8string(p);
}

std::string flagText(const nlohmann::json &v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    return v.dump();   // floats: shortest text that reads back to the same double
}

namespace {

// run.json before it recorded "flags": where its other fields hold a flag's value.
struct LegacyField {
    const char *flag;
    const char *pointer;
    bool assumed;   // not the flag exactly (a resolved value, a path as given then)
};

constexpr LegacyField kLegacy[] = {
    {"data", "/dataset/dir", true},
    {"preset", "/preset", false},
    {"seed", "/seed", false},
    {"steps", "/steps", false},
    {"checkpoint-every", "/checkpoint_every", false},
    {"preview-every", "/preview_every", false},
    {"log-every", "/log_every", false},
    {"device", "/device", true},
    {"threads", "/threads", true},
    {"nice", "/nice", true},
    {"batch", "/recipe/batch", false},
    {"lr", "/recipe/lr", false},
    {"weight-decay", "/recipe/weight_decay", false},
    {"grad-clip", "/recipe/grad_clip", false},
    {"kl-start", "/recipe/kl_start", false},
    {"kl-end", "/recipe/kl_end", false},
    {"kl-anneal-epochs", "/recipe/kl_anneal_epochs", false},
    {"kl-reduction", "/recipe/kl_reduction", false},
    {"accum", "/recipe/grad_accumulation", false},
    {"ema", "/recipe/ema", false},
    {"cfg-dropout", "/recipe/cfg_dropout", false},
    {"min-count", "/recipe/min_count", false},
    {"timesteps", "/recipe/config/diffusion/timesteps", false},
    {"beta-start", "/recipe/config/diffusion/beta_start", false},
    {"beta-end", "/recipe/config/diffusion/beta_end", false},
    {"beta1", "/recipe/betas/0", false},
    {"beta2", "/recipe/betas/1", false},
    {"gamma", "/recipe/gamma", false},
    {"segment", "/recipe/segment", false},
    {"lambda-fm", "/recipe/lambda_fm", false},
    {"lambda-mel", "/recipe/lambda_mel", false},
    {"disc-start", "/recipe/disc_start", false},
    {"segments", "/recipe/segments", false},
    {"lambda-stft", "/recipe/lambda_stft", false},
};

void readLegacy(const nlohmann::json &run, RunRecipe &r) {
    r.legacy = true;
    for (const auto &f : kLegacy) {
        const nlohmann::json::json_pointer p(f.pointer);
        if (!run.contains(p) || run.at(p).is_null()) continue;
        r.flags[f.flag] = run.at(p);
        if (f.assumed) r.assumed.insert(f.flag);
    }
    const auto recipe = run.value("recipe", nlohmann::json::object());
    if (recipe.is_object() && recipe.contains("ema_warmup") && recipe["ema_warmup"].is_string())
        r.flags["ema-warmup"] = recipe["ema_warmup"].get<std::string>() == "off" ? "off" : "on";
    // The VAE a diffusion run was trained with, as its description names it.
    if (recipe.is_object() && recipe.contains("vae") && recipe["vae"].is_string()) {
        const std::string d = recipe["vae"].get<std::string>();
        for (const std::string prefix : {"run checkpoint ", "package "})
            if (d.rfind(prefix, 0) == 0) {
                r.flags["vae"] = d.substr(prefix.size());
                r.assumed.insert("vae");
            }
    }
    // Not recorded: keeping every checkpoint is the policy that deletes nothing.
    r.flags["keep"] = 0;
    r.assumed.insert("keep");
}

} // namespace

RunRecipe runRecipe(const nlohmann::json &run) {
    RunRecipe r;
    if (!run.is_object()) return r;
    if (run.contains("steps") && run["steps"].is_number()) r.totalSteps = run["steps"].get<long long>();
    if (run.contains("steps_per_epoch") && run["steps_per_epoch"].is_number())
        r.stepsPerEpoch = run["steps_per_epoch"].get<long long>();
    if (run.contains("flags") && run["flags"].is_object()) r.flags = run["flags"];
    else readLegacy(run, r);
    if (run.contains("resume_changes") && run["resume_changes"].is_array())
        for (const auto &c : run["resume_changes"]) {
            if (!c.is_object() || !c.contains("flag") || !c["flag"].is_string() || !c.contains("to")) continue;
            const std::string flag = c["flag"].get<std::string>();
            r.flags[flag] = c["to"];
            r.assumed.erase(flag);
            if (flag == "steps") r.flags.erase("epochs");
            if (flag == "epochs") r.flags.erase("steps");
            if (c.contains("total_steps_to") && c["total_steps_to"].is_number())
                r.totalSteps = c["total_steps_to"].get<long long>();
        }
    return r;
}

ResumeCheck checkResume(const RunRecipe &recipe, const nlohmann::json &now, const cli::Args &args,
                        long long newestCheckpoint) {
    ResumeCheck out;
    for (auto it = recipe.flags.begin(); it != recipe.flags.end(); ++it) {
        const std::string &flag = it.key();
        if (flag == "steps" || flag == "epochs" || recipe.assumed.count(flag) || !now.contains(flag)) continue;
        if (now[flag] == it.value()) continue;
        if (changeableOnResume(flag))
            out.changes.push_back({{"flag", flag}, {"from", it.value()}, {"to", now[flag]}});
        else
            out.refusals.push_back("--" + flag + " " + flagText(now[flag]) + ": this run was started with --" + flag +
                                   " " + flagText(it.value()));
    }

    // The length: a resume may set another one, in steps or in epochs.
    const bool bySteps = args.given("steps") && now.contains("steps");
    const bool byEpochs = !bySteps && args.given("epochs") && now.contains("epochs");
    if (!bySteps && !byEpochs) return out;
    const std::string flag = bySteps ? "steps" : "epochs";
    const long long spe = recipe.stepsPerEpoch;
    long long total = -1;
    nlohmann::json from;
    if (bySteps) {
        total = now["steps"].get<long long>();
        if (recipe.flags.contains("steps")) from = recipe.flags["steps"];
        else if (recipe.totalSteps >= 0) from = recipe.totalSteps;
    } else {
        const double epochs = now["epochs"].get<double>();
        if (spe > 0) total = std::llround(epochs * double(spe));
        if (recipe.flags.contains("epochs")) from = recipe.flags["epochs"];
        else if (recipe.totalSteps >= 0 && spe > 0) from = double(recipe.totalSteps) / double(spe);
    }
    if (total >= 0 && total < newestCheckpoint) {
        out.refusals.push_back("--" + flag + " " + flagText(now[flag]) + " ends at step " + std::to_string(total) +
                               ", before the run's newest checkpoint (step " + std::to_string(newestCheckpoint) + ")");
        return out;
    }
    if (total >= 0 && total == recipe.totalSteps) return out;   // the same length, however written
    if (total < 0 && from == now[flag]) return out;
    nlohmann::json change = {{"flag", flag}, {"from", from}, {"to", now[flag]}};
    if (recipe.totalSteps >= 0) change["total_steps_from"] = recipe.totalSteps;
    if (total >= 0) change["total_steps_to"] = total;
    out.changes.push_back(change);
    return out;
}

} // namespace ms::jobs
