#!/usr/bin/env bash
# Installs the Debian 12 packages melstudio needs to build, test and run.
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail
PKGS=(
  g++ cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-pthread
  libgloo-dev                 # c10d's Gloo headers: data-parallel training on CPU (train --nproc, torchrun)
  qt6-base-dev qt6-multimedia-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
  libqcustomplot-dev libqcustomplot2.1-qt6
  libsndfile1-dev libsoxr-dev nlohmann-json3-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  xvfb xauth fonts-dejavu-core fonts-wqy-microhei
  sox opus-tools codec2       # measurement scripts (tools/measure-*.sh): excerpts, the Opus and Codec 2 baselines
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
