#pragma once
// Data-parallel training on torch.distributed's c10d: the rank's place in the
// job (from torchrun's or SLURM's environment), the `--nproc N` launcher, and
// the collectives the training loop needs (Collective, in Collective.h, which
// includes LibTorch). No LibTorch here.
//
// The protocol is PyTorch's own: a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT
// (rank 0 hosts it), ProcessGroupGloo on CPU, ProcessGroupNCCL on CUDA (where the
// LibTorch has it). A job started by `torchrun --no-python --nproc-per-node N
// melstudio-cli train ...`, by `srun melstudio-cli train ...` or by `--nproc N`
// is the same job.

#include "util/Result.h"

#include <string>
#include <vector>

namespace ms::jobs {

// Where this process sits in a data-parallel job.
struct DistEnv {
    int rank = 0, world = 1, localRank = 0;
    int localWorld = 1;   // ranks on this machine (LOCAL_WORLD_SIZE; 1 when not set)
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    std::string source = "single";   // "single", "torchrun" (RANK/WORLD_SIZE), "slurm" (SLURM_PROCID/SLURM_NTASKS)
    // torchrun's agent already hosts its TCPStore at MASTER_ADDR:MASTER_PORT
    // (TORCHELASTIC_USE_AGENT_STORE=True). Its wire protocol is that of the Python
    // torch that runs torchrun, which need not be this LibTorch's (a 1.13 client
    // times out against a 2.x agent), so melstudio's rank 0 then hosts its own store
    // at MASTER_PORT + 1 (MELSTUDIO_STORE_PORT overrides the port): agentStore
    // records that this happened.
    bool agentStore = false;
    // Prefix of this job's keys in the store (torchrun: one per restart attempt,
    // TORCHELASTIC_RESTART_COUNT, so a restarted job does not read stale keys).
    std::string storePrefix = "melstudio";
    bool distributed() const { return world > 1; }
};

// Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (torchrun, or any
// launcher that sets them); without RANK, SLURM_PROCID, SLURM_NTASKS and
// SLURM_LOCALID (srun; MASTER_ADDR must then be set, e.g. to the first node of
// $SLURM_JOB_NODELIST). Errors name the variable and its value.
Result<DistEnv> distEnvFromEnvironment();

// `--nproc N`: starts N copies of this program (`melstudio-cli train ARGS`, ARGS
// without --nproc) as local ranks 0..N-1 with the torchrun environment on a free
// localhost port, forwards SIGINT/SIGTERM to them, and waits. When one rank ends
// with an error the others are given `graceSeconds` to end by themselves (they
// notice the lost peer and stop), then killed. Returns the first non-zero exit
// code of a rank (0 when every rank finished).
int launchLocalRanks(int nproc, const std::vector<std::string> &trainArgs, int graceSeconds);

} // namespace ms::jobs
