"""A grid worker's day on a phone (375×812, the page's own CSP in force, the phone's
position from the browser's geolocation): signs in and lands on /patrol, starts a patrol
(the position reaches the book and the cell counts as patrolled), reports a case with a
photo and the position, goes offline, reports another (kept on the phone, shown waiting),
comes back online — and both reports arrive exactly once, each with its photo. Then checks
in at its tasks' places (at the urgent one that is "on site" on its response clock, at the
other it is not), opens 返工 on the urgent one, 核实s the other, and ends the patrol.
Screenshots of each step."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from cases.positions import distance_m
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import RECORD_CSP_VIOLATIONS, SCREENSHOTS
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
CELL = 60


def _seed(url: str, grid: Grid) -> dict[str, Any]:
    from cases.db import make_engine
    from cases.model import Report
    from cases.people import Person, Roster
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    store = Store(engine)
    store.create_schema()
    users = UserDirectory(engine)
    users.add("w1", Role.WORKER, PASSWORD, display_name="王磊")
    roster = Roster(engine)
    roster.put_people([Person("gw-1", "王磊", "grid_worker", phone="13800000000", username="w1")])
    roster.put_team(grid.codes[CELL], "姚家第一网格党支部", [("gw-1", "worker")])
    x, y = grid.geometries[CELL].representative_point().coords[0]
    task, _ = store.open_case(
        Report(
            "hotline",
            "SR02",
            "12345 来电：小区门口垃圾堆放",
            x,
            y,
            grid.codes[CELL],
            grid.names[CELL],
        )
    )
    # An urgent case the department reports handled, a few metres away: 核查 at its place.
    from sqlalchemy import update

    from cases.schema import cases
    from cases.workflow import Actor

    urgent, _ = store.open_case(
        Report(
            "hotline",
            "AQ01",
            "小区消防通道被杂物堵塞",
            x + 0.0003,
            y,
            grid.codes[CELL],
            grid.names[CELL],
        )
    )
    op = Actor("op", Role.OPERATOR)
    store.apply(urgent.id, "file", op)
    store.apply(urgent.id, "dispatch", op)
    department = store.get(urgent.id).department
    store.apply(urgent.id, "accept", Actor("li", Role.LIAISON, department))
    store.apply(urgent.id, "handle", Actor("li", Role.LIAISON, department), "已断电清理")
    with engine.begin() as conn:
        conn.execute(update(cases).where(cases.c.id == urgent.id).values(urgent=True))
    engine.dispose()
    return {"task": task.id, "urgent": urgent.id, "at": (float(x), float(y))}


@pytest.fixture
def server(tmp_path: Path, grid: Grid) -> Iterator[tuple[str, str, dict[str, Any]]]:
    url = f"sqlite:///{tmp_path / 'patrol.db'}"
    seeded = _seed(url, grid)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET, "MEDIA_DIR": str(tmp_path / "m")}
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base, url, seeded


def photo(path: Path, colour: str, words: str) -> Path:
    image = Image.new("RGB", (2400, 1800), colour)  # bigger than the page sends: it shrinks it
    ImageDraw.Draw(image).rectangle((600, 500, 1800, 1300), fill="white")
    ImageDraw.Draw(image).text((700, 800), words, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page: Any, base: str, accuracy: int) -> None:
    """The worker signs in, lands on /patrol, and the page has the phone's fix."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "w1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/patrol*", timeout=30_000)
    page.wait_for_selector(f"#pt-pos:has-text('±{accuracy}')", timeout=20_000)


def states(page: Any) -> list[str]:
    return page.eval_on_selector_all("#pt-queue-list li", "els => els.map(e => e.dataset.state)")


def report(page: Any, category: str, text: str, picture: Path) -> None:
    page.click("nav.pt-tabs button[data-tab=report]")
    page.select_option("#pt-category", category)
    page.fill("#pt-text", text)
    page.set_input_files("#pt-photo", str(picture))
    page.wait_for_selector("#pt-thumbs img")
    page.click("#pt-send")


def read_case(url: str, case_id: int) -> Any:
    from cases.db import make_engine
    from cases.store import Store

    engine = make_engine(url)
    try:
        return Store(engine).get(case_id)
    finally:
        engine.dispose()


