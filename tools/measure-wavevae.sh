#!/usr/bin/env bash
# Measures a wave VAE on held-out music against Opus at 6, 12 and 24 kb/s, all
# through the same metrics (melstudio-cli compare-audio: DAC mel distance,
# MR-STFT distance, SI-SDR; left, right and side), and its encode/decode speed.
#
#   tools/measure-wavevae.sh MODEL HOLDOUT_DIR OUT_DIR [SECONDS=30] [FILES=6]
#
# MODEL: a wave VAE package, `train wavevae` run or checkpoint. From each of the
# first FILES audio files of HOLDOUT_DIR (sorted) an excerpt of SECONDS seconds
# from 0:30 is taken (44.1 kHz stereo). Writes OUT_DIR/results.jsonl (one line
# per file, codec and part) and prints the medians and IQRs (OUT_DIR/summary.txt).
# Needs sox and opus-tools (tools/deps.sh installs both).
set -euo pipefail
MODEL=${1:?model} HOLD=${2:?holdout dir} OUT=${3:?out dir} SECS=${4:-30} FILES=${5:-6}
CLI=${MELSTUDIO_CLI:-$(cd "$(dirname "$0")/.." && pwd)/build/trainer/melstudio-cli}
for t in sox opusenc opusdec python3; do command -v $t >/dev/null || { echo "measure-wavevae: $t is missing (tools/deps.sh)"; exit 2; }; done
mkdir -p "$OUT/ref" "$OUT/lat" "$OUT/vae" "$OUT/opus"
: > "$OUT/results.jsonl"
enc_s=0 dec_s=0 audio_s=0
n=0
while IFS= read -r f; do
  [ $n -ge "$FILES" ] && break
  name=$(basename "${f%.*}")
  ref="$OUT/ref/$name.wav"
  sox "$f" -r 44100 -c 2 -b 16 "$ref" trim 30 "$SECS" 2>/dev/null || continue
  dur=$(soxi -D "$ref")
  [ "$(python3 -c "print(int($dur >= $SECS - 0.5))")" = 1 ] || continue
  n=$((n + 1))
  t0=$(date +%s.%N); "$CLI" encode "$ref" --out "$OUT/lat" --model "$MODEL" >/dev/null
  t1=$(date +%s.%N); "$CLI" decode "$OUT/lat/$name.latent.safetensors" --out "$OUT/vae" --model "$MODEL" >/dev/null
  t2=$(date +%s.%N)
  enc_s=$(python3 -c "print($enc_s + $t1 - $t0)"); dec_s=$(python3 -c "print($dec_s + $t2 - $t1)")
  audio_s=$(python3 -c "print($audio_s + $dur)")
  ests=("$OUT/vae/$name.wav")
  for kb in 6 12 24; do
    opusenc --quiet --bitrate $kb "$ref" "$OUT/opus/$name-$kb.opus"
    opusdec --quiet --rate 44100 "$OUT/opus/$name-$kb.opus" "$OUT/opus/$name-$kb.wav"
    ests+=("$OUT/opus/$name-$kb.wav")
  done
  "$CLI" compare-audio "$ref" "${ests[@]}" --json >> "$OUT/results.jsonl"
done < <(find "$HOLD" -maxdepth 1 \( -name '*.wav' -o -name '*.flac' -o -name '*.ogg' \) | sort)
[ $n -gt 0 ] || { echo "measure-wavevae: no file of $HOLD is $SECS s long after 0:30"; exit 1; }
python3 - "$OUT" "$enc_s" "$dec_s" "$audio_s" "$n" <<'PY' | tee "$OUT/summary.txt"
import json, statistics, sys, collections
out, enc, dec, audio, n = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rows = [json.loads(l) for l in open(out + "/results.jsonl")]
def codec(p):
    if "/vae/" in p: return "wavevae"
    return "opus-" + p.rsplit("-", 1)[1].split(".")[0] + "k"
g = collections.defaultdict(list)
for r in rows:
    for m in ("dac_mel", "mrstft", "si_sdr_db"): g[(codec(r["estimate"]), r["part"], m)].append(r[m])
def q(v):
    v = sorted(v); k = len(v)
    return statistics.median(v), v[k // 4], v[(3 * k) // 4]
print(f"{n} held-out excerpts; wave VAE encode {audio / enc:.1f}x, decode {audio / dec:.1f}x real time (2 s CLI start-up included)")
print(f"{'codec':10} {'part':6} {'dac_mel':>22} {'mrstft':>22} {'si_sdr_db':>22}   (median [IQR])")
for c in sorted({k[0] for k in g}):
    for p in ("left", "right", "side"):
        if (c, p, "dac_mel") not in g: continue
        cells = ["%.3f [%.3f, %.3f]" % q(g[(c, p, m)]) for m in ("dac_mel", "mrstft", "si_sdr_db")]
        print(f"{c:10} {p:6} " + " ".join(f"{x:>22}" for x in cells))
PY
