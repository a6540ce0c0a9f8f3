"""The wall in a real browser: 100 reports posted to the intake reach the ticker and the map.

Prints the figures the issue asks for: page load to first map, intake-accepted → ticker row
latency (p50/p95), and the initial page transfer (compressed).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from geo.grid import Grid
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.wall_page import RECORD_ROWS, cell_pixel, eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser

# Ten cells, ten reports each: each goes from no open case to the top of the scale.
CELLS = 10
PER_CELL = 10


def test_posted_reports_reach_ticker_and_map(page: Any, grid: Grid, tmp_path: Path) -> None:
    with running_server(
        f"sqlite:///{tmp_path / 'wall.db'}", log_path=tmp_path / "server.log"
    ) as base:
        # What a fresh wall downloads, compressed (measured by the browser itself).
        page.goto(base + "/")
        page.wait_for_function(
            "window.gridcc && window.gridcc.stats.mapReadyAt !== null", timeout=60_000
        )
        page.wait_for_function("window.gridcc.stats.transport === 'websocket'", timeout=30_000)
        map_ready_ms = page.evaluate("window.gridcc.stats.mapReadyAt")
        transfer = page.evaluate(
            """() => performance.getEntriesByType('navigation')
                 .concat(performance.getEntriesByType('resource'))
                 .reduce((s, e) => s + (e.transferSize || 0), 0)"""
        )
        assert page.evaluate("window.gridcc.socket.io.engine.transport.name") == "websocket"

        # Large cells, so a few pixels at their inner point are surely inside them.
        by_area = sorted(range(len(grid)), key=lambda i: -grid.geometries[i].area)
        picks = [grid.geometries[i] for i in by_area[: CELLS * 5 : 5]]
        points = [g.representative_point().coords[0] for g in picks]
        before = [cell_pixel(page, lon, lat) for lon, lat in points]

        page.evaluate(RECORD_ROWS)
        accepted: list[tuple[int, float, str]] = []
        sent: list[float] = []
        session = requests.Session()
        for i in range(CELLS * PER_CELL):
            lon, lat = points[i % CELLS]
            body = {
                "category": "SR01",
                "description": f"第{i}号 <img src=x onerror=window.__pwned=1>",
                "lon": lon,
                "lat": lat,
                "source": "patrol",
                "report_id": f"e2e-{i}",
            }
            sent.append(time.time() * 1000)
            r = session.post(base + "/api/reports", json=body, timeout=10)
            assert r.status_code == 201, r.text
            accepted.append((r.json()["case_id"], time.time() * 1000, r.json()["cell_code"]))
            time.sleep(0.05)  # about 20 reports a second: far above the district's real rate

        page.wait_for_function(f"window.__rows.length >= {len(accepted)}", timeout=30_000)
        rows = page.evaluate("window.__rows")
        stats = page.evaluate("window.gridcc.stats")

        # Every report, once, in the order the intake accepted them.
        assert [case_id for case_id, _ in rows] == [case_id for case_id, _, _ in accepted]
        assert stats["applied"] == len(accepted)
        shown = page.locator("#ticker .ticker-row").first.inner_text()
        assert "<img src=x" in shown, "HTML in a report must show as text"
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("#ticker img").count() == 0
        # Counters are drawn once per frame: the next frame shows all 100.
        page.wait_for_function(
            f"document.getElementById('counter-open').textContent === '{len(accepted)}'",
            timeout=5_000,
        )

        # The map's data and its pixels: every posted cell now shows the top of the scale.
        page.wait_for_function(
            "([codes, n]) => codes.every(c => window.gridcc.wall.map.valueOf(c) === n)",
            arg=[sorted({code for _, _, code in accepted}), PER_CELL],
            timeout=30_000,
        )
        page.wait_for_function("window.gridcc.stats.paints > 1", timeout=10_000)
        # The paint log names the last event each paint showed; the last shows them all.
        page.wait_for_function(
            "window.gridcc.stats.paintedSeq === window.gridcc.stats.lastSeq", timeout=10_000
        )
        log = page.evaluate("window.gridcc.stats.paintLog")
        assert [e["seq"] for e in log] == sorted(e["seq"] for e in log)

        def red(rgb: tuple[int, int, int]) -> bool:
            return rgb[0] > 150 and rgb[0] > 2 * rgb[1]

        # The last paint reaches the canvas a moment after the data: look until it has (10 s).
        deadline = time.monotonic() + 10
        after = [cell_pixel(page, lon, lat) for lon, lat in points]
        while not all(map(red, after)) and time.monotonic() < deadline:
            page.wait_for_timeout(250)
            after = [cell_pixel(page, lon, lat) for lon, lat in points]
        for b, a in zip(before, after, strict=True):
            assert a != b
            assert red(a), f"expected red at the top of the scale, got {a}"

        def p50_p95(values: list[float]) -> tuple[float, float]:
            ordered = sorted(values)
            return statistics.median(ordered), ordered[int(0.95 * len(ordered)) - 1]

        # The event is emitted inside the request, so a row can appear before the client has
        # read the 201: accepted → row is near zero; sent → row includes the whole intake.
        p50, p95 = p50_p95(
            [t_row - t_acc for (_, t_row), (_, t_acc, _) in zip(rows, accepted, strict=True)]
        )
        s50, s95 = p50_p95([t_row - t_sent for (_, t_row), t_sent in zip(rows, sent, strict=True)])
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "wall-after-100.png"))
        figures = {
            "page_load_to_first_map_ms": round(map_ready_ms),
            "initial_transfer_kb": round(transfer / 1024, 1),
            "accepted_to_ticker_ms_p50": round(p50, 1),
            "accepted_to_ticker_ms_p95": round(p95, 1),
            "sent_to_ticker_ms_p50": round(s50, 1),
            "sent_to_ticker_ms_p95": round(s95, 1),
            "paints": stats["paints"],
            "plotly_loaded": page.evaluate("window.Plotly !== undefined"),
        }
        print("\nwall figures:", json.dumps(figures))
        assert not page.errors, page.errors


def test_english_labels_and_chinese_text_render(page: Any, tmp_path: Path) -> None:
    with running_server(f"sqlite:///{tmp_path / 'wall.db'}") as base:
        page.goto(base + "/?lang=en")
        page.wait_for_function(
            "window.gridcc && window.gridcc.stats.mapReadyAt !== null", timeout=60_000
        )
        assert "Open cases" in page.locator(".counters").inner_text()
        page.goto(base + "/")
        page.wait_for_function(
            "window.gridcc && window.gridcc.stats.mapReadyAt !== null", timeout=60_000
        )
        title = page.locator("h1")
        assert title.inner_text() == "历下区网格化管理指挥中心"
        # CJK glyphs must come from a real font: a missing font renders as tofu boxes, all
        # of one width; real glyphs make this title far wider than its Latin stand-in.
        width = title.evaluate("e => e.getBoundingClientRect().width")
        assert width > 200


def test_a_wall_that_lost_its_socket_catches_up_exactly_once(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    with running_server(f"sqlite:///{tmp_path / 'gap.db'}") as base:
        page.goto(base + "/")
        page.wait_for_function("window.gridcc && window.gridcc.stats.transport === 'websocket'")
        page.evaluate(RECORD_ROWS)
        lon, lat = grid.geometries[42].representative_point().coords[0]

        def post(i: int) -> int:
            body = {"category": "CG01", "description": f"违停{i}", "lon": lon, "lat": lat}
            r = requests.post(base + "/api/reports", json=body, timeout=10)
            assert r.status_code == 201
            return int(r.json()["case_id"])

        ids = [post(0)]
        page.wait_for_function("window.__rows.length === 1")
        page.evaluate("window.gridcc.socket.disconnect()")
        ids += [post(i) for i in range(1, 6)]  # missed while the socket is down
        page.wait_for_function(
            "document.getElementById('link-status').classList.contains('live') === false"
        )
        page.evaluate("window.gridcc.socket.connect()")
        page.wait_for_function("window.__rows.length >= 6", timeout=20_000)
        ids += [post(6)]
        page.wait_for_function("window.__rows.length >= 7", timeout=20_000)
        time.sleep(0.5)
        assert [case_id for case_id, _ in page.evaluate("window.__rows")] == ids
        assert page.locator("#counter-open").inner_text() == "7"
        assert page.evaluate("window.gridcc.stats.applied") == 7


def test_closed_today_counts_a_case_once_even_when_rated(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    url = f"sqlite:///{tmp_path / 'rated.db'}"
    engine = make_engine(url)
    Store(engine).create_schema()
    directory = UserDirectory(engine)
    directory.add("op", Role.OPERATOR, "tall-grass-91-river")
    directory.add("li", Role.LIAISON, "tall-grass-91-river", department="chengguan")
    engine.dispose()
    with running_server(url) as base:
        page.goto(base + "/")
        page.wait_for_function("window.gridcc && window.gridcc.stats.transport === 'websocket'")
        op, li = requests.Session(), requests.Session()
        for session, name in ((op, "op"), (li, "li")):
            signed_in = session.post(
                base + "/api/login",
                json={"username": name, "password": "tall-grass-91-river"},
                timeout=10,
            )
            # A page's script sends the session's CSRF token with every change.
            session.headers["X-CSRFToken"] = signed_in.json()["csrf_token"]
        lon, lat = grid.geometries[77].representative_point().coords[0]
        r = op.post(
            base + "/api/reports",
            json={"category": "SR01", "description": "垃圾", "lon": lon, "lat": lat},
            timeout=10,
        )
        case_id, version = r.json()["case_id"], 1
        steps = [
            (op, "file", {}),
            (op, "dispatch", {}),
            (li, "accept", {}),
            (li, "handle", {}),
            (op, "verify", {}),
            (op, "close", {}),
            (op, "rate", {"rating": "satisfied"}),
        ]
        for who, name, extra in steps:
            r = who.post(
                f"{base}/api/cases/{case_id}/actions/{name}",
                json={"expected_version": version, **extra},
                timeout=10,
            )
            assert r.status_code == 200, (name, r.text)
            version += 1
        page.wait_for_function(f"window.gridcc.stats.applied === {len(steps) + 1}")
        shown = lambda: (  # noqa: E731
            page.locator("#counter-closed-today").inner_text(),
            page.locator("#counter-open").inner_text(),
        )
        assert eventually(shown, ("1", "0")) == ("1", "0")


def test_a_resync_mid_stream_shows_no_report_twice(page: Any, grid: Grid, tmp_path: Path) -> None:
    """Snapshots reloaded while reports stream in: every row once, no event applied twice."""
    with running_server(f"sqlite:///{tmp_path / 'resync.db'}") as base:
        page.goto(base + "/")
        page.wait_for_function("window.gridcc && window.gridcc.stats.transport === 'websocket'")
        page.wait_for_function("window.gridcc.stats.mapReadyAt !== null")
        page.evaluate(RECORD_ROWS)
        # The socket's frames held back 300 ms, as under load: each snapshot then holds
        # events the socket has not delivered yet, which must arrive as duplicates.
        page.evaluate(
            """() => { const core = window.gridcc.wall.core, receive = core.receive;
                       core.receive = ev => setTimeout(() => receive(ev), 300); }"""
        )
        lon, lat = grid.geometries[500].representative_point().coords[0]
        session = requests.Session()
        accepted = []
        for i in range(40):
            if i in (10, 20, 30):
                page.evaluate("window.gridcc.wall.core.resync('test')")
            body = {"category": "SR01", "description": f"重同步{i}", "lon": lon, "lat": lat}
            r = session.post(base + "/api/reports", json=body, timeout=10)
            assert r.status_code == 201, r.text
            accepted.append(r.json()["case_id"])
        # Each event reaches the screen once: applied from the socket or a catch-up, or held
        # by a snapshot that came after it was committed (under load the socket can lag the
        # snapshot's HTTP answer, and then the event arrives as a duplicate: CI saw 30
        # applied, 10 in snapshots). So wait for the screen's position, not for `applied`.
        try:
            page.wait_for_function(
                "window.gridcc.stats.lastSeq >= 40 && !window.gridcc.wall.core.resyncing()"
                " && document.querySelectorAll('#ticker .ticker-row').length >= 40",
                timeout=20_000,
            )
        except Exception:  # say where the screen stood
            stats = page.evaluate("JSON.stringify(window.gridcc.stats)")
            raise AssertionError(f"the screen did not reach seq 40 in 20 s: {stats}") from None
        page.wait_for_timeout(500)  # a window for a duplicate to show itself, were there one
        assert page.evaluate("window.gridcc.stats.resyncs") >= 1
        assert [case_id for case_id, _ in page.evaluate("window.__rows")] == accepted
        seqs = page.eval_on_selector_all("#ticker .ticker-row", "rs => rs.map(r => r.dataset.seq)")
        assert len(seqs) == len(set(seqs)) == 40
        assert page.evaluate("window.gridcc.stats.applied") <= 40  # none applied twice
        counters = lambda: (  # noqa: E731
            page.locator("#counter-open").inner_text(),
            page.locator("#counter-today").inner_text(),
        )
        assert eventually(counters, ("40", "40")) == ("40", "40")
        assert not page.errors, page.errors


def test_a_rate_is_never_rounded_up_to_a_target_it_misses(
    page: Any, grid: Grid, tmp_path: Path
) -> None:
    """95 cases closed within a day, one still open after 8 days: closed within 7 days is
    95/96 = 98.96%. Rounded it would read 99.0% beside "target 99%"; the wall shows 98.9%,
    in the colour of a miss, when drawn by the server and when refreshed by the browser."""
    from datetime import UTC, datetime, timedelta

    from tests.e2e.wall_cases import close_case, open_case, opened_store

    url = f"sqlite:///{tmp_path / 'rates.db'}"
    eight_days = timedelta(days=8)
    with opened_store(url) as store:
        for i in range(95):
            case = open_case(store, grid, "SR01", eight_days, 10 + i)
            close_case(store, case, datetime.now(UTC) - eight_days + timedelta(hours=2))
        open_case(store, grid, "SR01", eight_days, 200)
    kpi = "[data-kpi=closed_7d]"
    with running_server(url) as base:
        page.goto(base + "/")
        page.wait_for_function("window.gridcc && window.gridcc.wall")
        assert page.locator(f"{kpi} .kpi-value").inner_text() == "98.9%"
        assert "misses" in (page.locator(kpi).get_attribute("class") or "")
        assert "95/96" in page.locator(f"{kpi} .kpi-target").inner_text()
        # The browser's refresh (kpis.js) shows it the same way.
        page.evaluate(
            f"""() => {{
              const node = document.querySelector('{kpi}');
              node.querySelector('.kpi-value').textContent = '';
              node.classList.remove('misses');
            }}"""
        )
        page.evaluate("window.gridcc.wall.refreshKpis()")
        page.wait_for_function(
            f"document.querySelector('{kpi} .kpi-value').textContent !== ''", timeout=10_000
        )
        assert page.locator(f"{kpi} .kpi-value").inner_text() == "98.9%"
        assert "misses" in (page.locator(kpi).get_attribute("class") or "")
        # Closed within 3 days is 95/96 too, and meets its 95% target.
        assert "meets" in (page.locator("[data-kpi=closed_3d]").get_attribute("class") or "")
        assert not page.errors, page.errors
