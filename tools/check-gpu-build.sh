#!/usr/bin/env bash
# Compiles and links core/ and trainer/ (GUI off) against PyTorch's CUDA
# LibTorch from the PyPI wheel, with this machine's CUDA toolkit, in a
# separate build folder; then, unless --no-tests, runs the engine's tests on
# CPU with that LibTorch. Nothing here runs CUDA code.
#
#   tools/check-gpu-build.sh [--no-tests] [--bench]
#
# The wheel is fetched once into $MELSTUDIO_CACHE (default ~/.cache/melstudio)
# and unpacked there; no Python environment is touched (pip download, or curl
# from PyPI's JSON API where there is no pip). TORCH_VERSION picks the wheel
# (default 2.15.0). Warnings raised in melstudio's own files fail the check.
# Exits 0 with "skipped" where there is no CUDA toolkit (nvcc), 3 where the
# wheel cannot be fetched (no network), 1 when the build or a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TORCH_VERSION=${TORCH_VERSION:-2.15.0}
CACHE=${MELSTUDIO_CACHE:-$HOME/.cache/melstudio}/torch-$TORCH_VERSION
BUILD=${GPU_BUILD:-build-gpu}
JOBS=${JOBS:-$(nproc)}
TESTS=1 BENCH=0
for a in "$@"; do
  case $a in
    --no-tests) TESTS=0 ;;
    --bench) BENCH=1 ;;
    *) sed -n 2,14p "$0"; exit 2 ;;
  esac
done

NVCC=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
if [ ! -x "$NVCC" ]; then
  echo "gpu-build: skipped (no CUDA toolkit: nvcc not found)"
  exit 0
fi
CUDA_HOME=$(cd "$(dirname "$NVCC")/.." && pwd)
t0=$(date +%s)

# 1. The wheel and the CUDA libraries LibTorch links that the toolkit lacks.
fetch() {   # name==version -> wheel in $CACHE/wheels
  local spec=$1 name=${1%%==*} ver=${1##*==}
  if ls "$CACHE/wheels/${name//-/_}-$ver-"*.whl >/dev/null 2>&1; then return; fi
  mkdir -p "$CACHE/wheels"
  if python3 -m pip --version >/dev/null 2>&1; then
    # Any CPython's torch wheel carries the same LibTorch: the machine's own is taken.
    python3 -m pip download -q "$spec" --no-deps --only-binary=:all: -d "$CACHE/wheels"
  else
    local url
    url=$(curl -fsSL "https://pypi.org/pypi/$name/$ver/json" | python3 -c '
import json, sys
urls = json.load(sys.stdin)["urls"]
ok = [u["url"] for u in urls if u["filename"].endswith(".whl") and "x86_64" in u["filename"]
      and ("cp311" in u["filename"] or "py3-none" in u["filename"])]
print(ok[0])')
    curl -fsSL -o "$CACHE/wheels/$(basename "$url")" "$url"
  fi
}
if [ ! -f "$CACHE/.unpacked" ]; then
  echo "gpu-build: fetching torch $TORCH_VERSION into $CACHE"
  fetch "torch==$TORCH_VERSION" || { echo "gpu-build: cannot fetch torch $TORCH_VERSION from PyPI"; exit 3; }
  whl=$(ls "$CACHE"/wheels/torch-"$TORCH_VERSION"-*.whl | head -1)
  # The runtime libraries libtorch_cuda.so needs that a CUDA toolkit does not ship, at the wheel's pins.
  mapfile -t extra < <(python3 - "$whl" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
for line in meta.splitlines():
    m = re.match(r"Requires-Dist: (nvidia-(?:cusparselt|nvshmem|nccl)-cu\d+)==([\w.]+)", line)
    if m:
        print(f"{m.group(1)}=={m.group(2)}")
PY
)
  for spec in "${extra[@]}" nvidia-cufile==1.20.0.107 nvidia-cuda-cupti==13.5.25; do
    fetch "$spec" || { echo "gpu-build: cannot fetch $spec from PyPI"; exit 3; }
  done
  rm -rf "$CACHE/root"
  mkdir -p "$CACHE/root"
  python3 - "$CACHE/wheels" "$CACHE/root" <<'PY'
import pathlib, sys, zipfile
wheels, root = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for w in sorted(wheels.glob("*.whl")):
    z = zipfile.ZipFile(w)
    for n in z.namelist():
        if n.startswith(("torch/lib/", "torch/include/", "torch/share/")) or (n.startswith("nvidia/") and "/lib/" in n):
            z.extract(n, root)
PY
  touch "$CACHE/.unpacked"
fi
t1=$(date +%s)
echo "gpu-build: LibTorch $TORCH_VERSION ready ($((t1 - t0)) s)"

# 2. Configure and build. The nvidia wheel libraries satisfy the links of libtorch_cuda.so.
NVLIBS=$(find "$CACHE/root/nvidia" -type d -name lib 2>/dev/null | tr '\n' ':')
export LD_LIBRARY_PATH="$CACHE/root/torch/lib:$NVLIBS$CUDA_HOME/lib64:$CUDA_HOME/extras/CUPTI/lib64:${LD_LIBRARY_PATH:-}"
RPATH_LINK=$(echo "$NVLIBS$CUDA_HOME/lib64" | sed 's/:$//')
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMELSTUDIO_GUI=OFF \
  -DMELSTUDIO_TESTS=$([ "$TESTS" = 1 ] && echo ON || echo OFF) \
  -DCMAKE_PREFIX_PATH="$CACHE/root/torch;$CACHE/root/torch/share/cmake" -DCMAKE_CUDA_COMPILER="$NVCC" \
  -DCUDAToolkit_ROOT="$CUDA_HOME" -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$RPATH_LINK" \
  > "$BUILD.configure.log" 2>&1 || { tail -40 "$BUILD.configure.log"; echo "gpu-build: configure failed"; exit 1; }
grep -E "LibTorch|CUDA allocator|Data-parallel" "$BUILD.configure.log" | sed 's/^-- /gpu-build: /'
set +e
cmake --build "$BUILD" -j "$JOBS" -- -k 0 > "$BUILD.log" 2>&1   # -k 0: every error in one pass
rc=$?
set -e
t2=$(date +%s)
ours=$(grep -E "^$ROOT/(core|trainer|tests|app|widgets)/[^:]+:[0-9]+:[0-9]+: warning" "$BUILD.log" | sort -u || true)
echo "gpu-build: build $([ $rc = 0 ] && echo ok || echo FAILED) in $((t2 - t1)) s; warnings in melstudio's files: $(printf '%s' "$ours" | grep -c . || true)"
[ -n "$ours" ] && printf '%s\n' "$ours"
if [ $rc != 0 ]; then grep -E "error|Error" "$BUILD.log" | head -40; exit 1; fi
[ -n "$ours" ] && exit 1

# 3. The engine's tests on CPU with this LibTorch (the GUI tests are not built here).
if [ "$TESTS" = 1 ]; then
  QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD" --output-on-failure -j 2 --timeout 600
  echo "gpu-build: tests in $(( $(date +%s) - t2 )) s"
fi
if [ "$BENCH" = 1 ]; then
  "$BUILD/trainer/melstudio-cli" info
  "$BUILD/trainer/melstudio-cli" bench --json > "$BUILD.bench.json" && echo "gpu-build: bench -> $BUILD.bench.json"
fi
echo "gpu-build: done in $(( $(date +%s) - t0 )) s"
