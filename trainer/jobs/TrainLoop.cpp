// The shared training loop: run folder, resume, checkpoints, previews,
// metrics, NaN guard and signals. Model specifics live in Train<Family>.cpp.
#include "jobs/TrainLoop.h"

#include "jobs/Collective.h"

#include "jobs/Train.h"
#include "jobs/Recipe.h"

#include "cli/Args.h"
#include "device/Device.h"
#include "io/TensorIO.h"
#include "util/Fs.h"

#include <ATen/autocast_mode.h>
#if defined(MELSTUDIO_HAVE_CUDA_MEMSTATS)
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <unistd.h>

namespace ms::jobs {

// ---------------------------------------------------------------- helpers

uint64_t mixSeed(uint64_t seed, uint64_t counter) {
    uint64_t z = seed + 0x9e3779b97f4a7c15ull * (counter + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::vector<size_t> epochOrder(size_t n, uint64_t seed, long long epoch) {
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::mt19937_64 rng(mixSeed(seed ^ 0x5eedda7aull, uint64_t(epoch)));
    // Own Fisher-Yates: std::shuffle's sequence is not specified across libraries.
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[size_t(rng() % i)]);
    return order;
}

torch::Tensor melBatch(const TrainData &data, const std::vector<size_t> &idx) {
    const int64_t m = data.nMels(), f = data.frames();
    auto out = torch::empty({int64_t(idx.size()), 1, m, f});
    float *dst = out.data_ptr<float>();
    for (size_t b = 0; b < idx.size(); ++b) std::memcpy(dst + b * m * f, data.mel(idx[b]), sizeof(float) * m * f);
    return out;
}

Status saveMel(const std::string &path, const torch::Tensor &mel) {
    return io::saveTensors(path, {{"mel", mel.detach().to(torch::kCPU, torch::kFloat).contiguous()}});
}

bool GradScaler::unscale(const std::vector<torch::Tensor> &params) {
    if (!m_enabled) return true;
    bool ok = true;
    for (const auto &p : params) {
        if (!p.grad().defined()) continue;
        p.grad().div_(m_scale);
        if (!torch::isfinite(p.grad()).all().item<bool>()) ok = false;
    }
    return ok;
}

void GradScaler::update(bool ok) {
    if (!m_enabled) return;
    if (!ok) {
        m_scale = std::max(1.0, m_scale * 0.5);
        m_good = 0;
    } else if (++m_good >= 2000) {
        m_scale *= 2.0;
        m_good = 0;
    }
}

void GradScaler::setState(const nlohmann::json &j) {
    if (!j.is_object()) return;
    m_scale = j.value("scale", m_scale);
    m_good = j.value("good", m_good);
}

namespace {
void setCudaAutocast(bool on) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCUDA, on);
    if (on) at::autocast::set_autocast_dtype(at::kCUDA, at::kHalf);
#else
    at::autocast::set_enabled(on);
    if (on) at::autocast::set_autocast_gpu_dtype(at::kHalf);
#endif
    if (!on) at::autocast::clear_cache();
}
} // namespace

AutocastScope::AutocastScope(bool on) : m_on(on) {
    if (m_on) setCudaAutocast(true);
}
AutocastScope::~AutocastScope() {
    if (m_on) setCudaAutocast(false);
}

double Ema::currentDecay() const {
    if (!m_warmup) return m_decay;
    const double t = double(m_updates);
    return std::min(m_decay, (1.0 + t) / (10.0 + t));
}

void Ema::update(torch::nn::Module &ema, const torch::nn::Module &model) const {
    torch::NoGradGuard ng;
    const double d = currentDecay();
    auto ep = ema.parameters(true);
    auto mp = model.parameters(true);
    for (size_t i = 0; i < ep.size(); ++i) ep[i].mul_(d).add_(mp[i].detach(), 1.0 - d);
    auto eb = ema.buffers(true);
    auto mb = model.buffers(true);
    for (size_t i = 0; i < eb.size(); ++i) eb[i].copy_(mb[i]);
}

