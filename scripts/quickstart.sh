#!/usr/bin/env bash
# Sets up (installs missing Debian packages), builds, and runs the main demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j "$(nproc)"
"$BUILD_DIR/bin/cgym" envs
# The main demo: a random search over LLVM pass orderings on a bundled
# program, printed relative to -Oz; without the LLVM backend, the custom
# backend example (a whole compiler env in one file).
if [ -x "$BUILD_DIR/bin/random_search" ]; then
  "$BUILD_DIR/bin/random_search" --benchmark benchmark://cgym-v0/qsort --seconds 10
else
  "$BUILD_DIR/bin/custom_backend"
fi
