"""Shared fixtures of the Python tests (run by ctest with PYTHONPATH set to
the build tree's python/ directory)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("CGYM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY_DIR = Path(os.environ.get("CGYM_BINARY_DIR", SOURCE_DIR / "build"))


@pytest.fixture
def env():
    """llvm-ic-v0 on crc32, reset."""
    import cgym

    e = cgym.make("llvm-ic-v0", benchmark="benchmark://cgym-v0/crc32")
    e.reset()
    yield e
    e.close()


def opt_instruction_count(bitcode_path: Path, passes: str) -> int:
    """The instruction count of LLVM's own `opt-19 -passes=...` output."""
    out = subprocess.run(
        ["opt-19", f"-passes={passes}", str(bitcode_path), "-S", "-o", "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    count = 0
    in_function = False
    for line in out.splitlines():
        if line.startswith("define "):
            in_function = True
            continue
        if in_function and line.startswith("}"):
            in_function = False
            continue
        s = line.split(";")[0].strip()
        if in_function and s and not s.endswith(":"):
            count += 1
    return count


def run_python(code: str, timeout: float = 300.0, **kwargs) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter with this one's environment."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, **kwargs
    )