void copyModule(torch::nn::Module &dst, const torch::nn::Module &src) {
    torch::NoGradGuard ng;
    auto dp = dst.parameters(true);
    auto sp = src.parameters(true);
    for (size_t i = 0; i < dp.size(); ++i) dp[i].copy_(sp[i]);
    auto db = dst.buffers(true);
    auto sb = src.buffers(true);
    for (size_t i = 0; i < db.size(); ++i) db[i].copy_(sb[i]);
}

bool moduleFinite(const torch::nn::Module &m) {
    torch::NoGradGuard ng;
    for (const auto &p : m.parameters(true))
        if (!torch::isfinite(p).all().item<bool>()) return false;
    return true;
}

std::vector<torch::Tensor> parametersOf(const std::vector<const torch::nn::Module *> &mods) {
    std::vector<torch::Tensor> out;
    for (const auto *m : mods)
        for (const auto &p : m->parameters(true)) out.push_back(p);
    return out;
}

Status saveOptimizer(const torch::optim::Optimizer &opt, const std::string &path) {
    try {
        torch::serialize::OutputArchive ar;
        opt.save(ar);
        ar.save_to(path);
    } catch (const std::exception &e) {
        return fail("cannot save optimiser state to " + path + ": " + e.what());
    }
    return {};
}

Status loadOptimizer(torch::optim::Optimizer &opt, const std::string &path, torch::Device device) {
    try {
        torch::serialize::InputArchive ar;
        ar.load_from(path, device);
        opt.load(ar);
    } catch (const std::exception &e) {
        return fail("cannot load optimiser state from " + path + ": " + e.what());
    }
    return {};
}

void setLearningRate(torch::optim::Optimizer &opt, double lr) {
    for (auto &g : opt.param_groups()) g.options().set_lr(lr);
}

torch::Tensor Trainer::checkLoss(torch::Tensor loss, const std::string &name) const {
    if (debugNanAtStep >= 0 && currentStep + 1 == debugNanAtStep)
        loss = loss * std::numeric_limits<float>::quiet_NaN();
    const double v = loss.detach().to(torch::kFloat).item<double>();
    if (!std::isfinite(v)) {
        const std::string what = "loss '" + name + "' is " + (std::isnan(v) ? "NaN" : "infinite") + " at step " +
                                 std::to_string(currentStep + 1);
        // Data-parallel: the other ranks wait in the gradient all-reduce; the flag
        // rides along there and every rank stops at the same point.
        if (!dist) throw NonFiniteLoss(what);
        if (m_nonFinite.empty()) m_nonFinite = what;
    }
    return loss;
}

void Trainer::syncGradients(const std::vector<torch::Tensor> &params) {
    if (!dist) return;
    const auto bad = dist->averageGradients(params, !m_nonFinite.empty());
    if (bad.empty()) return;
    std::string ranks;
    for (int r : bad) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
    const std::string mine = m_nonFinite;
    m_nonFinite.clear();
    throw NonFiniteLoss((mine.empty() ? "a loss is not finite at step " + std::to_string(currentStep + 1) : mine) +
                        " on rank(s) " + ranks);
}

torch::Tensor Trainer::mine(const torch::Tensor &globalRows) const {
    if (world <= 1) return globalRows;
    const int64_t n = globalRows.size(0) / world;
    return globalRows.narrow(0, int64_t(rank) * n, n);
}

std::vector<torch::Tensor> tensorsOf(const std::vector<const torch::nn::Module *> &mods) {
    std::vector<torch::Tensor> out;
    for (const auto *m : mods) {
        for (const auto &p : m->parameters(true)) out.push_back(p);
        for (const auto &b : m->buffers(true)) out.push_back(b);
    }
    return out;
}

// ---------------------------------------------------------------- signals

namespace {

std::atomic<int> g_stopSignal{0};

extern "C" void onStopSignal(int sig) { g_stopSignal.store(sig); }

struct SignalGuard {
    struct sigaction oldInt {}, oldTerm {};
    SignalGuard() {
        g_stopSignal.store(0);
        struct sigaction sa {};
        sa.sa_handler = onStopSignal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &oldInt);
        sigaction(SIGTERM, &sa, &oldTerm);
    }
    ~SignalGuard() {
        sigaction(SIGINT, &oldInt, nullptr);
        sigaction(SIGTERM, &oldTerm, nullptr);
    }
};

