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
# The installed conformance checks, called by the consumer's own gtest.
"$work/build/consumer_conformance" > "$work/conformance.log" || { cat "$work/conformance.log"; exit 1; }
grep -q "\[  PASSED  \] 1 test" "$work/conformance.log"
echo "installed cgym::conformance: llvm-ic-v0 passes"

# The Python package, when built: importable from the prefix through the one
# documented PYTHONPATH entry, and using the prefix's libraries and data.
if [ -n "${CGYM_INSTALL_PYTHON_DIR:-}" ]; then
  pydir="$work/prefix/$CGYM_INSTALL_PYTHON_DIR"
  (cd "$work" && PYTHONPATH="$pydir" CGYM_CACHE="$work/cache" "${CGYM_PYTHON:-/usr/bin/python3}" -c "
import cgym, compiler_gym
assert cgym.__file__.startswith('$pydir'), cgym.__file__
env = cgym.make('llvm-ic-v0', benchmark='benchmark://cgym-v0/crc32')
env.reset()
_, r, done, _ = env.step(env.action_space['-mem2reg'])
assert r > 0 and not done
assert cgym._cgym._paths()['data'].startswith('$work/prefix'), cgym._cgym._paths()
print('python package OK from', '$pydir')
")
  # ldd into a file first: with pipefail, grep -q closing the pipe early
  # would fail the pipeline whenever ldd still had lines to write.
  ldd "$pydir"/cgym/_cgym*.so > "$work/ldd.txt"
  grep -q "$work/prefix" "$work/ldd.txt" || { echo "the extension does not load the prefix's libcgym"; cat "$work/ldd.txt"; exit 1; }
fi
