"""Benchmark: case events fanned out to S socket clients in processes of their own, against
an echo floor and a 1-second polling dashboard measured in the same run.

    .venv/bin/python bench/fanout.py [--clients 50,200] [--reports 300] [--rate 20]
                                     [--procs 4] [--burst 200] [--burst-threads 8]

On a fresh PostgreSQL schema with Redis (GRIDCC_BENCH_POSTGRES_URL, GRIDCC_BENCH_REDIS_URL;
each server on a channel of its own), for each S:

* gridcc: a real ``gridcc serve`` (production); S python-socketio clients on the websocket
  transport, signed in as operators (the district's room), in ``--procs`` processes; reports
  POSTed to the intake at ``--rate``/s by an API key. Figures: accepted (the POST's answer)
  → received at each client, p50 / p95 / p99 / mean in ms (an event that beats the answer
  counts 0); the posting rate achieved; the server's CPU time (/proc, its processes) ÷ the
  events it published.
* echo floor: a plain Flask-SocketIO server (bench/_echo_server.py: threading, websocket
  only, Redis message queue) broadcasting each POSTed body, same clients, same rate.
* poller: dashboards polling ``/api/events?since=`` every second (up to ``--pollers`` of
  them; their latency is the interval's, whatever their number), accepted → seen.
* burst: ``--burst`` reports written straight to the store (the intake without HTTP) by
  ``--burst-threads`` threads of the bench while the server is stopped (SIGSTOP), then
  published as it goes on, as after a stall (Redis or the store back, a failover); the
  server's CPU time is its outbox's and fan-out's alone: to the coalescing outbox (one frame
  per room per batch)
  and to the same server with the outbox publishing one event at a time
  (bench/_serve_one_by_one.py: one frame per event, as before the outbox); server CPU per
  event and per event per socket, events per frame, written → received.

Ratios printed: p99 ours ÷ echo, mean poller ÷ ours (target p99 ≤ 100 ms and ≥ 10× better
than polling), CPU per event one at a time ÷ coalesced. tests/bench/test_fanout_smoke.py
runs it with 5 clients.

Measured 2026-11-30 17:15 on a quiet 2-core machine (gunicorn, one process, the outbox's
fast path, the light clients of bench/_light_sockets.py), 300 reports offered at 20/s:

    clients  gridcc p50 / p99  echo p99  poller ÷ gridcc  burst of 200: CPU per event
    50       4.6 / 9.2 ms      1.8 ms    105.7×           6.20 ms one by one, 0.30 coalesced
    200      12.3 / 26.5 ms    7.4 ms    39.8×            21.20 ms one by one, 1.20 coalesced

docs/capacity.md has every run and what they mean for a city.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
from _fanout_parts import (  # noqa: E402
    Poster,
    Run,
    Screens,
    Server,
    cpu_seconds,
    gridcc_env,
    launched,
    paused,
    pct,
    post_paced,
    rss_mb,
    run_threads,
)
from _stores import postgres_schema  # noqa: E402

POSTGRES_URL = os.environ.get(
    "GRIDCC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("GRIDCC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "bench-fanout-password-3"
WARM_UP = 3
PY = sys.executable


def seed(url: str, procs: int) -> str:
    """The schema, an operator per screens' process (and one for the poster's checks), an
    intake key (returned)."""
    from app import Settings, build_core
    from cases.keys import KeyRing
    from cases.workflow import Role

    core = build_core(Settings.from_env({}, database_url=url, redis_url=""))
    try:
        for i in range(procs + 1):
            core.users.add(f"op-{i}", Role.OPERATOR, PASSWORD)
        return KeyRing(core.store.engine).create(f"bench-{uuid.uuid4().hex[:8]}", "intake")
    finally:
        core.store.engine.dispose()


def reports(n: int, run: str) -> list[dict[str, Any]]:
    from cases.catalog import load_catalog
    from feeds.simulator import Simulator
    from geo.grid import load_default_grid

    return Simulator(load_default_grid(), load_catalog(), seed=11, run=run).reports(n)


def cookies(base: str, procs: int) -> list[str]:
    out = []
    for i in range(procs):
        r = requests.post(
            f"{base}/api/login", json={"username": f"op-{i}", "password": PASSWORD}, timeout=30
        )
        r.raise_for_status()
        out.append("; ".join(f"{k}={v}" for k, v in r.cookies.items()))
    return out


def head(base: str, cookie: str) -> int:
    return int(
        requests.get(f"{base}/api/seq", headers={"Cookie": cookie}, timeout=30).json()["seq"]
    )


def measured(
    label: str,
    server: Server,
    screens: Screens,
    send: Any,
    bodies: list[dict[str, Any]],
    count_events: Any,
) -> Run:
    """Send ``bodies`` (``send`` returns the answers and the rate), wait for every client
    to hold them, and time it all. ``count_events``: the server's events so far (None: one
    per answer)."""
    run = Run(label)
    events0, cpu0 = count_events() if count_events else 0, cpu_seconds(server.pid)
    answers, run.rate = send(bodies)
    run.add(answers, screens.collect([case_id for case_id, _ in answers]))
    run.cpu_s = cpu_seconds(server.pid) - cpu0
    run.events = count_events() - events0 if count_events else len(answers)
    return run


def warm(screens: Screens, poster: Poster, bodies: list[dict[str, Any]]) -> None:
    answers = [poster.post(body) for body in bodies]
    screens.collect([case_id for case_id, _ in answers])


class Bench:
    def __init__(self, args: argparse.Namespace, url: str, key: str, tmp: Path) -> None:
        self.args, self.url, self.key, self.tmp = args, url, key, tmp
        self.made = 0
        self._takes_threads: bool | None = None

    def bodies(self, n: int) -> list[dict[str, Any]]:
        self.made += 1
        return reports(n, f"fanout-{self.made}-{uuid.uuid4().hex[:6]}")

    def threads(self, clients: int) -> list[str]:
        """``--threads`` for gunicorn's gthread worker, where each websocket holds a thread
        for its life: room for the clients, the pollers and the requests (a ``gridcc
        serve`` without the option serves each socket on a thread of its own anyway)."""
        if self._takes_threads is None:
            usage = subprocess.run(
                [PY, "-m", "cli", "serve", "--help"],
                cwd=HERE.parent,
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            self._takes_threads = "--threads" in usage
        return ["--threads", str(clients + 100)] if self._takes_threads else []

    def gridcc(self, command: list[str], name: str) -> Any:
        env = gridcc_env(self.url, REDIS_URL, self.tmp / "spool")
        return launched(command, env, self.tmp / f"{name}.log")

    def ours(self, clients: int) -> tuple[Run, Run, Run, float, tuple[float, float]]:
        """The steady run, the burst, and the poller on gridcc serve."""
        a = self.args
        command = [PY, "-m", "cli", "serve", *self.threads(clients)]
        with self.gridcc(command, "serve") as server:
            jar = cookies(server.base, a.procs + 1)
            poster = Poster(server.base, "/api/reports", self.key)
            count = lambda: head(server.base, jar[-1])  # noqa: E731
            alone = rss_mb(server.pid)
            screens = Screens(server.base, jar[: a.procs], clients, "socket")
            try:
                warm(screens, poster, self.bodies(WARM_UP))
                memory = (alone, rss_mb(server.pid))
                steady = measured(
                    "gridcc (outbox)",
                    server,
                    screens,
                    lambda b: post_paced(poster, b, a.rate),
                    self.bodies(a.reports),
                    count,
                )
                burst = self.burst("coalesced (outbox batches)", server, screens, count)
            finally:
                screens.close()
            pollers = Screens(server.base, jar[: a.procs], min(clients, a.pollers), "poll")
            try:
                polled = measured(
                    f"1-s poller ({min(clients, a.pollers)} polling)",
                    server,
                    pollers,
                    lambda b: post_paced(poster, b, a.rate),
                    self.bodies(a.reports),
                    count,
                )
            finally:
                pollers.close()
        return steady, burst, polled, screens.connect_s, memory

    def burst(self, label: str, server: Server, screens: Screens, count: Any) -> Run:
        """``--burst`` reports written to the store by this process's ``--burst-threads``
        threads (the intake without HTTP) while the server is stopped (SIGSTOP): once it
        goes on, its outbox publishes them from the log as it would after a stall (Redis or
        the store back, a failover). Its CPU time is the outbox's and the fan-out's."""
        from app import Settings, build_core

        core = build_core(Settings.from_env({}, database_url=self.url, redis_url=""))
        threads = self.args.burst_threads

        def write(bodies: list[dict[str, Any]]) -> tuple[list[tuple[int, float]], float]:
            out: list[tuple[int, float]] = []

            def one(body: dict[str, Any]) -> None:
                case_id = int(core.intake.accept(body).body()["case_id"])
                out.append((case_id, time.monotonic()))

            with paused(server.pid):  # the events wait in the log, as behind a stall
                rate = run_threads(bodies, threads, one)
            return out, rate

        try:
            return measured(label, server, screens, write, self.bodies(self.args.burst), count)
        finally:
            core.store.engine.dispose()

    def one_by_one(self, clients: int) -> Run:
        """The same burst with the outbox publishing one event at a time."""
        command = [PY, str(HERE / "_serve_one_by_one.py"), *self.threads(clients)]
        with self.gridcc(command, "one-by-one") as server:
            jar = cookies(server.base, self.args.procs + 1)
            count = lambda: head(server.base, jar[-1])  # noqa: E731
            screens = Screens(server.base, jar[: self.args.procs], clients, "socket")
            try:
                warm(screens, Poster(server.base, "/api/reports", self.key), self.bodies(WARM_UP))
                return self.burst("one frame per event (batch 1)", server, screens, count)
            finally:
                screens.close()

    def echo(self, clients: int) -> Run:
        a = self.args
        channel = f"bench-echo-{uuid.uuid4().hex[:10]}"
        command = [PY, str(HERE / "_echo_server.py"), "{port}", REDIS_URL, channel]
        with launched(command, {}, self.tmp / "echo.log", probe="/up") as server:
            poster = Poster(server.base, "/echo", None)
            screens = Screens(server.base, [""] * a.procs, clients, "socket")
            sent = [0]

            def numbered(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
                out = []
                for body in bodies:
                    sent[0] += 1
                    out.append({**body, "case_id": sent[0]})
                return out

            try:
                warm(screens, poster, numbered(self.bodies(WARM_UP)))
                return measured(
                    "echo floor (Flask-SocketIO)",
                    server,
                    screens,
                    lambda b: post_paced(poster, b, a.rate),
                    numbered(self.bodies(a.reports)),
                    None,  # one event a report: the answers
                )
            finally:
                screens.close()


def report(clients: int, a: argparse.Namespace, runs: dict[str, Any]) -> None:
    steady, burst, polled, connect_s, (alone, connected) = runs["ours"]
    echo, before = runs["echo"], runs["before"]
    print(
        f"== fan-out: {clients} socket clients in {min(a.procs, clients)} processes, "
        f"{a.reports} reports at {a.rate:g}/s (PostgreSQL + Redis); "
        f"connecting took {connect_s:.1f} s; server memory {alone:.0f} MB, "
        f"{connected:.0f} MB with the sockets ({(connected - alone) * 1024 / clients:.0f} KB each)"
    )
    print(
        f"  {'accepted → received, ms':<30} {'p50':>7} {'p95':>7} {'p99':>7} {'mean':>7}"
        f"   received   post/s   CPU ms/event"
    )
    for run in (steady, echo, polled):
        print(run.line())
    steady_p99 = pct(steady.latencies, 0.99)
    ratio_echo = steady_p99 / max(pct(echo.latencies, 0.99), 0.001)
    ratio_poll = polled.mean / max(steady.mean, 0.001)
    print(f"  ratio p99 gridcc ÷ echo floor      {ratio_echo:6.2f}×")
    print(f"  ratio mean poller ÷ gridcc         {ratio_poll:6.1f}×")
    ok_p99 = "yes" if steady_p99 <= 100 else "NO"
    ok_poll = "yes" if ratio_poll >= 10 else "NO"
    print(
        f"  target p99 ≤ 100 ms: {ok_p99} ({steady_p99:.0f} ms); "
        f"≥ 10× better than polling: {ok_poll}"
    )
    print(
        f"  burst: {a.burst} reports written to the store while the server is stopped, "
        "then published (p99: written → received, the stop included)\n"
        f"  {'':<32} written/s  events/frame  CPU ms/event  CPU µs/event/socket  p99 ms"
    )
    for run in (before, burst):
        per_frame = run.events_seen / max(run.frames, 1)
        per_socket = run.cpu_ms_per_event() * 1000 / max(clients, 1)
        print(
            f"  {run.label:<32} {run.rate:9.1f}  {per_frame:12.2f}  {run.cpu_ms_per_event():12.2f}"
            f"  {per_socket:19.1f}  {pct(run.latencies, 0.99):6.1f}   "
            f"received {len(run.latencies)}/{len(run.latencies) + run.missing}"
        )
    saved = before.cpu_ms_per_event() / max(burst.cpu_ms_per_event(), 1e-9)
    print(f"  ratio CPU per event one at a time ÷ coalesced  {saved:5.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,200", help="socket clients, comma-separated")
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="reports per second")
    parser.add_argument("--procs", type=int, default=4, help="client processes")
    parser.add_argument("--pollers", type=int, default=50, help="most polling dashboards")
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--burst-threads", type=int, default=8)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()
    sizes = [int(s) for s in args.clients.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as folder, postgres_schema(args.postgres_url) as url:
        tmp = Path(folder)
        bench = Bench(args, url, seed(url, args.procs), tmp)
        every: dict[int, dict[str, Any]] = {}
        for clients in sizes:
            runs: dict[str, Any] = {"ours": bench.ours(clients)}
            runs["before"] = bench.one_by_one(clients)
            runs["echo"] = bench.echo(clients)
            report(clients, args, runs)
            every[clients] = runs
            sys.stdout.flush()
        if len(every) > 1:
            per_socket(every)


def per_socket(every: dict[int, dict[str, Any]]) -> None:
    """What one more socket costs the server per event: the slope of CPU per event between
    the fewest and the most clients (the intake's own cost, the same at both, cancels)."""
    few, many = min(every), max(every)
    print(f"== server CPU per event per added socket, {few} → {many} clients")
    for label, cost in (
        ("steady, gridcc (outbox)", lambda r: r["ours"][0]),
        ("steady, echo floor", lambda r: r["echo"]),
        ("burst, one frame per event", lambda r: r["before"]),
        ("burst, coalesced", lambda r: r["ours"][1]),
    ):
        a, b = cost(every[few]).cpu_ms_per_event(), cost(every[many]).cpu_ms_per_event()
        print(f"  {label:<30} {(b - a) * 1000 / (many - few):7.1f} µs")


if __name__ == "__main__":
    main()
