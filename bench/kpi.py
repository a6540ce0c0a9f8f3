"""Benchmark: KPI refresh from kpi_rollup at a year of cases, against pandas over the cases.

    .venv/bin/python bench/kpi.py [--cases N] [--backend sqlite|postgres|both] [--quick]

Bulk-loads N synthetic cases (default 1,000,000; --quick 20,000) reported over the 365 days
before a fixed "now", rebuilds kpi_rollup (``Store.rebuild_rollup``), then times a refresh:
``compute_kpis`` for each dimension over the last 30 and 365 days (median of ``--repeat``
runs). The baseline reads the cases into pandas (``pd.read_sql`` on the same engine) and
computes the district KPIs there; both must agree, or the run exits 1. PostgreSQL runs in a
fresh schema that is dropped afterwards; SQLite in a temporary file.

The bulk rows follow the cases table as declared in ``cases.schema``: a column the synthetic
cases do not set takes its declared default (or NULL, or the server's default), so a new
column does not break the bench. tests/bench/test_kpi_smoke.py runs it at a few thousand
cases in the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import numpy.typing as npt
import pandas as pd
from sqlalchemy import Engine, select

from cases import clock
from cases.catalog import STAGES
from cases.db import make_engine
from cases.effects import SATISFIED, SATISFIED_OR_BASIC
from cases.kpi import OPEN_STATES, compute_kpis, evaluate, period_bounds
from cases.rollup import DIMENSIONS, DISTRICT
from cases.schema import cases
from cases.store import Store

# The bench's own helpers sit beside it (bench/ is no package: it runs as a script).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _kpi_cases import NOW, load, synthetic_cases
from _stores import analyze, postgres_schema

POSTGRES_URL = os.environ.get(
    "GRIDCC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
PERIODS = {"30 d": 30, "365 d": 365}
FULL_CASES = 1_000_000
QUICK_CASES = 20_000


def periods(now: datetime) -> dict[str, tuple[date, date]]:
    today = now.astimezone(clock.LOCAL_TZ).date()
    return {name: (today - timedelta(days=days - 1), today) for name, days in PERIODS.items()}


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def refresh_all(store: Store, start_day: date, end_day: date) -> None:
    """What a KPI page does on refresh: every dimension for one period."""
    for dim in DIMENSIONS:
        compute_kpis(store, dim, start_day, end_day, NOW)


def pandas_district_counts(frame: pd.DataFrame, start_day: date, end_day: date) -> dict[str, int]:
    """The counters ``cases.kpi.counts`` gives for the district, computed from the cases."""
    start, end = period_bounds(start_day, end_day)
    f = frame[(frame.created_at >= start) & (frame.created_at < end)]
    closed = (f.status == "closed") & f.closed_at.notna()
    took = f.closed_at - f.created_at
    is_open = f.status.isin(OPEN_STATES)
    overdue = is_open & (f.deadline < NOW)
    flags = {
        "collected": pd.Series(True, index=f.index),
        "void": f.status == "void",
        "rejected": f.status == "rejected",
        "closed": closed,
        "closed_3d": closed & (took <= timedelta(days=3)),
        "closed_7d": closed & (took <= timedelta(days=7)),
        "reworked": f.rework_count > 0,
        "extended": f.extension_count > 0,
        "rated": f.rating.notna(),
        "satisfied": f.rating.isin(list(SATISFIED)),
        "satisfied_basic": f.rating.isin(list(SATISFIED_OR_BASIC)),
        "open": is_open,
        "open_overdue": overdue & (f.status != "suspended"),
        "open_older_3d": is_open & (f.created_at < NOW - timedelta(days=3)),
        "open_older_7d": is_open & (f.created_at < NOW - timedelta(days=7)),
        "suspended": f.status == "suspended",
    }
    for stage in STAGES:
        flags[f"{stage}_open_late"] = is_open & (f.stage == stage) & (f.stage_late_at < NOW)
    return {name: int(flag.sum()) for name, flag in flags.items()}


def read_cases(engine: Engine) -> pd.DataFrame:
    """What the district KPIs need of every case, as a pandas frame with UTC times."""
    needed = [
        "status",
        "created_at",
        "closed_at",
        "handled_at",
        "deadline",
        "dispatch_count",
        "return_count",
        "rework_count",
        "extension_count",
        "rating",
        "stage",
        "stage_late_at",
    ]
    frame = pd.read_sql(select(*(cases.c[name] for name in needed)), engine)
    for name in ("created_at", "closed_at", "handled_at", "deadline", "stage_late_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


# -- one backend ------------------------------------------------------------------------------
@dataclass
class Result:
    backend: str
    cases: int
    mix: dict[str, float] = field(default_factory=dict)
    load_s: float = 0.0
    rebuild_s: float = 0.0
    rollup_rows: int = 0
    refresh_ms: dict[tuple[str, str], float] = field(default_factory=dict)
    all_dims_ms: dict[str, float] = field(default_factory=dict)
    pandas_read_ms: float = 0.0
    pandas_compute_ms: dict[str, float] = field(default_factory=dict)
    agree: dict[str, bool] = field(default_factory=dict)


def run(
    backend: str, url: str, columns: dict[str, npt.NDArray[Any]], repeat: int, warmup: int
) -> Result:
    """Load, rebuild, time the refreshes and the pandas baseline on one fresh store."""
    engine = make_engine(url)
    try:
        store = Store(engine)
        store.create_schema()
        result = Result(backend, len(columns["status"]))
        statuses = pd.Series(columns["status"])
        result.mix = {
            "closed": float((statuses == "closed").mean()),
            "void": float((statuses == "void").mean()),
            "open": float(statuses.isin(OPEN_STATES).mean()),
        }
        started = time.perf_counter()
        load(engine, columns)
        result.load_s = time.perf_counter() - started
        analyze(engine, "cases")

        started = time.perf_counter()
        counted = store.rebuild_rollup()
        result.rebuild_s = time.perf_counter() - started
        if counted != result.cases:
            raise RuntimeError(f"rebuild counted {counted} cases, loaded {result.cases}")
        analyze(engine, "kpi_rollup")
        with engine.connect() as conn:
            result.rollup_rows = conn.exec_driver_sql(
                "SELECT count(*) FROM kpi_rollup"
            ).scalar_one()

        time_refreshes(store, result, repeat, warmup)
        baseline(store, result)
        return result
    finally:
        engine.dispose()


def time_refreshes(store: Store, result: Result, repeat: int, warmup: int) -> None:
    spans = periods(NOW)
    # psycopg prepares a statement on its 5th run, and PostgreSQL may then switch to a
    # generic plan after 5 more. A server refreshing every few seconds lives in that steady
    # state, so that is what is timed (after alternating the periods, as a page switching
    # between them would).
    for _ in range(warmup):
        for start_day, end_day in spans.values():
            refresh_all(store, start_day, end_day)
    for name, (start_day, end_day) in spans.items():
        for dim in DIMENSIONS:
            refresh = partial(compute_kpis, store, dim, start_day, end_day, NOW)
            result.refresh_ms[(dim, name)] = median_ms(refresh, repeat)
        result.all_dims_ms[name] = median_ms(
            partial(refresh_all, store, start_day, end_day), repeat
        )


def baseline(store: Store, result: Result) -> None:
    """pandas over every case: time it, and check it finds the rollup's district KPIs."""
    started = time.perf_counter()
    frame = read_cases(store.engine)
    result.pandas_read_ms = (time.perf_counter() - started) * 1000
    for name, (start_day, end_day) in periods(NOW).items():
        started = time.perf_counter()
        theirs = evaluate(pandas_district_counts(frame, start_day, end_day))
        result.pandas_compute_ms[name] = (time.perf_counter() - started) * 1000
        ours = compute_kpis(store, "district", start_day, end_day, NOW).get(DISTRICT, {})
        result.agree[name] = ours == theirs
        for code, value in theirs.items():
            if ours.get(code) != value:
                print(f"  {result.backend} {name} {code}: rollup {ours.get(code)} pandas {value}")


