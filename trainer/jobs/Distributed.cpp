// The rank's environment and the `--nproc N` launcher (see Distributed.h).
#include "jobs/Distributed.h"

#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char **environ;

namespace ms::jobs {

namespace {

// An integer environment variable: -1 when unset; an error text when malformed.
long long envInt(const char *name, std::string *err) {
    const char *v = std::getenv(name);
    if (!v || !*v) return -1;
    char *end = nullptr;
    const long long x = std::strtoll(v, &end, 10);
    if (*end != '\0' || x < 0) {
        *err = std::string(name) + "='" + v + "' is not a non-negative integer";
        return -1;
    }
    return x;
}

} // namespace

Result<DistEnv> distEnvFromEnvironment() {
    DistEnv e;
    std::string err;
    long long rank = envInt("RANK", &err), world = envInt("WORLD_SIZE", &err), local = envInt("LOCAL_RANK", &err);
    if (rank < 0 && err.empty()) {
        rank = envInt("SLURM_PROCID", &err);
        if (rank >= 0) {
            world = envInt("SLURM_NTASKS", &err);
            local = envInt("SLURM_LOCALID", &err);
            e.source = "slurm";
        }
    } else if (rank >= 0) {
        e.source = "torchrun";
    }
    const long long port = envInt("MASTER_PORT", &err);
    if (!err.empty()) return fail(err);
    if (rank < 0) {
        if (world > 1) return fail("WORLD_SIZE is " + std::to_string(world) + " but RANK is not set");
        return e;   // one process
    }
    if (world < 1) return fail("RANK is set (" + std::to_string(rank) + ") but WORLD_SIZE is not");
    if (rank >= world)
        return fail("RANK " + std::to_string(rank) + " is not below WORLD_SIZE " + std::to_string(world));
    e.rank = int(rank);
    e.world = int(world);
    e.localRank = local >= 0 ? int(local) : int(rank);
    if (const long long lw = envInt("LOCAL_WORLD_SIZE", &err); lw > 0) e.localWorld = int(lw);
    if (!err.empty()) return fail(err);
    if (e.world == 1) {
        e.source = "single";
        return e;
    }
    const char *addr = std::getenv("MASTER_ADDR");
    if (!addr || !*addr) {
        if (e.source == "slurm")
            return fail("MASTER_ADDR is not set: under SLURM set it to the first node, e.g. "
                        "export MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n1)");
        return fail("MASTER_ADDR is not set (the host of rank 0; torchrun sets it)");
    }
    e.masterAddr = addr;
    if (port > 65535) return fail("MASTER_PORT=" + std::to_string(port) + " is not a port");
    if (port > 0) e.masterPort = int(port);
    if (const char *agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE"); agent && std::string(agent) == "True") {
        e.agentStore = true;
        e.masterPort += 1;
    }
    const long long own = envInt("MELSTUDIO_STORE_PORT", &err);
    if (!err.empty()) return fail(err);
    if (own > 0 && own <= 65535) e.masterPort = int(own);
    if (const char *attempt = std::getenv("TORCHELASTIC_RESTART_COUNT"); attempt && *attempt)
        e.storePrefix = std::string("melstudio/attempt-") + attempt;
    return e;
}

namespace {

volatile sig_atomic_t g_forward = 0;
extern "C" void onLauncherSignal(int sig) { g_forward = sig; }

// A TCP port nobody listens on now (bound to port 0 and released).
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 29500;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    int port = 29500;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

} // namespace

int launchLocalRanks(int nproc, const std::vector<std::string> &trainArgs, int graceSeconds) {
    const std::string port = std::to_string(freePort());
    std::vector<pid_t> pids;
    std::fprintf(stderr, "train: starting %d local ranks (Gloo/NCCL rendezvous at 127.0.0.1:%s)\n", nproc,
                 port.c_str());
    struct sigaction sa {}, oldInt {}, oldTerm {};
    sa.sa_handler = onLauncherSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &oldInt);
    sigaction(SIGTERM, &sa, &oldTerm);
    std::vector<std::string> argv{"melstudio-cli", "train"};
    argv.insert(argv.end(), trainArgs.begin(), trainArgs.end());
    std::vector<char *> cargv;
    for (auto &s : argv) cargv.push_back(s.data());
    cargv.push_back(nullptr);
    static const char *kOwn[] = {"RANK=", "LOCAL_RANK=", "WORLD_SIZE=", "LOCAL_WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT="};
    for (int r = 0; r < nproc; ++r) {
        // Everything the child needs is made before fork (no allocation between fork and exec).
        std::vector<std::string> env;
        for (char **e = environ; *e; ++e) {
            bool own = false;
            for (const char *k : kOwn) own = own || std::strncmp(*e, k, std::strlen(k)) == 0;
            if (!own) env.emplace_back(*e);
        }
        env.push_back("RANK=" + std::to_string(r));
        env.push_back("LOCAL_RANK=" + std::to_string(r));
        env.push_back("WORLD_SIZE=" + std::to_string(nproc));
        env.push_back("LOCAL_WORLD_SIZE=" + std::to_string(nproc));
        env.push_back("MASTER_ADDR=127.0.0.1");
        env.push_back("MASTER_PORT=" + port);
        std::vector<char *> cenv;
        for (auto &s : env) cenv.push_back(s.data());
        cenv.push_back(nullptr);
        const pid_t pid = ::fork();
        if (pid < 0) {
            std::perror("train: fork");
            for (pid_t p : pids) ::kill(p, SIGKILL);
            return 1;
        }
        if (pid == 0) {
            ::execve("/proc/self/exe", cargv.data(), cenv.data());
            ::_exit(127);
        }
        pids.push_back(pid);
    }
    int result = 0;
    size_t alive = pids.size();
    std::vector<bool> done(pids.size(), false);
    auto failedAt = std::chrono::steady_clock::time_point::max();
    bool killed = false;
    int forwarded = 0;
    while (alive > 0) {
        if (g_forward && g_forward != forwarded) {
            forwarded = g_forward;
            for (size_t i = 0; i < pids.size(); ++i)
                if (!done[i]) ::kill(pids[i], forwarded);
        }
        int status = 0;
        const pid_t p = ::waitpid(-1, &status, WNOHANG);
        if (p > 0) {
            for (size_t i = 0; i < pids.size(); ++i) {
                if (pids[i] != p) continue;
                done[i] = true;
                --alive;
                const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                if (code != 0) {
                    std::fprintf(stderr, "train: rank %zu ended with %s %d\n", i,
                                 WIFEXITED(status) ? "exit code" : "signal",
                                 WIFEXITED(status) ? code : WTERMSIG(status));
                    if (result == 0) result = code;
                    if (failedAt == std::chrono::steady_clock::time_point::max())
                        failedAt = std::chrono::steady_clock::now();
                }
            }
            continue;
        }
        if (!killed && std::chrono::steady_clock::now() - failedAt > std::chrono::seconds(graceSeconds)) {
            for (size_t i = 0; i < pids.size(); ++i)
                if (!done[i]) {
                    std::fprintf(stderr, "train: rank %zu still runs %d s after a rank failed; killing it\n", i,
                                 graceSeconds);
                    ::kill(pids[i], SIGKILL);
                }
            killed = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);
    return result;
}

} // namespace ms::jobs
