#!/usr/bin/env bash
# Trains the shipped neural candidate scorer from scratch (docs/neural-scoring.md): writes the
# training patches with `mammocad patches`, trains, calibrates and exports the network with
# PyTorch (python3-torch), fits the cluster calibration and the cluster model, and measures the
# operating points. Expects ./build from scripts/build.sh and the mini-MIAS dev films in
# ../shared/data (their NORM films are backgrounds for simulated clusters).
# Usage: scripts/train-neural.sh [OUT.yml] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-models/calc-nn-v4.yml} seed=${2:-1}
mias=../shared/data/mini-mias-dev
patches=build/patches-seed$seed
source scripts/neural-recipe.sh
./build/src/mammocad patches --seed "$seed" "${NEURAL_PATCH_FLAGS[@]}" --normals "$mias" \
    --out "$patches"
/usr/bin/python3 training/train_neural.py --patches "$patches" --out "$out" --seed "$seed"
./build/src/mammocad calibrate-clusters --model "$out"
./build/src/mammocad calibrate-clusters --model "$out" "${NEURAL_CLUSTER_FLAGS[@]}" \
    --normals "$mias"
# The operating points are measured on the dev split with the finished model; paste the YAML
# node this prints at the end of the manifest (the data test ShippedOperatingPoints checks it).
./build/src/mammocad eval --images "$mias" --truth "$mias/annotations.txt" --scorer neural \
    --model "$out" --operating-points --out build/eval-"$(basename "$out" .yml)"