// GPU memory of LibTorch's caching allocator on `dev`, in MB: what tensors use now
// and the peak so far (for metrics.jsonl). False where the build has no access to
// the statistics (CPU LibTorch, or an API this code does not know; see CMake).
bool gpuMemoryMb(const torch::Device &dev, double *allocated, double *peak) {
#if defined(MELSTUDIO_HAVE_CUDA_MEMSTATS)
    if (!dev.is_cuda()) return false;
    const auto s = c10::cuda::CUDACachingAllocator::getDeviceStats(dev.has_index() ? dev.index() : 0);
    *allocated = double(s.allocated_bytes[0].current) / (1024.0 * 1024.0);   // [0]: aggregate
    *peak = double(s.allocated_bytes[0].peak) / (1024.0 * 1024.0);
    return true;
#else
    (void)dev, (void)allocated, (void)peak;
    return false;
#endif
}

double memoryMb(const torch::Device &dev) {
    (void)dev;
    // Resident set size of the process (host memory, also on CUDA).
    std::ifstream in("/proc/self/statm");
    long pages = 0, rss = 0;
    if (in >> pages >> rss) return double(rss) * double(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
    return 0.0;
}

std::string fmtLosses(const std::map<std::string, double> &l) {
    std::string s;
    char b[64];
    for (const auto &[k, v] : l) {
        std::snprintf(b, sizeof b, "%s%s=%.5g", s.empty() ? "" : " ", k.c_str(), v);
        s += b;
    }
    return s;
}

} // namespace

// ---------------------------------------------------------------- the loop

namespace {

Status writeCheckpoint(RunFolder &run, Trainer &trainer, const CommonOptions &opt, long long step, double epoch,
                       const nlohmann::json &ranks) {
    if (!trainer.weightsFinite())
        return fail("weights are not finite at step " + std::to_string(step) + "; checkpoint not written");
    auto tmp = run.beginCheckpoint(step);
    if (!tmp) return fail(tmp.error());
    nlohmann::json state = {{"step", step}, {"epoch", epoch}, {"kind", opt.kind}, {"seed", opt.seed},
                            {"data_order", {{"seed", opt.seed}, {"shuffle", "fisher-yates mt19937_64 per epoch"}}},
                            {"rng", {{"file", "rng.safetensors"}, {"reseed", "manual_seed(splitmix(seed, step)) each step"}}}};
    if (!ranks.is_null()) state["ranks"] = ranks;
    Status st = trainer.save(*tmp, state);
    if (st) {
        auto gen = at::detail::getDefaultCPUGenerator();
        torch::Tensor rng = gen.get_state();
        st = io::saveTensors(fs::u8string(*tmp / "rng.safetensors"), {{"cpu", rng}});
    }
    // The marker goes last: a folder without it is never a complete checkpoint.
    if (st) st = fs::writeFileAtomic(*tmp / kCheckpointMarker, state.dump(2) + "\n");
    if (st) st = run.commitCheckpoint(*tmp, step, opt.keep);
    if (!st) {
        std::error_code ec;
        stdfs::remove_all(*tmp, ec);
        return st;
    }
    (void)run.appendEvent("checkpoint", {{"step", step}, {"path", "checkpoints/" + std::to_string(step)}});
    return {};
}

// Loads checkpoints/<step> into the trainer and the CPU generator; the state into *stateOut.
Status loadCheckpoint(Trainer &trainer, const std::string &runDir, long long from, nlohmann::json *stateOut) {
    const stdfs::path dir = fs::u8path(runDir) / "checkpoints" / std::to_string(from);
    auto text = fs::readFile(dir / kCheckpointMarker);
    if (!text) return fail(text.error());
    auto state = nlohmann::json::parse(*text, nullptr, false);
    if (state.is_discarded()) return fail((dir / kCheckpointMarker).string() + " is not valid JSON");
    if (Status ls = trainer.load(dir, state); !ls) return fail("resuming from " + dir.string() + ": " + ls.error());
    auto rng = io::loadTensors(fs::u8string(dir / "rng.safetensors"));
    if (!rng) return fail(rng.error());
    if (rng->count("cpu")) {
        auto gen = at::detail::getDefaultCPUGenerator();
        gen.set_state(rng->at("cpu"));
    }
    *stateOut = std::move(state);
    return {};
}

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "%016llx", (unsigned long long)v);
    return b;
}

} // namespace

