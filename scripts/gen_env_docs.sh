#!/usr/bin/env bash
# Writes docs/envs/<id>.md, the reference page of every registered env, from
# its registered spaces (`cgym spaces --env ID --markdown`).
#
#   scripts/gen_env_docs.sh [BUILD_DIR]           regenerate the pages
#   scripts/gen_env_docs.sh --check [BUILD_DIR]   fail if a page is missing or
#                                                 out of date (run by ctest)
# Only the envs built into this configuration are written or checked.
set -euo pipefail
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
build=${1:-$root/build}
cgym="$build/bin/cgym"
[ -x "$cgym" ] || { echo "gen_env_docs: $cgym is not built" >&2; exit 1; }
docs="$root/docs/envs"
mkdir -p "$docs"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stale=0
for id in $("$cgym" envs | tail -n +2 | awk '{print $1}'); do
  "$cgym" spaces --env "$id" --markdown > "$tmp/$id.md"
  if [ $check -eq 1 ]; then
    if ! cmp -s "$tmp/$id.md" "$docs/$id.md"; then
      echo "docs/envs/$id.md is missing or out of date; run scripts/gen_env_docs.sh" >&2
      diff -u "$docs/$id.md" "$tmp/$id.md" 2>&1 | head -20 >&2 || true
      stale=1
    fi
  else
    mv "$tmp/$id.md" "$docs/$id.md"
    echo "wrote docs/envs/$id.md"
  fi
done
exit $stale
