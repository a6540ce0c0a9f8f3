"""bench/map.py's browser side: headless Debian Chromium through Playwright (never
``playwright install``), one fresh context per path and size, and an optional CPU profile
of the page's main thread during single recolours."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("GRIDCC_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
PATHS = {"baseline": "plotly", "maplibre": "maplibre"}  # path -> page under map_pages/

# A repaint with nothing changed, to paint (the MapLibre map inside either page: Plotly's
# map traces draw with it too): the frame's own cost, what any recolour pays at least.
FLOOR = """async trials => {
  const v = bench.view, map = v.map || v.gd._fullLayout.map._subplot.map, out = [];
  const frame = () => new Promise(r => requestAnimationFrame(r));
  for (let i = 0; i < trials; i++) {
    await new Promise(r => setTimeout(r, 150));
    const t0 = performance.now();
    await new Promise(r => { map.once("idle", r); map.triggerRepaint(); });
    await frame();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b)[Math.floor(trials / 2)];
}"""


@contextmanager
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(
    browser: Any, base: str, path: str, query: str, viewport: tuple[int, int]
) -> Iterator[Any]:
    """The path's page loaded up to its first painted map; raises what the page raised."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{base}/pages/{PATHS[path]}.html?{query}")
        page.wait_for_function("window.benchReady", timeout=120_000)
        ready = page.evaluate("window.benchReady")
        if "error" in ready or errors:
            raise RuntimeError(f"{path} page failed: {ready.get('error')} {errors}")
        page.errors = errors
        yield page
    finally:
        context.close()


def run_path(
    browser: Any,
    base: str,
    path: str,
    query: str,
    plan: dict[str, Any],
    viewport: tuple[int, int],
    screenshot: Path | None = None,
) -> dict[str, Any]:
    """Load the page, run the plan (bench.run in harness.js) and return its figures."""
    with open_page(browser, base, path, query, viewport) as page:
        result: dict[str, Any] = page.evaluate("plan => bench.run(plan)", plan)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        if page.errors:
            raise RuntimeError(f"{path} page errors: {page.errors}")
        return result


def _frame(node: dict[str, Any]) -> str:
    frame = node["callFrame"]
    name = frame["functionName"] or "(anonymous)"
    if not frame["url"]:
        return name
    return f"{name} {frame['url'].rsplit('/', 1)[-1]}:{frame['lineNumber'] + 1}"


def profile_recolours(
    browser: Any, base: str, path: str, query: str, viewport: tuple[int, int], trials: int
) -> dict[str, Any]:
    """Main-thread CPU profile (V8 sampling, 0.2 ms) of ``trials`` single recolours.

    Returns ``wall_ms`` per recolour, ``busy_ms`` (main thread not idle) per recolour and
    ``floor_ms`` the median repaint with nothing changed (see FLOOR);
    ``top``: the functions with the most self time, as (name, ms per recolour), and
    ``by_source`` the same per script ("(program)" is native work: rendering, GL calls,
    layout; "(garbage collector)" GC). Work on
    MapLibre's workers and in the GPU process (SwiftShader) is not in this profile: it is the
    part of the wall time the main thread spends idle.
    """
    with open_page(browser, base, path, query, viewport) as page:
        page.evaluate("() => bench.recolours(2, 5)")  # warm up
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        cdp.send("Profiler.start")
        done = page.evaluate(f"() => bench.recolours({trials}, 5)")
        profile = cdp.send("Profiler.stop")["profile"]
        floor = page.evaluate(FLOOR, trials)
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_us: dict[str, float] = defaultdict(float)
    by_source: dict[str, float] = defaultdict(float)
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_us[_frame(nodes[node_id])] += delta
        frame = nodes[node_id]["callFrame"]
        by_source[frame["url"].rsplit("/", 1)[-1] or frame["functionName"]] += delta
    total_us = profile["endTime"] - profile["startTime"]
    idle = self_us.pop("(idle)", 0.0)
    n = max(1, len(done["times"]))
    top = sorted(self_us.items(), key=lambda kv: -kv[1])[:8]
    return {
        "wall_ms": sum(done["times"]) / n,
        "floor_ms": floor,
        "window_ms": total_us / 1000 / n,
        "busy_ms": (total_us - idle) / 1000 / n,
        "top": [(name, us / 1000 / n) for name, us in top],
        "by_source": [
            (name, us / 1000 / n)
            for name, us in sorted(by_source.items(), key=lambda kv: -kv[1])
            if name != "(idle)" and us / 1000 / n >= 0.5
        ],
    }
