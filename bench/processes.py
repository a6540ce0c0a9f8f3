"""Benchmark: N web processes behind nginx (throughput and latency of the intake), against
the same stack's floor (a health probe: nginx, gunicorn, Flask, no store) in the same run.

    .venv/bin/python bench/processes.py [--workers 1,2,4] [--clients 8] [--seconds 5]

For each N, `gridcc serve --workers N` (production, PostgreSQL and Redis, a fresh schema)
behind nginx run from deploy/nginx/gridcc.conf (https, a certificate made for the run), and
``--clients`` threads, each with its keep-alive connection, for ``--seconds``: first
``GET /healthz`` (the floor), then ``POST /api/reports`` with an intake key (each report a
new case: validated, located, stored, published). Figures per N: requests/s, median and p99
latency; reports/s ÷ the floor's requests/s; and reports/s against N = 1's.

Environment: GRIDCC_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test),
GRIDCC_BENCH_REDIS_URL (default redis://127.0.0.1:6379/13).
tests/bench/test_processes_smoke.py runs it with N = 1, 2 clients, for a second.

Measured 2026-11-30, 2 cores (nginx, PostgreSQL, Redis and the 8 client threads on the
same two; trust the ratios), 8 clients, 5 s. Before: publishing in the request, before the
ingest work; after (17:53): the outbox, gunicorn, the store's changes:

    N   floor /healthz         POST /api/reports       reports ÷ floor   ÷ N=1
        before → after         before → after          before → after
    1   305 → 375/s            86 → 152/s  p99 81 ms   0.28 → 0.40×      1.00
    2   549 → 324/s            97 → 148/s  p99 74 ms   0.18 → 0.46×      0.97
    4   363 → 348/s            79 → 147/s  p99 79 ms   0.22 → 0.42×      0.97

More processes take no more reports here: two cores are already full (nginx, PostgreSQL,
the clients), and every write of a deployment queues on one lock, the gap-free event
sequence's row (group commit batches the writes of one process, not across processes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
from _stores import postgres_schema  # noqa: E402

from cases.catalog import load_catalog  # noqa: E402
from cases.db import make_engine  # noqa: E402
from cases.keys import KeyRing  # noqa: E402
from cases.store import Store  # noqa: E402
from geo.grid import load_default_grid  # noqa: E402
from tests.deploy.nginx import running_nginx  # noqa: E402
from tests.serving import server_process  # noqa: E402

POSTGRES_URL = os.environ.get(
    "GRIDCC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("GRIDCC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SECRET = "bench-processes-secret-" + "x" * 32


class Load:
    """``clients`` threads sending one kind of request for ``seconds``; latencies in ms."""

    def __init__(self, clients: int, seconds: float) -> None:
        self.clients = clients
        self.seconds = seconds

    def run(self, session_for: Callable[[], requests.Session], send: Callable[..., Any]) -> Any:
        latencies: list[float] = []
        failures = [0]
        lock = threading.Lock()
        start = threading.Barrier(self.clients + 1)
        stop_at = [0.0]

        def client(n: int) -> None:
            session = session_for()
            mine: list[float] = []
            bad = 0
            start.wait()
            i = 0
            while time.perf_counter() < stop_at[0]:
                began = time.perf_counter()
                ok = send(session, n, i)
                mine.append((time.perf_counter() - began) * 1000)
                bad += 0 if ok else 1
                i += 1
            with lock:
                latencies.extend(mine)
                failures[0] += bad

        threads = [threading.Thread(target=client, args=(n,)) for n in range(self.clients)]
        for t in threads:
            t.start()
        began = time.perf_counter()
        stop_at[0] = began + self.seconds
        start.wait()
        for t in threads:
            t.join()
        took = time.perf_counter() - began
        return Figures(len(latencies) / took, latencies, failures[0])


class Figures:
    def __init__(self, rate: float, latencies: list[float], failures: int) -> None:
        self.rate = rate
        self.latencies = sorted(latencies)
        self.failures = failures

    def line(self, label: str) -> str:
        p99 = self.latencies[min(len(self.latencies) - 1, int(len(self.latencies) * 0.99))]
        median = statistics.median(self.latencies)
        return (
            f"  {label:<28} {self.rate:8.1f}/s   median {median:6.1f} ms   p99 {p99:7.1f} ms"
            f"   n={len(self.latencies)}" + (f"  FAILED {self.failures}" if self.failures else "")
        )


def prepared(url: str) -> str:
    """The schema, and an intake key (returned) for the load."""
    engine = make_engine(url)
    try:
        Store(engine, load_catalog()).create_schema()
        return KeyRing(engine).create("bench-intake", "intake")
    finally:
        engine.dispose()


def measure(workers: int, clients: int, seconds: float, folder: Path) -> tuple[Figures, Figures]:
    folder.mkdir(parents=True, exist_ok=True)
    grid = load_default_grid()
    points = [g.representative_point().coords[0] for g in grid.geometries[:500]]
    with postgres_schema(POSTGRES_URL) as url:
        key = prepared(url)
        env = {"GRIDCC_ENV": "production", "SECRET_KEY": SECRET, "PROXY_HOPS": "1"}
        env["KEY_RATE_LIMIT"] = "1000000/minute"  # the load is one key's
        env |= {"SPOOL_DIR": str(folder / "spool"), "MEDIA_DIR": str(folder / "media")}
        serve = ("--workers", str(workers), "--threads", "20")
        with (
            server_process(url, REDIS_URL, folder / "server.log", serve, env) as (up, _proc),
            running_nginx(int(up.rsplit(":", 1)[1]), folder / "nginx") as (base, cert),
        ):

            def session() -> requests.Session:
                s = requests.Session()
                s.trust_env = False
                s.verify = str(cert)
                s.headers["Authorization"] = f"Bearer {key}"
                return s

            def probe(s: requests.Session, _n: int, _i: int) -> bool:
                return s.get(f"{base}/healthz", timeout=30).status_code == 200

            def report(s: requests.Session, n: int, i: int) -> bool:
                lon, lat = points[(n * 7919 + i) % len(points)]
                body = {"category": "CG01", "description": f"违停 {n}-{i}", "lon": lon, "lat": lat}
                return s.post(f"{base}/api/reports", json=body, timeout=30).status_code == 201

            load = Load(clients, seconds)
            Load(clients, min(1.0, seconds)).run(session, probe)  # every process warm
            return load.run(session, probe), load.run(session, report)


def run(workers: list[int], clients: int, seconds: float) -> None:
    print(
        f"== {clients} clients, {seconds:g} s each, through nginx (https) to gridcc serve "
        "--workers N (PostgreSQL, Redis)"
    )
    first: float | None = None
    with tempfile.TemporaryDirectory(prefix="gridcc-bench-processes-") as tmp:
        for n in workers:
            floor, reports = measure(n, clients, seconds, Path(tmp) / f"n{n}")
            first = first or reports.rate
            print(f"N = {n}")
            print(floor.line("floor: GET /healthz"))
            print(reports.line("POST /api/reports"))
            print(f"  ratio reports ÷ floor          {reports.rate / floor.rate:6.2f}×")
            print(f"  ratio reports ÷ N=1's reports  {reports.rate / first:6.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4", help="comma-separated process counts")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    run([int(n) for n in args.workers.split(",")], args.clients, args.seconds)


if __name__ == "__main__":
    main()
