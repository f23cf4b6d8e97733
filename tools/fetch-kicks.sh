#!/usr/bin/env bash
# fetch-kicks.sh [OUT_DIR]
#
# Builds a small demo kick corpus from Debian's own drum-kit packages, ready for
#   melstudio-cli aggregate OUT_DIR DATASET_DIR && melstudio-cli preprocess DATASET_DIR
#
# The packages are downloaded with `apt-get download` into a cache and unpacked
# with `dpkg -x`; nothing is installed and no root is needed. Each package's
# Debian copyright file is copied to OUT_DIR/LICENSES/<package>.copyright:
# read it before you redistribute anything trained on these samples.
#
# Kick samples are recognised by their file name (kick, bass drum, bassdrum, BD_...),
# and every copy is named kick_<package>_<path>.<ext> so that aggregate's "kick"
# filter keeps it. Formats are left as they are (WAV, FLAC, Ogg Vorbis).
# SoundFont-embedded kicks are not extracted.
#
# Needs: bash, apt-get (Debian 12 "bookworm" main in the sources list and a
# recent `apt-get update`), dpkg. Environment: CACHE_DIR (default
# ~/.cache/melstudio/debs).
set -euo pipefail

OUT="${1:-$HOME/melstudio-data/kicks}"
CACHE="${CACHE_DIR:-$HOME/.cache/melstudio/debs}"
PACKAGES=(hydrogen-drumkits hydrogen-data sonic-pi-samples lmms-common chuck-data exadrums)

die() { echo "fetch-kicks: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "apt-get not found (this script is for Debian and its derivatives)"
command -v dpkg >/dev/null || die "dpkg not found"

mkdir -p "$OUT/LICENSES" "$CACHE/debs" "$CACHE/root"

echo "== downloading ${#PACKAGES[@]} packages into $CACHE/debs"
got=()
for pkg in "${PACKAGES[@]}"; do
  if ! ls "$CACHE/debs/${pkg}_"*.deb >/dev/null 2>&1; then
    if ! (cd "$CACHE/debs" && apt-get download "$pkg" >/dev/null 2>&1); then
      echo "   $pkg: not available from apt (skipped; run 'sudo apt-get update'?)" >&2
      continue
    fi
  fi
  got+=("$pkg")
done
[ "${#got[@]}" -gt 0 ] || die "no package could be downloaded"

total=0
for pkg in "${got[@]}"; do
  deb="$(ls "$CACHE/debs/${pkg}_"*.deb | head -n 1)"
  root="$CACHE/root/$pkg"
  [ -d "$root" ] || { mkdir -p "$root" && dpkg -x "$deb" "$root"; }
  copyright="$(ls "$root"/usr/share/doc/*/copyright 2>/dev/null | head -n 1 || true)"
  [ -n "$copyright" ] && cp "$copyright" "$OUT/LICENSES/$pkg.copyright"
  n=0
  while IFS= read -r -d '' f; do
    rel="${f#"$root"/usr/share/}"
    flat="$(printf '%s' "$rel" | tr '/ ' '__')"
    name="kick_${pkg}_${flat}"
    cp -n "$f" "$OUT/$name"
    n=$((n + 1))
  done < <(find "$root/usr/share" -type f \
             \( -iname '*.wav' -o -iname '*.flac' -o -iname '*.ogg' -o -iname '*.aif' -o -iname '*.aiff' \) \
             \( -iname '*kick*' -o -iname '*bass*drum*' -o -iname '*bassdrum*' -o -iname 'bd_*' -o -iname 'bd-*' \
                -o -iname 'bd[0-9]*' -o -iname '*_bd_*' -o -iname '*_bd.*' \) -print0)
  echo "   $pkg: $n kick samples"
  total=$((total + n))
done

echo "== $total kick samples in $OUT (licenses in $OUT/LICENSES)"
echo "next: melstudio-cli aggregate \"$OUT\" ~/melstudio-data/kickset && melstudio-cli preprocess ~/melstudio-data/kickset"
