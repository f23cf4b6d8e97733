#!/usr/bin/env bash
# The main job: install what is missing, build, then open the studio on the
# bundled default kick model. Without a display it generates kicks headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
bash tools/build.sh
BUILD=${MELSTUDIO_BUILD_DIR:-build}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$BUILD/app/melstudio" ]; then
  exec "$BUILD/app/melstudio" "$@"
fi
echo "No display found: generating kicks with the command line instead."
echo "(On a desktop, run $BUILD/app/melstudio; on a server, xvfb-run $BUILD/app/melstudio.)"
out=${MELSTUDIO_OUT:-$PWD/out/kicks}
mkdir -p "$out"
if ! "$BUILD/trainer/melstudio-cli" generate --prompt "short bright" --count 4 --steps 50 --seed 1 --out "$out" --overwrite; then
  echo "No default kick model is installed yet. Train one with the commands in README.md"
  echo "(section 'From a sample folder to new kicks') and pass it with --model, or set MELSTUDIO_MODEL_DIR."
  exit 1
fi
echo "Kicks written to $out"
