#!/usr/bin/env bash
# Runs every test: unit tests (GoogleTest), the AddressSanitizer DICOM tests, the black-box
# HTTP/CLI tests against the real binary, and the data tests on ../shared (skipped when absent).
# Expects ./build from scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/../build"
ctest --output-on-failure -j"$(nproc)" "$@"
