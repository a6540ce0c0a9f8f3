"""The urgent fast path in real browsers: a fire hazard reported by a grid worker alerts the
wall and the shift lead at once (banner, response clock on the wall's panel), and not a
worker who is not addressed; the lead acknowledges from the banner and every banner goes;
the hazard is removed and the case closed (the API standing in for the people on the
spot), and the wall's clock shows each step. The check-in step (on site) is helper B's.
Screenshots at 1920×1080 under var/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.map_desk_page import signed_in as browser_signed_in
from tests.serving import running_server

pytestmark = pytest.mark.browser
N = 500  # a cell of 姚家街道 near the map's middle
BANNER = "document.querySelector('.urgent-banner[data-case=\"{id}\"]') !== null"
NO_BANNER = "document.querySelector('.urgent-banner[data-case=\"{id}\"]') === null"
STEP_STATE = """([id, step]) => {
  const li = document.querySelector(`.urgent-clock[data-case="${id}"] [data-step="${step}"]`);
  return li ? li.dataset.state : null;
}"""


def _store(url: str, grid: Grid) -> None:
    from cases.db import make_engine
    from cases.people import Person, Roster
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    for name, role, dept in (
        ("lead-a", Role.LEAD, None),
        ("op", Role.OPERATOR, None),
        ("wall", Role.WALL, None),
        ("gw-team", Role.WORKER, None),
        ("gw-away", Role.WORKER, None),
        ("li-xf", Role.LIAISON, "xiaofang"),
    ):
        users.add(name, role, PASSWORD, department=dept)
    roster = Roster(engine)
    cell = grid.codes[N]
    roster.put_people(
        [
            Person("sec", "王书记", "branch_secretary", "19900000001"),
            Person("gw", "李网格", "grid_worker", "19900000002", username="gw-team"),
            Person("away", "周远", "grid_worker", "19900000006", username="gw-away"),
            Person("pm", "吴物业", "property_manager", "19900000007", f"community_{cell[:12]}"),
        ]
    )
    roster.put_team(cell, "正园社区第1网格党支部", [("sec", "secretary"), ("gw", "worker")])
    now = store.now()
    shift = (now - timedelta(hours=1), now + timedelta(hours=8))
    roster.add_shifts((pid, *shift) for pid in ("sec", "gw", "away", "pm"))
    engine.dispose()


@pytest.fixture
def center(tmp_path: Path, grid: Grid) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'urgent.db'}"
    _store(url, grid)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base


def signed_in(base: str, name: str) -> Any:
    """A requests session signed in as ``name``, sending its CSRF token as a page does."""
    import requests

    session = requests.Session()
    r = session.post(base + "/api/login", json={"username": name, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    session.headers["X-CSRFToken"] = r.json()["csrf_token"]
    return session


def wait(page: Any, script: str, case_id: int) -> None:
    page.wait_for_function(script.replace("{id}", str(case_id)), timeout=30_000)


def act(session: Any, base: str, case_id: int, name: str, **body: Any) -> dict[str, Any]:
    version = session.get(f"{base}/api/cases/{case_id}", timeout=10).json()["case"]["version"]
    r = session.post(
        f"{base}/api/cases/{case_id}/actions/{name}",
        json={"expected_version": version, **body},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return dict(r.json()["case"])


def test_an_urgent_case_alerts_the_right_screens_and_its_clock_runs(
    browser: Any, center: str, grid: Grid
) -> None:
    base = center
    wall = browser_signed_in(browser, base, "wall", "/")
    lead = browser_signed_in(browser, base, "lead-a", "/lead")
    away = browser_signed_in(browser, base, "gw-away", "/")
    away.goto(f"{base}/")  # a grid worker lands on their phone page; the wall is theirs too
    for page in (wall, lead, away):
        page.wait_for_function(
            "window.gridcc && window.gridcc.urgentbanner && window.gridcc.urgentbanner.screen"
            " && window.gridcc.urgentbanner.screen.socket.connected",
            timeout=60_000,
        )
    worker = signed_in(base, "gw-team")
    lon, lat = grid.geometries[N].representative_point().coords[0]
    r = worker.post(
        f"{base}/api/reports",
        json={
            "category": "AQ03",
            "description": "楼道电动车充电冒白烟，有焦糊味",
            "lon": lon,
            "lat": lat,
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    case_id = int(r.json()["case_id"])

    wait(wall, BANNER, case_id)
    wait(lead, BANNER, case_id)
    banner = wall.locator(f'.urgent-banner[data-case="{case_id}"]')
    assert "电动车楼道充电" in banner.inner_text() and "紧急" in banner.inner_text()
    assert wall.locator(f'.urgent-banner[data-case="{case_id}"] .urgent-ack').count() == 0
    wall.wait_for_function(
        f"document.querySelector('.urgent-clock[data-case=\"{case_id}\"]') !== null",
        timeout=30_000,
    )
    assert wall.evaluate(STEP_STATE, [case_id, "acknowledged"]) == "waiting"
    assert wall.evaluate("window.gridcc.urgentbanner.stats.sounds") >= 1  # the alarm rang
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wall.screenshot(path=str(SCREENSHOTS / "urgent-wall-alert.png"))
    lead.screenshot(path=str(SCREENSHOTS / "urgent-lead-alert.png"))
    # The worker elsewhere is not addressed: by now the same publish reached every room.
    assert away.evaluate("window.gridcc.urgentbanner.stats.alerts") == 0
    assert away.locator(".urgent-banner").count() == 0

    lead.locator(f'.urgent-banner[data-case="{case_id}"] .urgent-ack').click()
    wait(lead, NO_BANNER, case_id)
    wait(wall, NO_BANNER, case_id)  # acknowledged by anyone: down everywhere
    wall.wait_for_function(f"({STEP_STATE})([{case_id}, 'acknowledged']) === 'met'", timeout=30_000)

    case = act(worker, base, case_id, "remove_hazard", reason="拔掉充电器，打开楼道窗户")
    assert case["hazard_removed_at"] and case["acknowledged_at"]
    wall.wait_for_function(
        f"({STEP_STATE})([{case_id}, 'hazard_removed']) === 'met'", timeout=30_000
    )
    assert wall.evaluate(STEP_STATE, [case_id, "on_site"]) in ("waiting", "late")  # B's check-in
    wall.screenshot(path=str(SCREENSHOTS / "urgent-wall-clock.png"))
    # The operator's case view shows the same clock, step by step.
    desk = browser_signed_in(browser, base, "op", "/desk")
    desk.click(f".desk-row[data-case='{case_id}']", timeout=30_000)
    desk.wait_for_selector(
        ".cv-urgent [data-step='hazard_removed'][data-state='met']", timeout=30_000
    )
    steps = desk.eval_on_selector_all(
        ".cv-urgent [data-step]", "els => els.map(e => [e.dataset.step, e.dataset.state])"
    )
    assert dict(steps)["acknowledged"] == "met" and dict(steps)["start"] == "met"
    desk.screenshot(path=str(SCREENSHOTS / "urgent-desk-caseview.png"))

    op, liaison = signed_in(base, "op"), signed_in(base, "li-xf")
    for name, who in (
        ("file", op),
        ("dispatch", op),
        ("accept", liaison),
        ("handle", liaison),
        ("verify", op),
        ("close", op),
    ):
        act(who, base, case_id, name)
    wall.wait_for_function(
        f"document.querySelector('.urgent-case[data-case=\"{case_id}\"]') === null",
        timeout=30_000,
    )
    sheet = op.get(f"{base}/api/cases/{case_id}/sheet", timeout=10).json()
    states = [s["met"] for s in sheet["urgent"]["clock"]["steps"]]
    assert states[0] is True and states[2] is True and states[3] is True
    # A drill from the lead's button: the same banner, marked 演练, and no counter moves.
    counters = (
        "() => ['#counter-open', '#counter-today'].map(s => document.querySelector(s).textContent)"
    )
    wall.wait_for_function(f"JSON.stringify(({counters})()) === JSON.stringify(['0', '1'])")
    lead.click(".urgent-drill-start")
    wall.wait_for_selector(".urgent-banner.is-drill", timeout=30_000)
    drill = wall.locator(".urgent-banner.is-drill").inner_text()
    assert "演练" in drill and "不计入任何指标" in drill
    lead.wait_for_selector(".urgent-banner.is-drill", timeout=30_000)
    wall.wait_for_selector(".urgent-case.is-drill", timeout=30_000)  # the panel lists it
    assert wall.evaluate(counters) == ["0", "1"]
    wall.screenshot(path=str(SCREENSHOTS / "urgent-wall-drill.png"))
    for page in (wall, lead, away, desk):
        assert page.errors == []
