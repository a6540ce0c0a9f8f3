"""The operators' desk in a real browser, under the app's own Content-Security-Policy: an
operator files and dispatches a report with the keyboard alone, sees a duplicate beside a
report and merges it, sees a new report arrive live, is shown a 409 when another operator
changed the case meanwhile (and nothing is overwritten), and markup in a report shows as
text. Screenshots of the desk at 1920×1080 in Chinese and English."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from cases.db import make_engine
from cases.store import Store
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import RECORD_CSP_VIOLATIONS, SCREENSHOTS
from tests.e2e.desk_seed import MARKUP, Seeded, seed_desk
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/desk-shots")
WAIT_MS = 30_000


@pytest.fixture
def desk_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.posts = []
    pg.on("request", lambda r: pg.posts.append(r.url) if r.method == "POST" else None)
    yield pg
    context.close()


DRAWN = "() => window.gridcc.desk.view.map.drawn"


def shot(page: Any, name: str) -> None:
    """A screenshot once the open case's small map has drawn its place."""
    case = page.evaluate("() => window.gridcc.desk.view.caseId")
    if case is not None:
        assert eventually(lambda: page.evaluate(DRAWN), case, 30) == case
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def sign_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/desk*", timeout=WAIT_MS)  # an operator lands on the desk


def other_operator(base: str) -> requests.Session:
    """Another operator's client, over the HTTP API."""
    s = requests.Session()
    r = s.post(f"{base}/api/login", json={"username": "li-op", "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    s.headers["X-CSRFToken"] = r.json()["csrf_token"]
    return s


def case_in_view(page: Any, case_id: int, status: str | None = None) -> None:
    page.wait_for_selector(f".cv-head .cv-id:text-is('#{case_id}')", timeout=WAIT_MS)
    if status:
        page.wait_for_selector(f".cv-head .cv-status[data-status={status}]", timeout=WAIT_MS)


def selected(page: Any) -> int | None:
    found = page.evaluate("() => document.querySelector('.desk-row.selected')?.dataset.case")
    return int(found) if found else None


def filter_to(page: Any, text: str) -> None:
    page.keyboard.press("/")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    if text:
        page.keyboard.type(text)
    page.keyboard.press("Enter")  # back to the queue's keys


def test_an_operator_works_the_queue_by_keyboard(desk_page: Any, tmp_path: Path) -> None:
    page = desk_page
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    seeded: Seeded = seed_desk(url)
    production = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    store = Store(make_engine(url))
    with running_server(url, log_path=tmp_path / "server.log", env=production) as base:
        sign_in(page, base, "zhang-op")
        page.wait_for_selector(".desk-row", timeout=WAIT_MS)
        assert page.locator(".desk-row").count() == len(seeded.ids)
        # oldest first; waiting times grow by themselves
        first_wait = page.inner_text(".desk-row >> nth=0 >> .desk-wait")
        assert eventually(
            lambda: page.inner_text(".desk-row >> nth=0 >> .desk-wait") != first_wait, True
        )
        assert selected(page) == seeded.ids[0]

        # -- file and dispatch a new report with the keyboard alone --------------------------
        report = seeded.ids[1]  # 井盖缺损, reported
        page.keyboard.press("j")
        assert selected(page) == report
        page.keyboard.press("Enter")
        case_in_view(page, report, "reported")
        shot(page, "desk-zh-open")
        page.keyboard.press("d")  # not offered to a report: says so, does nothing
        page.wait_for_selector(".desk-toast.show:has-text('派遣')", timeout=WAIT_MS)
        assert store.get(report).status.value == "reported"
        page.keyboard.press("f")
        case_in_view(page, report, "filed")
        assert selected(page) == report, "the filed case stays selected"
        page.keyboard.press("d")  # to the suggested department, in one key
        case_in_view(page, report, "dispatched")
        page.wait_for_selector(
            f".desk-row[data-case='{report}']", state="detached", timeout=WAIT_MS
        )
        case = store.get(report)
        assert (case.status.value, case.department) == ("dispatched", "shizheng")
        steps = [(e.kind, e.actor) for e in store.timeline(report)]
        assert steps[1:] == [
            ("case.file", "operator:zhang-op"),
            ("case.dispatch", "operator:zhang-op"),
        ]
        page.wait_for_selector(".cv-ev-actor:text-is('张伟 · 值班员')", timeout=WAIT_MS)

        # -- a new report arrives live ---------------------------------------------------------
        other = other_operator(base)
        lon, lat = store.get(seeded.ids[0]).lon, store.get(seeded.ids[0]).lat
        r = other.post(
            f"{base}/api/reports",
            json={"category": "CG05", "description": "路灯整排不亮", "lon": lon, "lat": lat},
            timeout=10,
        )
        assert r.status_code == 201, r.text
        fresh = r.json()["case_id"]
        page.wait_for_selector(f".desk-row[data-case='{fresh}']", timeout=WAIT_MS)

        # -- a duplicate nearby, merged into the earlier report -------------------------------
        filter_to(page, "又出现")
        assert selected(page) == seeded.duplicate
        page.keyboard.press("Enter")
        case_in_view(page, seeded.duplicate, "reported")
        page.wait_for_selector(f".cv-dup.selected[data-case='{seeded.earlier}']", timeout=WAIT_MS)
        shot(page, "desk-zh-duplicate")
        page.keyboard.press("m")
        page.wait_for_selector(".cv-form[data-action=merge] .cv-submit:focus", timeout=WAIT_MS)
        assert page.input_value(".cv-form[data-action=merge] input[name=into]") == str(
            seeded.earlier
        )
        page.keyboard.press("Enter")
        case_in_view(page, seeded.duplicate, "void")
        assert store.get(seeded.duplicate).status.value == "void"
        merged = store.timeline(seeded.duplicate)[-1]
        assert (merged.kind, merged.data.get("merged_into")) == ("case.merge", seeded.earlier)

        # -- markup in a report is text -------------------------------------------------------
        filter_to(page, "山大北路")
        page.keyboard.press("Enter")
        case_in_view(page, seeded.markup)
        assert page.inner_text(".cv-desc") == MARKUP
        assert (
            page.evaluate("() => document.querySelectorAll('.cv img, .desk-rows img').length") == 0
        )
        assert page.evaluate("() => window.__pwned === undefined")

        # -- another operator changes the case between opening and acting: a 409 -------------
        signal = seeded.ids[3]  # 交通信号灯故障, reported
        filter_to(page, "信号灯")
        page.keyboard.press("Enter")
        case_in_view(page, signal, "reported")
        page.keyboard.press("v")
        page.wait_for_selector(".cv-form[data-action=void] textarea:focus", timeout=WAIT_MS)
        page.keyboard.type("重复来电")
        taken = other.post(
            f"{base}/api/cases/{signal}/actions/file", json={"expected_version": 1}, timeout=10
        )
        assert taken.status_code == 200, taken.text
        # the desk hears of it and says so, keeping what was typed
        page.wait_for_selector(".cv-notice.stale", timeout=WAIT_MS)
        assert page.input_value(".cv-form[data-action=void] textarea") == "重复来电"
        posts = len([u for u in page.posts if "/actions/" in u])
        page.keyboard.press("Enter")
        notice = page.wait_for_selector(".cv-notice.conflict", timeout=WAIT_MS)
        said = notice.inner_text()
        assert "李娜 · 值班员" in said and "立案" in said, said
        shot(page, "desk-zh-conflict")
        assert store.get(signal).status.value == "filed", "the other's change stands"
        assert page.is_disabled(".cv-form[data-action=void] .cv-submit")
        page.keyboard.press("Enter")  # never sent again
        assert len([u for u in page.posts if "/actions/" in u]) == posts + 1
        page.click(".cv-reload")
        case_in_view(page, signal, "filed")
        assert page.locator(".cv-notice").count() == 0 and page.locator(".cv-form").count() == 0
        assert store.get(signal).status.value == "filed"

        # -- the help, and the desk in English -------------------------------------------------
        filter_to(page, "")
        page.keyboard.press("?")
        page.wait_for_selector("#desk-help:not([hidden])", timeout=WAIT_MS)
        shot(page, "desk-zh-help")
        page.keyboard.press("Escape")
        page.goto(f"{base}/desk?lang=en")
        page.wait_for_selector(".desk-row", timeout=WAIT_MS)
        page.keyboard.press("Enter")
        case_in_view(page, selected(page) or 0)
        page.wait_for_selector(".cv-ev", timeout=WAIT_MS)
        assert "Operators' desk" in page.inner_text("header")
        shot(page, "desk-en-open")

        assert page.evaluate("() => window.__cspViolations") == []
        assert page.errors == []
    store.engine.dispose()


# A stand-in for assets/gridcc/presence.js (another part of issue 9): records what the desk
# announces and lets the test tell it who else is where.
def test_two_operators_see_who_else_has_a_case_open(
    browser: Any, desk_page: Any, tmp_path: Path
) -> None:
    """The real presence (assets/gridcc/presence.js over the hub): the other operator's
    queue row says who has the case open, and their case view says who is editing it."""
    page = desk_page
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    other = context.new_page()
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    seeded = seed_desk(url)
    production = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    try:
        with running_server(url, log_path=tmp_path / "server.log", env=production) as base:
            sign_in(page, base, "zhang-op")
            sign_in(other, base, "li-op")
            first = seeded.ids[0]
            page.wait_for_selector(".desk-row", timeout=WAIT_MS)
            page.keyboard.press("Enter")
            case_in_view(page, first)
            row = f".desk-row[data-case='{first}'] .desk-presence"
            other.wait_for_selector(f"{row}:has-text('张伟 (值班员) 正在查看')", timeout=WAIT_MS)
            page.keyboard.press("v")  # a form open: editing
            page.wait_for_selector(".cv-form textarea:focus", timeout=WAIT_MS)
            other.wait_for_selector(f"{row}:has-text('张伟 (值班员) 正在处理')", timeout=WAIT_MS)
            # the other opens the same case: each sees the other, never themselves
            other.click(f".desk-row[data-case='{first}']")
            other.keyboard.press("Enter")
            case_in_view(other, first)
            other.wait_for_selector(
                ".cv-presence:has-text('张伟 (值班员) 正在处理')", timeout=WAIT_MS
            )
            page.wait_for_selector(
                ".cv-presence:has-text('李娜 (值班员) 正在查看')", timeout=WAIT_MS
            )
            assert "张伟" not in page.inner_text(".cv-presence")
            shot(page, "desk-zh-presence")
            page.keyboard.press("Escape")
            page.click(".cv-close")
            other.wait_for_selector(".cv-presence", state="hidden", timeout=WAIT_MS)
            assert page.errors == []
    finally:
        context.close()
