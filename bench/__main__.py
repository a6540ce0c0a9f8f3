"""Every benchmark, one after the other, at one size: each prints its figures beside its
floor or baseline, measured in the same run.

    .venv/bin/python -m bench --size small      # each at its smoke test's size, ~10 min
    .venv/bin/python -m bench --size full       # each at its documented size, hours
    .venv/bin/python -m bench --only fanout,ingest --size full
    .venv/bin/python -m bench --list            # the benches and their arguments

Each bench runs as its own process, the way a person runs it (``bench/<name>.py``), from
the repository's root. The services are the benches' own settings, passed on:
GRIDCC_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test; every bench
makes and drops a schema of its own) and GRIDCC_BENCH_REDIS_URL (default
redis://127.0.0.1:6379/0; every bench keeps to channels and keys of its own). A bench that
fails is reported at the end and the others still run; the exit status says whether all
passed. A bench listed here but not in bench/ (yet) is left out.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Each bench's arguments at each size: "small" is its smoke test's (tests/bench/), "full"
# what its docstring and the README report.
SIZES: dict[str, dict[str, list[str]]] = {
    "locate.py": {"small": ["--quick", "--cells", "300"], "full": []},
    "kpi.py": {
        "small": ["--cases", "2000", "--repeat", "1", "--warmup", "1"],
        "full": [],
    },
    "desk.py": {
        "small": [
            *("--sizes", "2000,4000", "--repeat", "3", "--warmup", "1"),
            *("--rounds", "1", "--singles", "2"),
        ],
        "full": [],
    },
    "export.py": {"small": ["--cases", "2000"], "full": []},
    "ingest.py": {"small": ["--reports", "4", "--clients", "1,2"], "full": []},
    "processes.py": {"small": ["--workers", "1", "--clients", "2", "--seconds", "1"], "full": []},
    "fanout.py": {
        "small": [
            *("--clients", "5", "--reports", "10", "--procs", "2", "--pollers", "5"),
            *("--burst", "10", "--burst-threads", "4"),
        ],
        "full": [],
    },
    "urgent.py": {"small": ["--screens", "6", "--addressed", "2", "--rounds", "2"], "full": []},
    "positions.py": {
        "small": ["--workers", "20", "--period", "3", "--seconds", "6"],
        "full": [],
    },
    "map.py": {"small": ["--quick"], "full": []},
    # Run by hand at full size: 30 minutes.
    "soak.py": {
        "small": [
            *("--minutes", "0.05", "--window", "2", "--clients", "5", "--procs", "2"),
            *("--rate", "10", "--posters", "2"),
        ],
        "full": [],
    },
}


def benches() -> list[str]:
    """The benches in bench/ (``_``-prefixed files are their parts), in the order above,
    then any the table does not know yet."""
    present = sorted(p.name for p in HERE.glob("*.py") if not p.name.startswith("_"))
    return [n for n in SIZES if n in present] + [n for n in present if n not in SIZES]


def arguments(name: str, size: str) -> list[str]:
    if name not in SIZES:
        return []  # a new bench at its defaults: add it to SIZES
    return SIZES[name][size]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("small", "full"), default="small")
    parser.add_argument("--only", default="", help="names, comma-separated (fanout,ingest)")
    parser.add_argument("--list", action="store_true", help="print the benches and stop")
    args = parser.parse_args()
    chosen = benches()
    if args.only:
        wanted = {n.strip().removesuffix(".py") + ".py" for n in args.only.split(",") if n}
        unknown = wanted - set(chosen)
        if unknown:
            raise SystemExit(f"no such bench: {', '.join(sorted(unknown))}")
        chosen = [n for n in chosen if n in wanted]
    if args.list:
        for name in chosen:
            print(f"bench/{name:<14} {' '.join(arguments(name, args.size)) or '(its defaults)'}")
        return
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    outcome: list[tuple[str, int, float]] = []
    for name in chosen:
        command = [sys.executable, str(HERE / name), *arguments(name, args.size)]
        print(f"\n### bench/{name} {' '.join(command[2:])}", flush=True)
        began = time.monotonic()
        code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
        outcome.append((name, code, time.monotonic() - began))
    print(f"\n### {len(outcome)} benches at size {args.size}")
    for name, code, took in outcome:
        print(f"  bench/{name:<14} {'ok' if code == 0 else f'FAILED ({code})':<12} {took:7.0f} s")
    if any(code for _, code, _ in outcome):
        sys.exit(1)


if __name__ == "__main__":
    main()
