"""The wall's alert list and ticker in a real browser: worst first, moving with the clock and
with events; priority badges; yesterday's reports with their date."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cases import clock
from cases.catalog import load_catalog
from geo.grid import Grid
from tests.e2e.wall_cases import add_operator, open_case, opened_store, signed_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser

ROWS = """() => Array.from(document.querySelectorAll('#alerts .alert-row')).map(r => ({
  id: Number(r.dataset.case),
  category: r.querySelector('.alert-cat').textContent,
  time: r.querySelector('.alert-time').textContent,
  place: r.querySelector('.alert-place').textContent,
  department: r.querySelector('.alert-dept').textContent,
  badge: (b => b.hidden ? '' : b.textContent)(r.querySelector('.badge-priority')),
}))"""

H, M, S = timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)
_CATALOG = load_catalog()


def allowed(code: str) -> timedelta:
    """A case's own allowance: every stage's limit, end to end (the wall's risk clock)."""
    return timedelta(hours=_CATALOG.case_hours(_CATALOG.category(code)))


P, U = allowed("CG01"), allowed("SR10")  # 违章停车 (calendar hours), 渣土车撒漏 (urgent)


def test_alert_list_is_worst_first_and_moves_with_the_clock_and_events(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    """CG01 违章停车 allows P calendar hours (at risk from 0.8 P); SR10 渣土车撒漏 is urgent.
    Two cases cross a line while the page watches: one into the list, one
    from at risk to overdue; a voided case leaves the list at once."""
    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    ages = {
        "over_1h": ("CG01", P + H),
        "over_30m": ("CG01", P + 30 * M),
        "left_10m": ("CG01", P - 10 * M),
        "left_20m": ("CG01", P - 20 * M),
        "urgent_left_30m": ("SR10", U - 30 * M),
        "ok": ("CG01", 30 * M),
        # Written last, so their lines are crossed soonest after the page is up.
        "enters": ("CG01", P * 0.8 - 30 * S),
        "turns_overdue": ("CG01", P - 30 * S),
    }
    with opened_store(url) as store:
        cases = {
            key: open_case(store, grid, category, age, 100 + 37 * i)
            for i, (key, (category, age)) in enumerate(ages.items())
        }
        catalog = store.catalog
    add_operator(url)
    ids = {key: case.id for key, case in cases.items()}
    with running_server(url) as base:
        page.goto(base + "/")
        page.wait_for_function("window.gridcc && window.gridcc.stats.transport === 'websocket'")
        page.wait_for_function("document.querySelectorAll('#alerts .alert-row').length >= 6")
        rows = page.evaluate(ROWS)
        order = [r["id"] for r in rows]
        first = ["over_1h", "over_30m", "turns_overdue", "left_10m", "left_20m"]
        assert order[:5] == [ids[k] for k in first], rows
        assert ids["ok"] not in order
        by_id = {r["id"]: r for r in rows}
        assert by_id[ids["over_1h"]]["time"].startswith("超时 1小时0")
        assert by_id[ids["left_20m"]]["time"].startswith("剩余 ")
        assert by_id[ids["urgent_left_30m"]]["badge"] == "紧急"
        assert {r["badge"] for r in rows if r["id"] != ids["urgent_left_30m"]} == {""}
        parking = cases["over_1h"]
        assert by_id[parking.id]["category"] == catalog.categories["CG01"].name_zh
        assert by_id[parking.id]["department"] == catalog.departments[parking.department].name_zh
        assert by_id[parking.id]["place"] == grid.names[grid.codes.index(parking.cell_code)]
        assert page.locator("#alert-count").inner_text() == str(len(rows))

        # The clock passes both cases' lines (as stored); the risk tick moves them.
        crossed = max(cases["enters"].at_risk_at, cases["turns_overdue"].deadline)
        time.sleep(max(0.0, (crossed + timedelta(seconds=1) - datetime.now(UTC)).total_seconds()))

        def ticked() -> list[int]:
            page.evaluate("window.gridcc.wall.riskTick()")
            page.wait_for_timeout(50)  # the list is redrawn in the next frame
            return [r["id"] for r in page.evaluate(ROWS)]

        # By time left: "enters" has a fifth of P left, more than the urgent case's 30 min.
        moved = ["over_1h", "over_30m", "turns_overdue", "left_10m", "left_20m"]
        want = [ids[k] for k in [*moved, "urgent_left_30m", "enters"]]
        assert eventually(ticked, want) == want
        turned = {r["id"]: r for r in page.evaluate(ROWS)}[ids["turns_overdue"]]
        assert turned["time"].startswith("超时 "), turned

        # An event takes a case out of the list at once (no tick needed).
        op = signed_in(base)
        r = op.post(
            f"{base}/api/cases/{ids['over_1h']}/actions/void",
            json={"expected_version": 1, "reason": "重复上报"},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        page.wait_for_function(
            f"!document.querySelector('#alerts .alert-row[data-case=\"{ids['over_1h']}\"]')"
        )
        assert [r["id"] for r in page.evaluate(ROWS)] == want[1:]
        assert page.locator("#alert-count").inner_text() == str(len(want) - 1)
        assert not page.errors, page.errors


def test_the_alert_list_caps_its_rows_and_says_how_many_more(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'many.db'}"
    with opened_store(url) as store:
        ids = [open_case(store, grid, "CG01", P + H + i * M, 200 + 13 * i).id for i in range(40)]
    with running_server(url) as base:
        page.goto(base + "/")
        page.wait_for_function("document.querySelectorAll('#alerts .alert-row').length > 0")
        shown = page.locator("#alerts .alert-row").count()
        more = page.locator("#alerts-more").inner_text()
        assert 3 <= shown < 40
        assert more == f"另有 {40 - shown} 件"
        # Every row shown whole, inside its panel.
        inside = page.evaluate(
            """() => {
              const list = document.getElementById('alerts').getBoundingClientRect();
              return Array.from(document.querySelectorAll('#alerts .alert-row'))
                .every(r => r.getBoundingClientRect().bottom <= list.bottom + 0.5);
            }"""
        )
        assert inside
        # The longest overdue on top: the case reported earliest, written last.
        shown_ids = page.eval_on_selector_all(
            "#alerts .alert-row", "rs => rs.map(r => Number(r.dataset.case))"
        )
        assert shown_ids == sorted(ids, reverse=True)[:shown]
        top = page.locator("#alerts .alert-time").first.inner_text()
        assert top.startswith("超时 1小时39分") or top.startswith("超时 1小时4"), top


def test_ticker_rows_of_earlier_days_show_their_date(page: Any, grid: Grid, tmp_path: Path) -> None:
    """A report of 26 hours ago is always of an earlier day in Shanghai; one of now is today."""
    url = f"sqlite:///{tmp_path / 'days.db'}"
    with opened_store(url) as store:
        old = open_case(store, grid, "MD05", timedelta(hours=26), 300)
        new = open_case(store, grid, "MD05", timedelta(0), 301)
    with running_server(url) as base:
        page.goto(base + "/")
        page.wait_for_function("document.querySelectorAll('#ticker .ticker-row').length === 2")
        stamp = """(id) => document.querySelector(
          `#ticker .ticker-row[data-case='${id}'] .ticker-time`).textContent"""
        old_stamp, new_stamp = page.evaluate(stamp, old.id), page.evaluate(stamp, new.id)

        local = clock.as_utc(old.created_at).astimezone(clock.LOCAL_TZ)
        assert old_stamp == local.strftime("%m-%d %H:%M"), old_stamp
        assert re.fullmatch(r"\d\d:\d\d:\d\d", new_stamp), new_stamp
        assert not page.errors, page.errors
