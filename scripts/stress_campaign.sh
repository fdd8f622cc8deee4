#!/usr/bin/env bash
# A long stress campaign: runs the `stress` test binary (tests/stress) round
# after round with a new seed each time and larger counts, until DURATION
# seconds have passed, then prints the totals: programs tried, steps taken,
# failures caught, host crashes, and the distinct failures found. Every
# round's failures (with the benchmark URI and the actions that reproduce
# them) are in $OUT/round-<n>/*.csv.
#
#   scripts/stress_campaign.sh                 10 minutes, LLVM on csmith and llvm-stress
#   DURATION=3600 FILTER='Stress*' scripts/stress_campaign.sh   an hour, gcc too
#
# Variables: BUILD_DIR (build), DURATION (600 s), PROGRAMS (programs per
# generator and round, 10), STEPS (steps per episode, 60), GCC_PROGRAMS (2),
# GCC_STEPS (10), SEED (first seed, from the clock), FILTER (gtest filter,
# StressLlvm.*), ROUND_TIMEOUT (seconds before a round counts as a hung host,
# 1800), OUT (a new directory under /tmp). CGYM_STRESS_ALL_ACTIONS=1 is
# passed through: it puts -scalarizer back into the in-process episodes,
# which then can (and do) abort the host; see docs/reliability.md.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
DURATION=${DURATION:-600}
PROGRAMS=${PROGRAMS:-10}
STEPS=${STEPS:-60}
SEED=${SEED:-$(date +%s)}
FILTER=${FILTER:-StressLlvm.*}
ROUND_TIMEOUT=${ROUND_TIMEOUT:-1800}
OUT=${OUT:-$(mktemp -d /tmp/cgym-stress-campaign.XXXXXX)}
mkdir -p "$OUT"

exe=$(find "$BUILD_DIR/tests/stress" -name stress_tests -type f -perm -u+x 2>/dev/null | head -n 1)
if [[ -z "$exe" ]]; then
  echo "stress_campaign: $BUILD_DIR/tests/stress/stress_tests not found; build the target stress_tests" >&2
  exit 2
fi

start=$(date +%s)
round=0
crashes=0
hangs=0
violations_rounds=0
: >"$OUT/summaries.txt"
: >"$OUT/distinct.txt"
while (($(date +%s) - start < DURATION)); do
  round=$((round + 1))
  seed=$((SEED + round))
  dir="$OUT/round-$round"
  mkdir -p "$dir"
  CGYM_STRESS_SEED=$seed CGYM_STRESS_PROGRAMS=$PROGRAMS CGYM_STRESS_STEPS=$STEPS \
    CGYM_STRESS_GCC_PROGRAMS=${GCC_PROGRAMS:-2} CGYM_STRESS_GCC_STEPS=${GCC_STEPS:-10} \
    CGYM_STRESS_LOG_DIR="$dir" \
    timeout --signal=KILL "$ROUND_TIMEOUT" "$exe" --gtest_filter="$FILTER" >"$dir/output.txt" 2>&1
  rc=$?
  if ((rc == 137)); then
    hangs=$((hangs + 1))
    echo "round $round (seed $seed): the host hung; see $dir/output.txt"
  elif ((rc > 128)); then
    crashes=$((crashes + 1))
    echo "round $round (seed $seed): the host died of signal $((rc - 128)); see $dir/output.txt"
  elif ((rc != 0)); then
    violations_rounds=$((violations_rounds + 1))
    echo "round $round (seed $seed): contract violations; see $dir/output.txt"
  fi
  grep '^cgym-stress ' "$dir/output.txt" >>"$OUT/summaries.txt"
  grep -E '^  [0-9]+ x ' "$dir/output.txt" >>"$OUT/distinct.txt"
  awk -v r="$round" -v s="$seed" '/^cgym-stress /{print "round " r " (seed " s "): " $0}' \
    "$dir/output.txt"
done
elapsed=$(($(date +%s) - start))

sum() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$OUT/summaries.txt" | awk '{s += $1} END {print s + 0}'; }
echo
echo "stress campaign: $round rounds in $elapsed s (filter $FILTER, seeds $((SEED + 1))..$((SEED + round)))"
echo "  programs tried:      $(sum programs)"
echo "  episodes:            $(sum episodes)"
echo "  steps taken:         $(sum steps)"
echo "  failures caught:     $(sum failures_caught)"
echo "  contract violations: $(sum contract_violations) (rounds with violations: $violations_rounds)"
echo "  host crashes:        $crashes (hung rounds: $hangs)"
echo "  distinct failures:"
awk '{n = $1; $1 = ""; $2 = ""; sub(/^  /, ""); c[$0] += n} END {for (k in c) printf "    %6d x %s\n", c[k], k}' \
  "$OUT/distinct.txt" | sort -rn
echo "  logs: $OUT"
((crashes == 0 && hangs == 0 && violations_rounds == 0))
