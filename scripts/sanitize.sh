#!/usr/bin/env bash
# Builds the `asan` preset of CMakePresets.json (AddressSanitizer +
# UndefinedBehaviorSanitizer, build-asan/) and runs the core test binaries
# under it with leak detection. Any sanitizer report fails the run.
#
#   scripts/sanitize.sh              core, datasets, wrappers, cli, bad inputs
#   PRESET=asan-gcc SANITIZE_GCC=1 scripts/sanitize.sh   ... and the gcc backend's tests
#   PRESET=asan-llvm SANITIZE_GCC=1 SANITIZE_LLVM=1 scripts/sanitize.sh   ... and the LLVM tests
#
# Variables: PRESET (asan), JOBS (nproc), NICE (niceness of build and tests,
# 0), GTEST_FILTER (passed to every binary).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-asan}
JOBS=${JOBS:-$(nproc)}
NICE=${NICE:-0}
BUILD_DIR=build-${PRESET}

binaries=(core_tests conformance_tests datasets_tests wrappers_tests search_tests cli_tests
          bad_inputs_tests)
if [[ "${SANITIZE_GCC:-0}" == 1 ]]; then binaries+=(gcc_unit_test gcc_env_test); fi
if [[ "${SANITIZE_LLVM:-0}" == 1 ]]; then binaries+=(llvm_tests); fi
# The tests start these, so they must be built (and instrumented) too.
targets=("${binaries[@]}" cgym_test_worker cgym_worker cgym_cli cgym_toy_cli cgym_datasets)

start=$(date +%s)
nice -n "$NICE" cmake --preset "$PRESET" >/dev/null
nice -n "$NICE" cmake --build "$BUILD_DIR" -j "$JOBS" --target "${targets[@]}"
built=$(date +%s)

# detect_leaks: no leaks allowed. halt_on_error for UBSan: a report is a
# failure, not a warning. A worker that the tests crash on purpose dies of
# its signal (handle_segv=0), as it would without ASan.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for b in "${binaries[@]}"; do
  exe=$(find "$BUILD_DIR/tests" -name "$b" -type f -perm -u+x | head -n 1)
  if [[ -z "$exe" ]]; then
    echo "sanitize: $b was not built" >&2
    failed+=("$b")
    continue
  fi
  echo "== $b"
  if ! nice -n "$NICE" "$exe" --gtest_brief=1 ${GTEST_FILTER:+--gtest_filter="$GTEST_FILTER"}; then
    failed+=("$b")
  fi
done
end=$(date +%s)
echo "sanitize: build $((built - start)) s, tests $((end - built)) s, preset $PRESET"
if ((${#failed[@]})); then
  echo "sanitize: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "sanitize: all clean"
