"""bench/processes.py keeps working: one process behind nginx, 2 clients for a second each,
no timing assertions (the figures are printed beside their floor)."""

from __future__ import annotations

import re

import pytest

from tests.bench.runner import run_bench
from tests.conftest import REDIS_URL

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_bench_processes_smoke(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> None:
    monkeypatch.setenv("GRIDCC_BENCH_REDIS_URL", REDIS_URL)
    out = run_bench("processes.py", "--workers", "1", "--clients", "2", "--seconds", "1")
    assert "== 2 clients, 1 s each, through nginx (https)" in out, out
    for label in ("floor: GET /healthz", "POST /api/reports"):
        assert re.search(rf"{re.escape(label)} +[\d.]+/s +median +[\d.]+ ms +p99", out), out
    assert "FAILED" not in out, out
    assert re.search(r"ratio reports ÷ floor +[\d.]+×", out), out
