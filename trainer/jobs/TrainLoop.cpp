// The shared training loop: run folder, resume, checkpoints, previews,
// metrics, NaN guard and signals. Model specifics live in Train<Family>.cpp.
#include "jobs/TrainLoop.h"

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
    if (!std::isfinite(v))
        throw NonFiniteLoss("loss '" + name + "' is " + (std::isnan(v) ? "NaN" : "infinite") + " at step " +
                            std::to_string(currentStep + 1));
    return loss;
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

Status writeCheckpoint(RunFolder &run, Trainer &trainer, const CommonOptions &opt, long long step,
                       double epoch) {
    if (!trainer.weightsFinite())
        return fail("weights are not finite at step " + std::to_string(step) + "; checkpoint not written");
    auto tmp = run.beginCheckpoint(step);
    if (!tmp) return fail(tmp.error());
    nlohmann::json state = {{"step", step}, {"epoch", epoch}, {"kind", opt.kind}, {"seed", opt.seed},
                            {"data_order", {{"seed", opt.seed}, {"shuffle", "fisher-yates mt19937_64 per epoch"}}},
                            {"rng", {{"file", "rng.safetensors"}, {"reseed", "manual_seed(splitmix(seed, step)) each step"}}}};
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

} // namespace

int runLoop(Trainer &trainer, const CommonOptions &opt, const cli::Args &args) {
    (void)args;
    std::error_code ec;
    const auto ckpts = RunReader::listCheckpoints(opt.runDir);
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
    RunFolder &run = **runR;
    // The run folder records this process, so that a studio (any one) finds, watches and stops it.
    if (Status js = run.writeJobRecord(); !js) run.log("warning: cannot write job.json: " + js.error());

    auto fatal = [&](const std::string &msg) {
        run.log("error: " + msg);
        (void)run.appendEvent("failed", {{"reason", msg}});
        return kTrainFailed;
    };

    int niceNow = 0;
    if (opt.nice > 0) {
        std::string why;
        niceNow = device::lowerPriority(opt.nice, &why);
        if (niceNow < 0) run.log("warning: --nice " + std::to_string(opt.nice) + ": " + why);
        else run.log("cpu priority: nice " + std::to_string(niceNow));
    }
    device::configureThreads(opt.threads);
    std::string devErr;
    const std::string devName = device::resolve(opt.device, &devErr);
    if (!devErr.empty()) run.log("warning: " + devErr);
    const torch::Device device(devName);

    auto dataR = openTrainData(opt.dataDir);
    if (!dataR) return fatal(dataR.error());
    const TrainData &data = **dataR;
    if (data.size() == 0) return fatal("dataset " + opt.dataDir + " has no items");

    // From here on SIGINT/SIGTERM pause the run (checked before every step).
    SignalGuard signals;
    // Initial weights depend on the seed only (not on what ran before in this process).
    torch::manual_seed(mixSeed(opt.seed, ~0ull));
    Status st = trainer.build(data, device, &run);
    if (!st) return fatal(st.error());

    const size_t per = size_t(trainer.samplesPerStep());
    const size_t items = trainer.epochItems(data);
    if (per > items)   // an epoch would hold no whole step (and the batch would read past the data)
        return fatal("one step takes " + std::to_string(per) + " samples (--batch" +
                     (opt.kind == "diffusion" ? std::string(" x --accum") : std::string()) + ") but the dataset " +
                     opt.dataDir + " has " + std::to_string(items) + " items; give a smaller --batch");
    const long long stepsPerEpoch = std::max<long long>(1, (long long)(items / per));
    long long total = opt.steps > 0 ? opt.steps
                                    : (long long)std::llround((opt.epochs > 0 ? opt.epochs : 1.0) * stepsPerEpoch);
    long long step = 0;
    // Document defaults: checkpoints every 10 epochs (vae, vocoder) or 5000 iterations (diffusion).
    const long long ckEvery = opt.checkpointEvery > 0 ? opt.checkpointEvery
                              : opt.kind == "diffusion" ? 5000 : 10 * stepsPerEpoch;
    const long long pvEvery = opt.previewEvery >= 0 ? opt.previewEvery : ckEvery;

    if (opt.resume && !ckpts.empty()) {
        // The newest checkpoint that loads. One that does not (a file damaged by a disk
        // error or a crash of the machine) is moved aside to checkpoints/.unusable-STEP,
        // kept for inspection, and the one before it is tried; if none loads, nothing moves.
        auto tryLoad = [&](long long from, nlohmann::json *stateOut) -> Status {
            const stdfs::path dir = fs::u8path(opt.runDir) / "checkpoints" / std::to_string(from);
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
        };
        std::vector<std::pair<long long, std::string>> unusable;
        long long loaded = -1;
        nlohmann::json state;
        for (auto it = ckpts.rbegin(); it != ckpts.rend() && loaded < 0; ++it) {
            if (Status ls = tryLoad(*it, &state); ls) loaded = *it;
            else unusable.emplace_back(*it, ls.error());
        }
        if (loaded < 0) {
            std::string why = unusable.front().second;
            if (unusable.size() > 1)
                why += " (and the " + std::to_string(unusable.size() - 1) + " older checkpoint(s) did not load either)";
            return fatal(why);
        }
        for (const auto &[bad, why] : unusable) {
            const stdfs::path from = fs::u8path(opt.runDir) / "checkpoints" / std::to_string(bad);
            const stdfs::path aside = fs::u8path(opt.runDir) / "checkpoints" / (".unusable-" + std::to_string(bad));
            stdfs::remove_all(aside, ec);
            stdfs::rename(from, aside, ec);
            run.log("warning: checkpoint " + std::to_string(bad) + " does not load (" + why + "); moved to " +
                    aside.string() + ", resuming from checkpoint " + std::to_string(loaded));
            (void)run.appendEvent("checkpoint_unusable", {{"step", bad}, {"reason", why}, {"moved_to", aside.string()}});
        }
        step = state.value("step", loaded);
        run.log("resumed from checkpoint " + std::to_string(step));
    } else if (opt.resume) {
        run.log("--resume: no complete checkpoint in " + opt.runDir + "; starting from step 0");
    }

    {
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
                (void)run.appendEvent("resume_changed", entry);
                run.log("resume: --" + change["flag"].get<std::string>() + " " + change["from"].dump() + " -> " +
                        change["to"].dump());
            }
        } else {
            runJson = {
                {"family", "kick-ldm"}, {"component", trainer.component()}, {"job", opt.kind},
                {"preset", opt.preset}, {"recipe", trainer.recipe()}, {"flags", opt.flags},
                {"dataset", {{"dir", opt.dataDir}, {"items", data.size()}, {"describe", data.describe()}}},
                {"device", devName}, {"threads", device::threads()}, {"nice", niceNow}, {"seed", opt.seed},
                {"steps", total}, {"steps_per_epoch", stepsPerEpoch}, {"samples_per_step", per},
                {"checkpoint_every", ckEvery}, {"preview_every", pvEvery}, {"log_every", opt.logEvery},
                {"keep", opt.keep}, {"code_version", MELSTUDIO_VERSION}, {"torch", device::torchVersion()},
                {"created", RunFolder::now()}};
        }
        st = run.writeRunJson(runJson);
        if (!st) return fatal(st.error());
    }
    (void)run.appendEvent("started", {{"step", step}, {"resumed", step > 0}, {"total_steps", total},
                                      {"device", devName}});
    run.log("train " + opt.kind + ": " + std::to_string(data.size()) + " items, " + std::to_string(total) +
            " steps (" + std::to_string(stepsPerEpoch) + "/epoch, " + std::to_string(per) + " samples/step) on " +
            devName + ", " + device::threadSummary());

    trainer.debugNanAtStep = opt.debugNanAtStep;
    long long lastCkpt = ckpts.empty() ? -1 : ckpts.back();
    long long cachedEpoch = -1;
    std::vector<size_t> order;
    auto tLog = std::chrono::steady_clock::now();
    long long samplesSinceLog = 0;

    try {
        while (step < total) {
            if (int sig = g_stopSignal.load()) {
                run.log(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + " at step " +
                        std::to_string(step) + "; writing a checkpoint");
                const double ep = double(step) / double(stepsPerEpoch);
                if (step != lastCkpt) {
                    st = writeCheckpoint(run, trainer, opt, step, ep);
                    if (!st) return fatal(st.error());
                }
                (void)run.appendEvent("paused", {{"step", step}, {"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
                return kTrainOk;
            }
            const long long epoch = step / stepsPerEpoch;
            const long long pos = step % stepsPerEpoch;
            if (epoch != cachedEpoch) {
                order = epochOrder(items, opt.seed, epoch);
                cachedEpoch = epoch;
            }
            std::vector<size_t> idx(order.begin() + pos * per, order.begin() + (pos + 1) * per);
            torch::manual_seed(mixSeed(opt.seed, uint64_t(step)));
            trainer.currentStep = step;
            const double ep = double(step) / double(stepsPerEpoch);
            auto losses = trainer.step(data, idx, step, ep);
            ++step;
            samplesSinceLog += (long long)per;

            if (opt.logEvery > 0 && (step % opt.logEvery == 0 || step == total)) {
                const auto now = std::chrono::steady_clock::now();
                const double dt = std::chrono::duration<double>(now - tLog).count();
                tLog = now;
                const double sps = dt > 0 ? samplesSinceLog / dt : 0.0;
                samplesSinceLog = 0;
                nlohmann::json row = {{"step", step}, {"epoch", double(step) / double(stepsPerEpoch)},
                                      {"time", RunFolder::now()}, {"loss", losses}, {"lr", trainer.learningRate()},
                                      {"samples_per_s", sps}, {"mem_mb", memoryMb(device)}};
                if (double gpu = 0, gpuPeak = 0; gpuMemoryMb(device, &gpu, &gpuPeak)) {
                    row["gpu_mem_mb"] = gpu;
                    row["gpu_peak_mb"] = gpuPeak;
                }
                st = run.appendMetrics(row);
                if (!st) return fatal(st.error());
                char b[96];
                std::snprintf(b, sizeof b, "step %lld/%lld epoch %.2f ", step, total, double(step) / stepsPerEpoch);
                run.log(b + fmtLosses(losses) + "  " + std::to_string(int(sps + 0.5)) + " samples/s");
            }
            if ((step % ckEvery == 0) || step == total) {
                st = writeCheckpoint(run, trainer, opt, step, double(step) / double(stepsPerEpoch));
                if (!st) {
                    run.log("error: " + st.error());
                    (void)run.appendEvent("failed", {{"reason", st.error()}, {"step", step},
                                                     {"last_checkpoint", lastCkpt}});
                    return trainer.weightsFinite() ? kTrainFailed : kTrainNonFinite;
                }
                lastCkpt = step;
                if (step == opt.debugHangAfterCheckpoint) {
                    // Tests: a process that stops right after this checkpoint, to be killed.
                    run.log("debug: waiting to be killed after checkpoint " + std::to_string(step));
                    for (;;) ::pause();
                }
            }
            if (pvEvery > 0 && (step % pvEvery == 0 || step == total)) {
                auto dir = run.previewDir(step);
                Status ps = dir ? trainer.preview(data, *dir, step) : Status(fail(dir.error()));
                if (ps) (void)run.appendEvent("preview", {{"step", step}, {"path", "previews/" + std::to_string(step)}});
                else run.log("warning: preview failed: " + ps.error());
            }
        }
    } catch (const NonFiniteLoss &e) {
        const std::string msg = std::string(e.what()) + "; run stopped, last good checkpoint: " +
                                (lastCkpt >= 0 ? "checkpoints/" + std::to_string(lastCkpt) : std::string("none"));
        run.log("error: " + msg);
        (void)run.appendEvent("failed", {{"reason", msg}, {"step", step + 1}, {"last_checkpoint", lastCkpt}});
        return kTrainNonFinite;
    } catch (const std::exception &e) {
        // LibTorch messages carry a C++ backtrace after the first line.
        std::string what = e.what();
        what = what.substr(0, what.find('\n'));
        return fatal(std::string("at step ") + std::to_string(step + 1) + ": " + what);
    }
    (void)run.appendEvent("finished", {{"step", step}});
    run.log("finished at step " + std::to_string(step));
    return kTrainOk;
}

// ---------------------------------------------------------------- entry

std::string trainUsage() {
    return R"(usage: melstudio-cli train vae|diffusion|vocoder --data DATASET_DIR --run RUN_DIR [options]
       melstudio-cli train vae|diffusion|vocoder --run RUN_DIR --resume [--steps N] [--device D] ...

common:
  --preset tiny|paper        model sizes (paper; vocoder --arch istft also cpu)
  --device auto|cpu|cuda     auto = CUDA when present, else CPU with every core
  --threads N                CPU threads (0 = all cores)
  --nice N                   lower the job's CPU priority (0-19; the studio starts jobs with 10)
  --resume                   continue the run from its newest checkpoint that loads (a damaged one
                             is moved to checkpoints/.unusable-STEP), exactly as it was started:
                             every recipe flag (--data, --vae, --seed, --lr, --keep, ...) is the
                             run's own (run.json "flags") and another value is refused. Only
                             --steps/--epochs, --device, --threads and --nice may change; each
                             change is recorded in events.jsonl ("resume_changed") and run.json
  --steps N | --epochs X     length (defaults: vae 100 epochs, diffusion 100000 steps, vocoder 50 epochs;
                             --preset tiny: 500 steps, a checkpoint every 100)
  --batch N                  batch size (vae 32, diffusion 16, vocoder 4, vocoder --arch istft 8)
  --lr X                     learning rate (vae 1e-4, diffusion 1e-4, vocoder 2e-4, istft 5e-4)
  --checkpoint-every N       steps between checkpoints (vae/vocoder: 10 epochs, diffusion 5000)
  --preview-every N          steps between previews (default: with each checkpoint)
  --log-every N              steps between metrics lines (10)
  --keep N                   keep the newest N checkpoints (3; 0 = all)
  --seed N                   seed of init, data order, noise and dropout (0)
  --amp auto|on|off          fp16 autocast + loss scaling on CUDA (auto: vae, diffusion)
vae:        --kl-start 1e-4 --kl-end 1e-3 --kl-anneal-epochs 20 --kl-reduction mean|sum
            --weight-decay 0.01 --grad-clip 0 (off)
diffusion:  --vae RUN_OR_PACKAGE (required) --accum 2 --ema 0.9999 --ema-warmup on|off
            --cfg-dropout 0.15 --min-count 5 --timesteps 1000 --beta-start 1e-4 --beta-end 0.02
            --weight-decay 0.01 --grad-clip 0 (off)
vocoder:    --arch hifigan|istft (hifigan: HiFi-GAN, document 004; istft: Vocos-style iSTFT head)
            --segment 8192 --gamma 0.999 (ExponentialLR per epoch) --beta1 0.8 --beta2 0.99
            --weight-decay 0.01 --lambda-fm 2 --lambda-mel 45
            --disc-start 0 (steps of spectral-loss-only generator warm-up before the discriminators join)
            --segments uniform|energy (energy: half the segments drawn by their energy)
            --lambda-stft 0 (weight of a multi-resolution spectral convergence loss; 0 = off)
  istft:    Vocos's recipe: MPD + multi-resolution discriminator, hinge losses; defaults
            --segment 16384 --segments energy --beta2 0.9 --lambda-fm 1 --lambda-mrd 0.1
            --lambda-mrstft 45 --mrstft-ffts 512,1024,2048,4096,8192 (SC + log-magnitude L1)
            --phase absolute|increment (the head predicts each frame's phase, or its advance
            beyond the bin centre's, summed over frames: a steady tone below the frame rate)
            --mag-prior none|mel_pinv (the predicted log-magnitude corrects the mel filterbank's
            pseudo-inverse of the input, FreeV; needs the vocoder's n_fft = the mel's)
            --phase-prior none|peaks (with --phase absolute and mel_pinv: the head's phase corrects a
            phase vocoder's, phase-locked around the peaks of the prior magnitude)

A run folder holds run.json, metrics.jsonl, events.jsonl, log.txt, checkpoints/<step>/
and previews/<step>/. SIGINT/SIGTERM writes a checkpoint and a "paused" event and exits 0;
a NaN/Inf loss stops the run (exit 3) and keeps the last good checkpoint.)";
}

namespace {

// Names configure may read that are not recipe flags (or are the length, which a
// run records as "steps" or "epochs").
bool notARecipeFlag(const std::string &name) {
    static const std::set<std::string> names{"run", "resume", "steps", "epochs", "debug-nan-at-step",
                                             "debug-hang-after-checkpoint"};
    return names.count(name) != 0;
}

// The common recipe flags as resolved (the family's come from Trainer::flags).
nlohmann::json commonFlags(const CommonOptions &c) {
    nlohmann::json f = {{"data", c.dataDir}, {"preset", c.preset}, {"device", c.device}, {"threads", c.threads},
                        {"nice", c.nice}, {"batch", c.batch}, {"checkpoint-every", c.checkpointEvery},
                        {"preview-every", c.previewEvery}, {"log-every", c.logEvery}, {"seed", c.seed},
                        {"keep", c.keep}, {"amp", c.amp}};
    if (c.steps > 0) f["steps"] = c.steps;
    else f["epochs"] = c.epochs;
    return f;
}

} // namespace

// The tiny preset's length when none is given (its checkpoints: every fifth of it).
constexpr long long kTinyDefaultSteps = 500;

int runTrain(const std::string &kind, const cli::Args &given) {
    std::unique_ptr<Trainer> trainer;
    CommonOptions c;
    c.kind = kind;
    if (kind == "vae") {
        trainer = kick::makeVaeTrainer();
        c.epochs = 100;
    } else if (kind == "diffusion") {
        trainer = kick::makeDiffusionTrainer();
        c.steps = 100000;
    } else if (kind == "vocoder") {
        trainer = vocoder::makeVocoderTrainer();
        c.epochs = 50;
    } else {
        std::fprintf(stderr, "train: unknown model '%s' (vae, diffusion or vocoder)\n", kind.c_str());
        return kTrainUsage;
    }
    c.runDir = given.get("run");
    c.resume = given.has("resume");
    // A resume continues the run as it was started: every recipe flag the command line
    // does not give is the run's own (run.json "flags", with the changes earlier
    // resumes made); the ones it gives are checked against the run's below.
    cli::Args a = given;
    RunRecipe recipe;
    bool resuming = false;
    std::set<std::string> fromRun;   // flags added from the run
    long long newestCheckpoint = -1;
    if (!c.runDir.empty()) {
        const auto prev = RunReader::read(c.runDir);
        const nlohmann::json info = prev && prev->run.is_object() ? prev->run : nlohmann::json::object();
        const std::string job = info.value("job", std::string());
        if (!job.empty() && job != kind) {
            std::fprintf(stderr, "train %s: %s is a %s run (its run.json); choose another --run folder\n", kind.c_str(),
                         c.runDir.c_str(), job.c_str());
            return kTrainUsage;
        }
        if (c.resume && !info.empty()) {
            resuming = true;
            recipe = runRecipe(info);
            newestCheckpoint = prev->newestCheckpoint();
            const bool lengthGiven = given.given("steps") || given.given("epochs");
            for (auto it = recipe.flags.begin(); it != recipe.flags.end(); ++it) {
                const bool length = it.key() == "steps" || it.key() == "epochs";
                if (given.given(it.key()) || (length && lengthGiven)) continue;
                a.set(it.key(), flagText(it.value()));
                fromRun.insert(it.key());
            }
            if (recipe.legacy)
                std::fprintf(stderr,
                             "train %s: %s's run.json predates recorded flags; the values it records are used, and "
                             "every checkpoint is kept unless --keep is given\n",
                             kind.c_str(), c.runDir.c_str());
        }
    }
    c.dataDir = absolutePath(a.get("data"));
    c.preset = a.get("preset", "paper");
    c.device = a.get("device", "auto");
    // The tiny preset is for a first try and for tests: its default length is minutes on a
    // CPU, not the paper recipe's (a tiny diffusion run of 100000 steps took hours).
    if (c.preset == "tiny" && !a.has("steps") && !a.has("epochs")) {
        c.steps = kTinyDefaultSteps;
        c.epochs = -1;
        if (!a.has("checkpoint-every")) a.set("checkpoint-every", std::to_string(kTinyDefaultSteps / 5));
    }
    if (a.has("steps")) {
        c.steps = a.getInt64("steps", c.steps);
        c.epochs = -1;
    } else if (a.has("epochs")) {
        c.epochs = a.getDouble("epochs", c.epochs);
        c.steps = -1;
    }
    c.batch = a.getInt("batch", 0);
    c.checkpointEvery = a.getInt64("checkpoint-every", 0);
    c.previewEvery = a.getInt64("preview-every", -1);
    c.logEvery = a.getInt64("log-every", 10);
    c.seed = uint64_t(a.getInt64("seed", 0));
    c.threads = a.getInt("threads", 0);
    c.nice = a.getInt("nice", 0);
    if (c.nice < 0 || c.nice > 19) {
        std::fprintf(stderr, "train: --nice must be 0-19 (a lower priority; raising it needs root)\n");
        return kTrainUsage;
    }
    c.keep = a.getInt("keep", 3);
    c.debugNanAtStep = a.getInt64("debug-nan-at-step", -1);
    c.debugHangAfterCheckpoint = a.getInt64("debug-hang-after-checkpoint", -1);
    c.amp = a.get("amp", "auto");
    if (c.dataDir.empty() || c.runDir.empty()) {
        std::fprintf(stderr, "train %s: --data DATASET_DIR and --run RUN_DIR are required\n", kind.c_str());
        return kTrainUsage;
    }
    if (c.amp != "auto" && c.amp != "on" && c.amp != "off") {
        std::fprintf(stderr, "train: --amp must be auto, on or off\n");
        return kTrainUsage;
    }
    Status st = trainer->configure(a, c);
    if (!a.error().empty()) {
        std::fprintf(stderr, "train %s: %s\n", kind.c_str(), a.error().c_str());
        return kTrainUsage;
    }
    if (!st) {
        std::fprintf(stderr, "train %s: %s\n", kind.c_str(), st.error().c_str());
        return kTrainUsage;
    }
    std::string unknown;
    for (const auto &u : a.unused())
        if (!fromRun.count(u.substr(2))) unknown += " " + u;   // a flag this version no longer has is not the user's
    if (!unknown.empty()) {
        std::fprintf(stderr, "train %s: unknown option(s):%s (see melstudio-cli train --help)\n", kind.c_str(),
                     unknown.c_str());
        return kTrainUsage;
    }

    c.flags = commonFlags(c);
    const nlohmann::json familyFlags = trainer->flags();
    for (auto it = familyFlags.begin(); it != familyFlags.end(); ++it) c.flags[it.key()] = it.value();
    // Every flag configure reads is recorded, or a resume could not take it from the run.
    for (const auto &name : a.readNames())
        if (!c.flags.contains(name) && !notARecipeFlag(name)) {
            std::fprintf(stderr, "train %s: internal error: --%s is read but not recorded in run.json's flags\n",
                         kind.c_str(), name.c_str());
            return kTrainFailed;
        }
    if (resuming) {
        const ResumeCheck check = checkResume(recipe, c.flags, given, newestCheckpoint);
        if (!check.refusals.empty()) {
            std::string allowed;
            for (const auto &f : flagsChangeableOnResume()) allowed += (allowed.empty() ? "--" : ", --") + f;
            for (const auto &r : check.refusals)
                std::fprintf(stderr, "train %s: --resume refused: %s\n", kind.c_str(), r.c_str());
            std::fprintf(stderr,
                         "train %s: a resume continues %s as it was started; leave those flags out (the run's own "
                         "values are used) or start a new run. A resume may change only %s.\n",
                         kind.c_str(), c.runDir.c_str(), allowed.c_str());
            return kTrainUsage;
        }
        c.resumeChanges = check.changes;
    }
    return runLoop(*trainer, c, a);
}

} // namespace ms::jobs
