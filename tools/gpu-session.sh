#!/usr/bin/env bash
# gpu-session.sh: the GPU machine's work in as few device calls as possible.
#
# The device machine has a CUDA LibTorch 2.x inside its python3 but no Qt and
# no apt, and a session gets about 30 minutes of it (10 per command). Prepare on
# the development machine, in the project root:
#   ../shared/gpu/prepare-deps.sh .gpu-deps            # libsndfile, libsoxr, nlohmann-json
#   tools/gpu-session.sh --prepare-data KICKSET_DIR    # copies an aggregated kick folder
#                                                      # (WAVs + metadata.csv, ~10 MB) to .gpu-data/
# then run it there with both folders carried (device tool: carry .gpu-deps and .gpu-data),
# one stage list per call, each starting with `build` (a no-op while the machine is still
# warm; it goes back after 30 s idle and the next call gets a bare one), for example
#   STAGES="build smoke bench" bash tools/gpu-session.sh
#   STAGES="build vocoder" bash tools/gpu-session.sh
# A device call lasts at most 10 minutes: the vocoder stage trains until CALL_SECONDS
# (default 570) minus what evaluation needs, or VOCODER_MINUTES if that is sooner.
# Stages (default: build smoke bench vocoder):
#   build    core + melstudio-cli against python3's LibTorch into build-gpu (GUI and tests off)
#   smoke    tiny VAE, diffusion and vocoder runs on the device with AMP; a kill -9 in the
#            middle of a run and --resume; generate straight from the diffusion run
#   bench    bench (batch 256) and bench-train (paper preset) on the device, as JSON
#   vocoder  the paper HiFi-GAN on the real kicks for VOCODER_MINUTES (SIGINT writes its
#            checkpoint), then the held-out kicks through it and the default model's mels
# The device tool brings back at most 8 files of 16 MB from $OUT, so the logs, JSON, metrics
# and WAVs are written to $WORK/out-TIME and packed after every stage into
# $OUT/gpu-session-TIME.tar.gz, beside $OUT/summary.txt and the vocoder's generator weights
# ($OUT is ./gpu-out without the device tool). A call killed at its time limit still returns
# the pack of the stages it finished.
#
# DEVICE=cpu BUILD=build runs the same stages on the development machine
# (`build` is then skipped), which is how this script is tested.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ "${1:-}" = "--prepare-data" ]; then
  src="${2:?usage: tools/gpu-session.sh --prepare-data KICKSET_DIR}"
  [ -f "$src/metadata.csv" ] || { echo "gpu-session: $src/metadata.csv missing: give an aggregated kick folder" >&2; exit 1; }
  rm -rf .gpu-data && mkdir -p .gpu-data/kickset
  find "$src" -maxdepth 1 -type f \( -name '*.wav' -o -name '*.flac' -o -name '*.ogg' -o -name metadata.csv \) \
    -exec cp {} .gpu-data/kickset/ \;
  du -sh .gpu-data | awk '{print "gpu-session: " $2 " holds " $1}'
  # libsoxr (in .gpu-deps) needs libgomp.so.1, which pip's torch ships only under another
  # name: carry Debian's, used on the GPU machine only where its system has none.
  tmp=$(mktemp -d)
  if (cd "$tmp" && apt-get download libgomp1 >/dev/null 2>&1); then
    rm -rf .gpu-data/gomp && dpkg -x "$tmp"/libgomp1_*.deb .gpu-data/gomp && rm -rf .gpu-data/gomp/usr/share
    echo "gpu-session: .gpu-data/gomp holds libgomp.so.1 as a fallback"
  else
    echo "gpu-session: apt-get download libgomp1 failed; the GPU machine must have libgomp.so.1" >&2
  fi
  rm -rf "$tmp"
  exit 0
fi

DEVICE="${DEVICE:-cuda}"
OUT="${OUT:-$root/gpu-out}"
STAGES="${STAGES:-build smoke bench vocoder}"
BUILD="${BUILD:-$root/build-gpu}"
WORK="${WORK:-$root/.gpu-work}"
VOCODER_MINUTES="${VOCODER_MINUTES:-30}"
CALL_SECONDS="${CALL_SECONDS:-570}"
AUG_COPIES="${AUG_COPIES:-10}"
CLI="$BUILD/trainer/melstudio-cli"
# The carried libraries (libsndfile, libsoxr, nlohmann-json): found by the build and at run time.
if [ -d "$root/.gpu-deps/usr" ]; then
  R="$root/.gpu-deps"
  export PKG_CONFIG_SYSROOT_DIR="$R" PKG_CONFIG_LIBDIR="$R/usr/lib/x86_64-linux-gnu/pkgconfig:$R/usr/share/pkgconfig"
  export LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libgomp.so.1 ' && [ -d "$root/.gpu-data/gomp/usr/lib/x86_64-linux-gnu" ]; then
  export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$root/.gpu-data/gomp/usr/lib/x86_64-linux-gnu"
