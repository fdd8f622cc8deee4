#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, builds a separate project
# against it with find_package(cgym), and runs that project.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/tests/install/consumer" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/build" > "$work/build.log"
# The installed library must find its datasets under the prefix, not in the
# build tree.
out=$("$work/build/consumer")
echo "$out"
grep -q "parsed generator://csmith-v0" <<< "$out"
