#!/usr/bin/env bash
# The neural scorer's honest figure on mini-MIAS dev (docs/neural-scoring.md): the shipped
# model learns from the dev NORM films (their candidates are its negatives, simulated clusters
# are inserted into them), so here each of FOLDS models is trained without one fold of the
# films (sorted folder index i % FOLDS == k) and evaluates exactly those, the CALC films
# included (no model ever trains on them). Prints the pooled FROC. Expects ./build.
# Usage: scripts/crossval-neural.sh [FOLDS] [SEED] [WORK_DIR] [EVAL ARGS...]
# The recipe is the shipped model's (scripts/neural-recipe.sh).
# PATCH_ARGS (environment): more `mammocad patches` flags, e.g. the candidate stage to train
# behind: PATCH_ARGS="--param second_look_threshold_sigma=3 --param second_look_seed_score=0
# --param second_look_seed_sigma=6" (docs/neural-scoring.md).
set -euo pipefail
cd "$(dirname "$0")/.."
folds=${1:-2} seed=${2:-1} work=${3:-build/crossval-neural}
mias=../shared/data/mini-mias-dev
source scripts/neural-recipe.sh
models=()
for ((k = 0; k < folds; ++k)); do
  ./build/src/mammocad patches --seed "$seed" "${NEURAL_PATCH_FLAGS[@]}" --normals "$mias" \
      --fold "$k" --folds "$folds" --out "$work/patches-$k" ${PATCH_ARGS:-} 2>/dev/null
  /usr/bin/python3 training/train_neural.py --patches "$work/patches-$k" \
      --out "$work/fold-$k.yml" --seed "$seed"
  ./build/src/mammocad calibrate-clusters --model "$work/fold-$k.yml" 2>/dev/null
  ./build/src/mammocad calibrate-clusters --model "$work/fold-$k.yml" \
      "${NEURAL_CLUSTER_FLAGS[@]}" --normals "$mias" --fold "$k" --folds "$folds" 2>/dev/null
  models+=("$work/fold-$k.yml")
done
IFS=, list="${models[*]}"
./build/src/mammocad eval --images "$mias" --truth "$mias/annotations.txt" --scorer neural \
    --fold-models "$list" --out "$work/eval" "${@:4}"