fi
stamp="$(date +%H%M%S)"
LOG="$WORK/out-$stamp"
mkdir -p "$OUT" "$WORK" "$LOG"
summary="$LOG/summary.txt"
say() { echo "[$(date +%T)] $*" | tee -a "$summary"; }
# pack: the whole log folder as one file in $OUT (the device tool returns at most 8 files).
pack() {
  cp "$summary" "$OUT/summary.txt" 2>/dev/null
  tar -czf "$OUT/.gpu-session-$stamp.tar.gz" -C "$WORK" "out-$stamp" 2>/dev/null &&
    mv -f "$OUT/.gpu-session-$stamp.tar.gz" "$OUT/gpu-session-$stamp.tar.gz"
}
# step NAME CMD...: runs CMD with its output in $LOG/NAME.log and records the result.
step() {
  local name="$1"; shift
  local t0=$SECONDS
  "$@" > "$LOG/$name.log" 2>&1
  local rc=$?
  say "$name: exit $rc in $((SECONDS - t0)) s"
  [ $rc -ne 0 ] && tail -5 "$LOG/$name.log" | sed 's/^/    /' | tee -a "$summary"
  return $rc
}

stage_build() {
  [ "$DEVICE" = cpu ] && { say "build: skipped (DEVICE=cpu uses $BUILD)"; return 0; }
  local R="$root/.gpu-deps" torch_prefix gen=()
  [ -d "$R/usr" ] || { say "build: .gpu-deps/usr missing (run ../shared/gpu/prepare-deps.sh .gpu-deps and carry it)"; return 1; }
  torch_prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')" || { say "build: python3 has no torch"; return 1; }
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' \
    > "$LOG/torch.txt" 2>&1
  command -v ninja >/dev/null && gen=(-G Ninja)
  step cmake cmake -S "$root" -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DMELSTUDIO_GUI=OFF \
    -DMELSTUDIO_TESTS=OFF -DCMAKE_PREFIX_PATH="$torch_prefix;$R/usr" -DCMAKE_INCLUDE_PATH="$R/usr/include" \
    -DCMAKE_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu" || return 1
  step build cmake --build "$BUILD" -j "$(nproc)" --target melstudio-cli || return 1
  step info "$CLI" info
}

