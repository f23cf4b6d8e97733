#!/usr/bin/env bash
# Fuzzes melstudio's readers of untrusted bytes with libFuzzer under ASan +
# UBSan (clang from Debian: apt-get install clang libclang-rt-14-dev).
#
#   tools/fuzz.sh build                      # configure + build build-fuzz/ (clang, sanitizers)
#   tools/fuzz.sh run SECONDS [READER...]    # fuzz each reader for SECONDS, one after another
#   tools/fuzz.sh run-parallel SECONDS [READER...]   # all at once (one process each)
#   tools/fuzz.sh report                     # executions, coverage and findings of the last runs
#
# Readers: torch_checkpoint safetensors json csv audio (default: all).
# Corpora grow in $FUZZ_WORK/<reader>/corpus (seeded from tests/fuzz/corpus/),
# crashes land in $FUZZ_WORK/<reader>/artifacts, logs in $FUZZ_WORK/<reader>/log.txt.
# A single allocation over 64 MB or a resident size over 2 GB counts as a
# finding (inputs are at most 64 KB, whose budget is 4 x 64 KB + 16 MB); for
# audio, over its stated decoding cap (2.2 GB, 6 GB resident).
# The seeded mutation test in the suite (tst_hostile) runs the same targets
# for a fraction of a second; this is the long run.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FUZZ_BUILD:-build-fuzz}
WORK=${FUZZ_WORK:-$PWD/fuzz-work}
ALL=(torch_checkpoint safetensors json csv audio)

build() {
  command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (apt-get install clang libclang-rt-14-dev)"; exit 2; }
  local san="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link -fno-omit-frame-pointer"
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMELSTUDIO_GUI=OFF -DMELSTUDIO_TESTS=OFF -DMELSTUDIO_FUZZ=ON -DCMAKE_CXX_FLAGS="$san"
  cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target $(for r in "${ALL[@]}"; do printf 'fuzz-%s ' "${r//_/-}"; done)
}

run_one() {   # reader seconds
  local r=$1 s=$2 d="$WORK/$1" mlim=64 rlim=2048
  # Audio's budget is the stated decoding cap (2 x 1 GiB of float32), not a multiple of its size.
  [ "$r" = audio ] && mlim=2200 rlim=6144
  mkdir -p "$d/corpus" "$d/artifacts"
  cp -n tests/fuzz/corpus/"$r"/* "$d/corpus/" 2>/dev/null || true
  echo "fuzz: $r for $s s -> $d/log.txt"
  # Leaks are checked (a cycle the reader fails to break would show here).
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp \
  OMP_NUM_THREADS=1 "$BUILD/tests/fuzz/fuzz-${r//_/-}" "$d/corpus" -artifact_prefix="$d/artifacts/" \
    -max_total_time="$s" -max_len=65536 -timeout=10 -rss_limit_mb=$rlim -malloc_limit_mb=$mlim \
    -print_final_stats=1 > "$d/log.txt" 2>&1 || echo "fuzz: $r stopped with a finding (see $d/log.txt, $d/artifacts)"
}

report() {
  for r in "${ALL[@]}"; do
    local log="$WORK/$r/log.txt"
    [ -f "$log" ] || continue
    local last; last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    echo "$r: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$log" || echo 'no final stats') " \
         "$(grep -o 'stat::average_exec_per_sec: [0-9]*' "$log" || true) | last: $last" \
         "| corpus $(ls "$WORK/$r/corpus" | wc -l) | findings $(ls "$WORK/$r/artifacts" | wc -l)"
  done
}

case "${1:-}" in
  build) build ;;
  run) shift; s=$1; shift; for r in "${@:-${ALL[@]}}"; do run_one "$r" "$s"; done; report ;;
  run-parallel) shift; s=$1; shift; for r in "${@:-${ALL[@]}}"; do run_one "$r" "$s" & done; wait; report ;;
  report) report ;;
  *) sed -n 2,20p "$0"; exit 2 ;;
esac
