#!/usr/bin/env bash
# gpu_check.sh: the loop-nest backend on a GPU machine, in under 5 minutes.
#
#   1. checks the tools (cmake, a C++ compiler, nvcc, a GPU) and every library
#      the core needs, and says clearly what is missing;
#   2. configures and builds cgym with -DCGYM_WITH_LLVM=OFF -DCGYM_WITH_GCC=OFF
#      (a GPU machine has nvcc and CMake but no LLVM), only the targets needed;
#   3. runs the loop-nest tests that use nvcc and the GPU (they skip, saying
#      why, when no device is usable);
#   4. runs loopnest_bench --backend cuda (random and greedy search on matmul
#      against cuBLAS, pointwise and transpose against device bandwidth).
#
# Usage: bench/gpu_check.sh [--build-dir DIR] [--jobs N] [--skip-bench]
#                           [--bench-args "ARGS"] [--deps-only]
# Environment: CUDA_HOME (where nvcc is; default /usr/local/cuda).
# Exit status: 0 all passed; 1 a test or the bench failed; 2 a missing tool or
# library (nothing was built); 3 the build failed.
# Results: printed, and written to <build-dir>/gpu_check/ (test logs,
# loopnest_gpu.json) for docs/performance.md.
set -uo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$SRC/build-gpu-check"
JOBS="$(nproc 2>/dev/null || echo 4)"
SKIP_BENCH=0
DEPS_ONLY=0
# The bench gets about two of the five minutes.
BENCH_ARGS="--random-seconds 25 --greedy-seconds 35 --long-seconds 0 --bandwidth-seconds 10"
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --skip-bench) SKIP_BENCH=1; shift ;;
    --bench-args) BENCH_ARGS="$2"; shift 2 ;;
    --deps-only) DEPS_ONLY=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "gpu_check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
OUT="$BUILD/gpu_check"
START=$(date +%s)
section() { printf '\n=== %s  [%ds]\n' "$*" $(( $(date +%s) - START )); }

# ---- 1. tools and libraries ---------------------------------------------------
section "tools"
MISSING=()
NVCC=""
for c in "${CUDA_HOME:-}/bin/nvcc" "$(command -v nvcc 2>/dev/null)" /usr/local/cuda/bin/nvcc; do
  if [ -n "$c" ] && [ -x "$c" ]; then NVCC="$c"; break; fi
done
if [ -n "$NVCC" ]; then
  echo "nvcc:   $NVCC ($("$NVCC" --version | grep -o 'release [0-9.]*'))"
  export CUDA_HOME="${CUDA_HOME:-$(dirname "$(dirname "$NVCC")")}"
  export PATH="$(dirname "$NVCC"):$PATH"
else
  MISSING+=("nvcc (the CUDA toolkit; set CUDA_HOME)")
fi
CMAKE="$(command -v cmake || true)"
[ -n "$CMAKE" ] && echo "cmake:  $CMAKE ($(cmake --version | head -1))" || MISSING+=("cmake (>= 3.22)")
CXX="${CXX:-$(command -v g++ || command -v c++ || command -v clang++ || true)}"
[ -n "$CXX" ] && echo "c++:    $CXX ($("$CXX" --version | head -1))" || MISSING+=("a C++20 compiler (g++ >= 12)")
GEN="Unix Makefiles"
command -v ninja >/dev/null && GEN="Ninja"
echo "cmake generator: $GEN"
command -v pkg-config >/dev/null || MISSING+=("pkg-config (CMake finds libxxhash and libzstd with it)")
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/gpu:    /'
else
  echo "gpu:    nvidia-smi not found (the GPU tests will say whether a device is usable)"
fi

