"""``python -m bench``, the one command that runs every bench: it knows each bench's sizes
(a bench added to bench/ without its sizes fails here), and runs a bench at the smallest
size, saying at the end which passed."""

from __future__ import annotations

import subprocess
import sys

from tests.bench.runner import BENCH, ROOT


def bench_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def test_every_bench_is_listed_with_its_small_size() -> None:
    done = bench_command("--list", "--size", "small")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0].removeprefix("bench/"): line for line in done.stdout.splitlines()}
    present = {p.name for p in BENCH.glob("*.py") if not p.name.startswith("_")}
    assert set(listed) == present, (listed, present)
    for name, line in listed.items():
        assert "(its defaults)" not in line, f"bench/__main__.py has no small size for {name}"


def test_runs_a_bench_and_sums_up() -> None:
    done = bench_command("--only", "locate", "--size", "small")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "### bench/locate.py --quick --cells 300" in done.stdout, done.stdout
    assert "results agree: True" in done.stdout, done.stdout
    assert "### 1 benches at size small" in done.stdout, done.stdout
    assert "bench/locate.py      ok" in done.stdout, done.stdout


def test_an_unknown_bench_is_refused() -> None:
    done = bench_command("--only", "nosuch")
    assert done.returncode != 0
    assert "no such bench: nosuch.py" in done.stderr, done.stderr
