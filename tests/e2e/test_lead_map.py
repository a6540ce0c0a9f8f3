"""The shift lead's map and a department's desk in real browsers: a lead picks cells on the
map, sees their cases, reassigns three in one request; a second lead's browser and the old
department's liaison see them move without a reload; the lead undoes it and both see them
come back. A liaison sees only their department's cases. Screenshots at 1920×1080."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.map_desk_page import listed, map_ready, signed_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
CELLS = (500, 501)  # two neighbouring cells of 姚家街道 正园社区, near the map's middle
FAR = 60  # a cell far from them: its case must never be listed for them
POINT = "([lon, lat]) => window.gridcc.lead.live.map.view.pagePoint(lon, lat)"
HELD = (
    "() => Object.keys(window.gridcc.dept.live.state.openCases).map(Number).sort((a, b) => a - b)"
)


def _store(url: str, grid: Grid) -> dict[str, Any]:
    """Users of every role involved, and open cases: four of 城管 in the two cells (each
    at a different stage), one of 城管 far away, one of 市政 in the first cell."""
    from cases.db import make_engine
    from cases.model import Report
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Actor, Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    for name, role, dept in (
        ("lead-a", Role.LEAD, None),
        ("lead-b", Role.LEAD, None),
        ("li-cg", Role.LIAISON, "chengguan"),
        ("li-sz", Role.LIAISON, "shizheng"),
    ):
        users.add(name, role, PASSWORD, department=dept)
    op = Actor("op", Role.OPERATOR)
    liaison = Actor("li-cg", Role.LIAISON, "chengguan")

    def report(index: int, category: str, stage: tuple[str, ...]) -> int:
        lon, lat = grid.geometries[index].representative_point().coords[0]
        case, _ = store.open_case(
            Report("patrol", category, "测试", lon, lat, grid.codes[index], grid.names[index])
        )
        for action in stage:
            store.apply(case.id, action, liaison if action == "accept" else op)
        return case.id

    dispatched, accepted = ("file", "dispatch"), ("file", "dispatch", "accept")
    mine = [
        report(CELLS[0], "SR01", accepted),
        report(CELLS[0], "SR02", dispatched),
        report(CELLS[1], "SR03", accepted),
        report(CELLS[1], "SR01", ()),  # just reported: not for a reassign
    ]
    far = report(FAR, "SR01", accepted)
    theirs = report(CELLS[0], "AQ05", dispatched)
    engine.dispose()
    return {"mine": mine, "far": far, "theirs": theirs}


@pytest.fixture
def center(tmp_path: Path, grid: Grid) -> Iterator[tuple[str, dict[str, Any]]]:
    url = f"sqlite:///{tmp_path / 'lead.db'}"
    made = _store(url, grid)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base, made


def _click_cell(page: Any, grid: Grid, index: int, add: bool = False) -> None:
    """A real click on the cell's shape on the map (Ctrl held to add it)."""
    lon, lat = grid.geometries[index].representative_point().coords[0]
    x, y = page.evaluate(POINT, [lon, lat])
    if add:
        page.keyboard.down("Control")
    page.mouse.click(x, y)
    if add:
        page.keyboard.up("Control")


