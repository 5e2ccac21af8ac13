#!/usr/bin/env bash
# Installs everything mammocad needs to build, test and benchmark, from Debian 12's packages only.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (it calls apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config ca-certificates curl clang libclang-rt-14-dev \
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-ml-dev libopencv-dnn-dev \
  libdcmtk-dev libopenjp2-7-dev libcharls-dev libjpeg-dev \
  libmicrohttpd-dev libgnutls28-dev libssl-dev zlib1g-dev libbrotli-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libopenjp2-tools \
  python3 python3-requests python3-pil python3-numpy python3-pydicom python3-yaml wrk openssl \
  nginx-light chromium \
  dcmtk dicom3tools orthanc \
  python3-torch \
  >/dev/null
# dcmtk (the command-line tools): dsrdump, echoscu, storescu, storescp in the SR and DICOM node
# tests; dicom3tools: dciodvfy validates the Mammography CAD SR (tests/blackbox/test_sr.py); orthanc:
# the PACS beside `mammocad dicom-serve` in tests/blackbox/test_orthanc.py, which runs its own
# instance on loopback ports. On a host the package also starts a system Orthanc (port 4242 and
# 8042): `systemctl disable --now orthanc` if this machine only builds and tests.
# nginx-light: deploy/nginx/mammocad.conf and its test (tests/blackbox/test_nginx.py, which
# runs its own nginx in a temporary directory). In a container without an init system the
# package's service is not started; on a host it is, with Debian's default site on port 80:
# `systemctl disable --now nginx` if this machine only builds and tests.
# The browser test (tests/browser/): Debian's chromium above, node and npm for playwright-core.
# Only when npm is missing: a nodesource nodejs bundles npm, and Debian's npm conflicts with it.
if ! command -v npm >/dev/null; then
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
