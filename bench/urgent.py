"""Benchmark: an urgent alert reaching every addressed screen, with N screens connected,
against the case event of the same report reaching the same screens (the baseline, measured
in the same run).

    .venv/bin/python bench/urgent.py [--screens 200] [--addressed 10] [--rounds 20]

The app is served (``gridcc serve``, production mode, SQLite, in-process fan-out). One cell's
1+6 team has ``--addressed`` grid workers on duty, each signed in with a socket of their
own; the rest of the screens are operators' desks (the center's room: every urgent alert
goes to them too). Each round a worker reports a fire hazard (AQ03, urgent from its
report) in that cell; the clock starts before the POST is sent, and stops at each screen as
its ``urgent_alert`` arrives (the addressed workers' personal alerts, the desks' center
alerts) and as its case event for the same report arrives (the baseline: the event the
alert rides on, without finding who is addressed). Figures: median and p95 over every
screen and round, and p95 alert ÷ p95 event.

tests/bench/test_urgent_smoke.py runs it with 6 screens and 2 rounds.

Measured 2026-11-30, 2 cores shared with four other sessions' work (trust the ratio), 200
screens (10 addressed, 190 desks), 20 reports: alert to the addressed workers median 243 ms,
p95 370 ms; to the desks median 253 ms, p95 381 ms; the same reports' case events median
134-152 ms, p95 295-324 ms; p95 alert ÷ p95 event 1.18×; every addressed screen within 1 s
at p95. (POST /api/reports answered in median 167 ms, p95 281 ms.)
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import socketio  # noqa: E402
from _desk_live import served, signed_in  # noqa: E402

PASSWORD = "bench-urgent-password-7"
CELL_INDEX = 20
WAIT_S = 30.0


class Screen:
    """A browser's socket: every urgent alert and case event, timed as it arrives."""

    def __init__(self, base: str, name: str) -> None:
        self.name = name
        self.got: queue.Queue[tuple[float, str, int]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on(
            "urgent_alert", lambda a: self.got.put((time.perf_counter(), "alert", a["case_id"]))
        )
        self.client.on(
            "case_events",
            lambda batch: [
                self.got.put((time.perf_counter(), "event", e["case_id"])) for e in batch
            ],
        )
        cookie = "; ".join(f"{k}={v}" for k, v in signed_in(base, name, PASSWORD).cookies.items())
        self.client.connect(
            base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=20
        )

    def arrivals(self, case_id: int) -> dict[str, float]:
        """When this screen got the alert and the event of ``case_id``."""
        seen: dict[str, float] = {}
        deadline = time.monotonic() + WAIT_S
        while len(seen) < 2:
            try:
                at, what, which = self.got.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(
                    f"{self.name}: {sorted(seen)} of case {case_id} within {WAIT_S:.0f} s"
                ) from None
            if which == case_id:
                seen.setdefault(what, at)
        return seen

    def close(self) -> None:
        self.client.disconnect()


def seed(url: str, screens: int, addressed: int) -> tuple[str, float, float]:
    """Users and the team; returns the cell and a point in it."""
    from app import Settings, load_grid
    from cases.db import make_engine
    from cases.people import Person, Roster
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    grid = load_grid(Settings.from_env({}))
    cell = grid.codes[CELL_INDEX]
    lon, lat = grid.geometries[CELL_INDEX].representative_point().coords[0]
    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    users.add("reporter", Role.WORKER, PASSWORD)
    for i in range(addressed):
        users.add(f"gw-{i}", Role.WORKER, PASSWORD)
    for i in range(screens - addressed):
        users.add(f"op-{i}", Role.OPERATOR, PASSWORD)
    roster = Roster(engine)
    people = [
        Person(f"p{i}", f"网格员{i}", "grid_worker", username=f"gw-{i}") for i in range(addressed)
    ]
    roster.put_people(people)
    roster.put_team(cell, "一支部", [(p.id, "worker") for p in people])
    now = store.now()
    roster.add_shifts((p.id, now - timedelta(hours=1), now + timedelta(hours=12)) for p in people)
    engine.dispose()
    return cell, lon, lat


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def figures(values: list[float]) -> str:
    return f"median {statistics.median(values):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms"


def run(screens: int, addressed: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'urgent.db'}"
        _cell, lon, lat = seed(url, screens, addressed)
        with served(url, Path(tmp) / "spool", Path(tmp) / "server.log") as base:
            started = time.perf_counter()
            workers = [Screen(base, f"gw-{i}") for i in range(addressed)]
            desks = [Screen(base, f"op-{i}") for i in range(screens - addressed)]
            connect_s = time.perf_counter() - started
            reporter = signed_in(base, "reporter", PASSWORD)
            alert_w: list[float] = []
            event_w: list[float] = []
            alert_d: list[float] = []
            event_d: list[float] = []
            post_ms: list[float] = []
            try:
                for n in range(rounds):
                    body = {
                        "category": "AQ03",
                        "description": f"楼道充电冒烟 {n}",
                        "lon": lon,
                        "lat": lat,
                        "report_id": f"bench-urgent-{n}",
                    }
                    t0 = time.perf_counter()
                    r = reporter.post(f"{base}/api/reports", json=body, timeout=30)
                    post_ms.append((time.perf_counter() - t0) * 1000)
                    r.raise_for_status()
                    case_id = int(r.json()["case_id"])
                    for group, alerts, events in (
                        (workers, alert_w, event_w),
                        (desks, alert_d, event_d),
                    ):
                        for screen in group:
                            seen = screen.arrivals(case_id)
                            alerts.append((seen["alert"] - t0) * 1000)
                            events.append((seen["event"] - t0) * 1000)
            finally:
                for screen in (*workers, *desks):
                    screen.close()
    print(
        f"== urgent alerts: {screens} screens connected ({addressed} addressed workers, "
        f"{screens - addressed} desks), {rounds} reports; connecting took {connect_s:.1f} s"
    )
    print(f"  {'POST /api/reports (answer)':<32} {figures(post_ms)}")
    for label, values in (
        ("alert → addressed workers", alert_w),
        ("event → addressed (baseline)", event_w),
        ("alert → desks (center)", alert_d),
        ("event → desks (baseline)", event_d),
    ):
        print(f"  {label:<32} {figures(values)}   n={len(values)}")
    every = alert_w + alert_d
    ratio = pct(every, 0.95) / max(pct(event_w + event_d, 0.95), 0.001)
    print(f"  ratio p95 alert ÷ p95 event     {ratio:5.2f}×")
    verdict = "yes" if pct(every, 0.95) <= 1000 else "NO"
    print(f"  every addressed screen within 1 s at p95: {verdict} ({pct(every, 0.95):.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screens", type=int, default=200)
    parser.add_argument("--addressed", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if not 0 < args.addressed <= args.screens:
        raise SystemExit("--addressed: at least 1, at most --screens")
    run(args.screens, args.addressed, args.rounds)


if __name__ == "__main__":
    main()
