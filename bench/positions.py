"""Benchmark: the people on patrol on the lead's map — positions from N workers every 30 s
(N = 1,000 at full size) put into the deployment's book and fanned out to the lead's
screens, against the same run with no positions.

    .venv/bin/python bench/positions.py [--workers 1000] [--period 30] [--seconds 40]
        [--reports 2] [--redis-url redis://127.0.0.1:6379/0] [--no-browser]

The app is served as in production (``gridcc serve``, its own process, REDIS_URL set: the
positions book in Redis, the fan-out through it). The lead's screens are a Socket.IO client
(websocket, the lead's token) and the real /lead page in headless Chromium (software WebGL).
Both phases post case reports at ``--reports`` a second (so the map has case events to
repaint, as on a working day) for ``--seconds``:

1. no positions (the baseline);
2. N workers, each putting a position every ``--period`` seconds, staggered (N/period puts
   a second), into the Redis book as the patrol API does (``Position.at`` = when put).

Figures, each phase: case event lag (report accepted → its event at the socket), p50/p95;
the map's case repaints a second and the page's animation frames a second (the map keeps
updating?), and their ratio to the baseline. Positions phase: lag from put to the frame at
the socket and in the page (and to the page's next animation frame after it, when the dots
are redrawn), p50/p95; frames a second and bytes a frame at the socket; the server's read
of the whole book (``recent()`` of N positions, done once per frame by each process).

tests/bench/test_positions_smoke.py runs it with 20 workers every 3 s for 6 s a phase.

Measured 2026-11-30 at full size (1,000 workers every 30 s, 2 reports/s, 40 s a phase) on 2
cores shared with four other sessions; frames every 0.25 s, the dots on a CPU canvas. Two
runs, a quieter one (load 4-9) and a starved one (load 11, when the page kept 2 frames a
second even without positions):

                                         quieter run          starved run
    put → socket p50 / p95               137 / 252 ms         166 / 330 ms
    put → page p50 / p95                 137 / 252 ms         198 / 518 ms
    put → the page's next frame p95      321 ms               1,649 ms (frame gaps p95
                                                              983 ms without positions)
    frames at the socket                 3.9 a second, ~1 KB  3.6 a second, ~1 KB
    map case repaints/s (no pos. → pos.) 2.0 → 2.0 (1.00×)    1.0 → 0.9 (0.90×)
    page animation frames/s              32.6 → 32.7 (1.00×)  2.2 → 2.0 (0.91×)
    people layer on the main thread      6 ms a second        13.5 ms a second
    server's read of the whole book      3.7 ms               4.4 ms

The issue asks ≤ 1 s p95 and ≥ 1 map update a second: met on the quieter run with room to
spare, and to the page on the starved one; the positions cost the page about nothing next
to the same run without them. What this bench changed on the way: frames once a second put
the socket's p95 at 0.95-1.0 s (a change waits for its batch), so they go four times a
second; the dots as a MapLibre layer, or on a GPU canvas, made software WebGL repaint with
every batch (0.07-0.34× the page's frames), so they are on a CPU canvas; the Redis read of
1,000 positions took ~24 ms, now ~4 (hiredis, and each person parsed again only when their
stored position changed).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-7-positions"

from app import Settings  # noqa: E402
from cases.positions import Position  # noqa: E402

PAGE_HOOK = """() => {
  const G = window.gridcc, b = window.__bench = { recv: [], drawn: [], frames: 0, raf: 0 };
  G.lead.live.link.socket.on("positions", (f) => {
    const now = Date.now(), ats = (f.put || []).map((r) => r.at);
    b.frames += 1;
    ats.forEach((at) => b.recv.push(now - at));
    requestAnimationFrame(() => {
      const t = Date.now();
      ats.forEach((at) => b.drawn.push(t - at));
    });
  });
  b.gaps = [];
  let last = performance.now();
  (function loop(t) {
    if (t !== undefined) { b.gaps.push(t - last); last = t; }
    b.raf += 1;
    requestAnimationFrame(loop);
  })();
  // The main thread's time in the people layer: its draws and the frames it takes in.
  const layer = G.lead.live.people.layer;
  b.layerMs = 0;
  ["draw", "heard", "tick"].forEach((name) => {
    const own = layer[name].bind(layer);
    layer[name] = (...args) => {
      const t = performance.now();
      try { return own(...args); } finally { b.layerMs += performance.now() - t; }
    };
  });
}"""
PAGE_STATE = """() => { const g = window.gridcc, live = g && g.lead && g.lead.live;
  return { gridcc: !!g, live: !!live, connected: live ? live.connected : null,
    mapReadyAt: live ? live.stats.mapReadyAt : null, people: !!(live && live.people),
    added: live && live.people ? live.people.layer.added : null, url: location.href }; }"""
PAGE_READ = """() => { const b = window.__bench, s = window.gridcc.lead.live.stats;
  const layer = window.gridcc.lead.live.people.layer;
  return { recv: b.recv.splice(0), drawn: b.drawn.splice(0), frames: b.frames, raf: b.raf,
    connected: window.gridcc.lead.live.connected,
    paints: s.paints, dots: layer ? layer.drawn : 0, layerMs: b.layerMs,
    gaps: b.gaps.splice(0) }; }"""


@contextmanager
def served(database_url: str, redis_url: str, tmp: Path) -> Iterator[str]:
    """``gridcc serve`` (bench/_desk_live.py) on this run's store and Redis."""
    from _desk_live import served as serve

    extra = {"REDIS_URL": redis_url, "MEDIA_DIR": str(tmp / "media")}
    with serve(database_url, tmp / "spool", tmp / "server.log", extra) as base:
        yield base


