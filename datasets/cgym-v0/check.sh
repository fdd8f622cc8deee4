#!/usr/bin/env bash
# check.sh - validate the cgym-v0 benchmark suite.
#
# For every program in manifest.json (or only the names given as arguments):
#   1. build per-file bitcode exactly as cgym does
#        clang-19 -c -emit-llvm -O1 -Xclang -disable-llvm-passes \
#                 -Xclang -disable-llvm-optzns -o X.bc X.c
#      link with llvm-link-19 and count the IR instructions;
#   2. build and run it
#        - from the unoptimised bitcode (clang-19 <name>.bc)         [O0, timed]
#        - after opt-19 -passes='default<O3>'                         [O3]
#        - after opt-19 -passes='default<Oz>'                         [Oz]
#        - gcc   -O2 -fsanitize=address,undefined from source         [gcc-san]
#        - clang -O2 -fsanitize=address,undefined from source         [clang-san]
#        - clang -O2 -march=native -ffp-contract=fast (FMA) if the CPU has FMA [fma]
#        - gcc -std=c11 -pedantic -Wall -Wextra -Werror -O0 from source (warnings) [gcc-strict]
#      every run must print exactly expected_output.txt and exit 0, and the
#      sanitizer runs must print nothing on stderr;
#   3. print a table: name, files (sources + headers), IR instructions, and
#      the -O0 run time (CPU seconds, user + sys, best of 3).
#
# Tools can be overridden: CLANG, LLVM_LINK, LLVM_DIS, OPT, GCC.
# Exit status: 0 when every check of every program passed.
set -u

here="$(cd "$(dirname "$0")" && pwd)"
CLANG="${CLANG:-clang-19}"
LLVM_LINK="${LLVM_LINK:-llvm-link-19}"
LLVM_DIS="${LLVM_DIS:-llvm-dis-19}"
OPT="${OPT:-opt-19}"
GCC="${GCC:-gcc}"
BCFLAGS=(-c -emit-llvm -O1 -Xclang -disable-llvm-passes -Xclang -disable-llvm-optzns)
SANFLAGS=(-O2 -g -fsanitize=address,undefined -fno-sanitize-recover=all)

for t in "$CLANG" "$LLVM_LINK" "$LLVM_DIS" "$OPT" "$GCC" python3; do
  command -v "$t" >/dev/null 2>&1 || { echo "check.sh: missing tool: $t" >&2; exit 2; }
done

have_fma=0
if grep -qw fma /proc/cpuinfo 2>/dev/null; then have_fma=1; fi

work="$(mktemp -d /tmp/cgym-v0-check.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# name|space-separated sources|space-separated link flags|number of files
mapfile -t entries < <(python3 - "$here/manifest.json" "$@" <<'PY'
import json, sys
progs = json.load(open(sys.argv[1]))
names = [p["name"] for p in progs]
assert names == sorted(names), "manifest.json is not sorted by name"
assert len(set(names)) == len(names), "duplicate names in manifest.json"
want = set(sys.argv[2:])
for p in progs:
    if want and p["name"] not in want:
        continue
    for f in p["sources"] + p.get("headers", []) + ["expected_output.txt"]:
        import os
        if not os.path.isfile(os.path.join(os.path.dirname(sys.argv[1]), p["name"], f)):
            sys.exit("%s: missing file %s" % (p["name"], f))
    nfiles = len(p["sources"]) + len(p.get("headers", []))
    print("|".join([p["name"], " ".join(p["sources"]), " ".join(p["link_flags"]), str(nfiles)]))
missing = want - set(names)
if missing:
    sys.exit("unknown program(s): " + " ".join(sorted(missing)))
PY
) || exit 2

# Count instructions inside function bodies of a textual IR module.
count_insts() {
  "$LLVM_DIS" "$1" -o - | awk '
    /^define / { inf = 1; next }
    inf && /^}/ { inf = 0; next }
    inf && /^  [^ ]/ && !/^  \]/ { n++ }
    END { print n + 0 }'
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

failures=0
declare -a rows
# run_check <label> <binary> <expected> <must-have-empty-stderr 0/1>
run_check() {
  local label="$1" bin="$2" expected="$3" quiet="$4"
  local out="$work/out.$label" err="$work/err.$label" rc
  timeout 20 "$bin" >"$out" 2>"$err"; rc=$?
  if [ $rc -ne 0 ]; then
    echo "  FAIL [$label] exit status $rc"; head -20 "$err" | sed 's/^/    /'; return 1
  fi
  if ! cmp -s "$out" "$expected"; then
    echo "  FAIL [$label] output differs from expected_output.txt"
    diff "$expected" "$out" | head -10 | sed 's/^/    /'; return 1
  fi
  if [ "$quiet" = 1 ] && [ -s "$err" ]; then
    echo "  FAIL [$label] diagnostics on stderr"; head -20 "$err" | sed 's/^/    /'; return 1
  fi
  return 0
}

