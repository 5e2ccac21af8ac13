#!/usr/bin/env bash
# `cmake --install` into a temporary prefix gives a binary that finds its learned model next
# to itself (not in the source or build tree) and serves the shipped deploy files.
# Usage: tests/install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
image="$prefix/noise.pgm"  # any image will do: a 256 x 256 PGM of noise
{ printf 'P5\n256 256\n255\n'; head -c 65536 /dev/urandom; } >"$image"
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/mammocad"
test -f "$prefix/share/mammocad/models/calc-v3.yml"
test -f "$prefix/share/mammocad/deploy/mammocad.conf"
test -f "$prefix/share/mammocad/deploy/nginx/mammocad.conf"
test -f "$prefix/share/mammocad/deploy/k8s/deployment.yaml"
test -f "$prefix/lib/systemd/system/mammocad.service"
# Run from elsewhere, with the build tree out of reach of the default path.
cd /
reply=$("$prefix/bin/mammocad" detect --scorer learned --pixel-spacing 0.2 "$image")
case "$reply" in
  *'"state":0'*) ;;
  *) echo "installed binary failed: $reply" >&2; exit 1 ;;
esac
# And it names the file it looked for when the model is gone.
rm "$prefix/share/mammocad/models/calc-v3.yml"
if out=$("$prefix/bin/mammocad" detect --scorer learned "$image" 2>&1); then
  echo "expected a failure without the model: $out" >&2; exit 1
fi
case "$out" in
  *"$prefix/share/mammocad/models/calc-v3.yml"*) ;;
  *) echo "the error does not name the model path: $out" >&2; exit 1 ;;
esac
echo "install test: ok ($prefix)"
