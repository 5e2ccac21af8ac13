#!/usr/bin/env bash
# End-to-end load benchmark against the real server: N concurrent clients (wrk, one connection
# each) POST the same image to /detection/BreastCalcify for T seconds. Prints throughput,
# p50/p95/p99 latency, errors and the server's peak resident memory. Bounded in time; loopback
# only. Exits non-zero if any request failed (or none was served). Usage:
#   bench/load_test.sh [--clients N] [--seconds T] [--image FILE] [--threads K] [--build-dir D]
#                      [--max-queue Q] [--allow-503]
# --allow-503: a 503 (the admission queue full: load shed) counts as shed, not as an error;
# the share of 503s is printed either way.
# Without --image it makes a 3328x4096 synthetic JPEG (bench/make_images.py).
set -euo pipefail
cd "$(dirname "$0")/.."
clients=8 seconds=60 image="" threads=0 build_dir=build max_queue=32 allow_503=""
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --max-queue) max_queue=$2; shift 2 ;;
    --allow-503) allow_503=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "$image" ]; then
  /usr/bin/python3 bench/make_images.py "$work" >/dev/null
  image="$work/synthetic_3328x4096.jpg"
fi
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build_dir/src/mammocad" serve --host 127.0.0.1 --port "$port" --threads "$threads" \
  --max-queue "$max_queue" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
peak_kb=0
sample_memory() {
  while kill -0 "$server" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
    echo "$rss" >>"$work/rss"
    sleep 0.5
  done
}
sample_memory &
sampler=$!
MAMMOCAD_LOAD_IMAGE="$image" MAMMOCAD_LOAD_ALLOW_503=$allow_503 wrk -t "$(( clients < 2 ? 1 : 2 ))" -c "$clients" -d "${seconds}s" \
  --timeout 30s -s bench/load/breast_calcify.lua "http://127.0.0.1:$port" >"$work/wrk.out"
kill "$sampler" 2>/dev/null || true
peak_kb=$(sort -n "$work/rss" | tail -1)
first_kb=$(head -3 "$work/rss" | tail -1)
last_kb=$(tail -1 "$work/rss")
echo "image=$(basename "$image") clients=$clients seconds=$seconds threads=$threads"
grep -E '^[a-z0-9_]+=' "$work/wrk.out"
echo "server_peak_rss_mb=$(( peak_kb / 1024 ))"
echo "server_rss_start_mb=$(( first_kb / 1024 )) server_rss_end_mb=$(( last_kb / 1024 ))"
requests=$(awk -F= '/^requests=/ {print $2}' "$work/wrk.out")
errors=$(awk -F= '/^errors=/ {print $2}' "$work/wrk.out")
if [ "${errors:-1}" != 0 ] || [ "${requests:-0}" = 0 ]; then
  echo "FAILED: $errors errors in $requests requests" >&2
  exit 1
fi
