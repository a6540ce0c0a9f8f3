"""bench/ingest.py keeps working: a smoke run with a few reports on both stores, one and two
clients, no timing assertions (the figures are printed beside the floor, with the ratio)."""

from __future__ import annotations

import re

from tests.bench.runner import run_bench


def test_bench_ingest_smoke(redis_url: str) -> None:
    args = ("--reports", "4", "--rounds", "2", "--clients", "1,2", "--redis", redis_url)
    out = run_bench("ingest.py", *args, timeout=240)
    assert "== ingest: 4 reports per figure in 2 rounds, clients [1, 2]" in out, out
    for store in ("sqlite", "postgresql"):
        for clients in ("1 client ", "2 clients"):
            line = rf"{store} +{clients} +ours +[\d.]+/s +floor +[\d.]+/s +ours ÷ floor +[\d.]+%"
            assert re.search(line + r" +bare Flask +[\d.]+/s", out), out
