"""The wall's map in a real browser: risk as time passes, agreement with the store, the
levels, and what the lead's and liaison's maps will need from the one map view."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from dashboard import rates
from geo.grid import Grid
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser


def test_risk_mode_colours_cells_as_time_passes(page: Any, grid: Grid, tmp_path: Path) -> None:
    """Cases of every age, written with their real report times (no faked clock, so no
    run near midnight can see a new day): each cell shows its risk, and one case crosses
    into 关注 while the page watches."""
    from datetime import timedelta

    from cases.db import make_engine
    from cases.model import Report
    from cases.store import Store

    url = f"sqlite:///{tmp_path / 'risk.db'}"
    # CG01 违章停车: its own clock is every stage's limit (P calendar hours): watch at half,
    # at risk at 80%, overdue at P.
    from cases.catalog import load_catalog

    catalog = load_catalog()
    p = timedelta(hours=catalog.case_hours(catalog.category("CG01")))
    crossing_in_s = 12
    ages = {
        1: timedelta(0),
        2: p / 2 + timedelta(minutes=5),
        3: p * 0.8 + timedelta(minutes=4),
        4: p + timedelta(minutes=5),
        "soon": p / 2 - timedelta(seconds=crossing_in_s),
    }
    cells: dict[Any, str] = {}
    watch_at: dict[Any, Any] = {}
    for i, (key, age) in enumerate(ages.items()):
        index = 300 + 40 * i
        lon, lat = grid.geometries[index].representative_point().coords[0]
        engine = make_engine(url)
        store = Store(engine, now=lambda age=age: datetime.now(UTC) - age)
        store.create_schema()
        case, _created = store.open_case(
            Report("patrol", "CG01", "违停", lon, lat, grid.codes[index], grid.names[index])
        )
        engine.dispose()
        cells[key] = grid.codes[index]
        watch_at[key] = case.watch_at
    with running_server(url) as base:
        page.goto(base + "/?map=risk")
        page.wait_for_function("window.gridcc && window.gridcc.stats.mapReadyAt !== null")
        assert page.evaluate("window.gridcc.stats.mode") == "risk"

        def level(key: Any) -> int:
            code = cells[key]
            return int(page.evaluate("(code) => window.gridcc.wall.map.valueOf(code)", code))

        def levels() -> list[int]:
            return [level(k) for k in (1, 2, 3, 4)]

        assert eventually(levels, [1, 2, 3, 4]) == [1, 2, 3, 4]  # ok, watch, at risk, overdue
        counters = lambda: (  # noqa: E731
            page.locator("#counter-at-risk").inner_text(),
            page.locator("#counter-overdue").inner_text(),
        )
        assert eventually(counters, ("1", "1")) == ("1", "1")
        assert level("soon") == 1
        # The clock passes the case's own watch line (as stored: on a busy machine the case
        # was written a while after the test began); the risk tick recolours its cell.
        wait = watch_at["soon"] + timedelta(seconds=1) - datetime.now(UTC)
        time.sleep(max(0.0, wait.total_seconds()))

        def ticked() -> int:
            page.evaluate("window.gridcc.wall.riskTick()")
            return level("soon")

        assert eventually(ticked, 2) == 2
        # Back to the load view: one open case in each of those cells.
        page.click("#map-mode button[data-mode=load]")
        page.wait_for_function("window.gridcc.stats.mode === 'load'")
        assert eventually(lambda: [level(k) for k in cells], [1] * 5) == [1] * 5
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "wall-risk.png"))


def test_wall_agrees_with_the_stored_cases(page: Any, grid: Grid, tmp_path: Path) -> None:
    """After three simulated days, the risk map and KPI strip say what the store says."""
    from datetime import timedelta

    from cases import clock
    from cases.db import make_engine
    from cases.kpi import compute_kpis
    from cases.store import Store
    from feeds.operations import run_operations

    url = f"sqlite:///{tmp_path / 'agree.db'}"
    store = Store(make_engine(url))
    store.create_schema()
    run_operations(store, grid, days=3, reports_per_day=120, seed=4)
    with running_server(url) as base:
        page.goto(base + "/?map=risk&level=cell")
        page.wait_for_function("window.gridcc && window.gridcc.stats.mapReadyAt !== null")
        page.wait_for_function("window.gridcc.stats.mode === 'risk'")
        levels = {"ok": 1, "watch": 2, "at_risk": 3, "overdue": 4}
        stored = store.cell_state(clock.utcnow())
        expected = {code: levels[s["worst"]] for code, s in stored.items()}
        shown = eventually(
            lambda: page.evaluate(
                """() => {
                  const map = window.gridcc.wall.map, out = {};
                  map.cfg.codes.forEach(c => { const v = map.valueOf(c); if (v) out[c] = v; });
                  return out;
                }"""
            ),
            expected,
        )
        assert shown == expected
        assert page.locator("#counter-open").inner_text() == str(
            sum(s["open"] for s in stored.values())
        )
        overdue = sum(s["overdue"] for s in stored.values())
        assert page.locator("#counter-overdue").inner_text() == str(overdue)

        today = clock.utcnow().astimezone(clock.LOCAL_TZ).date()
        kpis = compute_kpis(store, "district", today - timedelta(days=29), today)["370102"]
        for code in ("closed_3d", "closed_7d", "satisfaction"):
            value = kpis[code]["value"]
            text = page.locator(f"[data-kpi={code}] .kpi-value").inner_text()
            assert text == rates.percent(value), code
    store.engine.dispose()


def test_map_switches_between_cell_community_and_street(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    with running_server(f"sqlite:///{tmp_path / 'levels.db'}") as base:
        geometry: list[str] = []
        page.context.on("request", lambda r: geometry.append(r.url) if "/geo/" in r.url else None)
        page.goto(base + "/")
        page.wait_for_function("window.gridcc && window.gridcc.stats.mapReadyAt !== null")
        for i in (3, 400, 900):
            lon, lat = grid.geometries[i].representative_point().coords[0]
            body = {"category": "SR01", "description": "x", "lon": lon, "lat": lat}
            assert requests.post(base + "/api/reports", json=body, timeout=10).status_code == 201
        page.wait_for_function("window.gridcc.stats.applied === 3")
        # Shapes in the level's source and in the config, open cases they show (from
        # feature-state), and which levels' layers are visible.
        shown = """(level) => {
          const wall = window.gridcc.wall.map, map = wall.view.map;
          const codes = wall.cfg.levels[level].codes;
          const sum = codes.reduce((a, c) => a + wall.valueOf(c, level), 0);
          const visible = ['cell', 'community', 'street'].filter(l => map.getLayer('fill-' + l)
            && map.getLayoutProperty('fill-' + l, 'visibility') !== 'none');
          const data = map.getStyle().sources[level].data;  // the URL until it has loaded
          const features = data.features ? data.features.length : data;
          return [codes.length, features, sum, visible];
        }"""
        levels = (("street", 14), ("community", 88), ("cell", len(grid)), ("street", 14))
        for level, shapes in levels:
            page.click(f"#map-mode button[data-level={level}]")
            page.wait_for_function(f"window.gridcc.stats.level === '{level}'")
            want = [shapes, shapes, 3, [level]]
            got = eventually(lambda level=level: page.evaluate(shown, level), want)
            assert got == want, level
        # Each level's shapes were downloaded once, by URL; a level change only shows them.
        paths = sorted(url.split("/geo/", 1)[1] for url in geometry)
        assert paths == sorted(
            ["outline.geojson", "cell.geojson", "community.geojson", "street.geojson"]
        ), paths
        assert not page.errors


def test_map_view_offers_what_the_lead_and_liaison_maps_need(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    """Click, box select, hover card, labels, filter, selection, zoom and pan; no plotly.js."""
    with running_server(f"sqlite:///{tmp_path / 'view.db'}") as base:
        page.goto(base + "/?level=street")
        page.wait_for_function("window.gridcc && window.gridcc.stats.mapReadyAt !== null")
        assert page.evaluate("window.Plotly === undefined"), "the wall must not load plotly.js"
        view = "window.gridcc.wall.map.view"
        page.evaluate(
            f"""() => {{
              window.__clicks = []; window.__boxes = [];
              {view}.opts.onClick = (level, code) => window.__clicks.push([level, code]);
              {view}.opts.onSelect = (level, codes) => window.__boxes.push([level, codes]);
            }}"""
        )
        # Street names are drawn where they fit, in HTML (no glyphs fetched).
        page.wait_for_function("document.querySelectorAll('.map-label:not([hidden])').length > 5")
        shown = page.eval_on_selector_all(
            ".map-label:not([hidden])", "ls => ls.map(l => l.textContent)"
        )
        assert set(shown) <= {name for name in grid.level_names("street")}
        # Hover card and click on a street.
        code = grid.level_codes("street")[3]
        lon, lat, _room = grid.level_labels("street")[3][1:]
        # The street shapes must be drawn before a pointer can find one (a hover before that
        # finds nothing, and the pointer does not move again by itself).
        page.wait_for_function(
            f"{view}.map.isSourceLoaded('street') && {view}.map.loaded() && !{view}.map.isMoving()"
        )
        x, y = page.evaluate(f"([lon, lat]) => {view}.pagePoint(lon, lat)", [lon, lat])
        card_shown = "!document.querySelector('.map-card').hidden"

        def hover() -> bool:
            page.mouse.move(x + 2, y + 2)
            page.mouse.move(x, y)
            return bool(page.evaluate(card_shown))

        assert eventually(hover, True), "no hover card over a drawn street"
        card = page.locator(".map-card").inner_text()
        assert code in card and grid.level_names("street")[3] in card
        page.mouse.click(x, y)
        page.wait_for_function("window.__clicks.length === 1")
        assert page.evaluate("window.__clicks[0]") == ["street", code]
        # Shift-drag selects the streets under the box.
        page.keyboard.down("Shift")
        page.mouse.move(x - 60, y - 60)
        page.mouse.down()
        page.mouse.move(x + 60, y + 60, steps=4)
        page.mouse.up()
        page.keyboard.up("Shift")
        page.wait_for_function("window.__boxes.length === 1")
        level, codes = page.evaluate("window.__boxes[0]")
        assert level == "street" and code in codes
        # Selection and the department filter are feature-state.
        page.evaluate(f"{view}.select({json.dumps(codes)})")
        state = f"c => {view}.map.getFeatureState({{source: 'street', id: c}})"
        assert page.evaluate(state, code)["selected"] is True
        page.evaluate(f"{view}.filter((level, c) => c !== {json.dumps(code)})")
        assert page.evaluate(state, code)["muted"] is True
        page.evaluate(f"{view}.filter(null)")
        assert page.evaluate(state, code)["muted"] is False
        # Zoom and pan.
        page.mouse.move(x, y)
        page.mouse.wheel(0, -600)
        page.mouse.down()
        page.mouse.move(x + 120, y + 40, steps=5)
        page.mouse.up()
        page.wait_for_timeout(500)
        assert page.evaluate(f"{view}.map.getZoom()") > 11
        assert not page.errors, page.errors
        # The page with charts loads plotly.js; the wall did not.
        page.goto(base + "/kpi")
        page.wait_for_function("window.Plotly !== undefined", timeout=60_000)


# Console messages of these types are failures: MapLibre reports a style or source it cannot
# use (e.g. 'missing required property "sources"') with console.error.
CONSOLE_FAILURES = ("error", "assert")


def test_zooming_and_switching_levels_leave_the_console_clean_and_the_buttons_free(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    """Wheel, double-click and keyboard zoom, before the map is ready and while levels and
    modes switch mid-animation; then every mode and level button is still the element at
    its own centre (no map canvas over it)."""
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(f"{m.type}: {m.text}") if m.type in CONSOLE_FAILURES else None,
    )
    with running_server(f"sqlite:///{tmp_path / 'zoom.db'}") as base:
        for i in (3, 400, 900):
            lon, lat = grid.geometries[i].representative_point().coords[0]
            body = {"category": "SR01", "description": "x", "lon": lon, "lat": lat}
            assert requests.post(base + "/api/reports", json=body, timeout=10).status_code == 201
        page.goto(base + "/?map=risk")
        page.wait_for_function("window.gridcc && window.gridcc.wall && window.gridcc.wall.map.view")
        box = page.locator("#live-map").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(cx, cy)
        for _ in range(6):  # before the map has drawn
            page.mouse.wheel(0, -240)
        page.wait_for_function("window.gridcc.stats.mapReadyAt !== null")
        for level in ("street", "community", "cell", "street", "community", "cell"):
            page.mouse.wheel(0, -600)
            page.click(f"#map-mode button[data-level={level}]")  # while it zooms
            page.mouse.dblclick(cx, cy)
            page.keyboard.press("Minus")
            for _ in range(8):
                page.mouse.wheel(0, -300)
            page.click("#map-mode button[data-mode=load]")
            for _ in range(12):
                page.mouse.wheel(0, 400)
            page.click("#map-mode button[data-mode=risk]")
            page.wait_for_function(f"window.gridcc.stats.level === '{level}'")
        view = "window.gridcc.wall.map.view.map"
        page.wait_for_function(f"{view}.loaded() && !{view}.isMoving()", timeout=20_000)
        assert page.evaluate(f"{view}.getZoom()") != page.evaluate(f"{view}.getMinZoom()")
        free = page.evaluate(
            """() => Array.from(document.querySelectorAll('#map-mode button')).map(b => {
              const r = b.getBoundingClientRect();
              return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === b;
            })"""
        )
        assert len(free) == 7 and all(free), free  # load, risk, 巡查覆盖, 泉心愿; three levels
        # The canvas stays inside its panel, below the toolbar.
        toolbar = page.locator(".map-toolbar").bounding_box()
        canvas = page.locator("#live-map canvas.maplibregl-canvas").bounding_box()
        assert canvas["y"] >= toolbar["y"] + toolbar["height"] - 0.5
        assert not console, console
        assert not page.errors, page.errors