def stored_patrol_cases(url: str) -> list[Any]:
    from sqlalchemy import select

    from cases.db import make_engine
    from cases.schema import case_photos, cases, events

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(cases.c.id, cases.c.external_id, cases.c.description, events.c.actor)
            .join(events, events.c.case_id == cases.c.id)
            .where(cases.c.source == "patrol", events.c.kind == "case.reported")
            .order_by(cases.c.id)
        ).all()
        widths: dict[int, list[int]] = {}
        for case_id, width in conn.execute(select(case_photos.c.case_id, case_photos.c.width)):
            widths.setdefault(case_id, []).append(width)
    engine.dispose()
    return [(r.id, r.external_id, r.description, r.actor, widths.get(r.id, [])) for r in rows]


def test_a_day_of_patrol_on_a_phone(
    browser: Any, server: tuple[str, str, dict[str, Any]], tmp_path: Path, grid: Grid
) -> None:
    base, url, seeded = server
    x, y = seeded["at"]
    here = {"longitude": x + 0.0002, "latitude": y + 0.0001, "accuracy": 12}
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation=here,
    )
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, base, 12)

    # Start the patrol: the position goes to the book and the cell is patrolled today.
    page.click("#pt-toggle")
    page.wait_for_selector("#pt-state:text-is('巡查中')", timeout=20_000)
    # The page is kept on the phone from now on (its service worker controls it).
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=20_000)
    page.wait_for_selector(f"#pt-where:has-text('{grid.names[CELL]}')", timeout=20_000)
    page.wait_for_selector("#pt-since:has-text('已巡 1 个网格')", timeout=20_000)
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-1-on-patrol.png"))

    # Online: a report with a photo and the phone's position arrives.
    report(
        page, "SR05", "人行道井盖缺失，已设置临时警示", photo(tmp_path / "a.jpg", "#3a6ea5", "A")
    )
    assert eventually(lambda: states(page), ["sent"]) == ["sent"]
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-2-sent.png"))

    # Offline: the next report is kept on the phone and shown waiting.
    context.set_offline(True)
    page.wait_for_selector("#pt-net:text-is('离线')", timeout=10_000)
    report(page, "SR06", "路边占道经营，堵塞盲道", photo(tmp_path / "b.jpg", "#a5563a", "B"))
    page.wait_for_selector("#pt-msg:text-is('已保存，联网后自动发送')", timeout=10_000)
    assert eventually(lambda: states(page), ["queued", "sent"]) == ["queued", "sent"]
    kept = page.evaluate(
        """() => new Promise((ok) => {
             const r = indexedDB.open("gridcc-patrol");
             r.onsuccess = () => {
               const q = r.result.transaction("reports").objectStore("reports").getAll();
               q.onsuccess = () => ok(q.result.map((i) => [i.state, i.photos.length,
                 i.photos[0] instanceof Blob]));
             };
           })"""
    )
    assert sorted(kept) == [["queued", 1, True], ["sent", 1, True]]
    assert len(stored_patrol_cases(url)) == 1  # nothing reached the center meanwhile
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-3-offline-queued.png"))
    # With no connection at all the page opens again (the phone kept it: patrolsw.js), and
    # shows the report still waiting.
    page.reload()
    page.wait_for_selector("#pt-net:has-text('离线')", timeout=20_000)
    assert eventually(lambda: states(page), ["queued", "sent"]) == ["queued", "sent"]

    # Back online: it goes by itself, and both arrive exactly once, each with its photo.
    context.set_offline(False)
    assert eventually(lambda: states(page), ["sent", "sent"], 30) == ["sent", "sent"]
    stored = stored_patrol_cases(url)
    ids = page.evaluate("() => window.gridcc.patrol.state.items.map((i) => i.id)")
    assert sorted(s[1] for s in stored) == sorted(ids) and len(stored) == 2
    assert [s[2] for s in stored] == ["人行道井盖缺失，已设置临时警示", "路边占道经营，堵塞盲道"]
    assert all(s[3] == "intake:patrol via worker:w1" for s in stored)
    # One photo each, made smaller on the phone (taken 2400 px wide; a weak link carries it).
    assert [s[4] for s in stored] == [[1600], [1600]]
    # The same report sent again (a retry whose answer was lost) is the same case.
    again = page.evaluate(
        """() => {
             const item = window.gridcc.patrol.state.items[0];
             return fetch("/api/reports", {method: "POST", headers: {"Content-Type":
               "application/json", "X-CSRFToken": window.gridcc.http.cookieValue(document.cookie,
               "_csrf_token")}, body: JSON.stringify(item.body)}).then((r) => r.json());
           }"""
    )
    assert again["duplicate"] is True and len(stored_patrol_cases(url)) == 2
    first_case = stored[0][0]

    # My reports list both; my tasks hold the hotline's case in my cell, with 核实.
    page.click("nav.pt-tabs button[data-tab=mine]")
    page.wait_for_selector(f"#pt-mine-list li[data-case='{first_case}']", timeout=20_000)
    assert page.locator("#pt-mine-list li").count() == 2
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-4-my-reports.png"))
    page.click("nav.pt-tabs button[data-tab=tasks]")
    task = f"#pt-task-list li[data-case='{seeded['task']}']"
    page.wait_for_selector(task, timeout=20_000)
    page.click(f"{task} .pt-here")
    page.wait_for_selector(f"{task} .pt-msg:has-text('已签到')", timeout=20_000)
    distance = distance_m(x, y, here["longitude"], here["latitude"])
    assert f"距现场 {round(distance)} 米" in page.inner_text(f"{task} .pt-msg")
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-5-task-checked-in.png"))
    # The urgent one: checking in at its place is "on site" on its response clock.
    urgent = f"#pt-task-list li[data-case='{seeded['urgent']}']"
    page.click(f"{urgent} .pt-here")
    page.wait_for_selector(f"{urgent} .pt-msg:has-text('已签到')", timeout=20_000)
    assert read_case(url, seeded["urgent"]).on_site_at is not None
    assert read_case(url, seeded["task"]).on_site_at is None  # not urgent: no clock
    page.click(f"{urgent} button[data-action=rework]")
    page.wait_for_selector(f"{urgent} .pt-act-form textarea")
    page.fill(f"{urgent} .pt-act-form textarea", "通道内仍有杂物，需继续清理")
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-5-tasks-urgent.png"))
    page.click(f"{urgent} .pt-act-form .pt-act:not(.pt-go)")  # cancel: not sent
    page.click(f"{task} button[data-action=confirm]")
    page.fill(f"{task} .pt-act-form textarea", "现场核实属实")
    page.click(f"{task} .pt-act-form .pt-go")
    page.wait_for_selector(task, state="detached", timeout=20_000)

    page.click("#pt-toggle")
    page.wait_for_selector("#pt-state:text-is('未在巡查')", timeout=20_000)
    assert page.evaluate("() => window.__cspViolations") == []
    assert errors == []
    context.close()


