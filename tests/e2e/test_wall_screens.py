"""The wall on a room's screens: at 1920×1080 and 3840×2160 (device scale 1) the page fills
the screen, the map fills its panel, text grows with the screen, nothing overflows; with a
realistic load (simulated days of the district's work). Screenshots go to var/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from geo.grid import Grid
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.wall_cases import open_case, opened_store
from tests.serving import running_server

pytestmark = pytest.mark.browser

SCREENS = ((1920, 1080), (3840, 2160))

MEASURE = """() => {
  const rect = (el) => el.getBoundingClientRect();
  const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
  const view = window.gridcc.wall.map.view, map = view.map, b = view.bounds;
  const sw = map.project(b[0]), ne = map.project(b[1]);
  const panel = rect(document.getElementById('live-map')), canvas = rect(map.getCanvas());
  const labels = Array.from(document.querySelectorAll('.map-label:not([hidden])'));
  return {
    rem: px('html'),
    overflow: [document.documentElement.scrollWidth - innerWidth,
               document.documentElement.scrollHeight - innerHeight],
    panel: [panel.width, panel.height],
    canvas: [canvas.x - panel.x, canvas.y - panel.y, canvas.width, canvas.height],
    district: [Math.abs(ne.x - sw.x) / panel.width, Math.abs(sw.y - ne.y) / panel.height],
    sizes: {counter: px('.counter-value'), alert: px('.alert-cat'), ticker: px('.ticker-cat'),
            clock: px('.wall-clock'), legend: px('.map-legend')},
    labels: labels.map(l => [l.textContent, parseFloat(l.style.fontSize)]),
    alerts: document.querySelectorAll('#alerts .alert-row').length,
  };
}"""


def test_the_wall_fills_a_room_screen_at_1080p_and_4k(
    browser: Any, grid: Grid, tmp_path: Path
) -> None:
    from feeds.operations import run_operations

    url = f"sqlite:///{tmp_path / 'room.db'}"
    with opened_store(url) as store:
        # A morning's backlog of parking and spill reports, some already past their deadline
        # (written first: the ticker shows the simulated district's newest reports) ...
        for i in range(16):
            category = "SR10" if i % 4 == 0 else "CG01"
            limit = store.catalog.case_hours(store.catalog.category(category))
            age = timedelta(hours=limit * 0.8, minutes=9 * i)
            open_case(store, grid, category, age, 40 + 61 * i, "占用消防通道，影响通行")
        # ... and five days of the district's work, to now.
        run_operations(
            store, grid, days=5, reports_per_day=150, seed=11,
            start=datetime.now(UTC) - timedelta(days=5),
        )  # fmt: skip
    streets = set(grid.level_names("street"))
    seen = {}
    with running_server(url) as base:
        for width, height in SCREENS:
            context = browser.new_context(
                viewport={"width": width, "height": height},
                device_scale_factor=1,
                locale="zh-CN",
                bypass_csp=True,
            )
            page = context.new_page()
            failures: list[str] = []
            page.on("pageerror", lambda exc, f=failures: f.append(str(exc)))
            page.on(
                "console", lambda m, f=failures: f.append(m.text) if m.type == "error" else None
            )
            page.goto(base + "/")
            page.wait_for_function("window.gridcc && window.gridcc.stats.mapReadyAt !== null")
            page.wait_for_function(
                "document.querySelectorAll('.map-label:not([hidden])').length > 5"
            )
            page.wait_for_function("document.querySelectorAll('#alerts .alert-row').length > 3")
            view = "window.gridcc.wall.map.view.map"
            page.wait_for_function(f"{view}.loaded() && !{view}.isMoving()")
            m = page.evaluate(MEASURE)
            page.screenshot(path=str(SCREENSHOTS / f"wall-{width}x{height}.png"))
            context.close()
            scale = width / 1920
            assert m["rem"] == pytest.approx(16 * scale, rel=1e-3), m
            assert m["overflow"] == [0, 0], "the wall fits its screen, no scrolling"
            # The map's canvas is its panel; the district fills it one way or the other.
            assert m["canvas"] == pytest.approx([0, 0, *m["panel"]], abs=1), m
            assert max(m["district"]) > 0.9 and min(m["district"]) > 0.5, m
            # Text a room can read: sizes in CSS pixels at 1080p, twice that at 4K.
            for name, least in {"counter": 40, "alert": 20, "ticker": 18, "clock": 22}.items():
                assert m["sizes"][name] >= least * scale, (name, m["sizes"])
            assert {name for name, _ in m["labels"]} <= streets
            assert min(size for _, size in m["labels"]) >= 12 * scale, m["labels"]
            assert not failures, failures
            seen[width] = m
    # The same page, twice as large, not a quarter as large: as many alert rows.
    assert seen[3840]["alerts"] == seen[1920]["alerts"]