class LeadSocket:
    """The lead's socket: positions frames and case events, each timed as it arrives."""

    def __init__(self, base: str, token: str) -> None:
        self.frames: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.events: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("positions", lambda f: self.frames.put((time.time(), f)))
        self.client.on(
            "case_events", lambda batch: [self.events.put((time.time(), e)) for e in batch]
        )
        self.client.connect(
            base, headers={"Authorization": f"Bearer {token}"}, transports=["websocket"]
        )

    def drain_frames(self) -> list[tuple[float, dict[str, Any]]]:
        out = []
        while True:
            try:
                out.append(self.frames.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        self.client.disconnect()


class Workers(threading.Thread):
    """N grid workers, each putting a position every ``period`` s, staggered evenly."""

    def __init__(self, book: Any, n: int, period: float, bounds: tuple[float, ...]) -> None:
        super().__init__(daemon=True)
        self.book, self.n, self.period = book, n, period
        rng = random.Random(0)
        x0, y0, x1, y1 = bounds
        self.spots = [(rng.uniform(x0, x1), rng.uniform(y0, y1)) for _ in range(n)]
        self.stop = threading.Event()
        self.puts = 0

    def run(self) -> None:
        start, gap, i = time.monotonic(), self.period / self.n, 0
        while not self.stop.is_set():
            wait = start + i * gap - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                return
            w = i % self.n
            lon, lat = self.spots[w]
            lon, lat = lon + random.uniform(-2e-4, 2e-4), lat + random.uniform(-2e-4, 2e-4)
            self.spots[w] = (lon, lat)
            self.book.put(Position(f"gw-{w:05d}", f"网格员{w}", lon, lat, time.time(), 8.0, w))
            self.puts += 1
            i += 1


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def phase(
    base: str,
    token: str,
    lead: LeadSocket,
    page: Any,
    seconds: float,
    reports: float,
    grid: Any,
    since: float,
) -> dict[str, Any]:
    """Post reports at ``reports``/s for ``seconds``; what the screens saw meanwhile."""
    headers = {"Authorization": f"Bearer {token}"}
    posted: dict[int, float] = {}
    before = page.evaluate(PAGE_READ) if page is not None else None
    lead.drain_frames()
    t0, n = time.monotonic(), 0
    while time.monotonic() - t0 < seconds:
        lon, lat = grid.geometries[(n * 37) % len(grid.codes)].representative_point().coords[0]
        body = {"category": "CG01", "description": "bench", "lon": lon, "lat": lat}
        at = time.time()
        r = requests.post(f"{base}/api/reports", json=body, headers=headers, timeout=10)
        r.raise_for_status()
        posted[r.json()["case_id"]] = at
        n += 1
        time.sleep(max(0.0, t0 + n / reports - time.monotonic()))
    elapsed = time.monotonic() - t0
    frames = lead.drain_frames()
    after = page.evaluate(PAGE_READ) if page is not None else None
    lags, deadline = [], time.monotonic() + 10
    while len(lags) < len(posted) and time.monotonic() < deadline:
        try:
            got, ev = lead.events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if ev.get("kind") == "case.reported" and ev.get("case_id") in posted:
            lags.append(got - posted[ev["case_id"]])
    out: dict[str, Any] = {
        "seconds": elapsed,
        "reports": len(posted),
        "events": len(lags),
        "event_p50": pct(lags, 0.5),
        "event_p95": pct(lags, 0.95),
        "frames_per_s": len(frames) / elapsed,
        "frame_bytes": statistics.median(
            [len(json.dumps(f, ensure_ascii=False)) for _, f in frames]
        )
        if frames
        else 0,
        "socket_lag": [
            got - r["at"] / 1000 for got, f in frames for r in f["put"] if r["at"] / 1000 >= since
        ],
    }
    if before is not None and after is not None:
        out["paints_per_s"] = (after["paints"] - before["paints"]) / elapsed
        out["raf_per_s"] = (after["raf"] - before["raf"]) / elapsed
        out["gap_p95"] = pct(after["gaps"], 0.95)
        out["page_recv"] = [ms / 1000 for ms in after["recv"]]
        out["page_drawn"] = [ms / 1000 for ms in after["drawn"]]
        out["dots"] = after["dots"]
        out["page_frames"] = after["frames"] - before["frames"]
        out["page_connected"] = after["connected"]
        out["layer_ms_per_s"] = (after["layerMs"] - before["layerMs"]) / elapsed
    return out


def read_cost(book: Any, trials: int = 20) -> float:
    times = []
    for _ in range(trials):
        t = time.perf_counter()
        book.recent()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


@contextmanager
def lead_page(base: str) -> Iterator[Any]:
    sys.path.insert(0, str(ROOT / "bench"))
    from _map_browser import chromium

    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/login?next=/lead")
        page.fill("input[name=username]", "lead")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/lead*", timeout=60_000)
        try:
            page.wait_for_function(
                "window.gridcc && window.gridcc.lead && window.gridcc.lead.live.connected"
                " && window.gridcc.lead.live.stats.mapReadyAt !== null"
                " && window.gridcc.lead.live.people && window.gridcc.lead.live.people.layer.added",
                timeout=120_000,
            )
        except Exception as exc:  # say which part of the page never came
            state = page.evaluate(PAGE_STATE)
            raise RuntimeError(
                f"the lead's page never got ready: {state}; errors {errors}"
            ) from exc
        page.evaluate(PAGE_HOOK)
        try:
            yield page
        finally:
            if errors:
                print(f"page errors: {errors}", file=sys.stderr)
            context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--period", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, default=40.0, help="each phase")
    parser.add_argument("--reports", type=float, default=2.0, help="case reports a second")
    parser.add_argument(
        "--redis-url", default=os.environ.get("GRIDCC_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--no-browser", action="store_true", help="the socket client only")
    args = parser.parse_args(argv)

    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role
    from dashboard.web import position_book
    from geo.grid import load_default_grid

    grid = load_default_grid()
    with tempfile.TemporaryDirectory(prefix="gridcc-positions-") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp / 'bench.db'}"
        engine = make_engine(url)
        Store(engine).create_schema()
        token = UserDirectory(engine).add("lead", Role.LEAD, PASSWORD)
        engine.dispose()
        # The book the server opens: this deployment's own prefix in that Redis.
        book = position_book(Settings.from_env({}, database_url=url, redis_url=args.redis_url))
        print(
            f"positions bench: {args.workers:,} workers every {args.period:g} s "
            f"({args.workers / args.period:.1f} puts/s), {args.reports:g} reports/s, "
            f"{args.seconds:g} s a phase, browser: {not args.no_browser}"
        )
        with served(url, args.redis_url, tmp) as base:
            lead = LeadSocket(base, token)
            with lead_page(base) if not args.no_browser else _none() as page:
                first = phase(base, token, lead, page, args.seconds, args.reports, grid, 0.0)
                workers = Workers(book, args.workers, args.period, grid.bounds)
                workers.start()
                # One whole period first, so every worker is on the map when measuring.
                time.sleep(args.period)
                since = time.time()
                second = phase(base, token, lead, page, args.seconds, args.reports, grid, since)
                workers.stop.set()
                workers.join(timeout=10)
                cost = read_cost(book)
            lead.close()
        book.close()
    report(first, second, cost, args, workers.puts)
    return 0


@contextmanager
def _none() -> Iterator[None]:
    yield None


def report(
    first: dict[str, Any], second: dict[str, Any], cost: float, args: Any, puts: int
) -> None:
    def ms(v: float) -> str:
        return f"{v * 1000:7.0f}"

    print(f"puts: {puts:,}; reports: {first['reports']} / {second['reports']}")
    print(f"{'':34}{'no positions':>14}{'positions':>12}{'ratio':>8}")

    def row(label: str, a: float, b: float, fmt: str = "{:12.1f}") -> None:
        ratio = b / a if a and a == a else float("nan")
        print(f"  {label:32}{fmt.format(a):>14}{fmt.format(b):>12}{ratio:7.2f}×")

    row("case event lag p50 (ms)", first["event_p50"] * 1000, second["event_p50"] * 1000, "{:.0f}")
    row("case event lag p95 (ms)", first["event_p95"] * 1000, second["event_p95"] * 1000, "{:.0f}")
    print(
        f"  case events arrived: {first['events']}/{first['reports']}, "
        f"{second['events']}/{second['reports']}"
    )
    if "paints_per_s" in first:
        row("map case repaints/s", first["paints_per_s"], second["paints_per_s"])
        row("page animation frames/s", first["raf_per_s"], second["raf_per_s"])
        row("page frame gap p95 (ms)", first["gap_p95"], second["gap_p95"], "{:.0f}")
    lag = second["socket_lag"]
    print(
        f"positions: {len(lag):,} rows at the socket, {second['frames_per_s']:.2f} frames/s, "
        f"{second['frame_bytes']:,.0f} B a frame (median)"
    )
    print(f"  put → socket        p50 {ms(pct(lag, 0.5))} ms  p95 {ms(pct(lag, 0.95))} ms")
    if "page_recv" in second:
        recv, drawn = second["page_recv"], second["page_drawn"]
        print(f"  put → page          p50 {ms(pct(recv, 0.5))} ms  p95 {ms(pct(recv, 0.95))} ms")
        print(f"  put → next frame    p50 {ms(pct(drawn, 0.5))} ms  p95 {ms(pct(drawn, 0.95))} ms")
        print(f"  dots on the map: {second['dots']:,}")
        # Said so a run whose page heard nothing (seen once, under CI's load) can be read.
        print(
            f"  position frames the page heard: {second['page_frames']:,}"
            f" (its socket connected at the end: {second['page_connected']})"
        )
        print(
            f"  people layer on the page's main thread: {second['layer_ms_per_s']:.1f} ms a second"
        )
    print(f"  server's read of the book ({args.workers:,} positions): {cost:.1f} ms (median)")


if __name__ == "__main__":
    raise SystemExit(main())