def test_the_page_in_english_and_its_weight(
    browser: Any, server: tuple[str, str, dict[str, Any]]
) -> None:
    base, _url, seeded = server
    x, y = seeded["at"]
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        locale="en-US",
        permissions=["geolocation"],
        geolocation={"longitude": x, "latitude": y, "accuracy": 30},
    )
    page = context.new_page()
    page.goto(f"{base}/login?next=/patrol%3Flang%3Den")
    page.fill("input[name=username]", "w1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#pt-toggle:text-is('Start patrol')", timeout=30_000)
    page.wait_for_selector("#pt-pos:has-text('±30')", timeout=20_000)
    page.click("nav.pt-tabs button[data-tab=tasks]")
    # Off patrol too, the tasks say how far they are from where the phone is.
    task = f"#pt-task-list li[data-case='{seeded['task']}']"
    page.wait_for_selector(f"{task} .pt-sub:has-text('0 m · ')", timeout=20_000)
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-6-english-tasks.png"))
    weigh = """() => performance.getEntriesByType("navigation").concat(
        performance.getEntriesByType("resource")).reduce((n, e) => n + e.transferSize, 0)"""
    weight = page.evaluate(weigh)
    # The same phone opening a Dash page (the wall, which a grid worker may open): what the
    # page would weigh on Dash's renderer, measured in the same run.
    page.goto(f"{base}/?lang=en", wait_until="load")
    page.wait_for_selector("#page-content > *", timeout=30_000)
    dash_weight = page.evaluate(weigh)
    print(
        f"first load, bytes over the wire: /patrol {weight}, a Dash page (/) {dash_weight}, "
        f"ratio {dash_weight / weight:.1f}"
    )
    assert 0 < weight < 60_000 and weight * 5 < dash_weight
    context.close()


