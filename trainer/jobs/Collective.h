#pragma once
// The collectives a data-parallel training loop needs, on torch.distributed's
// c10d (internal to trainer/jobs; includes LibTorch): rendezvous through a
// TCPStore, ProcessGroupGloo (CPU) or ProcessGroupNCCL (CUDA), bucketed gradient
// averaging, small sums, broadcasts, and a heartbeat that names a rank which died
// or hung when a collective fails.

#include "jobs/Distributed.h"
#include "torch/Torch.h"
#include "util/Result.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ms::jobs {

class Collective {
public:
    // Joins the job: rank 0 hosts the TCPStore at MASTER_ADDR:MASTER_PORT, every
    // rank announces itself, and the process group is made once all have. Fails
    // with a message naming the ranks that did not join within `timeout` (or, on
    // another rank, saying that rank 0 could not be reached). `device` picks the
    // backend: NCCL for CUDA (where this LibTorch has it), Gloo for CPU.
    static Result<std::unique_ptr<Collective>> join(const DistEnv &env, torch::Device device,
                                                    std::chrono::seconds timeout);
    ~Collective();
    Collective(const Collective &) = delete;
    Collective &operator=(const Collective &) = delete;

    int rank() const { return m_env.rank; }
    int world() const { return m_env.world; }
    const std::string &backend() const { return m_backend; }
    std::chrono::seconds timeout() const { return m_timeout; }

    // Averages the defined gradients of `params` over the ranks (summed in flat
    // buckets of at most 25 MB per dtype and device, then divided by the world
    // size), in place. `localBad` rides along in the last bucket: returns the
    // ranks that passed true (empty when none did), so that every rank learns of
    // a non-finite loss anywhere in the same call. Every rank must pass the same
    // parameters with the same defined gradients.
    std::vector<int> averageGradients(const std::vector<torch::Tensor> &params, bool localBad);
    // Element-wise sum of a short vector over the ranks.
    std::vector<double> sum(const std::vector<double> &v);
    // Every rank's value, indexed by rank (a sum of one-hot slots).
    std::vector<double> gather(double v);
    std::vector<int64_t> gatherInt(int64_t v);
    // Rank 0's values of the tensors, in place on every other rank.
    void broadcast(const std::vector<torch::Tensor> &tensors);

    // The step this rank has finished (read by diagnose()).
    void publishStep(long long step);
    // Explains a failed collective: which ranks stopped sending heartbeats (died,
    // or stopped: a hung process), or that rank 0 with the rendezvous is gone.
    // Takes a few seconds (it watches the heartbeats).
    std::string diagnose(const std::string &what);
    // Marks the process group as broken: the destructor then leaves it alone
    // (c10d's destructors can wait forever on a peer that is gone).
    void abandon() { m_broken = true; }

private:
    Collective() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    DistEnv m_env;
    std::string m_backend;
    std::chrono::seconds m_timeout{300};
    bool m_broken = false;
};

// A 64-bit fingerprint of the tensors' bytes (order and shapes included), to
// check that ranks hold the same weights.
uint64_t tensorsHash(const std::vector<torch::Tensor> &tensors);

} // namespace ms::jobs