int runLoop(Trainer &trainer, const CommonOptions &opt, const cli::Args &args) {
    (void)args;
    std::error_code ec;
    const DistEnv &denv = opt.dist;
    // Rank 0 alone writes the run folder; the other ranks log to stderr.
    const bool lead = denv.rank == 0;
    const std::string tag = denv.distributed() ? "[rank " + std::to_string(denv.rank) + "] " : "";
    std::unique_ptr<RunFolder> runHolder;
    RunFolder *run = nullptr;
    if (lead) {
        if (!opt.resume && stdfs::exists(fs::u8path(opt.runDir) / "run.json", ec)) {
            std::fprintf(stderr, "train: %s already holds a run; pass --resume to continue it or choose another --run\n",
                         opt.runDir.c_str());
            return kTrainUsage;
        }
        // One job per run folder: a second one would interleave its checkpoints with the first's.
        if (const long long other = runningJobPid(opt.runDir); other > 0 && other != (long long)::getpid()) {
            std::fprintf(stderr, "train: %s is in use by a running job (pid %lld); stop it first (SIGTERM writes a checkpoint)\n",
                         opt.runDir.c_str(), other);
            return kTrainUsage;
        }
        auto runR = RunFolder::open(opt.runDir);
        if (!runR) {
            std::fprintf(stderr, "train: %s\n", runR.error().c_str());
            return kTrainFailed;
        }
        runHolder = std::move(*runR);
        run = runHolder.get();
        // The run folder records this process, so that a studio (any one) finds, watches and stops it.
        if (Status js = run->writeJobRecord(); !js) run->log("warning: cannot write job.json: " + js.error());
    }
    auto say = [&](const std::string &msg) {
        if (run) run->log(msg);
        else std::fprintf(stderr, "%s%s\n", tag.c_str(), msg.c_str());
    };
    auto fatal = [&](const std::string &msg) {
        say("error: " + msg);
        if (run) (void)run->appendEvent("failed", {{"reason", msg}});
        return kTrainFailed;
    };

    int niceNow = 0;
    if (opt.nice > 0) {
        std::string why;
        niceNow = device::lowerPriority(opt.nice, &why);
        if (niceNow < 0) say("warning: --nice " + std::to_string(opt.nice) + ": " + why);
        else say("cpu priority: nice " + std::to_string(niceNow));
    }
    int threads = opt.threads;
    if (threads <= 0 && denv.distributed()) {
        // Ranks on one machine share its cores: OMP_NUM_THREADS where the launcher sets
        // it (torchrun sets 1 for several local ranks), else cores / local ranks.
        const char *omp = std::getenv("OMP_NUM_THREADS");
        threads = omp && std::atoi(omp) > 0 ? std::atoi(omp) : std::max(1, device::usableCores() / denv.localWorld);
    }
    device::configureThreads(threads);
    std::string devErr;
    std::string devName = device::resolve(opt.device, &devErr);
    if (!devErr.empty()) say("warning: " + devErr);
    // One GPU per local rank, as torchrun expects.
    if (denv.distributed() && devName.rfind("cuda", 0) == 0) devName = "cuda:" + std::to_string(denv.localRank);
    const torch::Device device(devName);

    std::unique_ptr<Collective> dist;
    if (denv.distributed()) {
        auto joined = Collective::join(denv, device, std::chrono::seconds(opt.distTimeout));
        if (!joined) return fatal(joined.error());
        dist = std::move(*joined);
        trainer.rank = denv.rank;
        trainer.world = denv.world;
        trainer.dist = dist.get();
        say("rank " + std::to_string(denv.rank) + " of " + std::to_string(denv.world) + " (" + dist->backend() +
            ", rendezvous " + denv.masterAddr + ":" + std::to_string(denv.masterPort) + ", " + denv.source +
            " environment, timeout " + std::to_string(opt.distTimeout) + " s)");
    }
    // Setup runs on every rank; a rank that fails tells the others (every rank
    // passes the same agreement points, in the same order).
    auto agree = [&](const std::string &localError) -> std::string {
        if (!dist) return localError;
        std::vector<int64_t> failed;
        try {
            failed = dist->gatherInt(localError.empty() ? 0 : 1);
        } catch (const std::exception &e) {
            return (localError.empty() ? std::string() : localError + "; ") + dist->diagnose(e.what());
        }
        std::string ranks;
        for (int r = 0; r < denv.world; ++r)
            if (failed[size_t(r)] && r != denv.rank) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
        if (!localError.empty()) return localError;
        if (ranks.empty()) return {};
        return "rank(s) " + ranks + " failed to set up (see " + (lead ? "its stderr" : "rank 0's log.txt") +
               "); the job ends on every rank";
    };

    std::unique_ptr<TrainData> dataHolder;
    SignalGuard signals;   // from here on SIGINT/SIGTERM pause the run (checked before every step)
    std::string setupError;
    {
        auto dataR = trainer.openData(opt.dataDir);
        if (!dataR) setupError = dataR.error();
        else if ((*dataR)->size() == 0) setupError = "dataset " + opt.dataDir + " has no items";
        else dataHolder = std::move(*dataR);
    }
    if (setupError.empty() && lead && opt.resume && denv.world > 1) {
        // The global batch and each rank's shard depend on the world size.
        auto prev = RunReader::read(opt.runDir);
        const int before = prev && prev->run.is_object() ? prev->run.value("world_size", 1) : 1;
        if (before != denv.world && !RunReader::listCheckpoints(opt.runDir).empty())
            setupError = "the run was trained with " + std::to_string(before) + " rank(s) and this job has " +
                         std::to_string(denv.world) + "; a resume needs the same world size (the global batch is "
                         "--batch x ranks)";
    }
    if (setupError.empty()) {
        // Initial weights depend on the seed only (not on what ran before in this process).
        torch::manual_seed(mixSeed(opt.seed, ~0ull));
        Status st = trainer.build(*dataHolder, device, run);
        if (!st) setupError = st.error();
    }
    if (std::string e = agree(setupError); !e.empty()) return fatal(e);
    const TrainData &data = *dataHolder;

    const int world = denv.world;
    const size_t per = size_t(trainer.samplesPerStep());   // this rank's samples per step
    const size_t gper = per * size_t(world);                 // the global batch
    const size_t micro = size_t(std::max(1, trainer.microBatches()));
    const size_t items = trainer.epochItems(data);
    if (gper > items)   // an epoch would hold no whole step (and the batch would read past the data)
        return fatal("one step takes " + std::to_string(gper) + " samples (--batch" +
                     (opt.kind == "diffusion" ? std::string(" x --accum") : std::string()) +
                     (world > 1 ? " x " + std::to_string(world) + " ranks" : std::string()) + ") but the dataset " +
                     opt.dataDir + " has " + std::to_string(items) + " items; give a smaller --batch");
    const long long stepsPerEpoch = std::max<long long>(1, (long long)(items / gper));
    long long total = opt.steps > 0 ? opt.steps
                                    : (long long)std::llround((opt.epochs > 0 ? opt.epochs : 1.0) * stepsPerEpoch);
    long long step = 0;
    // Document defaults: checkpoints every 10 epochs (vae, vocoder) or 5000 iterations (diffusion).
    const long long ckEvery = opt.checkpointEvery > 0 ? opt.checkpointEvery
                              : opt.kind == "diffusion" ? 5000 : 10 * stepsPerEpoch;
    const long long pvEvery = opt.previewEvery >= 0 ? opt.previewEvery : ckEvery;

    const auto ckpts = RunReader::listCheckpoints(opt.runDir);
    if (opt.resume && !ckpts.empty()) {
        // Rank 0 picks the newest checkpoint that loads. One that does not (a file damaged
        // by a disk error or a crash of the machine) is moved aside to checkpoints/.unusable-STEP,
        // kept for inspection, and the one before it is tried; if none loads, nothing moves.
        // The other ranks then load the same one (the run folder must be visible to them).
        long long loaded = -1;
        nlohmann::json state;
        std::string loadError;
        if (lead) {
            std::vector<std::pair<long long, std::string>> unusable;
            for (auto it = ckpts.rbegin(); it != ckpts.rend() && loaded < 0; ++it) {
                if (Status ls = loadCheckpoint(trainer, opt.runDir, *it, &state); ls) loaded = *it;
                else unusable.emplace_back(*it, ls.error());
            }
            if (loaded < 0) {
                loadError = unusable.front().second;
                if (unusable.size() > 1)
                    loadError += " (and the " + std::to_string(unusable.size() - 1) +
                                 " older checkpoint(s) did not load either)";
            } else {
                for (const auto &[bad, why] : unusable) {
                    const stdfs::path from = fs::u8path(opt.runDir) / "checkpoints" / std::to_string(bad);
                    const stdfs::path aside = fs::u8path(opt.runDir) / "checkpoints" / (".unusable-" + std::to_string(bad));
                    stdfs::remove_all(aside, ec);
                    stdfs::rename(from, aside, ec);
                    say("warning: checkpoint " + std::to_string(bad) + " does not load (" + why + "); moved to " +
                        aside.string() + ", resuming from checkpoint " + std::to_string(loaded));
                    (void)run->appendEvent("checkpoint_unusable",
                                           {{"step", bad}, {"reason", why}, {"moved_to", aside.string()}});
                }
            }
        }
        if (dist) {
            try {
                loaded = dist->gatherInt(lead ? loaded : 0)[0];
            } catch (const std::exception &e) {
                return fatal(dist->diagnose(e.what()));
            }
            if (!lead && loaded >= 0)
                if (Status ls = loadCheckpoint(trainer, opt.runDir, loaded, &state); !ls)
                    loadError = ls.error() + " (every rank reads the run folder: it must be on a filesystem they share)";
        }
        if (std::string e = agree(loadError); !e.empty()) return fatal(e);
        step = state.value("step", loaded);
        say("resumed from checkpoint " + std::to_string(step));
    } else if (opt.resume) {
        say("--resume: no complete checkpoint in " + opt.runDir + "; starting from step 0");
    }
    if (dist) {
        // Same weights everywhere from the first step on: rank 0's, broadcast.
        try {
            dist->broadcast(trainer.syncedTensors());
        } catch (const std::exception &e) {
            return fatal(dist->diagnose(e.what()));
        }
    }

    if (lead) {
        // run.json records how the run was made, once. A resume keeps it as it is and
        // adds only when it resumed and the changes it made (--steps, --device, ...,
        // also in events.jsonl); the recipe itself is the run's own (see runTrain).
        auto prev = RunReader::read(opt.runDir);
        nlohmann::json runJson;
        if (opt.resume && prev && prev->run.is_object() && prev->run.contains("created")) {
            runJson = prev->run;
            runJson["resumed"] = RunFolder::now();
            for (const auto &change : opt.resumeChanges) {
                nlohmann::json entry = change;
                entry["step"] = step;
                entry["time"] = RunFolder::now();
                runJson["resume_changes"].push_back(entry);
                (void)run->appendEvent("resume_changed", entry);
                say("resume: --" + change["flag"].get<std::string>() + " " + change["from"].dump() + " -> " +
                    change["to"].dump());
            }
        } else {
            runJson = {
                {"family", trainer.family()}, {"component", trainer.component()}, {"job", opt.kind},
                {"preset", opt.preset}, {"recipe", trainer.recipe()}, {"flags", opt.flags},
                {"dataset", {{"dir", opt.dataDir}, {"items", data.size()}, {"describe", data.describe()}}},
                {"device", devName}, {"threads", device::threads()}, {"nice", niceNow}, {"seed", opt.seed},
                {"steps", total}, {"steps_per_epoch", stepsPerEpoch}, {"samples_per_step", gper},
                {"world_size", world}, {"batch_per_rank", per}, {"global_batch", gper},
                {"checkpoint_every", ckEvery}, {"preview_every", pvEvery}, {"log_every", opt.logEvery},
                {"keep", opt.keep}, {"code_version", MELSTUDIO_VERSION}, {"torch", device::torchVersion()},
                {"created", RunFolder::now()}};
            if (dist)
                runJson["distributed"] = {{"backend", dist->backend()}, {"launcher", denv.source},
                                          {"master", denv.masterAddr + ":" + std::to_string(denv.masterPort)},
                                          {"timeout_s", opt.distTimeout}};
        }
        if (Status st = run->writeRunJson(runJson); !st) return fatal(st.error());
        (void)run->appendEvent("started", {{"step", step}, {"resumed", step > 0}, {"total_steps", total},
                                           {"device", devName}, {"world_size", world}});
    }
    say("train " + opt.kind + ": " + std::to_string(data.size()) + " items, " + std::to_string(total) + " steps (" +
        std::to_string(stepsPerEpoch) + "/epoch, " + std::to_string(gper) + " samples/step" +
        (world > 1 ? " = " + std::to_string(world) + " ranks x " + std::to_string(per) : std::string()) + ") on " +
        devName + ", " + device::threadSummary());

    trainer.debugNanAtStep = opt.debugNanRank < 0 || opt.debugNanRank == denv.rank ? opt.debugNanAtStep : -1;
    long long lastCkpt = ckpts.empty() ? -1 : ckpts.back();
    long long cachedEpoch = -1;
    std::vector<size_t> order;
    auto tLog = std::chrono::steady_clock::now();
    long long samplesSinceLog = 0;
    const size_t B = per / micro;   // rows of one micro-batch on this rank

    try {
        while (step < total) {
            int sig = g_stopSignal.load();
            if (dist) {   // a signal to any rank stops every rank at the same step
                for (double v : dist->gather(double(sig)))
                    if (v > 0) sig = int(v);
            }
            if (sig) {
                say(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + " at step " +
                    std::to_string(step) + (lead ? "; writing a checkpoint" : ""));
                const double ep = double(step) / double(stepsPerEpoch);
                if (lead && step != lastCkpt) {
                    if (Status st = writeCheckpoint(*run, trainer, opt, step, ep, nullptr); !st) return fatal(st.error());
                }
                if (run) (void)run->appendEvent("paused", {{"step", step}, {"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
                return kTrainOk;
            }
            const long long epoch = step / stepsPerEpoch;
            const long long pos = step % stepsPerEpoch;
            if (epoch != cachedEpoch) {
                order = epochOrder(items, opt.seed, epoch);
                cachedEpoch = epoch;
            }
            // This rank's rows of the global batch: micro-batch k of one process with the
            // global batch is rows k*B*world .. +B*world; rank r takes its r-th B of them.
            std::vector<size_t> idx;
            idx.reserve(per);
            const size_t base = size_t(pos) * gper;
            for (size_t k = 0; k < micro; ++k)
                for (size_t b = 0; b < B; ++b)
                    idx.push_back(order[base + k * B * size_t(world) + size_t(denv.rank) * B + b]);
            torch::manual_seed(mixSeed(opt.seed, uint64_t(step)));
            trainer.currentStep = step;
            const double ep = double(step) / double(stepsPerEpoch);
            auto losses = trainer.step(data, idx, step, ep);
            ++step;
            samplesSinceLog += (long long)per;
            if (dist) dist->publishStep(step);

            if (opt.logEvery > 0 && (step % opt.logEvery == 0 || step == total)) {
                const auto now = std::chrono::steady_clock::now();
                const double dt = std::chrono::duration<double>(now - tLog).count();
                tLog = now;
                double sps = dt > 0 ? samplesSinceLog / dt : 0.0;
                samplesSinceLog = 0;
                std::vector<double> rankSps;
                if (dist) {   // losses: the mean over ranks; throughput: each rank's, and their sum
                    std::vector<double> v;
                    for (const auto &[k, x] : losses) v.push_back(x);
                    v = dist->sum(v);
                    size_t i = 0;
                    for (auto &[k, x] : losses) x = v[i++] / world;
                    rankSps = dist->gather(sps);
                    sps = 0;
                    for (double x : rankSps) sps += x;
                }
                if (lead) {
                    nlohmann::json row = {{"step", step}, {"epoch", double(step) / double(stepsPerEpoch)},
                                          {"time", RunFolder::now()}, {"loss", losses}, {"lr", trainer.learningRate()},
                                          {"samples_per_s", sps}, {"mem_mb", memoryMb(device)}};
                    if (dist) {
                        row["world_size"] = world;
                        row["rank_samples_per_s"] = rankSps;
                    }
                    if (double gpu = 0, gpuPeak = 0; gpuMemoryMb(device, &gpu, &gpuPeak)) {
                        row["gpu_mem_mb"] = gpu;
                        row["gpu_peak_mb"] = gpuPeak;
                    }
                    if (Status st = run->appendMetrics(row); !st) return fatal(st.error());
                    char b[96];
                    std::snprintf(b, sizeof b, "step %lld/%lld epoch %.2f ", step, total, double(step) / stepsPerEpoch);
                    say(b + fmtLosses(losses) + "  " + std::to_string(int(sps + 0.5)) + " samples/s" +
                        (world > 1 ? " (" + std::to_string(world) + " ranks)" : std::string()));
                }
            }
            if ((step % ckEvery == 0) || step == total) {
                nlohmann::json ranks;
                if (dist) {
                    // Every rank must hold rank 0's weights: a fingerprint of each, compared.
                    const auto hashes = dist->gatherInt(int64_t(tensorsHash(trainer.syncedTensors())));
                    ranks = {{"world_size", world}, {"weights_hash", nlohmann::json::array()}};
                    std::string differ;
                    for (int r = 0; r < world; ++r) {
                        ranks["weights_hash"].push_back(hex(uint64_t(hashes[size_t(r)])));
                        if (hashes[size_t(r)] != hashes[0]) differ += (differ.empty() ? "" : ", ") + std::to_string(r);
                    }
                    if (!differ.empty())
                        return fatal("the weights of rank(s) " + differ + " differ from rank 0's at step " +
                                     std::to_string(step) + " (a non-deterministic operation, or ranks built from "
                                     "different data); no checkpoint written");
                }
                if (lead) {
                    if (Status st = writeCheckpoint(*run, trainer, opt, step, double(step) / double(stepsPerEpoch), ranks);
                        !st) {
                        say("error: " + st.error());
                        (void)run->appendEvent("failed", {{"reason", st.error()}, {"step", step},
                                                          {"last_checkpoint", lastCkpt}});
                        return trainer.weightsFinite() ? kTrainFailed : kTrainNonFinite;
                    }
                }
                lastCkpt = step;
                if (step == opt.debugHangAfterCheckpoint) {
                    // Tests: a process that stops right after this checkpoint, to be killed.
                    say("debug: waiting to be killed after checkpoint " + std::to_string(step));
                    for (;;) ::pause();
                }
            }
            if (lead && pvEvery > 0 && (step % pvEvery == 0 || step == total)) {
                auto dir = run->previewDir(step);
                Status ps = dir ? trainer.preview(data, *dir, step) : Status(fail(dir.error()));
                if (ps) (void)run->appendEvent("preview", {{"step", step}, {"path", "previews/" + std::to_string(step)}});
                else say("warning: preview failed: " + ps.error());
            }
        }
    } catch (const NonFiniteLoss &e) {
        const std::string msg = std::string(e.what()) + "; run stopped, last good checkpoint: " +
                                (lastCkpt >= 0 ? "checkpoints/" + std::to_string(lastCkpt) : std::string("none"));
        say("error: " + msg);
        if (run) (void)run->appendEvent("failed", {{"reason", msg}, {"step", step + 1}, {"last_checkpoint", lastCkpt}});
        return kTrainNonFinite;
    } catch (const std::exception &e) {
        // LibTorch messages carry a C++ backtrace after the first line.
        std::string what = e.what();
        what = what.substr(0, what.find('\n'));
        if (dist) {
            // A collective failed: find the rank that died or hangs, and end this one.
            return fatal("at step " + std::to_string(step + 1) + ": " + dist->diagnose(what) +
                         "; the job ends on every rank (last good checkpoint: " +
                         (lastCkpt >= 0 ? "checkpoints/" + std::to_string(lastCkpt) : std::string("none")) + ")");
        }
        return fatal(std::string("at step ") + std::to_string(step + 1) + ": " + what);
    }
    if (run) (void)run->appendEvent("finished", {{"step", step}});
    say("finished at step " + std::to_string(step));
    return kTrainOk;
}

} // namespace ms::jobs
