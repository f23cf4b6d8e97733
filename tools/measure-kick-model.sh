#!/usr/bin/env bash
# Measures a kick model package the way its model card reports it:
#   1. held-out reconstruction: `melstudio-cli evaluate` on kits the model never saw
#   2. 200 unconditional kicks vs the real kicks: descriptor distributions and
#      nearest-neighbour log-mel distance to the training clips; with a neural
#      vocoder in the package, the same seeds through Griffin-Lim beside them
#   3. keyword adherence: 50 kicks per descriptive keyword, measured
#   4. `melstudio-cli bench` with the model
# Writes JSON files and report.md into OUT_DIR. python3 only formats the report.
#
# usage: tools/measure-kick-model.sh MODEL_DIR TRAIN_DATASET HOLDOUT_DATASET REAL_KICKS_DIR OUT_DIR
#   TRAIN_DATASET    the distinct training clips (augment --copies 0 of the same source and holdout)
#   HOLDOUT_DATASET  augment's --holdout-out folder
#   REAL_KICKS_DIR   folder of real kick files to compare the generated ones with
set -euo pipefail
if [ $# -ne 5 ]; then
  sed -n 2,13p "$0"
  exit 2
fi
MODEL=$1 TRAIN=$2 HOLD=$3 REAL=$4 OUT=$5
CLI=${MELSTUDIO_CLI:-$(dirname "$0")/../build/trainer/melstudio-cli}
COUNT=${COUNT:-200} PER_WORD=${PER_WORD:-50}
mkdir -p "$OUT"
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

log "evaluate on $HOLD"
"$CLI" evaluate --model "$MODEL" --data "$HOLD" --json > "$OUT/evaluate.json"

log "generate $COUNT unconditional kicks"
"$CLI" generate --model "$MODEL" --prompt "" --count "$COUNT" --seed 100000 --out "$OUT/generated" --overwrite > "$OUT/generate.log"
"$CLI" analyze "$OUT/generated" --reference "$TRAIN" --json > "$OUT/analyze_generated.json"
if grep -q '"vocoder"' "$MODEL/model.json"; then
  # The same seeds through Griffin-Lim: what the package's vocoder changes.
  log "generate the same $COUNT kicks with Griffin-Lim"
  "$CLI" generate --model "$MODEL" --prompt "" --count "$COUNT" --seed 100000 --vocoder griffinlim \
    --out "$OUT/generated_gl" --overwrite > "$OUT/generate_gl.log"
  "$CLI" analyze "$OUT/generated_gl" --json > "$OUT/analyze_generated_gl.json"
fi
log "analyze the real kicks in $REAL"
"$CLI" analyze "$REAL" --reference "$TRAIN" --json > "$OUT/analyze_real.json"

seed=200000
for word in short long low high dark bright; do
  log "generate $PER_WORD '$word'"
  "$CLI" generate --model "$MODEL" --prompt "$word" --count "$PER_WORD" --seed $seed --out "$OUT/kw_$word" --overwrite > "$OUT/kw_$word.log"
  "$CLI" analyze "$OUT/kw_$word" --json > "$OUT/analyze_kw_$word.json"
  seed=$((seed + 1000))
done

log "bench"
"$CLI" bench --model "$MODEL" --json > "$OUT/bench.jsonl"

python3 - "$OUT" <<'EOF'
import json, sys, os
out = sys.argv[1]
J = lambda n: json.load(open(os.path.join(out, n)))
ev, gen, real = J("evaluate.json"), J("analyze_generated.json"), J("analyze_real.json")
lines = []
s = ev["summary"]
lines += ["### Held-out reconstruction (%d clips, Griffin-Lim %d iterations)" % (ev["clips"], ev["griffin_lim_iterations"]), "",
          "| measure | mean | median |", "|---|---|---|"]
for k in sorted(s):
    lines.append("| %s | %.4f | %.4f |" % (k, s[k]["mean"], s[k]["median"]))
lines += ["", "### %d generated (unconditional) vs %d real kicks: median [q1, q3]" % (gen["files"], real["files"]), "",
          "| property | generated | real |", "|---|---|---|"]
for k in ["peak", "rms", "centroid_hz", "fundamental_hz", "decay_s", "click"]:
    g, r = gen["summary"][k], real["summary"][k]
    lines.append("| %s | %.4g [%.4g, %.4g] | %.4g [%.4g, %.4g] |" % (k, g["median"], g["q1"], g["q3"], r["median"], r["q1"], r["q3"]))
if os.path.exists(os.path.join(out, "analyze_generated_gl.json")):
    gl = J("analyze_generated_gl.json")
    lines += ["", "The same %d seeds through the package's vocoder and through Griffin-Lim (64 iterations):" % gen["files"], "",
              "| property | vocoder | Griffin-Lim | real | closer to real |", "|---|---|---|---|---|"]
    for k in ["rms", "centroid_hz", "fundamental_hz", "decay_s", "click"]:
        g, q, r = gen["summary"][k]["median"], gl["summary"][k]["median"], real["summary"][k]["median"]
        lines.append("| %s | %.4g | %.4g | %.4g | %s |" % (k, g, q, r, "vocoder" if abs(g - r) < abs(q - r) else
                                                        ("tie" if abs(g - r) == abs(q - r) else "Griffin-Lim")))
nn, loo = gen["nearest_neighbour_mel_l1"], gen["reference_leave_one_out_mel_l1"]
lines += ["", "Nearest training clip (log-mel L1): generated median %.3f [%.3f, %.3f], min %.3f; "
          "training clips to each other (leave-one-out) median %.3f [%.3f, %.3f], min %.3f." %
          (nn["median"], nn["q1"], nn["q3"], nn["min"], loo["median"], loo["q1"], loo["q3"], loo["min"]), ""]
pairs = [("short", "long", "decay_s"), ("low", "high", "fundamental_hz"), ("dark", "bright", "centroid_hz")]
lines += ["### Keyword adherence (%s kicks per word)" % os.environ.get("PER_WORD", "50"), "",
          "| pair | property | median A | median B | B - A | P(B > A) |", "|---|---|---|---|---|---|"]
for a, b, prop in pairs:
    A = [i[prop] for i in J("analyze_kw_%s.json" % a)["items"]]
    B = [i[prop] for i in J("analyze_kw_%s.json" % b)["items"]]
    ma = sorted(A)[len(A) // 2]; mb = sorted(B)[len(B) // 2]
    wins = sum((y > x) + 0.5 * (y == x) for x in A for y in B) / float(len(A) * len(B))
    lines.append("| %s / %s | %s | %.4g | %.4g | %+.4g | %.2f |" % (a, b, prop, ma, mb, mb - ma, wins))
lines += ["", "P(B > A): the chance that a random kick of the second word measures higher than one of the first",
          "(0.5 = the keyword does nothing, 1.0 = always).", "", "### bench", "", "```"]
lines += [l.rstrip() for l in open(os.path.join(out, "bench.jsonl"))]
lines += ["```"]
open(os.path.join(out, "report.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
