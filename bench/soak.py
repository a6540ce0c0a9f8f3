"""Benchmark, run by hand: a soak. Reports at a steady rate for a long time to many socket
clients; memory and latency at the start against the end of the same run.

    .venv/bin/python bench/soak.py [--minutes 30] [--rate 50] [--clients 200] [--procs 8]
                                   [--window 60] [--posters 4]

A real ``gridcc serve`` (production, one process, PostgreSQL on a fresh schema and Redis:
GRIDCC_BENCH_POSTGRES_URL, GRIDCC_BENCH_REDIS_URL) with ``--clients`` Socket.IO clients on
the websocket transport, signed in as operators (the district's room), in ``--procs``
processes (bench/_fanout_clients.py, bench/_light_sockets.py). ``--posters`` threads, each
with its own keep-alive connection and the intake's API key, POST new reports at
``--rate``/s between them, paced (a late answer delays that thread's next report only) for
a window of ``--window`` s; then every client must hold every report of the window (its
``case_events``), and the window's figures are printed: the posting rate achieved,
accepted → received p50 / p99 / max in ms over every client, events missing, the server's
resident memory (its processes, /proc) and its CPU over the window, the outbox's lag
(/metrics). The first window is the baseline: at the end, the last window ÷ the first (p99
and memory), and memory growth per hour. There are always at least two windows.

tests/bench/test_soak_smoke.py runs it for two windows of two seconds with 5 clients.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import requests  # noqa: E402
from _fanout_parts import (  # noqa: E402
    Poster,
    Screens,
    Server,
    cpu_seconds,
    gridcc_env,
    launched,
    pct,
    rss_mb,
)
from _stores import postgres_schema  # noqa: E402
from fanout import POSTGRES_URL, REDIS_URL, cookies, reports, seed  # noqa: E402

PY = sys.executable
LAG = re.compile(r"^gridcc_outbox_lag_events(?:\{[^}]*\})? ([\d.e+-]+)$", re.M)


@dataclass
class Window:
    began_s: float  # since the soak began
    rate: float = 0.0
    latencies: list[float] = field(default_factory=list)
    missing: int = 0
    rss_mb: float = 0.0
    cpu_pct: float = 0.0
    lag: str = "?"

    def line(self) -> str:
        return (
            f"  {self.began_s / 60:6.1f}  {self.rate:7.1f}  {pct(self.latencies, 0.5):7.1f}"
            f"  {pct(self.latencies, 0.99):7.1f}  {max(self.latencies, default=float('nan')):7.1f}"
            f"  {self.missing:7d}  {self.rss_mb:7.0f}  {self.cpu_pct:6.0f}%  {self.lag:>5}"
        )


def post_window(
    posters: list[Poster], bodies: list[dict[str, Any]], rate: float
) -> tuple[list[tuple[int, float]], float]:
    """``bodies`` at ``rate``/s shared by the posters' threads: the answers (case id, when
    accepted) and the rate achieved."""
    answers: list[tuple[int, float]] = []
    failed: list[BaseException] = []
    lock = threading.Lock()
    began = time.monotonic()
    k = len(posters)

    def work(i: int) -> None:
        try:
            for j, body in enumerate(bodies[i::k]):
                wait = began + (j * k + i) / rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                got = posters[i].post(body)
                with lock:
                    answers.append(got)
        except BaseException as exc:  # told below
            failed.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(k)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise RuntimeError(f"a poster failed: {failed[0]!r}") from failed[0]
    return answers, len(bodies) / max(time.monotonic() - began, 1e-9)


def outbox_lag(server: Server, token: str) -> str:
    try:
        text = requests.get(
            f"{server.base}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).text
    except requests.RequestException:
        return "?"
    found = LAG.search(text)
    return f"{float(found.group(1)):.0f}" if found else "?"


def metrics_key(url: str) -> str:
    from app import Settings, build_core
    from cases.keys import KeyRing

    core = build_core(Settings.from_env({}, database_url=url, redis_url=""))
    try:
        return KeyRing(core.store.engine).create(f"soak-{uuid.uuid4().hex[:8]}", "metrics")
    finally:
        core.store.engine.dispose()


def soak(args: argparse.Namespace, url: str, tmp: Path) -> list[Window]:
    key = seed(url, args.procs)
    token = metrics_key(url)
    env = gridcc_env(url, REDIS_URL, tmp / "spool")
    command = [PY, "-m", "cli", "serve", "--threads", str(args.clients + 100)]
    windows: list[Window] = []
    with launched(command, env, tmp / "serve.log") as server:
        jar = cookies(server.base, args.procs)
        posters = [Poster(server.base, "/api/reports", key) for _ in range(args.posters)]
        screens = Screens(server.base, jar, args.clients, "socket")
        try:
            print(
                f"== soak: {args.clients} socket clients in {len(screens.procs)} processes "
                f"(connected in {screens.connect_s:.1f} s), {args.rate:g} reports/s from "
                f"{args.posters} posters, {args.minutes:g} min in windows of {args.window:g} s "
                f"(PostgreSQL + Redis, one gridcc serve process)",
                flush=True,
            )
            print(
                "  minute   post/s   p50 ms   p99 ms   max ms  missing   RSS MB     CPU    lag",
                flush=True,
            )
            per_window = max(1, round(args.rate * args.window))
            began = time.monotonic()
            n = 0
            while time.monotonic() - began < args.minutes * 60 or len(windows) < 2:
                n += 1
                window = Window(time.monotonic() - began)
                cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
                bodies = reports(per_window, f"soak-{n}-{uuid.uuid4().hex[:6]}")
                answers, window.rate = post_window(posters, bodies, args.rate)
                held = screens.collect([case_id for case_id, _ in answers], deadline_s=60)
                for first, _frames, _events in held:
                    for case_id, accepted in answers:
                        if case_id in first:
                            window.latencies.append(max(0.0, first[case_id] - accepted) * 1000)
                        else:
                            window.missing += 1
                window.cpu_pct = (cpu_seconds(server.pid) - cpu0) / (time.monotonic() - t0) * 100
                window.rss_mb = rss_mb(server.pid)
                window.lag = outbox_lag(server, token)
                windows.append(window)
                print(window.line(), flush=True)
        finally:
            screens.close()
    return windows


def summary(windows: list[Window], minutes: float) -> None:
    first, last = windows[0], windows[-1]
    hours = max((last.began_s - first.began_s) / 3600, 1e-9)
    missing = sum(w.missing for w in windows)
    print(f"== soak over {minutes:g} min: {len(windows)} windows, {missing} events missing")
    p99_first, p99_last = pct(first.latencies, 0.99), pct(last.latencies, 0.99)
    print(
        f"  p99 first {p99_first:.1f} ms, last {p99_last:.1f} ms: "
        f"ratio last ÷ first {p99_last / max(p99_first, 0.001):.2f}×"
    )
    print(
        f"  memory first {first.rss_mb:.0f} MB, last {last.rss_mb:.0f} MB: ratio last ÷ first "
        f"{last.rss_mb / max(first.rss_mb, 1e-9):.2f}×, "
        f"{last.rss_mb - first.rss_mb:+.1f} MB in {hours * 60:.1f} min"
        + (f" ({(last.rss_mb - first.rss_mb) / hours:+.0f} MB an hour)" if hours >= 1 / 6 else "")
    )
    print(f"  posting rate first {first.rate:.1f}/s, last {last.rate:.1f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=50.0, help="reports per second")
    parser.add_argument("--clients", type=int, default=200, help="socket clients")
    parser.add_argument("--procs", type=int, default=8, help="client processes")
    parser.add_argument("--window", type=float, default=60.0, help="seconds a window")
    parser.add_argument("--posters", type=int, default=4, help="posting threads")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, postgres_schema(args.postgres_url) as url:
        windows = soak(args, url, Path(folder))
    summary(windows, args.minutes)
    if any(w.missing for w in windows):
        sys.exit("events were missing: a client did not receive every report's event")


if __name__ == "__main__":
    main()
