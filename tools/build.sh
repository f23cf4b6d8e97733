#!/usr/bin/env bash
# Configures and builds melstudio into build/ (ninja, ccache, Release).
# Extra arguments go to cmake (e.g. -DMELSTUDIO_GUI=OFF).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${MELSTUDIO_BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$BUILD" -j "$JOBS"
