#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan) into ./build-fuzz, writes the
# seed corpus with the project's fixture writers and runs each target for SECONDS (default 60).
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 3600 fuzz_dicom_reader
# The corpus grows in build-fuzz/corpus/<target> and is kept between runs; a crash leaves its
# input in build-fuzz/crashes/ and makes the script fail (docs/fuzzing.md: what to do then).
# MAMMOCAD_FUZZ_DIR=build-fuzz-long puts all of it in another directory.
# ctest runs `scripts/fuzz.sh 45` as the test fuzz_smoke (label fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_format_peeks fuzz_decode_image fuzz_dicom_reader fuzz_multipart)
out="${MAMMOCAD_FUZZ_DIR:-build-fuzz}"  # another directory for a second run beside CI's
# MAMMOCAD_FUZZ_SEED=N fixes libFuzzer's seed: from a fresh corpus the run then tries the same
# inputs in the same order every time, so CI's smoke (seed 1) cannot turn red by chance on
# unchanged code; long runs leave it unset (a new seed each run finds more).
seed_flag=()
[ -n "${MAMMOCAD_FUZZ_SEED:-}" ] && seed_flag=(-seed="$MAMMOCAD_FUZZ_SEED")

CXX=clang++ CC=clang cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAMMOCAD_FUZZ=ON \
  -DMAMMOCAD_BUILD_TESTS=OFF -DMAMMOCAD_BUILD_BENCH=OFF >/dev/null
cmake --build "$out" -j"$(nproc)" --target "${targets[@]}" mammocad_fuzz_seeds >/dev/null
"$out/fuzz/mammocad_fuzz_seeds" "$out/seeds"
/usr/bin/python3 fuzz/multipart_seeds.py "$out/seeds/multipart"
mkdir -p "$out/crashes"

status=0
for target in "${targets[@]}"; do
  case "$target" in
    fuzz_dicom_reader) seeds=("$out/seeds/dicom") ;;
    fuzz_multipart) seeds=("$out/seeds/multipart") ;;
    *) seeds=("$out/seeds/images" "$out/seeds/dicom") ;;
  esac
  mkdir -p "$out/corpus/$target"
  log="$out/$target.log"
  echo "== $target: ${seconds}s"
  # detect_leaks=0: DCMTK keeps its dictionary and codec registry until exit.
  if ! ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$out/fuzz/$target" "${seed_flag[@]}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
      -max_len=300000 -print_final_stats=1 -artifact_prefix="$out/crashes/$target-" \
      "$out/corpus/$target" "${seeds[@]}" >"$log" 2>&1; then
    echo "$target FAILED; its log: $log"
    tail -n 60 "$log"
    status=1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$log" | sed "s/^/   /" || true
done
exit $status
