"""Benchmark: the wall's map engines side by side in headless Chromium (issue 8).

    .venv/bin/python bench/map.py [--cells 1000,5000,10000] [--seconds 10] [--profile] [--quick]

For each grid size (synthetic cells inside the 历下区 outline, GeoJSON loaded by URL from a
local server on 127.0.0.1), two paths are fed the same synthetic event stream (a case opened
or closed in a cell) in the same run:

* baseline — the wall's map at commit 3d54d77: a Plotly Choroplethmap recoloured with
  Plotly.restyle of the whole z array, one paint in flight, changes merged meanwhile
  (kept in bench/map_pages/plotly.js; plotly.js from the installed plotly package);
* maplibre — MapLibre GL JS 5.24.1, a GeoJSON source with promoteId and a fill layer coloured
  by feature state; a recolour calls setFeatureState for the changed cells only, one paint in
  flight (until 'idle'), changes merged (bench/map_pages/maplibre.js; assets/vendor's copy
  when there is one, else packed from the npm registry into var/cache/maplibre).

Figures per path and size, timed in the page (performance.now): one recolour to paint
(median, 5 cells changed at once); recolours per second and event arrived → painted
p50 / p95 at 10 and 50 events/s, every event applied and counted (an event "arrives" at its
scheduled time, as a socket message would while the page is busy); page load to first map;
bytes per recolour handed to the engine. No assertion on any time: the table says whether
issue 8's targets are met. Exits 1 when a path lost an event or shows a wrong final state.
tests/bench/test_map_smoke.py runs ``--quick`` (300 cells, 2 s per rate).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

# The bench's own helpers sit beside it (bench/ is no package: it runs as a script).
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _map_browser import PATHS, chromium, profile_recolours, run_path
from _map_data import (
    DATA,
    PLOTLY_JS,
    ROOT,
    grid_files,
    gzip_size,
    maplibre_files,
    serve,
    write_stream,
)

VIEWPORT = (1920, 1080)  # the wall's screen
RATES = (10, 50)
PER_TRIAL = 5  # cells changed by one recolour
SOCKET_FRAME = 550  # bytes per event on the socket (shared/notes/measurements-2026-11-29.md)
SCREENSHOTS = ROOT / "var" / "screenshots"


def ms(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x / 1000:.2f} s" if x >= 10_000 else f"{x:,.0f} ms" if x >= 10 else f"{x:.1f} ms"


def size(n: float | None) -> str:
    if n is None:
        return "—"
    for unit, scale in (("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    return f"{r:,.0f}×" if r >= 100 else f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def figures(r: dict[str, Any]) -> dict[str, tuple[float | None, str]]:
    """The table's rows for one path: figure -> (value, formatted)."""
    rows: dict[str, tuple[float | None, str]] = {
        f"one recolour to paint, median ({PER_TRIAL} cells)": (
            r["recolour"]["medianMs"],
            ms(r["recolour"]["medianMs"]),
        ),
        "bytes per recolour to the engine": (r["recolour"]["bytes"], size(r["recolour"]["bytes"])),
        "page load to first map": (r["load"]["firstMapMs"], ms(r["load"]["firstMapMs"])),
        "bytes loaded to first map (raw)": (r["load"]["bytes"], size(r["load"]["bytes"])),
    }
    for s in r["streams"]:
        at = f"at {s['rate']} ev/s:"
        rows[f"{at} recolours per second"] = (s["paintsPerSecond"], f"{s['paintsPerSecond']:.2f}")
        rows[f"{at} arrived → painted p50"] = (s["p50"], ms(s["p50"]))
        rows[f"{at} arrived → painted p95"] = (s["p95"], ms(s["p95"]))
        rows[f"{at} bytes per recolour"] = (s["bytesPerPaint"], size(s["bytesPerPaint"]))
        rows[f"{at} events applied & painted"] = (None, f"{s['painted']}/{s['events']}")
    return rows


def report(cells: int, results: dict[str, dict[str, Any]], ok: dict[str, bool]) -> list[str]:
    """Both paths side by side, and the ratio baseline / maplibre of each figure."""
    base, cand = (figures(results[p]) for p in PATHS)
    lines = [
        f"== {cells:,} cells ==",
        f"{'':44}{'baseline':>12}{'maplibre':>12}{'base/maplibre':>15}",
    ]
    for name, (a, a_text) in base.items():
        b, b_text = cand[name]
        lines.append(f"  {name:42}{a_text:>12}{b_text:>12}{ratio(a, b):>15}")
    for name, (a_text, b_text) in {
        "events in the run": tuple(f"{results[p]['applied']} applied" for p in PATHS),
        "painted state vs the stream": tuple("matches" if ok[p] else "DIFFERS" for p in PATHS),
    }.items():
        lines.append(f"  {name:42}{a_text:>12}{b_text:>12}")
    lines.append(f"  socket frame per event ≈{SOCKET_FRAME} B on both paths (not measured here)")
    for p in PATHS:
        times = ", ".join(f"{t:.0f}" for t in results[p]["recolour"]["times"])
        lines.append(f"  single recolours, {p} (ms): {times}")
    return lines


