#!/usr/bin/env bash
# The determinism campaign: finds the LLVM 19 actions whose output is not a
# function of their input module (docs/llvm-actions.md, "Actions that are not
# deterministic").
#
#   scripts/determinism_campaign.sh                    the full campaign (about an hour on one core)
#   scripts/determinism_campaign.sh --quick            the bounded CI run (ctest -L slow), 1-3 minutes
#   scripts/determinism_campaign.sh [options...]       see --help
#
# Method (scripts/determinism_campaign.py): on bundled cgym-v0 programs,
# csmith programs and one module llvm-link'd from all of them, every action
# of a random 40-pass sequence (and, with --sweep-programs, every action on
# the program as loaded and after a canonicalizing prefix) runs on the same
# input module in RUNS separate opt-19 processes, each with its own heap
# layout (ASLR, plus a different environment size and glibc malloc top pad
# and perturbation); the output bitcode, with its use-list order, is hashed.
# Two hashes for one input mean the action is not deterministic. With
# --cgym BUILD/bin/cgym, each sequence is also replayed through `cgym
# replay` in RUNS processes and the rewards are compared.
#
# Writes OUT/report.md (the table of non-deterministic actions with counts
# and a reproducing opt-19 command line; the inputs are kept in
# OUT/inputs/) and OUT/report.json. With --expect-marked FILE it exits 1
# when it finds a non-deterministic action that FILE (one flag a line: the
# actions marked deterministic = false) does not list; --quick checks
# against the marks in backends/llvm/passes.cc.
#
# Variables: OUT (default: a new directory under /tmp), NICE (default 10).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out=${OUT:-$(mktemp -d /tmp/cgym-determinism.XXXXXX)}
for tool in opt-19 clang-19 llvm-link-19 llvm-dis-19 python3; do
  command -v "$tool" >/dev/null || { echo "determinism_campaign: $tool is not installed" >&2; exit 2; }
done
if [ "${1:-}" = "--quick" ]; then
  shift
  # The actions marked non-deterministic in the pass table.
  marks="$out/marked.txt"
  mkdir -p "$out"
  python3 - "$root/backends/llvm/passes.cc" > "$marks" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
body = text[text.index("kNonDeterministic[] = {"):]
body = body[:body.index("};")]
print("\n".join(re.findall(r'\{"(-[^"]+)"', body)))
EOF
  # A bounded run: one random sequence on two programs and every action on
  # a small one, 2 processes per check.
  set -- --programs binary_heap,bytecode_vm --sweep-programs binary_heap --sweep-states prepared --sequences 1 \
    --length 30 --runs 2 --seed "${SEED:-1}" --expect-marked "$marks" "$@"
fi
exec nice -n "${NICE:-10}" python3 "$root/scripts/determinism_campaign.py" --out "$out" "$@"
