#!/usr/bin/env bash
# Reproduces resources/models/kick-default from the real kicks of Debian's
# drum-kit packages, with the command lines its CARD.md lists. CPU only: the
# VAE and the diffusion UNet; the package has no vocoder (Griffin-Lim).
#
# usage: tools/train-default-kick-model.sh WORK_DIR [VAE_STEPS] [DIFFUSION_STEPS]
#   WORK_DIR gets corpora/, kickset/, aug/, holdout/, train0/, runs/, package/, measure/
# The shipped model used 800 VAE steps and the diffusion steps its card names;
# on a 2-core CPU that is about 40 + 50 minutes.
set -euo pipefail
if [ $# -lt 1 ]; then
  sed -n 2,10p "$0"
  exit 2
fi
W=$1 VAE_STEPS=${2:-800} DIFF_STEPS=${3:-5783}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=${MELSTUDIO_CLI:-$ROOT/build/trainer/melstudio-cli}
mkdir -p "$W"
# 1. The corpus: ~111 kick one-shots from 18 kits (downloads Debian packages, installs nothing).
if [ ! -d "$W/corpora/kicks" ]; then
  DATA=$W bash "${FETCH_CORPORA:-$ROOT/../shared/data/fetch_corpora.sh}"
fi
# 2. melstudio's own data pipeline.
"$CLI" aggregate "$W/corpora/kicks" "$W/kickset"
"$CLI" preprocess "$W/kickset"
# 3. Augmentation + measured keywords; two kits held out for evaluation.
"$CLI" augment "$W/kickset/processed" --out "$W/aug" --copies 10 --seed 1 \
  --holdout sonicpi,Forzee --holdout-out "$W/holdout"
"$CLI" augment "$W/kickset/processed" --out "$W/train0" --copies 0 --seed 1 \
  --holdout sonicpi,Forzee --holdout-out "$W/holdout0"
# 4. VAE, then the diffusion UNet on its latents.
"$CLI" train vae --data "$W/aug" --run "$W/runs/vae" --preset paper --steps "$VAE_STEPS" \
  --checkpoint-every 100 --seed 1
"$CLI" train diffusion --data "$W/aug" --run "$W/runs/diffusion" --vae "$W/runs/vae" --preset paper \
  --steps "$DIFF_STEPS" --checkpoint-every 500 --min-count 55 --lr 2e-4 --seed 1
# 5. The package (float16 weights) and its measurements.
"$CLI" export --vae "$W/runs/vae" --diffusion "$W/runs/diffusion" --out "$W/package" --half --overwrite
bash "$ROOT/tools/measure-kick-model.sh" "$W/package" "$W/train0" "$W/holdout" "$W/kickset" "$W/measure"