def targets(cells: int, r: dict[str, Any], base: dict[str, Any]) -> list[str]:
    """Issue 8's targets, judged on the maplibre path at the largest size measured."""
    fast = next(s for s in r["streams"] if s["rate"] == max(RATES))
    all_in = all(s["painted"] == s["events"] for s in r["streams"])
    p95 = max(s["p95"] or float("inf") for s in r["streams"])
    cheaper = base["recolour"]["medianMs"] / r["recolour"]["medianMs"]
    size_note = "" if cells >= 9_500 else f" (measured at {cells:,} cells, not 10,000)"
    met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    return [
        f"targets (maplibre){size_note}:",
        f"  ≥ 1 recolour/s at {max(RATES)} ev/s, every event applied: "
        f"{fast['paintsPerSecond']:.2f}/s, {fast['painted']}/{fast['events']} → "
        f"{met(fast['paintsPerSecond'] >= 1 and all_in)}",
        f"  arrived → painted p95 under 1 s: {ms(p95)} → {met(p95 < 1000)}",
        f"  one recolour ≥ 4× cheaper than the baseline: {cheaper:.1f}× → {met(cheaper >= 4)}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cells", default="1000,5000,10000", help="grid sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per event rate")
    parser.add_argument("--trials", type=int, default=7, help="timed single recolours")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="CPU profile at the largest size")
    parser.add_argument("--quick", action="store_true", help="300 cells, 2 s per rate: a smoke run")
    args = parser.parse_args(argv)
    sizes = [300] if args.quick else [int(c) for c in args.cells.split(",")]
    seconds = 2.0 if args.quick else args.seconds
    trials = 3 if args.quick else args.trials
    plan = {
        "warmup": 1 if args.quick else 2,
        "trials": trials,
        "perTrial": PER_TRIAL,
        "rates": list(RATES),
        "seconds": seconds,
    }
    events = (plan["warmup"] + trials) * PER_TRIAL + sum(round(r * seconds) for r in RATES)

    maplibre_js, maplibre_css, maplibre_from = maplibre_files()
    print(f"plotly.js: {size(PLOTLY_JS.stat().st_size)} ({size(gzip_size(PLOTLY_JS))} gzip)")
    print(
        f"maplibre-gl.js: {size(maplibre_js.stat().st_size)} "
        f"({size(gzip_size(maplibre_js))} gzip), from {maplibre_from}"
    )
    print(
        f"{len(sizes)} size(s), {seconds:g} s per rate {RATES} ev/s, {trials} single "
        f"recolours of {PER_TRIAL} cells, {events} events per path; viewport "
        f"{VIEWPORT[0]}×{VIEWPORT[1]}, headless Chromium, software WebGL",
        flush=True,
    )
    server, base_url = serve(maplibre_js, maplibre_css)
    all_ok = True
    last: tuple[int, dict[str, dict[str, Any]], str] | None = None
    try:
        with chromium() as browser:
            for target in sizes:
                started = time.perf_counter()
                grid = grid_files(target, args.seed, VIEWPORT)
                stream, expected = write_stream(grid, events, args.seed, f"/data/{grid.path.name}")
                raw, packed = grid.path.stat().st_size, gzip_size(grid.path)
                print(
                    f"\ngrid: {grid.cells:,} cells, GeoJSON {size(raw)} ({size(packed)} gzip)",
                    flush=True,
                )
                query = f"stream=/data/{stream}&plotly=/data/plotly-{target}-s{args.seed}.json"
                results, ok = {}, {}
                for path in PATHS:
                    shot = SCREENSHOTS / f"bench-map-{path}-{grid.cells}.png"
                    r = run_path(browser, base_url, path, query, plan, VIEWPORT, shot)
                    results[path] = r
                    ok[path] = r["applied"] == events and r["painted"] == expected
                    ok[path] = ok[path] and r["paintedSeq"] == events
                    all_ok = all_ok and ok[path]
                print("\n".join(report(grid.cells, results, ok)))
                print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
                last = (grid.cells, results, query)
            assert last is not None
            cells, results, query = last
            print()
            print("\n".join(targets(cells, results["maplibre"], results["baseline"])))
            if args.profile:
                for path in PATHS:
                    prof = profile_recolours(browser, base_url, path, query, VIEWPORT, trials)
                    print(
                        f"\nprofile, {path}, {cells:,} cells, per recolour: {ms(prof['wall_ms'])} "
                        f"to paint; main thread busy {ms(prof['busy_ms'])} of "
                        f"{ms(prof['window_ms'])} profiled (the rest: workers, GPU, waiting); "
                        f"a repaint with nothing changed: {ms(prof['floor_ms'])}"
                    )
                    print("  by source: " + ", ".join(f"{k} {ms(v)}" for k, v in prof["by_source"]))
                    for name, t in prof["top"]:
                        print(f"  {ms(t):>9}  {name[:90]}")
    finally:
        server.shutdown()
    print(
        f"\nscreenshots: {SCREENSHOTS.relative_to(ROOT)}/bench-map-*.png; data: "
        f"{DATA.relative_to(ROOT)}/"
    )
    print("every event applied and painted on both paths" if all_ok else "EVENTS LOST OR WRONG")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
