#!/usr/bin/env bash
# ctest browser_viewer: the web viewer in Debian's chromium, driven by playwright-core
# (pinned in package-lock.json, installed here by `npm ci` into tests/browser/node_modules,
# which git ignores; never a browser download). Usage: run.sh <build dir>.
# Screenshots and the test's files go to <build dir>/browser-test/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "$1" && pwd)"
for tool in node npm /usr/bin/chromium /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "browser_viewer: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
cd "$here"
# From the npm cache when it has the package: the registry is asked only the first time.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline --loglevel=error
out="$build/browser-test"
rm -rf "$out" && mkdir -p "$out"
BROWSER_TEST_OUT="$out" MAMMOCAD_BIN="${MAMMOCAD_BIN:-$build/src/mammocad}" \
  node --test-reporter=spec viewer_test.mjs
