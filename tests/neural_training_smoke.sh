#!/usr/bin/env bash
# Smoke test of the neural scorer's training path, end to end and small: patches from a few
# synthetic images, one epoch of PyTorch training, ONNX export, and the C++ detector running
# the exported model (it has no operating points: `all`), with a cluster model fitted on it;
# an ensemble of two networks, so that the ensemble's one ONNX graph is what OpenCV's dnn
# loads. (The full training is scripts/train-neural.sh.)
# Usage: tests/neural_training_smoke.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Behind the second look (seeds by contrast), so that its path through training, the model's
# fitted settings and the detector is run too; with the shipped recipe's scale augmentation.
"$build/src/mammocad" patches --images 12 --max-side 768 --out "$work/patches" \
    --param second_look_threshold_sigma=3 --param second_look_seed_score=0 \
    --param second_look_seed_sigma=6 --spacing-jitter 0.25 >/dev/null
/usr/bin/python3 "$source/training/train_neural.py" --patches "$work/patches" \
    --out "$work/model/smoke.yml" --epochs 1 --threads 1 --ensemble 2 >"$work/train.log"
grep -q 'network_sha256: "' "$work/model/smoke.yml"
grep -q 'ensemble_members: 2' "$work/model/smoke.yml" ||
  { echo "the model does not record its two ensemble members" >&2; exit 1; }
grep -q 'off its true spacing' "$work/model/smoke.yml" ||
  { echo "the model's description does not say it was trained with scale augmentation" >&2; exit 1; }
grep -q 'second_look_threshold_sigma: 3' "$work/model/smoke.yml" ||
  { echo "the model does not record the candidate stage it was trained behind" >&2; exit 1; }
# The cluster model fitted twice over: the second (the shipped recipe's features only)
# replaces the first, leaves the other features at weight 0, and the model loads.
"$build/src/mammocad" calibrate-clusters --model "$work/model/smoke.yml" --features \
    --images 8 >"$work/calibrate.log"
"$build/src/mammocad" calibrate-clusters --model "$work/model/smoke.yml" --features \
    --use member_logit,log_image_candidates_per_cm2 --images 8 >"$work/calibrate.log"
grep -q 'cluster model written' "$work/calibrate.log"
[ "$(grep -c '^cluster_model:' "$work/model/smoke.yml")" = 1 ] ||
  { echo "cluster_model not replaced:" >&2; cat "$work/model/smoke.yml" >&2; exit 1; }
grep -Eq '^  weights: \[[^,]+, 0, 0, 0, 0, 0, 0, [^,]+\]$' "$work/model/smoke.yml" ||
  { echo "--use did not leave the other features at weight 0:" >&2;
    grep -A5 '^cluster_model:' "$work/model/smoke.yml" >&2; exit 1; }
{ printf 'P5\n512 512\n255\n'; head -c 262144 /dev/urandom; } >"$work/noise.pgm"
reply=$("$build/src/mammocad" detect --scorer neural --model "$work/model/smoke.yml" \
        --operating-point all --pixel-spacing 0.1 "$work/noise.pgm")
case "$reply" in
  *'"state":0'*) echo "neural training smoke: ok" ;;
  *) echo "the exported model did not run: $reply" >&2; exit 1 ;;
esac
