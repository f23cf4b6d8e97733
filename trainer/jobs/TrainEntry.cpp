// `melstudio-cli train KIND`: flags, the recipe a resume continues, the
// data-parallel launch (--nproc, or the torchrun/SLURM environment), then the
// loop (TrainLoop.cpp).
#include "jobs/TrainLoop.h"

#include "jobs/Distributed.h"
#include "jobs/Recipe.h"
#include "jobs/Train.h"

#include "cli/Args.h"

#include <cstdio>
#include <set>
#include <thread>

namespace ms::jobs {

std::string trainUsage() {
    return R"(usage: melstudio-cli train vae|diffusion|vocoder --data DATASET_DIR --run RUN_DIR [options]
       melstudio-cli train wavevae|tokenizer --data AUDIO_FOLDER --run RUN_DIR [options]
       melstudio-cli train KIND --run RUN_DIR --resume [--steps N] [--device D] ...

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
data-parallel (torch.distributed: Gloo on CPU, NCCL on CUDA; README "Training on several GPUs"):
  --nproc N                  start N local ranks (without torchrun); --batch is per rank, the global
                             batch is N x --batch; --threads defaults to cores / N
  --dist-timeout S           seconds a rank waits for a peer in the rendezvous or a collective (300);
                             a rank that dies ends the job at once, one that hangs after S seconds
  Under torchrun (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT) or srun (SLURM_PROCID,
  SLURM_NTASKS, SLURM_LOCALID + MASTER_ADDR) every rank runs this same command; rank 0 writes the
  run folder, which every rank must be able to read (a resume loads it on every rank).
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

wavevae:    the Snake waveform VAE (document 002) on random stereo crops of every audio file under
            --data (44.1 kHz, mono doubled); --preset paper|cpu|tiny; 100000 steps by default
            --segment 65536 (samples per crop, a multiple of the hop 2048) --max-minutes 60 (audio read)
            --lr 1.5e-4 --beta1 0.8 --beta2 0.99 --weight-decay 1e-3 (Stable Audio's autoencoder)
            --lambda-sum-diff 1 (MR-STFT of (L+R)/2 and (L-R)/2, averaged) --lambda-channels 0.5 (of L, R)
            --lambda-kl 1e-4 --mrstft-ffts 2048,1024,512,256,128,64,32 (SC + log-magnitude L1, hop FFT/4)
            --spectral-convergence standard|symmetric (||Y-G||/||Y||, or /(||Y||+||G||) as the vocoders)
            --encoder-start 0 (steps that train the decoder alone on the initial encoder)
            --lambda-l1 0 (waveform L1) --disc-start -1 (step of the adversarial phase; -1 = none)
            --discriminators mrd|mpd,mrd (per channel) --lambda-adv 0.1 --lambda-fm 5 --disc-lr 3e-4 (hinge)
            --disc-segment 0 (samples of each channel the discriminators see; 0 = the crop)
            --init-from M (start from a wave VAE package, run or checkpoint of the same preset)
tokenizer:  the audio BSQ-ViT (document 001) on 10.24 s windows of every audio file under --data (16 kHz
            mono mixed down; windows run on across files); --preset paper|paper-b36|cpu|tiny
            --conformer preset|on|off (the convolution module in every block) --batch 32
            --lr 1.024e-4 (bsq-vit's 4e-7 x batch 32 x 8 GPUs) --warmup 5000 --decay-steps 500000
            (0.1x -> 1x, then a cosine to 0.5x) --beta1 0.9 --beta2 0.99 --weight-decay 1e-4 --grad-clip 1
            --recon mse|l1 --lambda-q 0.1 --q-rampup 2000 (x3 -> x1) --commit 0 --gamma0 1 --gamma 1
            --zeta 1 --specaugment on|off --max-minutes 0 (all the audio)
            --disc-start -1 (step of the PatchGAN phase; -1 = none) --lambda-disc 0.1 --disc-channels 64
            --disc-layers 3 --disc-lr (= --lr) (hinge)
A run folder holds run.json, metrics.jsonl, events.jsonl, log.txt, checkpoints/<step>/
and previews/<step>/. SIGINT/SIGTERM writes a checkpoint and a "paused" event and exits 0;
a NaN/Inf loss stops the run (exit 3) and keeps the last good checkpoint.)";
}

namespace {

// Names configure may read that are not recipe flags (or are the length, which a
// run records as "steps" or "epochs").
bool notARecipeFlag(const std::string &name) {
    static const std::set<std::string> names{"run", "resume", "steps", "epochs", "debug-nan-at-step", "debug-nan-rank",
                                             "debug-hang-after-checkpoint", "nproc", "dist-timeout"};
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

int launchRanksIfAsked(const cli::Args &given, const std::vector<std::string> &argv) {
    if (!given.given("nproc")) return -1;
    const int n = given.getInt("nproc", 1);
    if (!given.error().empty() || n < 1) {
        std::fprintf(stderr, "train: --nproc must be a positive number of local ranks\n");
        return kTrainUsage;
    }
    if (std::getenv("RANK") || std::getenv("SLURM_PROCID")) {
        std::fprintf(stderr, "train: --nproc with RANK or SLURM_PROCID set: the launcher (torchrun, srun) already "
                             "started the ranks; leave --nproc out\n");
        return kTrainUsage;
    }
    if (n == 1) return -1;
    std::vector<std::string> args;
    for (size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--nproc") {
            ++i;
            continue;
        }
        if (argv[i].rfind("--nproc=", 0) == 0) continue;
        args.push_back(argv[i]);
    }
    if (!given.given("threads")) {
        const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
        args.push_back("--threads");
        args.push_back(std::to_string(std::max(1u, hw / unsigned(n))));
    }
    const int timeout = given.getInt("dist-timeout", 300);
    return launchLocalRanks(n, args, std::max(10, std::min(timeout, 60)));
}

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
    } else if (kind == "wavevae") {
        trainer = wavevae::makeWaveVaeTrainer();
        c.steps = 100000;
    } else if (kind == "tokenizer") {
        trainer = bsq::makeTokenizerTrainer();
        c.steps = 500000;
    } else {
        std::fprintf(stderr, "train: unknown model '%s' (vae, diffusion, vocoder, wavevae or tokenizer)\n", kind.c_str());
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
    c.debugNanRank = a.getInt("debug-nan-rank", -1);
    c.debugHangAfterCheckpoint = a.getInt64("debug-hang-after-checkpoint", -1);
    c.amp = a.get("amp", "auto");
    (void)a.has("nproc");   // read by the launcher (maybeLaunch); a rank runs without it
    c.distTimeout = a.getInt("dist-timeout", 300);
    if (c.distTimeout < 1) {
        std::fprintf(stderr, "train: --dist-timeout must be at least 1 second\n");
        return kTrainUsage;
    }
    {
        auto env = distEnvFromEnvironment();
        if (!env) {
            std::fprintf(stderr, "train %s: %s\n", kind.c_str(), env.error().c_str());
            return kTrainUsage;
        }
        c.dist = *env;
    }
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