section "libraries the core needs (checked with the compiler: header, then link)"
# name | Debian package | header | libraries to link ('' = header-only)
DEPS=(
  "nlohmann-json|nlohmann-json3-dev|nlohmann/json.hpp|"
  "spdlog|libspdlog-dev|spdlog/spdlog.h|spdlog fmt"
  "fmt|libfmt-dev|fmt/format.h|fmt"
  "Boost.Filesystem + Boost.Process|libboost-dev libboost-filesystem-dev|boost/process.hpp|boost_filesystem"
  "CLI11|libcli11-dev|CLI/CLI.hpp|"
  "SQLite3|libsqlite3-dev|sqlite3.h|sqlite3"
  "xxHash|libxxhash-dev|xxhash.h|xxhash"
  "zstd|libzstd-dev|zstd.h|zstd"
  "GoogleTest|libgtest-dev|gtest/gtest.h|gtest"
  "GoogleMock|libgmock-dev|gmock/gmock.h|gmock"
  "Google Benchmark (optional: other benches)|libbenchmark-dev|benchmark/benchmark.h|benchmark"
)
if [ -n "$CXX" ]; then
  TMP="$(mktemp -d)"
  trap 'rm -rf "$TMP"' EXIT
  for d in "${DEPS[@]}"; do
    IFS='|' read -r name pkg header lib <<<"$d"
    status="ok"
    if ! printf '#include <%s>\nint main() { return 0; }\n' "$header" >"$TMP/t.cc" ||
       ! "$CXX" -std=c++20 -fsyntax-only "$TMP/t.cc" 2>"$TMP/err"; then
      status="MISSING header <$header>"
    else
      libs=()
      for l in $lib; do libs+=("-l$l"); done
      if [ ${#libs[@]} -gt 0 ] && ! "$CXX" "$TMP/t.cc" -o "$TMP/t" "${libs[@]}" -pthread 2>"$TMP/err"; then
        status="MISSING library ${libs[*]}"
      fi
    fi
    printf '  %-45s %s\n' "$name" "$status"
    if [ "$status" != "ok" ] && [[ "$name" != *optional* ]]; then
      MISSING+=("$name (Debian: $pkg): $status")
    fi
  done
  # The bench compares against cuBLAS, which comes with the toolkit.
  if [ -n "$NVCC" ] && ! ls "$CUDA_HOME"/lib64/libcublas.so* >/dev/null 2>&1 &&
     ! ls "$CUDA_HOME"/lib/libcublas.so* >/dev/null 2>&1; then
    echo "  cuBLAS                                        MISSING (the bench has no vendor baseline)"
  fi
fi
if [ ${#MISSING[@]} -gt 0 ]; then
  echo
  echo "MISSING — cgym cannot be built here until these are installed:"
  for m in "${MISSING[@]}"; do echo "  - $m"; done
  echo "(nothing can be installed on the GPU machine: build a prefix with these libraries"
  echo " elsewhere and pass -DCMAKE_PREFIX_PATH, or report this to the maintainers)"
  exit 2
fi
[ "$DEPS_ONLY" = 1 ] && { echo "all tools and libraries present"; exit 0; }

# ---- 2. configure and build -------------------------------------------------------
section "configure ($BUILD)"
mkdir -p "$OUT"
if ! cmake -S "$SRC" -B "$BUILD" -G "$GEN" -DCMAKE_BUILD_TYPE=Release \
     -DCGYM_WITH_LLVM=OFF -DCGYM_WITH_GCC=OFF -DCGYM_WITH_CUDA=ON \
     -DCGYM_BUILD_EXAMPLES=OFF -DCMAKE_CXX_COMPILER="$CXX" >"$OUT/configure.log" 2>&1; then
  tail -30 "$OUT/configure.log"
  echo "configure FAILED (full log: $OUT/configure.log)"
  exit 3
fi
grep -E "cgym: |loopnest_bench" "$OUT/configure.log"

section "build (-j$JOBS)"
TARGETS=(cuda_ir_tests cuda_nvcc_tests cuda_gpu_tests loopnest_bench)
if ! cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}" >"$OUT/build.log" 2>&1; then
  grep -E "error|Error" "$OUT/build.log" | head -30
  echo "build FAILED (full log: $OUT/build.log)"
  exit 3
fi
echo "built: ${TARGETS[*]}"

# ---- 3. tests -----------------------------------------------------------------------
export CGYM_CACHE="$BUILD/gpu-check-cache"
FAILED=()
run_test() {
  local exe="$BUILD/tests/cuda/$1"
  section "test $1"
  timeout 240 "$exe" --gtest_color=no >"$OUT/$1.log" 2>&1
  local rc=$?
  grep -E '^\[ +(PASSED|FAILED|SKIPPED) +\]|^\[==========\]' "$OUT/$1.log" | head -40
  # Why tests skipped (the first reason is enough: they share it).
  grep -m1 -A1 ": Skipped$" "$OUT/$1.log"
  [ $rc -eq 0 ] || { FAILED+=("$1 (exit $rc, log $OUT/$1.log)"); tail -40 "$OUT/$1.log"; }
}
run_test cuda_ir_tests
run_test cuda_nvcc_tests
run_test cuda_gpu_tests
# On a GPU machine a skipped GPU test means the device is not usable.
if grep -q "^\[  SKIPPED \]" "$OUT/cuda_gpu_tests.log"; then
  FAILED+=("cuda_gpu_tests skipped: $(grep -m1 -A1 ': Skipped$' "$OUT/cuda_gpu_tests.log" | tail -1)")
fi

# ---- 4. bench -----------------------------------------------------------------------
if [ "$SKIP_BENCH" = 0 ]; then
  section "loopnest_bench --backend cuda $BENCH_ARGS"
  # shellcheck disable=SC2086
  timeout 200 "$BUILD/bench/cuda/loopnest_bench" --backend cuda $BENCH_ARGS \
    --json "$OUT/loopnest_gpu.json" 2>&1 | tee "$OUT/bench.log"
  rc=${PIPESTATUS[0]}
  [ "$rc" -eq 0 ] || FAILED+=("loopnest_bench (exit $rc, log $OUT/bench.log)")
fi

section "summary"
echo "results in $OUT"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "FAILED:"
  for f in "${FAILED[@]}"; do echo "  - $f"; done
  exit 1
fi
echo "all passed in $(( $(date +%s) - START )) s"
