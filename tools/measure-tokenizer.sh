#!/usr/bin/env bash
# Measures a tokenizer on held-out speech and music against classic codecs at
# nearby bit rates, all through the same metrics: the document's mel MSE and MAE
# in dB (melstudio-cli mel-error: 16 kHz mono, 128 mels, [-80, 0] dB) and DAC's
# multi-scale mel distance (compare-audio), on 16 kHz mono references.
#
#   tools/measure-tokenizer.sh MODEL EVAL_DIR OUT_DIR
#
# EVAL_DIR holds speech/*.wav and music/*.wav (any rate; made 16 kHz mono here).
# Codecs: Codec 2 (c2enc/c2dec at 8 kHz, modes 700C, 1200, 3200) and Opus
# (opusenc at 6 and 8 kb/s). The tokenizer: `reconstruct --family bsq` (tokens
# -> decoded mel -> Griffin-Lim 64), whose own line also gives the mel error of
# the tokens before any vocoder and DAC's distance of Griffin-Lim from the
# reference's own mel (the vocoder's share). Writes OUT_DIR/results.jsonl and
# prints medians and IQRs per category (OUT_DIR/summary.txt).
# Needs sox, opus-tools and codec2 (tools/deps.sh installs them).
set -euo pipefail
MODEL=${1:?model} EVAL=${2:?eval dir} OUT=${3:?out dir}
CLI=${MELSTUDIO_CLI:-$(cd "$(dirname "$0")/.." && pwd)/build/trainer/melstudio-cli}
for t in sox opusenc opusdec c2enc c2dec python3; do command -v $t >/dev/null || { echo "measure-tokenizer: $t is missing (tools/deps.sh)"; exit 2; }; done
: > "$OUT/results.jsonl" 2>/dev/null || { mkdir -p "$OUT"; : > "$OUT/results.jsonl"; }
secs=0 tok_s=0
for cat in speech music; do
  mkdir -p "$OUT/$cat/ref" "$OUT/$cat/est"
  for f in "$EVAL/$cat"/*.wav; do
    [ -e "$f" ] || continue
    name=$(basename "${f%.*}")
    ref="$OUT/$cat/ref/$name.wav"
    sox "$f" -r 16000 -c 1 -b 16 "$ref"
    d="$OUT/$cat/est/$name"
    t0=$(date +%s.%N)
    "$CLI" reconstruct --family bsq "$ref" "$d-tokenizer.wav" --model "$MODEL" --json --overwrite \
      | python3 -c "import json,sys; j=json.loads(sys.stdin.read()); j.update(category='$cat', codec='tokenizer', file='$name'); print(json.dumps(j))" >> "$OUT/results.jsonl"
    t1=$(date +%s.%N)
    secs=$(python3 -c "print($secs + $(soxi -D "$ref"))"); tok_s=$(python3 -c "print($tok_s + $t1 - $t0)")
    for mode in 700C 1200 3200; do
      sox "$ref" -r 8000 -c 1 -b 16 -e signed -t raw - | c2enc $mode - - | c2dec $mode - - \
        | sox -t raw -r 8000 -c 1 -b 16 -e signed - -r 16000 "$d-codec2-$mode.wav"
    done
    for kb in 6 8; do
      opusenc --quiet --bitrate $kb "$ref" "$d-opus-$kb.opus"
      opusdec --quiet --rate 16000 "$d-opus-$kb.opus" "$d-opus-${kb}k.wav"
    done
    ests=("$d-tokenizer.wav" "$d-codec2-700C.wav" "$d-codec2-1200.wav" "$d-codec2-3200.wav" "$d-opus-6k.wav" "$d-opus-8k.wav")
    python3 - "$cat" "$name" "$d" <("$CLI" mel-error "$ref" "${ests[@]}" --json) <("$CLI" compare-audio "$ref" "${ests[@]}" --json) >> "$OUT/results.jsonl" <<'PY'
import json, sys
cat, name, stem, melf, dacf = sys.argv[1:6]
mel = {j["estimate"]: j for j in map(json.loads, open(melf))}
dac = {j["estimate"]: j for j in map(json.loads, open(dacf))}
for est, m in mel.items():
    codec = est[len(stem) + 1:-4]
    print(json.dumps({"category": cat, "file": name, "codec": codec, "mel_mse_db2": m["mel_mse_db2"], "mel_mae_db": m["mel_mae_db"],
                      "dac_mel": dac[est]["dac_mel"], "kind": "audio"}))
PY
  done
done
python3 - "$OUT" "$secs" "$tok_s" <<'PY' | tee "$OUT/summary.txt"
import json, statistics, sys, collections
out, secs, tok = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = [json.loads(l) for l in open(out + "/results.jsonl")]
rate = {"tokenizer": None, "codec2-700C": 700, "codec2-1200": 1200, "codec2-3200": 3200, "opus-6k": 6000, "opus-8k": 8000}
g = collections.defaultdict(list)
extra = collections.defaultdict(list)
for r in rows:
    if r.get("kind") == "audio":
        for m in ("mel_mse_db2", "mel_mae_db", "dac_mel"): g[(r["category"], r["codec"], m)].append(r[m])
    else:
        rate["tokenizer"] = r["bits_per_second"]
        for m in ("tokens_mel_mse_db2", "tokens_mel_mae_db", "dac_mel_griffin_lim_of_input_mel", "entropy_bits_per_token"):
            extra[(r["category"], m)].append(r[m])
        extra[(r["category"], "distinct_fraction")].append(r["distinct_ids"] / r["tokens"])
def q(v):
    v = sorted(v); k = len(v)
    return statistics.median(v), v[k // 4], v[min(k - 1, (3 * k) // 4)]
print(f"{secs:.0f} s of held-out audio; tokenizer reconstruct (tokenize + detokenize + Griffin-Lim 64 + metrics, CLI start included) {secs / tok:.1f}x real time")
for cat in ("speech", "music"):
    n = len(g[(cat, "tokenizer", "dac_mel")])
    if not n: continue
    print(f"\n{cat} ({n} files), median [IQR]")
    print(f"{'codec':14} {'bit/s':>6} {'mel MSE dB^2':>24} {'mel MAE dB':>22} {'DAC mel':>22}")
    for c in ("tokenizer", "codec2-700C", "codec2-1200", "codec2-3200", "opus-6k", "opus-8k"):
        cells = ["%.2f [%.2f, %.2f]" % q(g[(cat, c, m)]) for m in ("mel_mse_db2", "mel_mae_db", "dac_mel")]
        print(f"{c:14} {rate[c] or 0:>6.0f} " + " ".join(f"{x:>22}" for x in cells))
    print("tokens before the vocoder: mel MSE %.2f [%.2f, %.2f] dB^2, MAE %.2f [%.2f, %.2f] dB" % (q(extra[(cat, "tokens_mel_mse_db2")]) + q(extra[(cat, "tokens_mel_mae_db")])))
    print("Griffin-Lim of the reference's own mel: DAC mel %.3f [%.3f, %.3f]" % q(extra[(cat, "dac_mel_griffin_lim_of_input_mel")]))
    print("codebook: ids' entropy %.2f [%.2f, %.2f] bits/token; distinct ids / tokens %.2f [%.2f, %.2f]" % (q(extra[(cat, "entropy_bits_per_token")]) + q(extra[(cat, "distinct_fraction")])))
PY
