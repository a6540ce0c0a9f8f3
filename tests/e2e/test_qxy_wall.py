"""泉心愿 on the wall in a real browser: the panel under the ticker shows the counts computed
from the rows in the store; a wish confirmed by a platform step (in another process, its
event fanned out through Redis as any app process's would be) moves the panel live; the map
mode 泉心愿 colours the cells where items wait, with its legend. Screenshots at 1920×1080."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, update

from cases.quanxinyuan import schema as t
from cases.quanxinyuan.platform import Places, Platform
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.map_desk_page import signed_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = [pytest.mark.browser, pytest.mark.redis]
COMMUNITY = "370102009001"
FIG = "(key) => document.querySelector(`#qxy-panel [data-fig=${key}] .qxy-fig-value`).textContent"
CALLS = """() => Array.from(document.querySelectorAll('#qxy-panel .qxy-call')).map(li => [
  li.querySelector('.qxy-call-task').textContent,
  li.querySelector('.qxy-call-count').textContent])"""
# No part of the panel lies over another panel or outside the screen.
BOXES = """() => {
  const box = (s) => { const r = document.querySelector(s).getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom]; };
  return {panel: box('#qxy-panel'), ticker: box('.ticker'), map: box('.map-panel'),
    aside: box('.ticker-panel'), h: window.innerHeight};
}"""


def _seed(url: str, grid: Grid) -> dict[str, Any]:
    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    directory = UserDirectory(engine)
    directory.add("wall", Role.WALL, PASSWORD)
    directory.add("sq", Role.LIAISON, PASSWORD, department=f"community_{COMMUNITY}")
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    cells = places.cells_of(COMMUNITY)
    now = store.now()
    recent = now - timedelta(minutes=5)  # this month (unless the month began 5 minutes ago)
    wish = {
        "community_code": COMMUNITY,
        "title": "轮椅一辆",
        "category": "elder",
        "resident_name": "张三",
        "resident_phone": "13800000000",
        "due": date.today() + timedelta(days=10),
        "published_at": recent,
    }
    with engine.begin() as conn:
        for state, cell in (("confirmed", 0), ("confirmed", 0), ("open", 1), ("open", 1)):
            done = {"confirmed_at": recent, "claimed_at": recent} if state == "confirmed" else {}
            conn.execute(
                insert(t.wishes).values(**wish, cell_code=cells[cell], state=state, **done)
            )
        for i in range(3):
            conn.execute(
                insert(t.units).values(
                    id=f"u{i}", name=f"单位{i}", level="city", community_code=COMMUNITY, offers=[]
                )
            )
        for i in range(2):
            conn.execute(
                insert(t.volunteer_teams).values(
                    id=f"t{i}", name=f"队{i}", community_code=COMMUNITY
                )
            )
        call = {
            "community_code": COMMUNITY,
            "cell_code": cells[1],
            "place": "",
            "state": "open",
            "published_at": recent,
            "starts_at": now + timedelta(hours=20),
            "ends_at": now + timedelta(hours=22),
        }
        conn.execute(insert(t.calls).values(**call, task="网格走访志愿者", wanted=10, signed=7))
        conn.execute(insert(t.calls).values(**call, task="楼道清理", wanted=4, signed=1))
        problem = {"community_code": COMMUNITY, "category": "environment", "text": "井盖松动"}
        problem |= {"lon": 117.05, "lat": 36.66, "reported_at": recent}
        conn.execute(insert(t.problems).values(**problem, cell_code=cells[2], state="solved"))
        conn.execute(
            update(t.problems).where(t.problems.c.state == "solved").values(solved_at=recent)
        )
        for _ in range(2):
            conn.execute(insert(t.problems).values(**problem, cell_code=cells[2], state="open"))
    engine.dispose()
    return {"cells": cells}


@pytest.fixture
def center(tmp_path: Path, grid: Grid, redis_url: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    url = f"sqlite:///{tmp_path / 'qxy-wall.db'}"
    made = _seed(url, grid)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with running_server(url, redis_url, tmp_path / "server.log", env=env) as base:
        yield base, url, made


def _confirm_a_wish(url: str, grid: Grid) -> None:
    """A community confirms an open wish in a process of its own: one platform step and its
    event in the log, which the server's outbox publishes to the wall."""
    from cases.db import make_engine
    from cases.store import Store

    engine = make_engine(url)
    store = Store(engine)
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    platform = Platform(engine, places, store.now)
    w = t.wishes.c
    with platform.writing() as step:
        wish_id = step.conn.execute(
            update(t.wishes)
            .where(w.id == 3, w.state == "open")
            .values(state="confirmed", claimed_at=step.at, confirmed_at=step.at)
            .returning(w.id)
        ).scalar_one()
        step.record(
            kind="wish.confirm",
            item_kind="wish",
            item_id=wish_id,
            community_code=COMMUNITY,
            actor="sq (liaison)",
            from_state="open",
            to_state="confirmed",
        )
    engine.dispose()


