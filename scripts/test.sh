#!/usr/bin/env bash
# Sets up (installs missing Debian packages), builds, and runs the whole test
# suite with ctest. Slow tests (label "slow") run too; stress tests (label
# "stress") run with the bounded counts set by CGYM_STRESS_* variables.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j "$JOBS"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$JOBS" --timeout 900
