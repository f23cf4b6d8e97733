#!/usr/bin/env bash
# Log-mel of a 2 s clip at 44.1 kHz: melstudio (LibTorch, C++) vs torchaudio
# (Debian's python3-torchaudio) on this machine, same thread count.
# Usage: tests/benchmarks/logmel_vs_torchaudio.sh [BUILD_DIR] [THREADS]
set -euo pipefail
BUILD=${1:-build}; THREADS=${2:-$(nproc)}
CLI=$BUILD/trainer/melstudio-cli
[ -x "$CLI" ] || { echo "build first: $CLI missing" >&2; exit 1; }
/usr/bin/python3 -c "import torchaudio" 2>/dev/null || { echo "needs python3-torchaudio (apt-get install python3-torchaudio)" >&2; exit 1; }
ours=$("$CLI" bench-mel --json --threads "$THREADS" --reps 300 | sed -n 's/.*"ms":\([0-9.]*\).*/\1/p')
theirs=$(/usr/bin/python3 - "$THREADS" <<'PY'
import sys, time, statistics, torch, torchaudio
torch.set_num_threads(int(sys.argv[1]))
mel = torchaudio.transforms.MelSpectrogram(sample_rate=44100, n_fft=2048, hop_length=512, n_mels=128)
x = torch.randn(1, 88200) * 0.1
with torch.inference_mode():
    for _ in range(10): torch.log(torch.clamp(mel(x), min=1e-5))
    t = []
    for _ in range(300):
        a = time.perf_counter(); y = torch.log(torch.clamp(mel(x), min=1e-5)); t.append((time.perf_counter() - a) * 1e3)
assert tuple(y.shape) == (1, 128, 173)
print(f"{statistics.median(t):.4f}")
PY
)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$THREADS"
echo "melstudio logmel 2 s: ${ours} ms (median of 300)"
echo "torchaudio logmel 2 s: ${theirs} ms (median of 300)"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio torchaudio/melstudio: %.2fx\n", b / a }'