def test_the_wall_shows_the_platforms_counts_live_and_its_map_layer(
    browser: Any, center: tuple[str, str, dict[str, Any]], grid: Grid
) -> None:
    base, url, made = center
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wall = signed_in(browser, base, "wall", "/")
    wall.wait_for_function(
        "window.gridcc.wall && window.gridcc.wall.qxy && window.gridcc.wall.qxy.panel"
        " && window.gridcc.wall.qxy.panel.reads >= 1 && window.gridcc.stats.mapReadyAt !== null",
        timeout=60_000,
    )
    fig = lambda key: wall.evaluate(FIG, key)  # noqa: E731
    assert [fig(k) for k in ("wishes", "problems", "teams", "units")] == ["2", "1", "2", "3"]
    assert wall.evaluate(CALLS) == [["网格走访志愿者", "7/10人"], ["楼道清理", "1/4人"]]
    subs = wall.inner_text("#qxy-panel")
    assert "待认领 2" in subs and "待解决 2" in subs
    assert "张三" not in wall.content() and "13800000000" not in wall.content()
    boxes = wall.evaluate(BOXES)
    panel, ticker, aside = boxes["panel"], boxes["ticker"], boxes["aside"]
    assert ticker[3] <= panel[1] + 0.5  # under the ticker, not over it
    assert aside[0] <= panel[0] and panel[2] <= aside[2] + 0.5 and panel[3] <= boxes["h"] + 0.5
    assert boxes["map"][2] <= panel[0] + 0.5
    wall.screenshot(path=str(SCREENSHOTS / "qxy-wall-panel.png"))

    # A wish confirmed elsewhere: the wall hears the event and reads the counts again.
    _confirm_a_wish(url, grid)
    assert eventually(lambda: fig("wishes"), "3") == "3"
    assert "待认领 1" in wall.inner_text("#qxy-panel")
    assert wall.evaluate("window.gridcc.wall.qxy.events") >= 1

    # The map mode 泉心愿: items waiting per cell, binned, with its legend.
    wall.click("#map-mode button[data-mode=qxy]")
    value = "(code) => window.gridcc.wall.map.valueOf(code, 'cell')"
    cells = made["cells"]
    # cell 0: nothing waits now; cell 1: 1 open wish + 2 calls filling; cell 2: 2 problems
    expected = [0, 2, 1]
    assert eventually(lambda: [wall.evaluate(value, c) for c in cells[:3]], expected) == expected
    assert "泉心愿" in wall.inner_text(".map-legend")
    assert wall.inner_text(".map-toolbar .panel-title") == "网格泉心愿待办"
    wall.evaluate("() => window.gridcc.wall.map.setLevel('community', false)")
    community = "(code) => window.gridcc.wall.map.valueOf(code, 'community')"
    assert eventually(lambda: wall.evaluate(community, COMMUNITY), 2) == 2  # 5 items: 3–5
    fit = """() => new Promise((done) => {
      const view = window.gridcc.wall.map.view; view.map.once('idle', done); view.fit();
      view.map.triggerRepaint(); })"""
    wall.evaluate(fit)
    wall.screenshot(path=str(SCREENSHOTS / "qxy-wall-map-communities.png"))
    wall.evaluate("() => window.gridcc.wall.map.setLevel('cell', false)")
    zoom = """([lon, lat]) => new Promise((done) => {
      const m = window.gridcc.wall.map.view.map; m.once('idle', done);
      m.jumpTo({center: [lon, lat], zoom: 14.2}); })"""
    lon, lat = grid.geometries[grid.codes.index(cells[1])].representative_point().coords[0]
    wall.evaluate(zoom, [lon, lat])
    wall.screenshot(path=str(SCREENSHOTS / "qxy-wall-map.png"))
    assert wall.errors == []

    # In English, the same panel in the wall's other language.
    wall.goto(f"{base}/?lang=en&map=load")
    wall.wait_for_function(
        "window.gridcc.wall && window.gridcc.wall.qxy && window.gridcc.wall.qxy.panel"
        " && window.gridcc.wall.qxy.panel.reads >= 1",
        timeout=60_000,
    )
    text = wall.inner_text("#qxy-panel")
    assert (
        "Wishes · fulfilled" in text
        and "7 of 10" in text
        and "Problems · solved" in text
        and "Registered units" in text
    )
    wall.screenshot(path=str(SCREENSHOTS / "qxy-wall-panel-en.png"))


def test_a_community_reads_its_own_figures_on_its_desk(
    browser: Any, center: tuple[str, str, dict[str, Any]]
) -> None:
    base, _url, _made = center
    desk = signed_in(browser, base, "sq", "/community")
    desk.click(".qx-tabs [data-tab=counts]")
    row = "(code) => Array.from(document.querySelectorAll(`#qxc-rows tr[data-count=${code}] td`))"
    row += ".map(td => td.textContent)"
    assert eventually(lambda: desk.evaluate(row, "wishes_fulfilled"), ["2", "2"]) == ["2", "2"]
    assert desk.evaluate(row, "units") == ["3"]  # now: one figure across both columns
    assert desk.evaluate(row, "calls_filling") == ["2"]
    desk.click(".qxc-defs summary")
    assert "社区确认时间" in desk.inner_text(".qxc-defs")  # fulfilled: confirmed by the community
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.screenshot(path=str(SCREENSHOTS / "qxy-community-figures.png"), full_page=True)
    assert desk.errors == []
