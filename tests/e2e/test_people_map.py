"""The people on patrol in real browsers: a position put into the deployment's book (Redis,
as a patrol phone's would be) shows as a dot on the lead's map and on the wall, named when
zoomed in, stale past 20 s and gone past 30 s; the map mode 巡查覆盖 colours the cells
patrolled today; a case shows its nearest people on patrol with their phones. A liaison's
desk gets neither dots nor the mode. Screenshots at 1920×1080."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from app import Settings
from cases.positions import Position
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.map_desk_page import map_ready, signed_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = [pytest.mark.browser, pytest.mark.redis]
CELL = 500  # a cell of 姚家街道 near the map's middle
IDLE_AFTER_FIT = """() => new Promise((done) => {
  const view = window.gridcc.lead.live.map.view;
  view.map.once("idle", done);
  view.fit();
  view.map.triggerRepaint();
})"""
ZOOM_IN = (
    "([lon, lat]) => window.gridcc.lead.live.map.view.map.jumpTo({center: [lon, lat], zoom: 16})"
)
TEXTS = "() => Array.from(document.querySelectorAll('{selector}')).map(e => e.textContent).sort()"
NEAREST = """() => Array.from(document.querySelectorAll('.nb-person')).map((li) => {
  const phone = li.querySelector('.nb-phone');
  return [li.dataset.person, phone && phone.textContent];
})"""
# The dots the layer drew in view, each checked on its canvas: a painted pixel at its place.
DOTS = """(layer) => {
  const ctx = layer.canvas.getContext("2d"), ratio = window.devicePixelRatio || 1;
  return layer.onScreen.map(([id, stale, x, y]) => {
    const alpha = ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data[3];
    return [id, stale, alpha > 0];
  }).sort();
}"""


def _seed(url: str, grid: Grid) -> dict[str, Any]:
    from cases.db import make_engine
    from cases.model import Report
    from cases.people import Person, Roster
    from cases.schema import patrol_cells, patrols
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    for name, role, dept in (
        ("lead", Role.LEAD, None),
        ("wall", Role.WALL, None),
        ("li-cg", Role.LIAISON, "chengguan"),
    ):
        users.add(name, role, PASSWORD, department=dept)
    Roster(engine).put_people(
        [
            Person("gw-1", "张网格员", "grid_worker", "19900000001"),
            Person("gw-2", "李网格员", "grid_worker", "19900000002"),
        ]
    )
    lon, lat = grid.geometries[CELL].representative_point().coords[0]
    case, _ = store.open_case(
        Report("patrol", "SR01", "测试", lon, lat, grid.codes[CELL], grid.names[CELL])
    )
    now = store.now()
    Roster(engine).add_shifts([("gw-1", now - timedelta(hours=1), now + timedelta(hours=8))])
    with engine.begin() as conn:
        conn.execute(insert(patrols), [{"id": 1, "person_id": "gw-1", "started_at": now}])
        conn.execute(
            insert(patrol_cells),
            [{"patrol_id": 1, "cell_code": grid.codes[CELL], "first_at": now}],
        )
    engine.dispose()
    return {"case": case.id, "lon": lon, "lat": lat}


@pytest.fixture
def center(tmp_path: Path, grid: Grid, redis_url: str) -> Iterator[tuple[str, dict[str, Any], Any]]:
    from dashboard.web import position_book

    url = f"sqlite:///{tmp_path / 'people.db'}"
    made = _seed(url, grid)
    book = position_book(Settings.from_env({}, database_url=url, redis_url=redis_url))
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with running_server(url, redis_url, tmp_path / "server.log", env=env) as base:
        yield base, made, book
    book.close()


def test_the_lead_and_the_wall_see_the_people_on_patrol(
    browser: Any, center: tuple[str, dict[str, Any], Any], grid: Grid
) -> None:
    base, made, book = center
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lon, lat = made["lon"], made["lat"]
    lead = signed_in(browser, base, "lead", "/lead")
    liaison = signed_in(browser, base, "li-cg", "/dept")
    map_ready(lead, "lead")
    map_ready(liaison, "dept")
    layer = "window.gridcc.lead.live.people.layer"
    lead.wait_for_function(f"{layer} && {layer}.added && {layer}.frames >= 1", timeout=30_000)

    book.put(Position("gw-1", "张网格员", lon + 0.0006, lat, time.time(), 5.0, 1, grid.codes[CELL]))
    book.put(Position("gw-2", "李网格员", lon - 0.0012, lat + 0.0004, time.time(), 5.0, 2))
    dots = lead.evaluate_handle(layer)
    fresh = [["gw-1", False, True], ["gw-2", False, True]]
    assert eventually(lambda: lead.evaluate(DOTS, dots), fresh) == fresh
    lead.screenshot(path=str(SCREENSHOTS / "people-lead-map.png"))
    # Zoomed in, each dot has its name beside it.
    lead.evaluate(ZOOM_IN, [lon, lat])
    names = TEXTS.format(selector=".people-label")
    both = ["张网格员", "李网格员"]
    assert eventually(lambda: lead.evaluate(names), both) == both
    lead.screenshot(path=str(SCREENSHOTS / "people-lead-zoomed.png"))

    # 巡查覆盖: the cell patrolled today is coloured so, its neighbours not yet.
    lead.click("#md-map-mode button[data-mode=patrol]")
    value = "(code) => window.gridcc.lead.live.map.valueOf(code, 'cell')"
    assert eventually(lambda: lead.evaluate(value, grid.codes[CELL]), 2) == 2
    assert lead.evaluate(value, grid.codes[CELL + 1]) == 0
    lead.evaluate(IDLE_AFTER_FIT)
    lead.screenshot(path=str(SCREENSHOTS / "people-coverage.png"))

    # The case's nearest people on patrol, nearest first, with their phones.
    lead.evaluate(f"() => window.gridcc.lead.panel.openCase({made['case']})")
    lead.wait_for_selector(".nb-person", timeout=20_000)
    rows = lead.evaluate(NEAREST)
    assert rows == [["gw-1", "19900000001"], ["gw-2", "19900000002"]]
    duty = "() => Array.from(document.querySelectorAll('.nb-duty')).map(e => e.matches('.on'))"
    assert lead.evaluate(duty) == [True, False]  # gw-1 is on a shift now
    lead.screenshot(path=str(SCREENSHOTS / "people-nearest.png"))

    # The wall: the same people; a position 21 s old looks stale (past 20 s), and goes past
    # 30 s. (At 25 s old, the 5 s it stayed stale was missed once on a loaded CI machine.)
    wall = signed_in(browser, base, "wall", "/")
    wall.wait_for_function(
        "window.gridcc.wall && window.gridcc.wall.people && window.gridcc.wall.people.layer"
        " && window.gridcc.wall.people.layer.added && window.gridcc.stats.mapReadyAt !== null",
        timeout=60_000,
    )
    wall_layer = wall.evaluate_handle("window.gridcc.wall.people.layer")
    book.drop("gw-2")  # their patrol ended
    # gw-1's phone sends again (its first position may be 30 s old by now on a busy machine)
    book.put(Position("gw-1", "张网格员", lon + 0.0006, lat, time.time(), 5.0, 1, grid.codes[CELL]))
    book.put(Position("gw-3", "王网格员", lon + 0.002, lat, time.time() - 21, 5.0, 3))
    one_stale = [["gw-1", False, True], ["gw-3", True, True]]
    assert eventually(lambda: wall.evaluate(DOTS, wall_layer), one_stale) == one_stale
    wall.screenshot(path=str(SCREENSHOTS / "people-wall.png"))
    one = [["gw-1", False, True]]
    assert eventually(lambda: wall.evaluate(DOTS, wall_layer), one, 15) == one

    # The liaison's desk: no dots, no frames, no coverage mode.
    assert liaison.evaluate("window.gridcc.dept.live.people.layer") is None
    assert liaison.query_selector("button[data-mode=patrol]") is None
    assert lead.query_selector_all("button[data-mode=patrol]")
    for page in (lead, liaison, wall):
        assert page.errors == []
