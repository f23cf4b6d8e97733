#!/usr/bin/env bash
# Reproduces resources/models/kick-default from the real kicks of Debian's
# drum-kit packages, with the command lines its CARD.md lists. CPU only: the
# VAE, the diffusion UNet and the HiFi-GAN vocoder.
#
# usage: tools/train-default-kick-model.sh WORK_DIR [VAE_STEPS] [DIFFUSION_STEPS] [VOCODER_STEPS] [DISC_START]
#   WORK_DIR gets corpora/, kickset/, aug/, holdout/, train0/, runs/, package/, measure/
# The defaults are the shipped model's steps (about 33 + 37 minutes on a
# 2-core CPU) and no vocoder: VOCODER_STEPS defaults to 0 (Griffin-Lim). A
# vocoder run on CPU (~0.45 s per warm-up step, ~3 s per GAN step) did not
# yet hold the kicks' fundamental after 16390 steps (14246 warm-up + 2144
# adversarial); see DEVELOPERS.md.
set -euo pipefail
if [ $# -lt 1 ]; then
  sed -n 2,11p "$0"
  exit 2
fi
W=$1 VAE_STEPS=${2:-1600} DIFF_STEPS=${3:-16000} VOC_STEPS=${4:-0} DISC_START=${5:-6000}
DIFF_LR=${DIFF_LR:-1e-4}   # the diffusion learning rate (the document's)
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
  --steps "$DIFF_STEPS" --checkpoint-every 500 --min-count 55 --lr "$DIFF_LR" --seed 1
# 5. The vocoder: HiFi-GAN on the waveforms, its generator first alone on the
#    mel + spectral convergence losses, then against the discriminators.
VOC_ARGS=()
if [ "$VOC_STEPS" -gt 0 ]; then
  "$CLI" train vocoder --data "$W/aug" --run "$W/runs/vocoder" --preset paper --steps "$VOC_STEPS" \
    --disc-start "$DISC_START" --segments energy --lambda-stft 45 --checkpoint-every 1000 --seed 1
  VOC_ARGS=(--vocoder "$W/runs/vocoder")
fi
# 6. The package (float16 weights) and its measurements.
"$CLI" export --vae "$W/runs/vae" --diffusion "$W/runs/diffusion" "${VOC_ARGS[@]}" --out "$W/package" --half --overwrite
bash "$ROOT/tools/measure-kick-model.sh" "$W/package" "$W/train0" "$W/holdout" "$W/kickset" "$W/measure"