def test_a_lead_reassigns_three_cases_and_undoes_it_everyone_sees_it_live(
    browser: Any, center: tuple[str, dict[str, Any]], grid: Grid
) -> None:
    base, made = center
    mine, theirs = made["mine"], made["theirs"]
    lead = signed_in(browser, base, "lead-a", "/lead")
    watcher = signed_in(browser, base, "lead-b", "/lead")
    liaison = signed_in(browser, base, "li-cg", "/dept")
    for page, who in ((lead, "lead"), (watcher, "lead"), (liaison, "dept")):
        map_ready(page, who)

    # The lead clicks one cell, then Ctrl-clicks its neighbour: both cells' open cases.
    _click_cell(lead, grid, CELLS[0])
    first = {mine[0], mine[1], theirs}
    assert eventually(lambda: set(listed(lead)), first) == first
    _click_cell(lead, grid, CELLS[1], add=True)
    both = {*mine, theirs}
    assert eventually(lambda: set(listed(lead)), both) == both
    assert made["far"] not in listed(lead)
    assert lead.evaluate("window.gridcc.lead.panel.place.codes") == [grid.codes[i] for i in CELLS]
    # The second lead chooses the same cells with a box (Shift-drag) over them.
    points = [
        watcher.evaluate(
            POINT,
            list(grid.geometries[i].representative_point().coords[0]),
        )
        for i in CELLS
    ]
    (x0, y0), (x1, y1) = points
    watcher.keyboard.down("Shift")
    watcher.mouse.move(min(x0, x1) - 3, min(y0, y1) - 3)
    watcher.mouse.down()
    watcher.mouse.move(max(x0, x1) + 3, max(y0, y1) + 3, steps=4)
    watcher.mouse.up()
    watcher.keyboard.up("Shift")
    assert eventually(lambda: set(listed(watcher)) >= both, True)
    # Each lead sees the other on the same cells (presence).
    assert eventually(lambda: "lead-b" in lead.inner_text("#case-place"), True, 30)
    # The liaison's desk: their department's cases only (not the 市政 case in the same cell).
    cg_held = {*mine, made["far"]}
    assert eventually(lambda: set(listed(liaison)), cg_held) == cg_held

    # Three cases ticked, one request, to 市政 with a reason.
    moved = mine[:3]
    for case_id in moved:
        lead.check(f"#case-table tr[data-case='{case_id}'] input[type=checkbox]")
    assert "已选 3 件" in lead.inner_text("#case-actions")
    lead.select_option("#case-actions select[name=to_department]", "shizheng")
    lead.fill("#case-actions input[name=reason]", "属市政管养范围")
    reassign = "/api/cases/actions/reassign?lang=zh"
    with lead.expect_request(lambda r: r.url.endswith(reassign)) as sent:
        lead.click("#case-actions .case-reassign")
    assert len(sent.value.post_data_json["cases"]) == 3
    lead.wait_for_selector("#undo-bar:not([hidden]) .undo-button")
    assert "已改派 3 件至 市政" in lead.inner_text("#case-message")

    # Without a reload: the second lead's list names 市政; the liaison's desk drops them.
    def departments(page: Any) -> list[str | None]:
        rows = listed(page)
        return [rows.get(case_id) for case_id in moved]

    assert eventually(lambda: departments(watcher), ["市政"] * 3) == ["市政"] * 3
    assert eventually(lambda: set(listed(liaison)), cg_held - set(moved)) == cg_held - set(moved)
    held = HELD
    assert eventually(lambda: liaison.evaluate(held), sorted(cg_held - set(moved))) == sorted(
        cg_held - set(moved)
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lead.screenshot(path=str(SCREENSHOTS / "lead-map-reassigned.png"))

    # The undo, within the server's window: back to 城管 on every screen.
    lead.click("#undo-bar .undo-button")
    lead.wait_for_selector("#undo-bar", state="hidden")
    assert "已撤销 3 件改派" in lead.inner_text("#case-message")
    assert eventually(lambda: departments(watcher), ["城管"] * 3) == ["城管"] * 3
    assert eventually(lambda: set(listed(liaison)), cg_held) == cg_held
    assert eventually(lambda: liaison.evaluate(held), sorted(cg_held)) == sorted(cg_held)
    liaison.screenshot(path=str(SCREENSHOTS / "dept-desk.png"))
    # A row opens its case in the shared case view, over the map, beside the list.
    lead.click(f"#case-table tr[data-case='{moved[0]}'] td.col-category")
    lead.wait_for_selector(f"#case-view.open .cv-id:text-is('#{moved[0]}')", timeout=20_000)
    assert lead.locator("#case-view .cv-action[data-action=reassign]").count() == 1
    lead.screenshot(path=str(SCREENSHOTS / "lead-map-case.png"))
    lead.click("#case-view .cv-close")
    lead.wait_for_selector("#case-view.open", state="detached")
    for page in (lead, watcher, liaison):
        assert page.errors == []
        page.context.close()


def test_a_liaison_sees_only_their_departments_cases(
    browser: Any, center: tuple[str, dict[str, Any]], grid: Grid
) -> None:
    base, made = center
    page = signed_in(browser, base, "li-sz", "/dept?lang=en")
    map_ready(page, "dept")
    assert eventually(lambda: set(listed(page)), {made["theirs"]}) == {made["theirs"]}
    shown = page.evaluate("Object.keys(window.gridcc.dept.live.state.openCases).map(Number)")
    assert shown == [made["theirs"]]
    # Their own snapshot and their own lists: asked directly, nothing of 城管's either.
    snap = page.evaluate("fetch('/api/snapshot').then(r => r.json())")
    assert [row[0] for row in snap["open_cases"]] == [made["theirs"]]
    answer = page.evaluate("fetch('/api/cases?limit=200&open=0').then(r => r.json())")
    assert [c["id"] for c in answer["cases"]] == [made["theirs"]]
    assert "Department desk" in page.inner_text("header")
    page.screenshot(path=str(SCREENSHOTS / "dept-desk-en.png"))
    assert page.errors == []
    page.context.close()

    # 城管's liaison narrows the table by community, then by a cell on the map, and sorts it.
    page = signed_in(browser, base, "li-cg", "/dept")
    map_ready(page, "dept")
    everything = {*made["mine"], made["far"]}
    assert eventually(lambda: set(listed(page)), everything) == everything
    community = grid.codes[CELLS[0]][:12]
    page.select_option("#case-filters select[name=place]", f"community:{community}")
    mine = set(made["mine"])
    assert eventually(lambda: set(listed(page)), mine) == mine
    page.select_option("#case-filters select[name=place]", "")
    assert eventually(lambda: set(listed(page)), everything) == everything
    lon, lat = grid.geometries[FAR].representative_point().coords[0]
    x, y = page.evaluate(POINT.replace(".lead.", ".dept."), [lon, lat])
    page.mouse.click(x, y)
    assert eventually(lambda: set(listed(page)), {made["far"]}) == {made["far"]}
    page.click("#case-place .case-place-clear")
    assert eventually(lambda: set(listed(page)), everything) == everything
    order = (
        "() => Array.from(document.querySelectorAll('#case-table tbody tr'), r => +r.dataset.case)"
    )
    page.click("#case-table th[data-sort=created]")
    newest_last = sorted(everything)  # reported in id order
    assert eventually(lambda: page.evaluate(order), newest_last) == newest_last
    page.click("#case-table th[data-sort=created]")
    assert eventually(lambda: page.evaluate(order), newest_last[::-1]) == newest_last[::-1]
    assert page.errors == []
    page.context.close()
