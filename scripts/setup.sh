#!/usr/bin/env bash
# Installs the Debian 12 packages cgym needs, only if any is missing.
# Idempotent: when everything is present it returns in well under a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  llvm-19-dev clang-19 llvm-19-tools libclang-rt-19-dev lld-19 libmlir-19-dev mlir-19-tools
  libboost-dev libboost-filesystem-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libsqlite3-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  csmith libcsmith-dev libxxhash-dev
  libreadline-dev zlib1g-dev libzstd-dev libopenblas-dev
  clang-format doxygen gnuplot-nox
  libtorch-dev
  python3-dev pybind11-dev python3-numpy python3-pytest python3-networkx python3-torch
  libcurl4-openssl-dev libarchive-dev curl clang-14
  libopenmpi-dev openmpi-bin
  libjemalloc2 libmimalloc2.0 libtcmalloc-minimal4
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "cgym setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
