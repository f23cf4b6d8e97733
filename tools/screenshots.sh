#!/usr/bin/env bash
# Renders every studio page in English and Simplified Chinese to PNG files
# (offscreen platform, QWidget::grab). Usage: tools/screenshots.sh [BUILD_DIR] [OUT_DIR]
# Set MELSTUDIO_MODEL_DIR (or pass a model with MODEL=...) to show a loaded model.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
out="${2:-$here/screenshots}"
exe="$build/app/melstudio"
[ -x "$exe" ] || { echo "no studio at $exe: build the 'melstudio' target first" >&2; exit 1; }
export QT_QPA_PLATFORM=offscreen
export MELSTUDIO_CLI="${MELSTUDIO_CLI:-$build/trainer/melstudio-cli}"
# A private settings folder so screenshots do not depend on (or change) the user's settings.
export XDG_CONFIG_HOME="$(mktemp -d)"
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
args=(--screenshots "$out")
[ -n "${MODEL:-}" ] && args+=(--model "$MODEL")
"$exe" "${args[@]}"
ls -1 "$out"/*.png