# The real kicks, preprocessed once: $WORK/processed (all), $WORK/aug (training
# copies without the held-out kits), $WORK/holdout (their mels) and $WORK/holdout_src
# (links to their source audio).
prepare_kicks() {
  [ -f "$WORK/aug/index.json" ] && return 0
  local src="$root/.gpu-data/kickset"
  [ -f "$src/metadata.csv" ] || { say "data: $src missing (tools/gpu-session.sh --prepare-data on the development machine)"; return 1; }
  rm -rf "$WORK/kickset" && cp -r "$src" "$WORK/kickset"
  step preprocess "$CLI" preprocess "$WORK/kickset" || return 1
  step augment "$CLI" augment "$WORK/kickset/processed" --out "$WORK/aug" --copies "$AUG_COPIES" --seed 1 \
    --holdout sonicpi,Forzee --holdout-out "$WORK/holdout" || return 1
  rm -rf "$WORK/holdout_src" && mkdir -p "$WORK/holdout_src"
  for f in "$WORK"/kickset/*sonicpi* "$WORK"/kickset/*Forzee*; do [ -f "$f" ] && ln -s "$f" "$WORK/holdout_src/"; done
}

stage_smoke() {
  [ -x "$CLI" ] || { say "smoke: no $CLI"; return 1; }
  prepare_kicks || return 1
  local s="$WORK/smoke" common=(--data "$WORK/aug" --preset tiny --device "$DEVICE" --amp auto --log-every 5)
  rm -rf "$s" && mkdir -p "$s"
  step smoke_vae "$CLI" train vae "${common[@]}" --run "$s/vae" --steps 60 --checkpoint-every 20
  # A kill -9 while the diffusion run trains, then --resume to the end.
  "$CLI" train diffusion "${common[@]}" --run "$s/diff" --vae "$s/vae" --steps 400 --checkpoint-every 50 \
    --min-count 2 > "$LOG/smoke_diffusion_killed.log" 2>&1 &
  local pid=$! waited=0
  while [ ! -d "$s/diff/checkpoints/100" ] && kill -0 $pid 2>/dev/null && [ $waited -lt 240 ]; do sleep 1; waited=$((waited + 1)); done
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  say "smoke_diffusion: killed with -9 after ${waited} s; checkpoints: $(ls "$s/diff/checkpoints" 2>/dev/null | tr '\n' ' ')"
  step smoke_diffusion_resume "$CLI" train diffusion "${common[@]}" --run "$s/diff" --vae "$s/vae" --steps 400 \
    --checkpoint-every 50 --min-count 2 --resume
  say "smoke_diffusion: $(grep -o 'resumed from checkpoint [0-9]*' "$s/diff/log.txt" | tail -1), newest checkpoint $(ls "$s/diff/checkpoints" | sort -n | tail -1)"
  step smoke_vocoder "$CLI" train vocoder "${common[@]}" --run "$s/voc" --steps 40 --checkpoint-every 20
  step smoke_generate "$CLI" generate --model "$s/diff" --vocoder-run "$s/voc" --device "$DEVICE" --count 4 \
    --prompt "short bright" --out "$LOG/smoke_kicks" --overwrite
  for r in vae diff voc; do cp "$s/$r/metrics.jsonl" "$LOG/smoke_${r}_metrics.jsonl" 2>/dev/null; done
  grep -h '"mem_mb"' "$LOG"/smoke_*_metrics.jsonl > /dev/null && say "smoke: metrics copied"
  say "smoke: GPU memory in metrics: $(grep -ho '"gpu_peak_mb":[0-9.]*' "$LOG"/smoke_*_metrics.jsonl | tail -1 || true)" \
      "(empty: the configure check found no allocator statistics; see cmake.log)"
  grep -i "allocator statistics" "$LOG/cmake.log" 2>/dev/null | tee -a "$summary"
}

stage_bench() {
  [ -x "$CLI" ] || { say "bench: no $CLI"; return 1; }
  local batch=256
  [ "$DEVICE" = cpu ] && batch=4
  step bench "$CLI" bench --device "$DEVICE" --json --batch $batch --reps 5
  step bench_train "$CLI" bench-train --device "$DEVICE" --json
  cp "$LOG/bench.log" "$LOG/bench.jsonl"; cp "$LOG/bench_train.log" "$LOG/bench_train.jsonl"
}

stage_vocoder() {
  [ -x "$CLI" ] || { say "vocoder: no $CLI"; return 1; }
  prepare_kicks || return 1
  local run="$WORK/vocoder" resume=() seconds
  [ -f "$run/run.json" ] && resume=(--resume)
  # Train until the call's deadline less ~100 s for stopping, vocoding and packing.
  seconds=$(( CALL_SECONDS - (SECONDS - started) - 100 ))
  [ $seconds -gt $((VOCODER_MINUTES * 60)) ] && seconds=$((VOCODER_MINUTES * 60))
  [ $seconds -lt 60 ] && { say "vocoder: only ${seconds} s left in this call; skipped"; return 1; }
  say "vocoder: training for $seconds s ${resume[*]}"
  timeout -s INT "$seconds" "$CLI" train vocoder --data "$WORK/aug" --run "$run" --preset paper \
    --device "$DEVICE" --steps 100000 --disc-start 2000 --segments energy --lambda-stft 45 \
    --checkpoint-every 1000 --seed 1 "${resume[@]}" > "$LOG/vocoder_train.log" 2>&1
  local rc=$? why
  why="exit $rc"
  [ $rc -eq 124 ] && why="the time limit (SIGINT; the run wrote a checkpoint)"
  say "vocoder: stopped by $why at $(tail -1 "$run/metrics.jsonl" 2>/dev/null | cut -c1-200)"
  cp "$run/metrics.jsonl" "$LOG/vocoder_metrics.jsonl" 2>/dev/null
  rm -rf "$LOG/vocoded" && mkdir -p "$LOG/vocoded"
  for f in "$WORK"/holdout_src/*; do
    [ -f "$f" ] || continue
    "$CLI" vocode --model "$root/resources/models/kick-default" --vocoder-run "$run" --device "$DEVICE" \
      --overwrite "$f" "$LOG/vocoded/$(basename "${f%.*}").wav" >> "$LOG/vocode.log" 2>&1
  done
  step vocoded_analyze "$CLI" analyze "$LOG/vocoded" --json
  step holdout_analyze "$CLI" analyze "$WORK/holdout_src" --json
  # The generator alone (~15 MB in float32) and its checkpoint's state.json come back beside
  # the pack; the discriminators and optimiser state (~170 MB) stay on the machine. Here:
  #   mkdir -p R/checkpoints/N && cp vocoder_generator_N.safetensors R/checkpoints/N/generator.safetensors
  #   cp vocoder_state_N.json R/checkpoints/N/state.json   # then --vocoder-run R works
  local last
  last="$(ls "$run/checkpoints" 2>/dev/null | sort -n | tail -1)"
  if [ -n "$last" ]; then
    cp "$run/checkpoints/$last/generator.safetensors" "$OUT/vocoder_generator_$last.safetensors"
    cp "$run/checkpoints/$last/state.json" "$OUT/vocoder_state_$last.json"
  fi
  return 0
}

started=$SECONDS
say "gpu-session: stages '$STAGES' on $DEVICE, $(nproc) cores; output in $OUT (pack gpu-session-$stamp.tar.gz)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$LOG/gpu.txt" 2>&1
for s in $STAGES; do
  case "$s" in
    build|smoke|bench|vocoder) "stage_$s" || say "$s: failed (see $s*.log in the pack)";;
    *) say "unknown stage '$s' (build smoke bench vocoder)";;
  esac
  pack
done
say "gpu-session: done in $((SECONDS - started)) s"
pack
ls -l "$OUT"
