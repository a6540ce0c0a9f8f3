"""Run a bench script as its own process, the way a person runs it, and keep what it printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def run_bench(name: str, *args: str, timeout: float = 120) -> str:
    """``bench/<name>`` with ``args``; asserts it exited 0 and returns its standard output."""
    done = subprocess.run(
        [sys.executable, str(BENCH / name), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
