"""Benchmark: exporting N cases as CSV, Excel and GeoJSON — time and peak memory — against
the plainest possible export of the same rows.

    .venv/bin/python bench/export.py [--cases N] [--formats csv,xlsx,geojson]

Bulk-loads N synthetic cases (default 1,000,000; the kpi bench's, bench/_kpi_cases.py) into
a SQLite file, and N/10 into another. Each export then runs in a process of its own, the
way a server does it: the whole app (``create_app``), an operator logged in, and
``GET /api/export/cases.<fmt>`` read to the end and thrown away. The baseline, in a process
of its own too, is a plain sqlite3 cursor over ``SELECT * FROM cases ORDER BY id`` written
by ``csv.writer`` to /dev/null. Peak memory is each process's VmHWM, counted afresh from the
moment the app is loaded and logged in (/proc/self/clear_refs); "export +MB" is how far the
export took the process above its size at that moment. The same figures at N/10
show whether memory grows with the number of cases (it should not: one batch at a time).
tests/bench/test_export_smoke.py runs it at 2,000 cases.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The bench's own helpers sit beside it (bench/ is no package: it runs as a script).
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

FULL_CASES = 1_000_000
FORMATS = ("csv", "xlsx", "geojson")
BASELINE = "baseline"
PASSWORD = "bench-password"


def memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, from /proc (Linux). Not ru_maxrss: a
    process spawned from a big one keeps the spawner's peak through exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_mb() -> float:
    return memory_mb("VmHWM")


def reset_peak() -> float:
    """Start the peak afresh from the size now (Linux ≥ 4.0), so the peak that follows is the
    export's own and not the app's loading (imports peak higher than they settle)."""
    Path("/proc/self/clear_refs").write_text("5")
    return memory_mb("VmRSS")


# -- the child processes ------------------------------------------------------------------------
def export_in_process(fmt: str, db: str) -> dict[str, Any]:
    """One export through the app, as a client downloading it sees it."""
    from app import Settings, create_app

    settings = Settings.from_env({}, database_url=f"sqlite:///{db}", secret_key="bench-only")
    client = create_app(settings).server.test_client()
    assert client.post("/api/login", json={"username": "op", "password": PASSWORD}).status_code
    loaded = reset_peak()
    started = time.perf_counter()
    response = client.get(f"/api/export/cases.{fmt}")
    assert response.status_code == 200, response.status_code
    size = rows = 0
    tail = b""
    with open(os.devnull, "wb") as sink:
        for chunk in response.response:
            sink.write(chunk)
            size += len(chunk)
            # Rows seen, to check every case arrived (xlsx is zipped: not counted).
            if fmt == "csv":
                rows += chunk.count(b"\n")
            elif fmt == "geojson":
                seen = tail + chunk
                rows += seen.count(b'{"type":"Feature"') - tail.count(b'{"type":"Feature"')
                tail = chunk[-32:]
    response.close()
    seconds = time.perf_counter() - started
    rows = rows - 1 if fmt == "csv" else rows  # the header
    return {"s": seconds, "bytes": size, "rows": rows if fmt != "xlsx" else None, "loaded": loaded}


def baseline_in_process(db: str) -> dict[str, Any]:
    """The plainest export: a sqlite3 cursor straight into csv.writer."""
    loaded = reset_peak()
    started = time.perf_counter()
    conn = sqlite3.connect(db)
    cursor = conn.execute("SELECT * FROM cases ORDER BY id")
    rows = 0
    with open(os.devnull, "w", newline="", encoding="utf-8") as sink:
        writer = csv.writer(sink)
        writer.writerow([d[0] for d in cursor.description])
        for row in cursor:
            writer.writerow(row)
            rows += 1
    conn.close()
    return {"s": time.perf_counter() - started, "bytes": None, "rows": rows, "loaded": loaded}


def child(fmt: str, db: str) -> None:
    out = baseline_in_process(db) if fmt == BASELINE else export_in_process(fmt, db)
    out["peak"] = peak_mb()
    print(json.dumps(out))


def measure(fmt: str, db: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", fmt, str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{fmt} export failed:\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- the parent ---------------------------------------------------------------------------------
def seed(db: Path, columns: dict[str, Any]) -> float:
    from _kpi_cases import load

    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(f"sqlite:///{db}")
    try:
        Store(engine).create_schema()
        started = time.perf_counter()
        load(engine, columns)
        UserDirectory(engine).add("op", Role.OPERATOR, PASSWORD)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def report(n: int, small: int, full: dict[str, Any], tenth: dict[str, Any]) -> list[str]:
    # tests/bench/test_export_smoke.py reads these lines: keep their wording.
    base = full[BASELINE]["s"]
    lines = [
        f"== sqlite: {n:,} cases (and {small:,} for the memory check)",
        f"  {'':<10}{'time s':>9}{'rows/s':>11}{'MB out':>9}{'peak MB':>9}{'export +MB':>12}"
        f"{'peak MB at N/10':>17}{'time ÷ baseline':>17}",
    ]
    for fmt in (BASELINE, *(f for f in FORMATS if f in full)):
        r, s = full[fmt], tenth[fmt]
        out = "—" if r["bytes"] is None else f"{r['bytes'] / 1e6:.0f}"
        lines.append(
            f"  {fmt:<10}{r['s']:9.1f}{n / r['s']:11,.0f}{out:>9}{r['peak']:9.0f}"
            f"{r['peak'] - r['loaded']:12.1f}{s['peak']:17.0f}{r['s'] / base:16.1f}×"
        )
    for fmt in (f for f in FORMATS if f in full):
        for size, r in ((n, full[fmt]), (small, tenth[fmt])):
            got = "not counted (zipped)" if r["rows"] is None else f"{r['rows']:,} of {size:,}"
            if r["rows"] is not None and r["rows"] != size:
                got += " MISSING ROWS"
            lines.append(f"  rows {fmt:<8} at {size:>9,}: {got}")
    growth = ", ".join(
        f"{fmt} {full[fmt]['peak'] / tenth[fmt]['peak']:.2f}" for fmt in FORMATS if fmt in full
    )
    lines.append(f"  memory with N: peak at N ÷ peak at N/10: {growth}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=FULL_CASES, help="cases to export")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    formats = [f for f in args.formats.split(",") if f]
    if args.cases < 10 or not set(formats) <= set(FORMATS):
        parser.error(f"--cases at least 10; --formats of {', '.join(FORMATS)}")
    from _kpi_cases import synthetic_cases

    n, small = args.cases, args.cases // 10
    started = time.perf_counter()
    columns = synthetic_cases(n)
    print(f"generated {n:,} synthetic cases in {time.perf_counter() - started:.1f} s", flush=True)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="gridcc-bench-export-") as tmp:
        for size in (n, small):
            db = Path(tmp) / f"cases-{size}.db"
            seconds = seed(db, {k: v[:size] for k, v in columns.items()})
            print(f"loaded {size:,} cases in {seconds:.1f} s", flush=True)
            results.append({fmt: measure(fmt, db) for fmt in (BASELINE, *formats)})
            print(f"exported {size:,} cases", flush=True)
            db.unlink()
    lines = report(n, small, *results)
    print("\n".join(lines))
    return 1 if any("MISSING" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
