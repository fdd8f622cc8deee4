#!/usr/bin/env bash
# Sets up (installs missing Debian packages), builds, and runs the whole test
# suite with ctest. Slow tests (label "slow") run too; stress tests (label
# "stress") run with the bounded counts set by CGYM_STRESS_* variables.
# Then scripts/sanitize.sh builds the sanitizer preset (clang-19, ASan +
# UBSan) in build-sanitize, runs the core, gcc and LLVM tests under it, and
# runs every libFuzzer target for a bounded count. CGYM_SANITIZE=0 skips that
# second part.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j "$JOBS"
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$JOBS" --timeout 900)
if [[ "${CGYM_SANITIZE:-1}" != 0 ]]; then
  JOBS=$JOBS bash scripts/sanitize.sh
fi
