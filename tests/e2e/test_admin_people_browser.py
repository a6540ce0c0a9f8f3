"""/admin's people and grid teams in a real browser: an admin sees a cell's synthetic 1+6
team (marked synthetic, who is on duty), uploads a people file with a bad row (each row
named, nothing taken), then a good Excel file, and sets the cell's team. Screenshots."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from cases import clock
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.map_desk_page import signed_in
from tests.serving import running_server

pytestmark = pytest.mark.browser
WAIT_MS = 30_000


def _seed(url: str, grid: Grid) -> str:
    from cases.db import make_engine
    from cases.people import Roster
    from cases.store import Store
    from cases.team_synthetic import seed_synthetic
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    Store(engine).create_schema()
    UserDirectory(engine).add("admin", Role.ADMIN, PASSWORD)
    cells = list(zip(grid.codes, grid.street_names, grid.community_names, strict=True))[:30]
    today = clock.utcnow().astimezone(clock.LOCAL_TZ).date()
    roster = Roster(engine)
    seed_synthetic(roster, cells, [(today, True)])
    # Someone of the first cell's team on duty whatever the hour the test runs at.
    now = clock.utcnow()
    roster.add_shifts([(f"gw-{cells[0][0]}", now - timedelta(hours=1), now + timedelta(hours=2))])
    engine.dispose()
    return cells[0][0]


@pytest.fixture
def served(tmp_path: Path, grid: Grid) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'people.db'}"
    cell = _seed(url, grid)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base, cell


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_admin_sees_teams_imports_people_and_sets_a_team(
    browser: Any, served: tuple[str, str]
) -> None:
    base, cell = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = signed_in(browser, base, "admin", "/admin")
    team = page.locator("#admin-people-team table.people-team")
    team.wait_for(timeout=WAIT_MS)
    assert page.inner_text("#admin-people-team .people-branch").startswith(f"{cell} · ")
    rows = team.locator("tbody tr")
    assert rows.count() == 7  # 1 + 6
    assert rows.first.locator("td").first.inner_text() == "书记"
    assert rows.first.locator(".people-synthetic").inner_text() == "合成"
    unit = rows.first.locator("td").nth(5)  # the community by its name, its code on hover
    assert unit.get_attribute("title") == f"community_{cell[:12]}"
    assert unit.inner_text().endswith("社区")
    assert page.locator("#admin-people-team tr.people-on-duty").count() >= 1
    assert "合成示例" in page.inner_text("#admin-people-summary")
    page.locator("#admin-people-team").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "admin-people-team.png"), full_page=True)

    # A file with a bad row: each row named, nothing taken.
    upload = page.locator("#admin-people-upload input[type=file]")
    bad = "编号,姓名,类别,电话\nx-1,钱七,网格员,13800000009\nx-2,<b>孙八</b>,市长,\n"
    upload.set_input_files({"name": "people.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    result = page.locator("#admin-people-import-result")
    result.filter(has_text="未导入").wait_for(timeout=WAIT_MS)
    assert "第 3 行" in result.inner_text() and "市长" in result.inner_text()
    page.locator("#admin-people-import-result").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "admin-people-refused.png"))

    # The same people, corrected, as an Excel workbook (HTML in a name stays text).
    good = _xlsx(
        [
            ["编号", "姓名", "类别", "电话"],
            ["x-1", "钱七", "网格员", 13800000009],
            ["x-2", "<b>孙八</b>", "街道值班人员", None],
        ]
    )
    upload.set_input_files({"name": "people.xlsx", "mimeType": "application/zip", "buffer": good})
    result.filter(has_text="导入 2 行").wait_for(timeout=WAIT_MS)

    # The cell's team set from the page: load it, add the new worker, save.
    # The layout already holds the first cell's members: empty the box first, so the wait
    # below sees the show's answer (filling before it came lost the typed lines to it).
    members = page.locator("#admin-people-members")
    members.fill("")
    page.click("#admin-people-team-show")
    page.wait_for_function(
        "document.querySelector('#admin-people-members').value.includes('secretary')",
        timeout=WAIT_MS,
    )
    members.fill(members.input_value() + "x-1,网格员\nx-2,成员\n")
    page.click("#admin-people-team-save")
    page.locator("#admin-people-team-result").filter(has_text="团队已保存（9 人）").wait_for(
        timeout=WAIT_MS
    )
    names = page.locator("#admin-people-team tbody tr td:nth-child(3)").all_inner_texts()
    assert "<b>孙八</b>" in names  # shown as typed, never as markup
    assert page.locator("#admin-people-team b").count() == 0
    page.locator("#admin-people-team").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "admin-people-team-set.png"), full_page=True)

    # In English, the same section in English words.
    page.goto(f"{base}/admin?lang=en")
    page.locator("#admin-people-team table.people-team").wait_for(timeout=WAIT_MS)
    assert page.locator("#admin-people-team th").first.inner_text() == "Part"
    assert "synthetic" in page.inner_text("#admin-people-team")
    page.locator("#admin-people-team").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "admin-people-team-en.png"))
    assert page.errors == []
