#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
bash tools/deps.sh
bash tools/build.sh
t1=$(date +%s)
echo "build: $((t1 - t0)) s (deps + configure + compile)"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "${MELSTUDIO_BUILD_DIR:-build}" --output-on-failure -j "${TEST_JOBS:-2}" --timeout 600
echo "tests: $(( $(date +%s) - t1 )) s"
