#!/usr/bin/env bash
# The served-default rule of issue 15, measured: for each scorer, cluster sensitivity at 0.25 /
# 0.5 / 1 / 2 false clusters per image on mini-MIAS dev (as 200 um PGM; as JPEG quality 75;
# sent at 0.8x and 1.25x the true spacing), on realistic synthetic sets at 70 and 100 um
# (16-bit and 8-bit, with benign calcifications and artefacts), and the false clusters per
# image on benign-only synthetic images. Expects ./build. Prints one row per (scorer, set).
# Usage: scripts/compare-scorers.sh [SCORER[=MODEL] ...]   (default: handmade learned neural)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./build/src/mammocad
mias=../shared/data/mini-mias-dev
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The dev films as a client saving them as JPEG quality 75 would send them.
/usr/bin/python3 - "$mias" "$work/jpeg75" <<'PY'
import os, sys
from PIL import Image
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
for name in sorted(os.listdir(src)):
    if name.endswith('.pgm'):
        Image.open(os.path.join(src, name)).save(os.path.join(dst, name[:-4] + '.jpg'), quality=75)
PY
row() {  # label, then eval arguments
  local label=$1; shift
  local line
  line=$("$bin" eval "$@" --out "$work/out" 2>/dev/null | grep -E '^cluster' | head -1)
  printf '%-28s %-22s %s\n' "$scorer_label" "$label" "${line#cluster}"
}
printf '%-28s %-22s %7s %7s  %6s  %6s  %6s  %6s   %s\n' scorer set lesions images @0.25 @0.5 @1 @2 \
  "all findings"
for spec in "${@:-handmade learned neural}"; do
  for one in $spec; do
    scorer=${one%%=*} model=""
    [ "$one" != "$scorer" ] && model=${one#*=}
    scorer_label=$one
    args=(--scorer "$scorer")
    [ -n "$model" ] && args+=(--model "$model")
    row "dev 200um" --images "$mias" --truth "$mias/annotations.txt" "${args[@]}"
    row "dev JPEG q75" --images "$work/jpeg75" --truth "$mias/annotations.txt" "${args[@]}"
    row "dev at 0.8x spacing" --images "$mias" --truth "$mias/annotations.txt" --pixel-spacing 0.16 "${args[@]}"
    row "dev at 1.25x spacing" --images "$mias" --truth "$mias/annotations.txt" --pixel-spacing 0.25 "${args[@]}"
    for spacing in 0.07 0.1; do
      for bits in 16 8; do
        row "synth ${spacing}mm ${bits}bit+benign" --synthetic 20 --seed 2 --spacing "$spacing" \
            --size 2048 --bits "$bits" --realistic --benign "${args[@]}"
      done
    done
    # Benign-only images: every cluster found is false; how many score at least 0.5 and 0.9.
    "$bin" eval --synthetic 20 --seed 3 --spacing 0.07 --size 2048 --realistic --benign-only \
        "${args[@]}" --out "$work/benign" >/dev/null 2>&1
    awk -F, -v label="$scorer_label" 'NR > 1 { n++; if ($2 >= 0.5) h++; if ($2 >= 0.9) v++ }
      END { printf "%-28s %-22s false clusters/image: all %.2f, >= 0.5: %.2f, >= 0.9: %.2f\n",
            label, "benign-only 0.07mm", n / 20, h / 20, v / 20 }' "$work/benign/findings.csv"
  done
done
