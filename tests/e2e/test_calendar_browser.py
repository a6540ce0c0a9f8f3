"""The working calendar in a real browser: the wall warns that it runs out (naming the first
day past it), the admin page warns beside the entry; an admin pastes the 2027 schedule into
the admin page and enters it; the warning goes, on the admin page at once and on the wall at
its next check; and an open case's deadline moves on its department's desk, live, with the
recount in its timeline. Screenshots of the wall's warning and of the admin page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cases import clock
from cases.calendar import WorkCalendar, package_schedules
from cases.calendar_file import parse_schedule
from cases.sla import SlaClock
from geo.grid import Grid
from tests.cases.calendar_samples import SCHEDULE_2027
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.map_desk_page import map_ready, signed_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
WAIT_MS = 30_000
# A 积存垃圾渣土 case (29.5 working hours end to end) reported on Mon 2026-11-30 09:00 and
# extended by 360 hours: due in February 2027, where the entered schedule and the statutory
# fallback differ (2027-02-11 and 02-12 are rest days in the schedule).
REPORTED = datetime(2026, 11, 30, 9, 0, tzinfo=clock.LOCAL_TZ)
EXTENSION_H = 360.0
HEADER_HEIGHT = "document.querySelector('.wall-header').getBoundingClientRect().height"
DEADLINE = """(id) => (document.querySelector(`#case-table tr[data-case='${id}'] .col-deadline`)
  || {}).textContent"""


def _calendars() -> tuple[SlaClock, SlaClock]:
    """The clock before (the package's years, the law past them) and after 2027 is entered."""
    years = [s for s in package_schedules() if s.year < 2027]
    entered = parse_schedule(SCHEDULE_2027)
    days = [d for s in years for d in s.days]
    before = WorkCalendar(days, [s.year for s in years])
    after = WorkCalendar([*days, *entered.days], [*(s.year for s in years), 2027])
    return SlaClock(calendar=before), SlaClock(calendar=after)


def _seed(url: str, grid: Grid) -> int:
    from cases.db import make_engine
    from cases.model import Report
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Actor, Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    users.add("admin", Role.ADMIN, PASSWORD)
    users.add("li-cg", Role.LIAISON, PASSWORD, department="chengguan")
    store.now = lambda: REPORTED.astimezone(clock.UTC)
    lon, lat = grid.geometries[300].representative_point().coords[0]
    case, _ = store.open_case(
        Report("patrol", "SR02", "工地门前渣土堆积", lon, lat, grid.codes[300], grid.names[300])
    )
    operator, lead = Actor("op", Role.OPERATOR), Actor("lead", Role.LEAD)
    store.apply(case.id, "file", operator)
    store.apply(case.id, "dispatch", operator)
    store.apply(case.id, "extend", lead, "施工期间无法清运", hours=EXTENSION_H)
    engine.dispose()
    return case.id


@pytest.fixture
def served(tmp_path: Path, grid: Grid) -> Iterator[tuple[str, int]]:
    url = f"sqlite:///{tmp_path / 'calendar.db'}"
    case_id = _seed(url, grid)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base, case_id


def _shown(moment: datetime) -> str:
    """A deadline as the desk's table shows it (zh-CN: 02/16 17:30)."""
    return moment.astimezone(clock.LOCAL_TZ).strftime("%m/%d %H:%M")


def test_the_wall_warns_until_an_admin_enters_the_year_and_deadlines_move(
    browser: Any, served: tuple[str, int]
) -> None:
    base, case_id = served
    old_clock, new_clock = _calendars()
    from cases.catalog import load_catalog

    catalog = load_catalog()
    allowed = catalog.case_hours(catalog.category("SR02")) + EXTENSION_H
    before = old_clock.deadline(REPORTED, allowed, working=True)
    after = new_clock.deadline(REPORTED, allowed, working=True)
    assert _shown(before) == "02/16 17:30" and _shown(after) == "02/18 17:30"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # First, while no other map draws (with the wall's map drawing, this one once missed its
    # 60 s to get ready on a busy 2-core machine), the department's desk shows the case's
    # deadline on the statutory fallback.
    dept = signed_in(browser, base, "li-cg", "/dept")
    map_ready(dept, "dept")
    assert eventually(lambda: dept.evaluate(DEADLINE, case_id), _shown(before)) == _shown(before)

    # The wall (an admin may watch it too), at a command center's 1920×1080.
    admin = signed_in(browser, base, "admin", "/admin")
    wall = admin.context.new_page()
    wall.errors = []
    wall.on("pageerror", lambda exc: wall.errors.append(str(exc)))
    wall.set_viewport_size({"width": 1920, "height": 1080})
    wall.goto(base + "/")
    wall.wait_for_function("window.gridcc && window.gridcc.stats.mapReadyAt !== null")
    strip = wall.locator("#calendar-notice")
    strip.wait_for(state="visible", timeout=WAIT_MS)
    assert strip.inner_text() == (
        "工作日历仅录入至 2026-12-31，2027-01-01 起按法定节假日推算，请录入 2027 年安排"
    )
    overflow = wall.evaluate(
        "[document.documentElement.scrollWidth - innerWidth,"
        " document.documentElement.scrollHeight - innerHeight]"
    )
    assert overflow == [0, 0], "the wall never scrolls"
    header_with_warning = wall.evaluate(HEADER_HEIGHT)
    view = "window.gridcc.wall.map.view.map"
    wall.wait_for_function(f"{view}.loaded() && !{view}.isMoving()")
    wall.screenshot(path=str(SCREENSHOTS / "wall-calendar-warning.png"))

    # The admin page warns beside the entry; the admin pastes the year's file and enters it.
    admin.bring_to_front()
    notice = admin.locator("#admin-calendar-notice")
    notice.wait_for(state="visible", timeout=WAIT_MS)
    assert "2027-01-01" in notice.inner_text()
    assert "已录入至 2026-12-31" in admin.inner_text(".calendar-until")
    admin.fill("#admin-calendar-text", SCHEDULE_2027)
    admin.screenshot(path=str(SCREENSHOTS / "admin-calendar.png"), full_page=True)
    admin.click("#admin-calendar-enter")
    result = admin.locator("#admin-calendar-result")
    result.filter(has_text="已录入 2027 年安排").wait_for(timeout=WAIT_MS)
    assert result.inner_text() == "已录入 2027 年安排（21 天）；1 件在办案件的时限已重新计算。"
    notice.wait_for(state="hidden", timeout=WAIT_MS)
    assert "已录入至 2027-12-31" in admin.inner_text(".calendar-until")
    admin.screenshot(path=str(SCREENSHOTS / "admin-calendar-entered.png"), full_page=True)

    # The wall asks again every few minutes; ask now, as its timer would.
    wall.evaluate("window.gridcc.wall.refreshCalendar()")
    strip.wait_for(state="hidden", timeout=WAIT_MS)
    # The warning sat in the header without making it taller: the map kept its room.
    assert wall.evaluate(HEADER_HEIGHT) == pytest.approx(header_with_warning, abs=0.5)

    # The open case's deadline moved, live, on its department's desk, and says why.
    assert eventually(lambda: dept.evaluate(DEADLINE, case_id), _shown(after)) == _shown(after)
    dept.click(f"#case-table tr[data-case='{case_id}'] td.col-category")
    dept.wait_for_selector(f"#case-view.open .cv-id:text-is('#{case_id}')", timeout=WAIT_MS)
    sla = dept.inner_text("#case-view .cv-sla-detail")
    assert "02-18 17:30" in sla, sla
    note = dept.inner_text("#case-view .cv-events")
    assert "工作日历变更，时限 02-16 17:30 → 02-18 17:30" in note, note
    assert admin.errors == [] and wall.errors == [] and dept.errors == []
