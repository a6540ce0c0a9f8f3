"""bench/desk.py keeps working: a smoke run at 2,000 and 4,000 cases, no timing assertions.

Every list is timed three ways at both sizes with its ratio, and the reassign of 50 cases
through a served app reaches both other screens whole (every event arrived)."""

from __future__ import annotations

import re

import pytest

from tests.bench.runner import require_postgres, run_bench
from tests.conftest import POSTGRES_URL

SMOKE = (
    "--sizes",
    "2000,4000",
    "--repeat",
    "3",
    "--warmup",
    "1",
    "--rounds",
    "1",
    "--singles",
    "2",
)
READS = (
    "cell list",
    "lasso of 50 cells",
    "liaison page",
    "liaison, category",
    "liaison, overdue",
    "operators' queue",
    "liaison, history",
)
FIGURE = r" +[\d.]+ \( *[\d.]+\)"  # median (p95)
LIVE = (
    "baseline: one case → its event",
    "50 cases: response",
    "50 cases: → 50th, 2nd lead",
    "50 cases: → 50th, liaison",
)


def assert_figures(out: str, backend: str) -> None:
    assert f"== {backend}: median ms (p95) by cases in the store" in out, out
    for size in ("2,000", "4,000"):
        assert re.search(rf"^  at +{size}: load .* open [\d,]+; busiest cell \d{{15}}", out, re.M)
    rows = [(read, way) for read in READS for way in ("store", "raw SQL", "HTTP")]
    rows += [("baseline: pk lookup", "raw SQL"), ("baseline: GET /api/me", "HTTP")]
    for name, way in rows:
        row = rf"^  {re.escape(name)} +{re.escape(way)}{FIGURE}{FIGURE} +[\d.]+×"
        assert re.search(row, out, re.M), (name, way, out)
    assert "reassign at 4,000 cases" in out, out
    for label in LIVE:
        assert re.search(rf"^  {re.escape(label)} +\d+ +\d+ +[\d.]+×", out, re.M), (label, out)
    assert "events arrived on the two screens: 100/100" in out, out


def test_bench_desk_sqlite() -> None:
    out = run_bench("desk.py", *SMOKE, "--backend", "sqlite", timeout=180)
    assert_figures(out, "sqlite")


@pytest.mark.postgres
def test_bench_desk_postgres() -> None:
    # The bench makes (and drops) a schema of its own per size; check the server first.
    require_postgres()
    out = run_bench(
        "desk.py", *SMOKE, "--backend", "postgres", "--postgres-url", POSTGRES_URL, timeout=180
    )
    assert_figures(out, "postgresql")