# -- report -----------------------------------------------------------------------------------
def report(r: Result) -> list[str]:
    # tests/bench/test_kpi_smoke.py reads the "== backend", "ratio pandas/ours" and "check"
    # lines: keep their wording.
    mix = ", ".join(f"{k} {v:.1%}" for k, v in r.mix.items())
    lines = [
        f"== {r.backend}: {r.cases:,} cases ({mix})",
        f"  load {r.load_s:8.1f} s    rebuild_rollup {r.rebuild_s:6.2f} s"
        f"    kpi_rollup rows {r.rollup_rows:,}",
        f"  {'refresh (median ms)':<22}" + "".join(f"{p:>10}" for p in PERIODS),
    ]
    for dim in DIMENSIONS:
        lines.append(f"  {dim:<22}" + "".join(f"{r.refresh_ms[(dim, p)]:10.1f}" for p in PERIODS))
    lines.append(f"  {'all five':<22}" + "".join(f"{r.all_dims_ms[p]:10.1f}" for p in PERIODS))
    lines.append(f"  {'pandas read_sql':<22}" + f"{r.pandas_read_ms:10.1f}" * len(PERIODS))
    lines.append(
        f"  {'pandas district':<22}" + "".join(f"{r.pandas_compute_ms[p]:10.1f}" for p in PERIODS)
    )
    lines.append(
        f"  {'ratio pandas/ours':<22}"
        + "".join(
            f"{(r.pandas_read_ms + r.pandas_compute_ms[p]) / r.refresh_ms[('district', p)]:9.0f}×"
            for p in PERIODS
        )
        + "   (read + compute) ÷ district refresh"
    )
    for p in PERIODS:
        verdict = "agree" if r.agree[p] else "DIFFER"
        lines.append(f"  check {p:>6}: district KPIs, rollup vs pandas over the cases: {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--cases",
        type=int,
        help=f"cases to load (default {FULL_CASES:,}; with --quick {QUICK_CASES:,}); "
        "the test suite's smoke run uses a few thousand",
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CASES:,} cases, a smoke run")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per refresh")
    parser.add_argument(
        "--warmup", type=int, default=6, help="untimed rounds of every refresh before timing"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args(argv)
    n = args.cases if args.cases is not None else QUICK_CASES if args.quick else FULL_CASES
    if n < 1:
        parser.error("--cases must be at least 1")

    started = time.perf_counter()
    columns = synthetic_cases(n)
    print(f"generated {n:,} synthetic cases in {time.perf_counter() - started:.1f} s", flush=True)
    results = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="gridcc-bench-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            results.append(run("sqlite", url, columns, args.repeat, args.warmup))
        print("\n".join(report(results[-1])), flush=True)
    if args.backend in ("postgres", "both"):
        with postgres_schema(args.postgres_url) as url:
            results.append(run("postgresql", url, columns, args.repeat, args.warmup))
        print("\n".join(report(results[-1])), flush=True)
    return 0 if all(all(r.agree.values()) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
