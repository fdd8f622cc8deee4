#!/usr/bin/env bash
# Builds a sanitizer preset of CMakePresets.json (clang-19, AddressSanitizer +
# UndefinedBehaviorSanitizer at -O0, libFuzzer coverage) and runs, under it:
#  - the test suite of the core, the datasets, the wrappers, the CLI, the
#    bad-input tests, the gcc backend and the LLVM backend (ctest, without
#    the labels slow, stress, install, gpu and example);
#  - every fuzz target for a bounded count (ctest label fuzz).
# Any ASan, LeakSanitizer or UBSan report, or a fuzz finding, fails the run.
#
#   scripts/sanitize.sh                       preset "sanitize" (core, gcc, LLVM)
#   PRESET=sanitize-core scripts/sanitize.sh  the core only
#
# Variables: PRESET (sanitize), JOBS (nproc), NICE (niceness, 0),
# FUZZ_RUNS (inputs per fuzz target, 20000), FUZZ_SECONDS (time cap per
# target, 120), CTEST_ARGS (extra ctest arguments, e.g. "-R Paths").
# Builds into build-$PRESET. Used by scripts/test.sh (and so by CI).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-sanitize}
JOBS=${JOBS:-$(nproc)}
NICE=${NICE:-0}
BUILD_DIR=build-${PRESET}

start=$(date +%s)
nice -n "$NICE" cmake --preset "$PRESET" -DCGYM_FUZZ_RUNS="${FUZZ_RUNS:-20000}" \
  -DCGYM_FUZZ_SECONDS="${FUZZ_SECONDS:-120}" >/dev/null
nice -n "$NICE" cmake --build "$BUILD_DIR" -j "$JOBS"
built=$(date +%s)

# detect_leaks: no leak is allowed. handle_segv/handle_abort=0: the tests
# crash workers and LLVM passes on purpose; those signals must reach the
# handlers under test (CrashRecoveryContext, the worker's parent) as they
# would without ASan. UBSan: any report stops the process (halt_on_error).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:detect_stack_use_after_return=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$BUILD_DIR"
status=0
# shellcheck disable=SC2086
nice -n "$NICE" ctest --output-on-failure -j "$JOBS" --timeout 900 \
  -LE 'slow|stress|install|gpu|example' ${CTEST_ARGS:-} || status=$?
end=$(date +%s)
echo "sanitize: build $((built - start)) s, tests and fuzzing $((end - built)) s, preset $PRESET"
if ((status != 0)); then
  echo "sanitize: FAILED (see the reports above)" >&2
  exit "$status"
fi
echo "sanitize: all clean"
