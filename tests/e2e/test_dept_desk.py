"""A department's desk in a real browser: its liaison opens cases from the table into the
shared case view and works them with the workflow's buttons — accepts one (签收), returns
one with a reason (退回: it leaves the desk), attaches a site photo and reports one handled
(处置反馈) — each change reaching the table and the map without a reload. A lead's 督办 on a
late case turns its row red with a response clock counting down; the liaison answers it
(督办反馈) from the case view, which shows the stage under way and its own clock. A pending
extension request shows on its row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.map_desk_page import listed, map_ready, signed_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
HELD = (
    "() => Object.keys(window.gridcc.dept.live.state.openCases).map(Number).sort((a, b) => a - b)"
)
STATUS = """(id) => (document.querySelector(`#case-table tr[data-case='${id}'] .col-status`)
  || {}).textContent"""


def _store(url: str, grid: Grid) -> dict[str, int]:
    from cases.clock import utcnow
    from cases.db import make_engine
    from cases.model import Report
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Actor, Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    users.add("li-cg", Role.LIAISON, PASSWORD, department="chengguan")
    users.add("lead-1", Role.LEAD, PASSWORD)
    op = Actor("op", Role.OPERATOR)
    made = {}
    for name, index, category, steps in (
        ("to_accept", 300, "SR01", ("file", "dispatch")),
        ("to_return", 340, "SR02", ("file", "dispatch")),
        ("to_handle", 380, "SR03", ("file", "dispatch", "accept")),
        ("theirs", 300, "AQ05", ("file", "dispatch")),  # 市政's, in the same cell
        ("late", 420, "SR03", ("file", "dispatch", "accept")),  # two days ago: long late
    ):
        # The late one happened two days ago (its 处置 had 4 calendar hours).
        store.now = (lambda: utcnow() - timedelta(days=2)) if name == "late" else utcnow
        lon, lat = grid.geometries[index].representative_point().coords[0]
        case, _ = store.open_case(
            Report("patrol", category, name, lon, lat, grid.codes[index], grid.names[index])
        )
        for action in steps:
            actor = Actor("li-cg", Role.LIAISON, "chengguan") if action == "accept" else op
            store.apply(case.id, action, actor)
        made[name] = case.id
    store.now = utcnow
    liaison = Actor("li-cg", Role.LIAISON, "chengguan")
    store.apply(made["to_accept"], "request_extension", liaison, "需协调物业", hours=8)
    engine.dispose()
    return made


@pytest.fixture
def desk(tmp_path: Path, grid: Grid) -> Iterator[tuple[str, dict[str, int]]]:
    url = f"sqlite:///{tmp_path / 'dept.db'}"
    made = _store(url, grid)
    env = {
        "GRIDCC_ENV": "production",
        "SECRET_KEY": TEST_SECRET,
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base, made


def _open(page: Any, case_id: int) -> None:
    page.click(f"#case-table tr[data-case='{case_id}'] td.col-category")
    page.wait_for_selector(f"#case-view.open .cv-id:text-is('#{case_id}')", timeout=20_000)


def _act(page: Any, action: str, reason: str = "") -> None:
    page.click(f"#case-view .cv-action[data-action={action}]")
    page.wait_for_selector(f"#case-view .cv-form[data-action={action}]")
    if reason:
        page.fill("#case-view .cv-form textarea[name=reason]", reason)
    page.click("#case-view .cv-form .cv-submit")
    page.wait_for_selector("#case-view .cv-form", state="detached", timeout=20_000)


def test_a_liaison_accepts_returns_and_reports_handled_with_a_photo(
    browser: Any, desk: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    base, made = desk
    page = signed_in(browser, base, "li-cg", "/dept")
    map_ready(page, "dept")
    mine = {made["to_accept"], made["to_return"], made["to_handle"], made["late"]}
    assert eventually(lambda: set(listed(page)), mine) == mine  # never 市政's case
    # A pending extension request says so on its row.
    ext = f"#case-table tr[data-case='{made['to_accept']}'] .flag-extension"
    assert page.locator(ext).inner_text() == "延期待批 8小时"

    # 签收: the case view's button, from the workflow; the table says so without a reload.
    _open(page, made["to_accept"])
    _act(page, "accept")
    status = lambda case_id: page.evaluate(STATUS, case_id)  # noqa: E731
    assert eventually(lambda: status(made["to_accept"]), "签收") == "签收"

    # 退回 with a reason: the case leaves the department's desk, table and map alike.
    _open(page, made["to_return"])
    _act(page, "return", "不属本部门职责，请改派市政")
    rest = mine - {made["to_return"]}
    assert eventually(lambda: set(listed(page)), rest) == rest
    assert eventually(lambda: page.evaluate(HELD), sorted(rest)) == sorted(rest)

    # A site photo, then 处置反馈.
    _open(page, made["to_handle"])
    photo = tmp_path / "site.jpg"
    Image.new("RGB", (640, 480), (180, 90, 40)).save(photo, "JPEG")
    page.wait_for_selector("#case-view .cp-upload.cp-handling")  # asked for beside 处置反馈
    page.set_input_files("#case-view .cp-file", str(photo))
    page.click("#case-view .cp-send")
    page.wait_for_selector("#case-view .cp-photo img", timeout=20_000)
    # The photo is served back to the desk that may see it (its thumbnail decodes).
    shown = """() => [...document.querySelectorAll('#case-view .cp-photo img')]
      .map(i => i.naturalWidth)"""
    assert eventually(lambda: page.evaluate(shown), [640]) == [640]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dept-desk-case.png"))
    _act(page, "handle")
    assert eventually(lambda: status(made["to_handle"]), "处置反馈") == "处置反馈"
    assert page.locator("#case-view .cv-status").inner_text() == "处置反馈"

    # 督办: a lead presses the department on its late case (over the API, as the lead's
    # desk does); its row turns red at once, with a response clock counting down.
    _supervise(base, made["late"], "已超期两天，请今日办结")
    row = f"#case-table tr[data-case='{made['late']}']"
    page.wait_for_selector(f"{row}.supervised .flag-supervised .answer-clock", timeout=20_000)
    clock = page.locator(f"{row} .answer-clock")
    first = clock.inner_text()
    # 1 calendar hour to answer (to the second, on this screen's estimate of the server's clock)
    assert re.fullmatch(r"反馈剩余 (1:00:00|0:5\d:\d\d)", first), first
    assert eventually(lambda: clock.inner_text() != first, True), "it counts down"
    assert (
        page.evaluate(f'getComputedStyle(document.querySelector("{row} td")).backgroundColor')
        != "rgba(0, 0, 0, 0)"
    )
    _open(page, made["late"])
    page.wait_for_selector("#case-view .cv-supervised .cv-answer-clock:has-text('反馈剩余')")
    # The stage under way, who holds it and its own clock, beside the case's.
    assert page.locator("#case-view .cv-stage-name").inner_text() == "处置"
    assert page.locator("#case-view .cv-stage-holder").inner_text() == "承办：城管"
    assert page.locator("#case-view .cv-stage-left").inner_text().startswith("本环节已超时 ")
    assert page.locator("#case-view .cv-ev-name").first.inner_text() == "督办"
    page.screenshot(path=str(SCREENSHOTS / "dept-desk-duban.png"))

    # 督办反馈 from the case view's button: the row is red no more.
    _act(page, "answer_supervision", "已安排今日清运")
    page.wait_for_selector(f"{row}:not(.supervised)", timeout=20_000)
    assert page.locator(f"{row} .flag-supervised").count() == 0
    page.wait_for_selector("#case-view .cv-answered")
    assert page.locator("#case-view .cv-ev-name").first.inner_text() == "督办反馈"
    assert page.errors == []
    page.context.close()


def _supervise(base: str, case_id: int, reason: str) -> None:
    lead = requests.Session()
    r = lead.post(
        f"{base}/api/login", json={"username": "lead-1", "password": PASSWORD}, timeout=10
    )
    assert r.status_code == 200, r.text
    lead.headers["X-CSRFToken"] = r.json()["csrf_token"]
    version = lead.get(f"{base}/api/cases/{case_id}", timeout=10).json()["case"]["version"]
    r = lead.post(
        f"{base}/api/cases/{case_id}/actions/supervise",
        json={"expected_version": version, "reason": reason},
        timeout=10,
    )
    assert r.status_code == 200, r.text