def test_a_lost_answer_and_a_reload_still_make_one_case(
    browser: Any, server: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    """The report reaches the center but its answer is lost on the way back (the phone
    cannot tell it from a failed send): the phone keeps it, is closed, is opened again,
    sends it again — and the center still has one case, with one photo."""
    base, url, seeded = server
    x, y = seeded["at"]
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"longitude": x, "latitude": y, "accuracy": 10},
    )
    page = context.new_page()
    page.goto(f"{base}/login?next=/patrol")
    page.fill("input[name=username]", "w1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#pt-pos:has-text('±10')", timeout=30_000)
    # The phone's link loses every answer from the intake: the request arrives, the
    # answer does not (the phone sees a failed send, as on a dropped connection).
    page.evaluate(
        """() => {
             const real = window.fetch;
             window.__delivered = [];
             window.fetch = (url, opts) => String(url).includes("/api/reports")
               ? real(url, opts).then((r) => {
                   window.__delivered.push(r.status);
                   throw new TypeError("Failed to fetch");
                 })
               : real(url, opts);
           }"""
    )

    def delivered() -> list[int]:
        return list(page.evaluate("() => window.__delivered"))

    report(page, "SR02", "绿化带内堆放建筑垃圾", photo(tmp_path / "c.jpg", "#3aa55a", "C"))
    assert eventually(delivered, [201]) == [201]
    assert eventually(lambda: states(page), ["queued"]) == ["queued"]
    assert len(stored_patrol_cases(url)) == 1  # the case is there; the phone does not know
    # Its retry (after retryMinMs) loses its answer too: still the one case.
    assert eventually(delivered, [201, 200], 30) == [201, 200]
    assert len(stored_patrol_cases(url)) == 1
    page.close()

    again = context.new_page()  # the phone opens the page again, the link now fine
    again.goto(f"{base}/patrol")
    assert eventually(lambda: states(again), ["sent"], 40) == ["sent"]
    stored = stored_patrol_cases(url)
    assert len(stored) == 1 and stored[0][4] == [1600]
    kept = again.evaluate("() => window.gridcc.patrol.state.items")
    assert [(i["caseId"], i["duplicate"]) for i in kept] == [(stored[0][0], True)]
    context.close()


def test_an_urgent_report_alerts_the_phone_and_is_acknowledged_there(
    browser: Any, server: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    """A worker on patrol reports a fire hazard (urgent from its report): as the nearest
    worker on patrol they are alerted at once on the phone — a banner that stays — and
    acknowledge it there; the case's response clock has its first step."""
    base, url, seeded = server
    x, y = seeded["at"]
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"longitude": x, "latitude": y, "accuracy": 10},
    )
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, 10)
    page.click("#pt-toggle")
    page.wait_for_selector("#pt-state:text-is('巡查中')", timeout=20_000)
    page.wait_for_selector("#pt-since:has-text('已巡 1 个网格')", timeout=20_000)

    report(page, "AQ03", "楼道内电动车充电冒烟", photo(tmp_path / "f.jpg", "#aa3333", "F"))
    # (the seeded urgent task, never acknowledged, may be alerted too: this one is the fire)
    fire_banner = ".urgent-banner:has-text('电动车楼道充电')"
    banner = page.wait_for_selector(fire_banner, timeout=20_000)
    assert "楼道内电动车充电冒烟" in banner.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "patrol-phone-urgent-alert.png"))
    fire = next(c for c in stored_patrol_cases(url) if "冒烟" in c[2])
    assert read_case(url, fire[0]).urgent and read_case(url, fire[0]).acknowledged_at is None
    page.click(f"{fire_banner} .urgent-ack")
    page.wait_for_selector(fire_banner, state="detached", timeout=20_000)
    assert eventually(lambda: read_case(url, fire[0]).acknowledged_at is not None, True)
    assert errors == [] and page.evaluate("window.__cspViolations || []") == []
    context.close()
