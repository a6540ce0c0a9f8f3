"""The locate benchmark keeps working (a smoke run; no timing assertions)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_locate_quick() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "locate.py"), "--quick", "--cells", "300"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "locate_many:" in done.stdout
    assert "points/s" in done.stdout
    assert "results agree: True" in done.stdout
