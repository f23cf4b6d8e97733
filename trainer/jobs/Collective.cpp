// Data-parallel collectives on c10d (see Collective.h). Keys in the TCPStore, under
// DistEnv::storePrefix ("melstudio", or "melstudio/attempt-N" under torchrun):
//   joined/<rank>  "host pid world" when the rank has reached the store
//   go             "ok", or "abort: <reason>" from rank 0
//   hb/<rank>      "<heartbeat count> <finished step>", every 0.5 s (own client, own thread)
//   ended/<rank>   set by a rank that has diagnosed a failure
// and the process group's own keys under pg/.
#include "jobs/Collective.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(MELSTUDIO_HAVE_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(MELSTUDIO_HAVE_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace ms::jobs {

namespace {

#if TORCH_VERSION_MAJOR >= 2
using Group = c10d::Backend;   // 2.x: the backends are Backends behind ProcessGroup
#else
using Group = c10d::ProcessGroup;
#endif

using Ms = std::chrono::milliseconds;

std::vector<uint8_t> bytes(const std::string &s) { return {s.begin(), s.end()}; }
std::string text(const std::vector<uint8_t> &b) { return {b.begin(), b.end()}; }

std::string firstLine(const std::string &s) { return s.substr(0, s.find('\n')); }

std::string hostName() {
    char b[256] = {};
    if (::gethostname(b, sizeof b - 1) != 0) return "?";
    return b;
}

std::string joinedKey(int r) { return "joined/" + std::to_string(r); }
std::string hbKey(int r) { return "hb/" + std::to_string(r); }
std::string endedKey(int r) { return "ended/" + std::to_string(r); }

// A client (or, for rank 0 without torchrun's agent store, the server) of the
// store at MASTER_ADDR:MASTER_PORT, seen through the job's key prefix.
c10::intrusive_ptr<c10d::Store> connectStore(const DistEnv &env, bool server, Ms timeout) {
    c10d::TCPStoreOptions o;
    o.port = uint16_t(env.masterPort);
    o.isServer = server;
    o.waitWorkers = false;
    o.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, o);
    return c10::make_intrusive<c10d::PrefixStore>(env.storePrefix, tcp);
}

} // namespace

struct Collective::Impl {
    c10::intrusive_ptr<c10d::Store> store;      // the main thread's client (rank 0: also the server)
    c10::intrusive_ptr<c10d::Store> hbStore;    // the heartbeat thread's own client
    c10::intrusive_ptr<Group> group;
    torch::Device device{torch::kCPU};             // where small tensors for the group live
    std::map<int, std::string> who;                // rank -> "host pid"

    std::thread heartbeat;
    std::mutex mu;
    std::condition_variable cv;
    bool stop = false;
    std::atomic<long long> step{0};

    void beat(int rank) {
        long long n = 0;
        std::unique_lock<std::mutex> lock(mu);
        while (!stop) {
            lock.unlock();
            try {
                hbStore->set(hbKey(rank), bytes(std::to_string(++n) + " " + std::to_string(step.load())));
            } catch (const std::exception &) {
                return;   // the store is gone (rank 0 ended): nothing left to tell
            }
            lock.lock();
            cv.wait_for(lock, Ms(500), [&] { return stop; });
        }
    }
};