for entry in "${entries[@]}"; do
  IFS='|' read -r name srcs lflags nfiles <<<"$entry"
  dir="$here/$name"; w="$work/$name"; mkdir -p "$w"
  read -r -a srcarr <<<"$srcs"
  read -r -a lfarr <<<"$lflags"
  expected="$dir/expected_output.txt"
  ok=1
  echo "== $name"
  [ -f "$expected" ] || { echo "  FAIL missing expected_output.txt"; ok=0; }

  bcs=(); abs=()
  for s in "${srcarr[@]}"; do
    abs+=("$dir/$s")
    if ! "$CLANG" "${BCFLAGS[@]}" -o "$w/${s%.c}.bc" "$dir/$s" 2>"$w/bc.err"; then
      echo "  FAIL [bitcode] $s"; sed 's/^/    /' "$w/bc.err" | head -20; ok=0
    fi
    bcs+=("$w/${s%.c}.bc")
  done
  insts="-"; t0="-"
  if [ $ok = 1 ] && "$LLVM_LINK" "${bcs[@]}" -o "$w/$name.bc"; then
    insts="$(count_insts "$w/$name.bc")"
    if "$CLANG" "$w/$name.bc" -o "$w/O0" "${lfarr[@]}"; then
      # time the -O0 run: CPU time (user + sys) of the best of 3 runs, which
      # unlike wall-clock time is not inflated by other load on the machine
      t0=""
      for _ in 1 2 3; do
        t=$( { TIMEFORMAT='%3U %3S'; time "$w/O0" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f", $1 + $2 }')
        if [ -z "$t0" ] || awk -v a="$t" -v b="$t0" 'BEGIN { exit !(a < b) }'; then t0=$t; fi
      done
      run_check O0 "$w/O0" "$expected" 0 || ok=0
    else echo "  FAIL [O0] link"; ok=0; fi
    for lvl in O3 Oz; do
      if "$OPT" -passes="default<$lvl>" "$w/$name.bc" -o "$w/$name.$lvl.bc" &&
         "$CLANG" "$w/$name.$lvl.bc" -o "$w/$lvl" "${lfarr[@]}"; then
        run_check "$lvl" "$w/$lvl" "$expected" 0 || ok=0
      else echo "  FAIL [$lvl] build"; ok=0; fi
    done
  else
    echo "  FAIL [bitcode] llvm-link"; ok=0
  fi

  if "$GCC" "${SANFLAGS[@]}" -o "$w/gcc-san" "${abs[@]}" "${lfarr[@]}"; then
    run_check gcc-san "$w/gcc-san" "$expected" 1 || ok=0
  else echo "  FAIL [gcc-san] build"; ok=0; fi
  if "$CLANG" "${SANFLAGS[@]}" -o "$w/clang-san" "${abs[@]}" "${lfarr[@]}"; then
    run_check clang-san "$w/clang-san" "$expected" 1 || ok=0
  else echo "  FAIL [clang-san] build"; ok=0; fi
  if [ $have_fma = 1 ]; then
    if "$CLANG" -O2 -march=native -ffp-contract=fast -o "$w/fma" "${abs[@]}" "${lfarr[@]}"; then
      run_check fma "$w/fma" "$expected" 0 || ok=0
    else echo "  FAIL [fma] build"; ok=0; fi
  fi
  if "$GCC" -std=c11 -pedantic -Wall -Wextra -Werror -O0 -o "$w/gcc-strict" "${abs[@]}" "${lfarr[@]}" 2>"$w/strict.err"; then
    run_check gcc-strict "$w/gcc-strict" "$expected" 0 || ok=0
  else echo "  FAIL [gcc-strict] build"; sed 's/^/    /' "$w/strict.err" | head -20; ok=0; fi

  status=PASS; [ $ok = 1 ] || { status=FAIL; failures=$((failures + 1)); }
  echo "  $status"
  rows+=("$(printf '%-16s %5s %10s %10s  %s' "$name" "$nfiles" "$insts" "$t0" "$status")")
  rm -rf "$w"
done

echo
printf '%-16s %5s %10s %10s  %s\n' name files IR-insts "O0-cpu-s" result
printf '%s\n' "${rows[@]}"
echo
if [ $failures -eq 0 ]; then
  echo "all ${#entries[@]} programs passed"
  exit 0
fi
echo "$failures of ${#entries[@]} programs FAILED"
exit 1
