"""Benchmark: reports through the whole intake path against the raw floor, in the same run.

    .venv/bin/python bench/ingest.py [--reports 300] [--clients 1,8] [--stores sqlite,postgresql]

For each store (a fresh SQLite file; a fresh PostgreSQL schema) and each number of clients
(threads, each with its own keep-alive connection):

* ours: ``POST /api/reports`` to a real ``gridcc serve`` (production mode, an intake API
  key, fan-out through Redis): read, validate, locate, store, publish — the answer is sent
  after the commit;
* floor: the same rows at the same durability with the plain driver, one transaction and
  one Redis publish per report (bench/_ingest_floor.py);
* bare Flask: a no-op JSON POST on the same kind of server ``gridcc serve`` runs (gunicorn,
  one gthread worker: the ceiling of the HTTP part alone, whatever the store).

Each figure is measured in ``--rounds`` rounds, ours, the floor and the bare server in
turn (the machine's busy moments fall on all three); printed: the median reports/s of
each and the median of the rounds' ours ÷ floor. tests/bench/test_ingest_smoke.py runs it
with a few reports.

Measured 2026-11-30 17:52 on a quiet 2-core machine, 300 reports in 5 rounds, the
outbox publishing after the answer (no publish in the request), gunicorn under both ours
and the bare server:

    store       clients  ours     floor     ours ÷ floor  bare Flask
    sqlite      1        206/s    2,424/s   8.0%          1,763/s
    sqlite      8        262/s    1,325/s   21.3%         1,795/s
    postgresql  1        126/s      570/s   22.1%         1,955/s
    postgresql  8        139/s      393/s   35.3%         1,984/s

Earlier the same day (the development server, publishing in the request), before → after
the store's changes (statements built once, no look-up before each insert, heads moved in
one statement, pings only of idle connections, group commit): SQLite 1 client 8.0% →
12.7%, 8 clients 7.1% → 15.4%; PostgreSQL 1 client 18.6% → 32.0%, 8 clients 28.0% → 51.3%.
The target, 50% of the floor, is not met: on SQLite a no-op POST on the same server alone
is 73% of the floor's rate with one client, and a report costs ~4 ms of the process's CPU
(in-process: the intake 1.5 ms, of which the store ~1 ms; the rate limiter's two Redis
round trips ~0.5 ms; the API key's look-up ~0.3 ms; Flask the rest); on PostgreSQL the
store's ~11 round trips a report (~5.6 ms, 3.9 of CPU) against the floor's 3.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import redis  # noqa: E402
from _desk_live import served  # noqa: E402
from _ingest_floor import Floor, read_template, run_clients  # noqa: E402
from _stores import postgres_schema  # noqa: E402

POSTGRES_URL = os.environ.get(
    "GRIDCC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("GRIDCC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
WARM_UP = 5
Sender = Callable[[dict[str, Any]], None]


@contextmanager
def fresh_store(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'ingest-{uuid.uuid4().hex[:8]}.db'}"
    else:
        with postgres_schema(POSTGRES_URL) as url:
            yield url


def seeded(database_url: str, first: dict[str, Any] | None = None) -> str:
    """Make the store's schema as the server would; with ``first``, report it (case 1).
    Returns a new intake API key."""
    from app import Settings, build_core
    from cases.keys import KeyRing

    core = build_core(Settings.from_env({}, database_url=database_url, redis_url=""))
    try:
        if first is not None:
            core.intake.accept(first)
        return KeyRing(core.store.engine).create(f"bench-{uuid.uuid4().hex[:8]}", "intake")
    finally:
        core.store.engine.dispose()


def http_sender(base: str, path: str, key: str) -> Callable[[], Sender]:
    host, port = base.removeprefix("http://").split(":")

    def make() -> Sender:
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}

        def send(body: dict[str, Any]) -> None:
            conn.request("POST", path, json.dumps(body).encode(), headers)
            answer = conn.getresponse()
            text = answer.read()
            if answer.status not in (200, 201):
                raise RuntimeError(f"POST {path}: {answer.status} {text[:500]!r}")

        return send

    return make


def reports(n: int, run: str) -> list[dict[str, Any]]:
    from feeds.simulator import Simulator

    grid, catalog = grid_and_catalog()
    return Simulator(grid, catalog, seed=7, run=f"{run}-{uuid.uuid4().hex[:6]}").reports(n)


@functools.cache
def grid_and_catalog() -> tuple[Any, Any]:
    from cases.catalog import load_catalog
    from geo.grid import load_default_grid

    return load_default_grid(), load_catalog()


def rate(bodies: list[dict[str, Any]], clients: int, make: Callable[[], Sender]) -> float:
    warm, timed = bodies[:WARM_UP], bodies[WARM_UP:]
    run_clients(warm, 1, make)
    return len(timed) / run_clients(timed, clients, make)


def measure_store(
    kind: str, n: int, clients: list[int], rounds: int, folder: Path, redis_url: str, bare: str
) -> dict[int, dict[str, float]]:
    """Per client count: the median reports/s of ours, the floor and the bare server, and
    the median of each round's ours ÷ floor (rounds alternate, so a busy moment of the
    machine falls on all three)."""
    first = reports(1, "template")[0]
    out: dict[int, dict[str, float]] = {}
    with fresh_store(kind, folder) as floor_url, fresh_store(kind, folder) as our_url:
        seeded(floor_url, first)
        template = read_template(floor_url)
        key = seeded(our_url)
        extra = {"REDIS_URL": redis_url, "KEY_RATE_LIMIT": "1000000/minute"}
        log = folder / f"serve-{kind}.log"
        with served(our_url, folder / f"spool-{kind}", log, extra) as base:
            senders: dict[str, Callable[[], Sender]] = {
                "floor": lambda: Floor(floor_url, redis_url, template).report_sender(
                    "bench-ingest-floor"
                ),
                "ours": http_sender(base, "/api/reports", key),
                "bare": http_sender(bare, "/api/reports", "none"),
            }
            for k in clients:
                got: dict[str, list[float]] = {name: [] for name in senders}
                for r in range(rounds):
                    for name, make in senders.items():
                        bodies = reports(WARM_UP + max(1, n // rounds), f"{name}-{k}-{r}")
                        got[name].append(rate(bodies, k, make))
                ratios = [o / f for o, f in zip(got["ours"], got["floor"], strict=True)]
                out[k] = {name: statistics.median(v) for name, v in got.items()}
                out[k]["ratio"] = statistics.median(ratios)
    return out


@contextmanager
def bare_server(folder: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = open(folder / "bare.log", "wb")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(
        [sys.executable, __file__, "--bare-server", str(port)], stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the bare Flask server did not start") from None
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def run_bare_server(port: int) -> None:
    """A no-op JSON POST on the server ``gridcc serve`` runs (serving.py: gunicorn, one
    gthread worker, Flask-SocketIO's middleware in front of Flask)."""
    from flask import Flask, jsonify, request
    from flask_socketio import SocketIO
    from gunicorn.app.base import BaseApplication

    import serving

    server = Flask("bare")

    @server.post("/api/reports")
    def noop() -> Any:
        body = json.loads(request.get_data())
        return jsonify({"ok": isinstance(body, dict)}), 201

    SocketIO(server, async_mode="threading", transports=["websocket"])

    class Bare(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            config = {"bind": [f"127.0.0.1:{port}"], "workers": 1, "worker_class": "gthread"}
            config |= {"threads": serving.THREADS, "accesslog": None, "errorlog": "-"}
            config |= {"control_socket_disable": True, "graceful_timeout": 2}
            for name, value in config.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return server

    Bare().run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=300, help="timed reports per figure")
    parser.add_argument("--clients", default="1,8", help="client counts, comma-separated")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per figure")
    parser.add_argument("--redis", default=REDIS_URL, help="Redis for the publishes")
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_server:
        run_bare_server(args.bare_server)
        return
    clients = [int(c) for c in args.clients.split(",")]
    redis.Redis.from_url(args.redis).ping()
    print(
        f"== ingest: {args.reports} reports per figure in {args.rounds} rounds, clients {clients}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="gridcc-ingest-") as tmp:
        folder = Path(tmp)
        with bare_server(folder) as bare:
            for kind in args.stores.split(","):
                got = measure_store(
                    kind, args.reports, clients, args.rounds, folder, args.redis, bare
                )
                for k in clients:
                    f = got[k]
                    print(
                        f"{kind:<10} {k} client{'s' if k > 1 else ' '}  ours {f['ours']:8.1f}/s  "
                        f"floor {f['floor']:8.1f}/s  ours ÷ floor {f['ratio']:6.1%}  "
                        f"bare Flask {f['bare']:8.1f}/s",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
