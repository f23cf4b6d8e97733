#!/usr/bin/env bash
# Reproduces resources/models/tokenizer-default (the BSQ-ViT tokenizer) and its
# Conformer ablation from the speech and music of Debian's packages, with the
# command lines its CARD.md lists. CPU only.
#
# usage: tools/train-default-tokenizer.sh WORK_DIR [STEPS_ON] [STEPS_OFF]
#   WORK_DIR gets corpora/, train16k/, eval/, runs/conformer-{on,off}/, package/, measure-{on,off}/
# Training data (16 kHz mono): the spoken words of klettres-data, ktuberling-data
# and alsa-utils and the music of wesnoth-1.16-music (~205 min); held out: every
# file of hedgewars-data (voices and music; another package, other speakers and
# composers). The two runs train side by side for the same wall-clock time, one
# thread each (the card's ablation); STEPS_ON / STEPS_OFF are where the shipped
# runs stopped. The one with the lower held-out mel MSE is exported.
set -euo pipefail
if [ $# -lt 1 ]; then
  sed -n 2,14p "$0"
  exit 2
fi
W=$1 STEPS_ON=${2:-20000} STEPS_OFF=${3:-20000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=${MELSTUDIO_CLI:-$ROOT/build/trainer/melstudio-cli}
mkdir -p "$W"
if [ ! -d "$W/corpora/fullband" ]; then
  DATA=$W bash "${FETCH_CORPORA:-$ROOT/../shared/data/fetch_corpora.sh}"
fi
F=$W/corpora/fullband
mkdir -p "$W/train16k" "$W/eval/speech" "$W/eval/music"
for f in "$F"/speech/klettres-data__* "$F"/speech/ktuberling-data__* "$F"/speech/alsa-utils__* "$F"/music/wesnoth-1.16-music__*; do
  o="$W/train16k/$(basename "$f")"
  [ -f "$o" ] || sox -q "$f" -r 16000 -c 1 -b 16 "$o"
done
# Held out: 8 voices (14 clips each, joined) and 10.24 s from 0:30 of 6 tracks.
for v in British Classic Default Default_es Mobster Pirate Russian Surfer; do
  sox $(ls "$F"/speech/hedgewars-data__hedgewars_Data_Sounds_voices_${v}_* | head -14) -r 16000 -c 1 "$W/eval/speech/$v.wav"
done
for m in Art City Desert Jungle Rock snow; do
  sox "$F/music/hedgewars-data__hedgewars_Data_Music_$m.wav" -r 16000 -c 1 "$W/eval/music/$m.wav" trim 30 10.24
done
common=(--data "$W/train16k" --preset cpu --batch 8 --lr 3e-4 --warmup 200 --decay-steps 20000
        --threads 1 --nice 10 --checkpoint-every 200 --keep 0 --seed 0)
"$CLI" train tokenizer "${common[@]}" --conformer on --run "$W/runs/conformer-on" --steps "$STEPS_ON" &
"$CLI" train tokenizer "${common[@]}" --conformer off --run "$W/runs/conformer-off" --steps "$STEPS_OFF" &
wait
for c in on off; do
  "$ROOT/tools/measure-tokenizer.sh" "$W/runs/conformer-$c" "$W/eval" "$W/measure-$c"
done
best=$(python3 - "$W" <<'PY'
import json, statistics, sys
def mse(c):
    rows = [json.loads(l) for l in open(f"{sys.argv[1]}/measure-{c}/results.jsonl") if '"tokens_mel_mse_db2"' in l]
    return statistics.median(r["tokens_mel_mse_db2"] for r in rows)
print(min(("on", "off"), key=mse))
PY
)
"$CLI" export --family bsq --run "$W/runs/conformer-$best" --out "$W/package" --half
echo "exported the conformer-$best run to $W/package"