Result<std::unique_ptr<Collective>> Collective::join(const DistEnv &env, torch::Device device,
                                                     std::chrono::seconds timeout) {
    std::unique_ptr<Collective> c(new Collective());
    c->m_env = env;
    c->m_timeout = timeout;
    c->m_impl = std::make_unique<Impl>();
    Impl &im = *c->m_impl;
    const std::string where = env.masterAddr + ":" + std::to_string(env.masterPort);
    const std::string secs = std::to_string(timeout.count()) + " s";
    const auto deadline = std::chrono::steady_clock::now() + timeout;

    try {
        im.store = connectStore(env, env.rank == 0, Ms(timeout));
    } catch (const std::exception &e) {
        if (env.rank == 0)
            return fail("rank 0 cannot host the rendezvous at " + where + ": " + firstLine(e.what()) +
                        " (is another job using MASTER_PORT " + std::to_string(env.masterPort) + "?)");
        return fail("rank " + std::to_string(env.rank) + " cannot reach rank 0's rendezvous at " + where + " within " +
                    secs + ": " + firstLine(e.what()) +
                    " (is rank 0 running, and do all ranks have the same MASTER_ADDR and MASTER_PORT?)");
    }
    try {
        im.store->set(joinedKey(env.rank), bytes(hostName() + " " + std::to_string(::getpid()) + " " +
                                                 std::to_string(env.world)));
        if (env.rank == 0) {
            std::vector<std::string> keys;
            for (int r = 0; r < env.world; ++r) keys.push_back(joinedKey(r));
            while (!im.store->check(keys) && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(Ms(100));
            std::string missing, mismatch;
            for (int r = 0; r < env.world; ++r) {
                if (!im.store->check({joinedKey(r)})) {
                    missing += (missing.empty() ? "" : ", ") + std::to_string(r);
                    continue;
                }
                const std::string v = text(im.store->get(joinedKey(r)));
                const int w = std::atoi(v.substr(v.rfind(' ') + 1).c_str());
                if (w != env.world)
                    mismatch += " rank " + std::to_string(r) + " has WORLD_SIZE " + std::to_string(w) + ";";
            }
            std::string reason;
            if (!missing.empty())
                reason = "rank(s) " + missing + " did not join within " + secs + " (WORLD_SIZE " +
                         std::to_string(env.world) + ", rendezvous " + where + ")";
            else if (!mismatch.empty())
                reason = "the ranks disagree on the world size:" + mismatch + " rank 0 has " + std::to_string(env.world);
            im.store->set("go", bytes(reason.empty() ? "ok" : "abort: " + reason));
            if (!reason.empty()) {
                std::this_thread::sleep_for(Ms(1500));   // let the ranks that came read why
                c->m_broken = true;
                return fail(reason);
            }
        } else {
            im.store->wait({"go"}, Ms(timeout));
            const std::string go = text(im.store->get("go"));
            if (go != "ok") {
                c->m_broken = true;
                return fail("rank 0 ended the rendezvous: " + go.substr(std::min<size_t>(go.size(), 7)));
            }
        }
        for (int r = 0; r < env.world; ++r) {
            std::string v = text(im.store->get(joinedKey(r)));
            im.who[r] = v.substr(0, v.rfind(' '));
        }
    } catch (const std::exception &e) {
        c->m_broken = true;
        return fail("rank " + std::to_string(env.rank) + ": the rendezvous at " + where + " failed: " +
                    firstLine(e.what()) + " (rank 0 ended, or not every rank joined within " + secs + ")");
    }

    auto prefix = c10::make_intrusive<c10d::PrefixStore>("pg", im.store);
    try {
        if (device.is_cuda()) {
#if defined(MELSTUDIO_HAVE_NCCL)
            auto o = c10d::ProcessGroupNCCL::Options::create();
            o->timeout = Ms(timeout);
            im.group = c10::make_intrusive<c10d::ProcessGroupNCCL>(prefix, env.rank, env.world, o);
            im.device = device;
            c->m_backend = "nccl";
#else
            return fail("this build's LibTorch has no NCCL process group (built without CUDA/NCCL); "
                        "train with --device cpu (Gloo) or build against a CUDA LibTorch");
#endif
        } else {
#if defined(MELSTUDIO_HAVE_GLOO)
            auto o = c10d::ProcessGroupGloo::Options::create(Ms(timeout));
            if (const char *ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
                o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
            else if (env.masterAddr == "127.0.0.1" || env.masterAddr == "localhost")
                o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
            else
                o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            o->threads = 2;
            im.group = c10::make_intrusive<c10d::ProcessGroupGloo>(prefix, env.rank, env.world, o);
            c->m_backend = "gloo";
#else
            return fail("this build has no Gloo process group (the c10d Gloo headers, Debian's libgloo-dev, "
                        "were missing when it was built); CPU ranks need it");
#endif
        }
    } catch (const std::exception &e) {
        c->m_broken = true;
        return fail("rank " + std::to_string(env.rank) + ": cannot make the " +
                    std::string(device.is_cuda() ? "NCCL" : "Gloo") + " process group: " + firstLine(e.what()));
    }

    im.hbStore = connectStore(env, false, Ms(5000));
    im.heartbeat = std::thread([&im, r = env.rank] { im.beat(r); });
    return c;
}

Collective::~Collective() {
    if (!m_impl) return;
    {
        std::lock_guard<std::mutex> lock(m_impl->mu);
        m_impl->stop = true;
    }
    m_impl->cv.notify_all();
    if (m_impl->heartbeat.joinable()) m_impl->heartbeat.join();
    if (m_broken) {
        // A process group whose peer is gone can block in its destructor; the
        // process is about to exit, so it is left to the operating system.
        if (m_impl->group) (void)m_impl->group.release();
        (void)m_impl.release();
    }
}

std::vector<int> Collective::averageGradients(const std::vector<torch::Tensor> &params, bool localBad) {
    torch::NoGradGuard ng;
    constexpr int64_t kBucketBytes = 25ll << 20;
    std::vector<torch::Tensor> grads;
    for (const auto &p : params)
        if (p.grad().defined()) grads.push_back(p.grad());

    struct Bucket {
        std::vector<torch::Tensor> parts;
        torch::Tensor flat;
        c10::intrusive_ptr<c10d::Work> work;
    };
    std::vector<Bucket> buckets;
    int64_t bytesNow = 0;
    for (const auto &g : grads) {
        const int64_t b = g.numel() * int64_t(g.element_size());
        if (buckets.empty() || bytesNow + b > kBucketBytes || buckets.back().parts.front().dtype() != g.dtype() ||
            buckets.back().parts.front().device() != g.device()) {
            buckets.emplace_back();
            bytesNow = 0;
        }
        buckets.back().parts.push_back(g);
        bytesNow += b;
    }
    // Every bucket goes out before the first is waited for (Gloo works through them in order).
    for (auto &bk : buckets) {
        std::vector<torch::Tensor> flat;
        for (const auto &g : bk.parts) flat.push_back(g.reshape({-1}));
        bk.flat = torch::cat(flat);
        std::vector<torch::Tensor> io{bk.flat};
        bk.work = m_impl->group->allreduce(io);
    }
    auto flags = torch::zeros({m_env.world}, torch::TensorOptions(torch::kFloat).device(m_impl->device));
    if (localBad) flags[m_env.rank] = 1.0f;
    std::vector<torch::Tensor> fio{flags};
    auto fwork = m_impl->group->allreduce(fio);
    for (auto &bk : buckets) {
        bk.work->wait();
        bk.flat.div_(double(m_env.world));
        int64_t off = 0;
        for (auto &g : bk.parts) {
            g.copy_(bk.flat.narrow(0, off, g.numel()).view(g.sizes()));
            off += g.numel();
        }
    }
    fwork->wait();
    std::vector<int> bad;
    auto f = flags.to(torch::kCPU);
    for (int r = 0; r < m_env.world; ++r)
        if (f[r].item<float>() > 0) bad.push_back(r);
    return bad;
}

std::vector<double> Collective::sum(const std::vector<double> &v) {
    if (v.empty()) return {};
    auto t = torch::tensor(v, torch::kDouble).to(m_impl->device);
    std::vector<torch::Tensor> io{t};
    m_impl->group->allreduce(io)->wait();
    auto c = t.to(torch::kCPU);
    return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

std::vector<double> Collective::gather(double v) {
    std::vector<double> slots(size_t(m_env.world), 0.0);
    slots[size_t(m_env.rank)] = v;
    return sum(slots);
}

std::vector<int64_t> Collective::gatherInt(int64_t v) {
    auto t = torch::zeros({m_env.world}, torch::TensorOptions(torch::kLong).device(m_impl->device));
    t[m_env.rank] = v;
    std::vector<torch::Tensor> io{t};
    m_impl->group->allreduce(io)->wait();
    auto c = t.to(torch::kCPU);
    return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

void Collective::broadcast(const std::vector<torch::Tensor> &tensors) {
    torch::NoGradGuard ng;
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    std::vector<torch::Tensor> data;
    for (const auto &t : tensors) {
        data.push_back(t.detach());
        std::vector<torch::Tensor> io{data.back()};
        c10d::BroadcastOptions o;
        o.rootRank = 0;
        works.push_back(m_impl->group->broadcast(io, o));
    }
    for (auto &w : works) w->wait();
}

void Collective::publishStep(long long step) { m_impl->step.store(step); }

std::string Collective::diagnose(const std::string &what) {
    Impl &im = *m_impl;
    m_broken = true;
    const std::string where = m_env.masterAddr + ":" + std::to_string(m_env.masterPort);
    const std::string cause = firstLine(what);
    auto snapshot = [&] {
        std::map<int, std::string> s;
        for (int r = 0; r < m_env.world; ++r)
            s[r] = im.store->check({hbKey(r)}) ? text(im.store->get(hbKey(r))) : std::string();
        return s;
    };
    std::string msg;
    try {
        im.store->setTimeout(Ms(5000));
        const auto a = snapshot();
        std::this_thread::sleep_for(Ms(3000));   // six heartbeats of a live rank
        const auto b = snapshot();
        std::vector<int> stopped;
        std::string steps;
        for (int r = 0; r < m_env.world; ++r) {
            const std::string &v = b.at(r);
            steps += (steps.empty() ? "" : ", ") + ("rank " + std::to_string(r) + " step ") +
                     (v.empty() ? std::string("?") : v.substr(v.find(' ') + 1));
            if (r != m_env.rank && a.at(r) == v) stopped.push_back(r);
        }
        for (int r : stopped) {
            const std::string &v = b.at(r);
            msg += (msg.empty() ? "" : "; ") + ("rank " + std::to_string(r) + " (" + im.who[r] + ") ") +
                   "stopped answering (its last heartbeat reported step " +
                   (v.empty() ? std::string("?") : v.substr(v.find(' ') + 1)) + ")" +
                   ": it was killed, crashed or hangs (no heartbeat for 3 s)";
        }
        if (msg.empty())
            msg = "a collective failed while every rank was alive (" + steps + ")";
        msg += "; rank " + std::to_string(m_env.rank) + " saw: " + cause;
        // Rank 0 hosts the store: it waits (up to 5 s) for the live ranks to have read it.
        im.store->set(endedKey(m_env.rank), bytes("1"));
        if (m_env.rank == 0) {
            std::vector<std::string> keys;
            for (int r = 1; r < m_env.world; ++r)
                if (std::find(stopped.begin(), stopped.end(), r) == stopped.end()) keys.push_back(endedKey(r));
            const auto until = std::chrono::steady_clock::now() + Ms(5000);
            while (!keys.empty() && !im.store->check(keys) && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(Ms(100));
        }
    } catch (const std::exception &) {
        msg = "rank 0 (" + im.who[0] + "), which hosts the rendezvous at " + where +
              ", does not answer (killed, crashed, hung, or its job failed: see its log); rank " +
              std::to_string(m_env.rank) + " saw: " + cause;
    }
    return msg;
}

uint64_t tensorsHash(const std::vector<torch::Tensor> &tensors) {
    uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&](uint64_t v) {
        h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
        h *= 0x100000001b3ull;
    };
    for (const auto &t0 : tensors) {
        auto t = t0.detach().to(torch::kCPU).contiguous();
        for (auto s : t.sizes()) mix(uint64_t(s));
        const auto *p = static_cast<const uint8_t *>(t.data_ptr());
        const size_t n = size_t(t.numel()) * t.element_size();
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            mix(w);
        }
        uint64_t tail = 0;
        std::memcpy(&tail, p + i, n - i);
        mix(tail ^ (uint64_t(n - i) << 56));
    }
    return h;
}

} // namespace ms::jobs
