#!/usr/bin/env bash
# `mammocad batch` throughput against the detector's own on the same image (issue 18: within
# 10 % on 2 cores). Makes N copies of one image in a folder, times the detector alone
# (detector_bench BM_RequestThroughput: decode + detect, one image per core, the server's
# ceiling) and `mammocad batch` over the folder with --jobs 1, 2 and 3, alternating the two so
# that load on a shared machine hits both alike, and prints images/s and batch ÷ detector.
# The hand-made scorer in both (the detector's default; batch serves the neural one unless
# told). Bounded: N images per batch run. Usage:
#   bench/batch_throughput.sh [--images N] [--image FILE] [--rounds R] [--build-dir D]
# Without --image it makes a 3328x4096 synthetic JPEG (bench/make_images.py).
set -euo pipefail
cd "$(dirname "$0")/.."
count=40 image="" rounds=2 build_dir=build
while [ $# -gt 0 ]; do
  case "$1" in
    --images) count=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$image" ]; then
  /usr/bin/python3 bench/make_images.py "$work/made" >/dev/null
  image="$work/made/synthetic_3328x4096.jpg"
fi
mkdir -p "$work/in"
extension="${image##*.}"
for i in $(seq -w 1 "$count"); do cp "$image" "$work/in/image$i.$extension"; done

detector_rate() {
  MAMMOCAD_BENCH_IMAGE="$image" "$build_dir/bench/detector_bench" \
    --benchmark_filter='BM_RequestThroughput/3328/4096/0/' --benchmark_min_time=5 \
    --benchmark_format=json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["benchmarks"][0]["items_per_second"])'
}
batch_rate() {  # jobs
  rm -rf "$work/out"
  "$build_dir/src/mammocad" batch "$work/in" --out "$work/out" --jobs "$1" --scorer handmade \
    2>&1 | sed -n 's/.*, \([0-9.]*\) images\/s$/\1/p' | tail -1
}
echo "image: $image ($count copies), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-8s %-22s %-16s %s\n' round jobs "detector alone (/s)" "batch (/s)" "batch / detector"
for round in $(seq "$rounds"); do
  for jobs in 1 2 3; do
    detector=$(detector_rate)
    batch=$(batch_rate "$jobs")
    ratio=$(/usr/bin/python3 -c "print('%.3f' % ($batch / $detector))")
    printf '%-6s %-8s %-22s %-16s %s\n' "$round" "$jobs" "$detector" "$batch" "$ratio"
  done
done
