#!/usr/bin/env bash
# Runs the searches of docs/leaderboard.md on every program of the bundled
# suite (benchmark://cgym-v0) with `cgym eval`, one core each, and prints the
# geomean IrInstructionCountOz reward and mean wall time of each.
#
#   scripts/leaderboard.sh [BUILD_DIR] [OUT_DIR]
#
# Policies: random search with 10 s and 60 s per program, greedy, hill
# climbing with 60 s, and examples/sequence_search with 60 s. Each writes OUT_DIR/<policy>.csv (a state CSV that
# `cgym validate` checks) and OUT_DIR/<policy>.log. LEADERBOARD_POLICIES
# picks a subset, e.g. LEADERBOARD_POLICIES="random10 greedy".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build=${1:-$root/build}
out=${2:-$root/leaderboard-results}
cgym="$build/bin/cgym"
[ -x "$cgym" ] || { echo "leaderboard: $cgym is not built" >&2; exit 1; }
mkdir -p "$out"
policies=${LEADERBOARD_POLICIES:-"random10 random60 greedy hill_climb60 sequence60"}
for p in $policies; do
  case $p in
    random10) args=(--policy random --budget 10 --nproc 1 --seed 0) ;;
    random60) args=(--policy random --budget 60 --nproc 1 --seed 0) ;;
    greedy) args=(--policy greedy) ;;
    hill_climb60) args=(--policy hill_climb --budget 60 --seed 0) ;;
    sequence60)
      # Not a cgym eval policy: the example binary (greedy, then local
      # search over the sequence; validated results).
      echo "== $p" >&2
      "$build/bin/sequence_search" --seconds 60 --seed 0 --states "$out/$p.csv" > "$out/$p.log" 2>&1
      grep "^geomean" "$out/$p.log" | sed "s/^/$p: /"
      continue ;;
    *) echo "leaderboard: unknown policy '$p' (random10 random60 greedy hill_climb60 sequence60)" >&2
       exit 1 ;;
  esac
  echo "== $p" >&2
  "$cgym" eval "${args[@]}" --dataset cgym-v0 --env llvm-ic-v0 --output "$out/$p.csv" \
    > "$out/$p.log" 2>&1
  grep "^Geomean" "$out/$p.log" | sed "s/^/$p: /"
done
