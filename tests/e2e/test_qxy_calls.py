"""微志愿 in browsers: a community publishes a call for 3 volunteers on its desk; four phones
(375×812) sign in by phone and one-time code, become volunteers and sign up at once — three
get a place, the fourth is told the call is full; one checks in and reports with a photo;
and the community's desk, never reloaded, shows "3 of 3 signed up, 1 reported" (and the
Chinese words on a second desk) as the events arrive. Screenshots of phone and desk.

The server runs in this process (a real HTTP server and socket on a free port) so the
one-time codes go to the ``Outbox`` (the SMS gateway is the only part stood in for)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from cases.clock import LOCAL_TZ
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.dashboard.quanxinyuan.conftest import COMMUNITY, Outbox
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.wall_page import eventually
from tests.serving import free_port

pytestmark = [
    pytest.mark.browser,
    # In this process the server's asset streams (flask-compress over Werkzeug) may be left
    # to the collector when a browser drops a connection it no longer needs; a served
    # process (tests/serving.py) has the same, unseen. Nothing of the platform's own.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
PHONES = ("13900000001", "13900000002", "13900000003", "13900000004")
NAMES = ("王小明", "李华", "张伟", "刘洋")
PHONE_VIEW = {"width": 375, "height": 812}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Outbox]]:
    import logging

    from werkzeug.serving import make_server

    from app import Settings, create_app
    from cases.workflow import Role

    g = create_app(
        Settings.from_env(
            {},
            database_url=f"sqlite:///{tmp_path / 'calls.db'}",
            gridcc_env="production",
            secret_key=TEST_SECRET,
            media_dir=str(tmp_path / "media"),
            spool_dir=str(tmp_path / "spool"),
        )
    )
    g.users.add("sq", Role.LIAISON, PASSWORD, department=f"community_{COMMUNITY}")
    parts = g.server.extensions["gridcc_qxy"]
    outbox = Outbox()
    parts.residents.sender = outbox
    parts.teams.put_team("yj-youth", "姚家青年志愿服务队", COMMUNITY)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    port = free_port()
    server = make_server("127.0.0.1", port, g.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", outbox
    finally:
        server.shutdown()
        thread.join(timeout=10)
        g.close()


def photo(path: Path) -> Path:
    image = Image.new("RGB", (2400, 1800), "#5d8a3a")  # bigger than the page sends
    draw = ImageDraw.Draw(image)
    draw.rectangle((500, 400, 1900, 1400), fill="white")
    draw.text((700, 850), "grid visit", fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    path.write_bytes(out.getvalue())
    return path


def local_input(delta: timedelta) -> str:
    return (datetime.now(LOCAL_TZ) + delta).strftime("%Y-%m-%dT%H:%M")


def desk(browser: Any, base: str, lang: str) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "sq")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/community?lang={lang}")
    page.click(".qx-tabs [data-tab=calls]")
    page.wait_for_selector("#qx-live:not([hidden])")
    page.evaluate("window.__notReloaded = true")
    return page


def phone(browser: Any, base: str, outbox: Outbox, number: str, name: str, shot: str = "") -> Any:
    context = browser.new_context(
        viewport=PHONE_VIEW, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base}/qxy#calls")  # the tab the sign-in comes back to
    page.fill("#qx-phone", number)
    page.click("#qx-send-code")
    page.wait_for_selector("#qx-signin-msg.qx-good")
    page.fill("#qx-code", outbox.last(number))
    page.fill("#qx-name", name)
    page.check("#qx-consent")
    page.click("#qx-verify")
    page.wait_for_selector("#qc-become:not([hidden])")
    page.click(".qx-tabs [data-tab=calls]")
    page.select_option("#qc-community", COMMUNITY)
    page.wait_for_selector("#qc-join-team option[value=yj-youth]", state="attached")
    page.select_option("#qc-join-team", "yj-youth")
    if shot:
        page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
    page.click("#qc-become-send")
    page.wait_for_selector("#qc-me:not([hidden])")
    return page


def progress(page: Any) -> str:
    return str(page.text_content(".qc-call .qc-progress-text") or "")


def test_a_call_filled_by_phones_exactly_to_its_number(browser: Any, served: Any) -> None:
    base, outbox = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    zh = desk(browser, base, "zh")
    # A team file, chosen and imported on the desk.
    teams = Path(SCREENSHOTS / "_teams.csv")
    teams.write_text(f"编号,名称,社区\nyj-elder,姚家银发志愿服务队,{COMMUNITY}\n", "utf-8")
    zh.set_input_files("#qc-teams-file", str(teams))
    zh.click("#qc-teams-send")
    zh.wait_for_selector("#qc-teams-msg.qx-good")
    # The team list is read again after the import's answer: wait for that read.
    listed = eventually(
        lambda: "姚家银发志愿服务队" in (zh.text_content("#qc-team-list") or ""), True
    )
    assert listed is True
    # The community publishes a call for 3, starting in half an hour.
    zh.fill("#qc-task", "网格走访：独居老人入户探访")
    zh.fill("#qc-text", "两人一组，带好登记表。<b>请准时</b>")
    zh.fill("#qc-place", "姚家街道文化站门口")
    zh.fill("#qc-starts", local_input(timedelta(minutes=30)))
    zh.fill("#qc-ends", local_input(timedelta(hours=3)))
    zh.fill("#qc-wanted", "3")
    zh.select_option("#qc-cell", index=1)
    zh.click("#qc-send")
    zh.wait_for_selector(".qc-call")
    assert progress(zh) == "0/3 人已报名，0 人已上传"
    en = desk(browser, base, "en")
    assert progress(en) == "0 of 3 signed up, 0 reported"

    phones = [
        phone(browser, base, outbox, n, name, "qxy_calls_phone_become.png" if i == 0 else "")
        for i, (n, name) in enumerate(zip(PHONES, NAMES, strict=True))
    ]
    for p in phones:
        p.wait_for_selector(".qc-open-call .qc-sign-up:not([disabled])")
    phones[0].screenshot(path=str(SCREENSHOTS / "qxy_calls_phone_open.png"), full_page=True)
    # All four at once: each click only starts its request; the server decides.
    for p in phones:
        p.evaluate("document.querySelector('.qc-open-call .qc-sign-up').click()")

    def outcome(p: Any) -> str:
        if p.query_selector(".qc-mine-item[data-state=signed]"):
            return "signed"
        said = p.text_content("#qc-public-msg") or ""
        return "full" if "已满员" in said else ""

    results = [eventually(lambda p=p: outcome(p) != "", True) and outcome(p) for p in phones]
    assert sorted(results) == ["full", "signed", "signed", "signed"], results
    refused = phones[results.index("full")]
    assert refused.query_selector(".qc-mine-item") is None
    assert refused.is_disabled(".qc-open-call .qc-sign-up")  # shown full after the refusal
    refused.screenshot(path=str(SCREENSHOTS / "qxy_calls_phone_full.png"), full_page=True)
    assert (
        eventually(lambda: progress(zh), "3/3 人已报名，0 人已上传") == "3/3 人已报名，0 人已上传"
    )

    # One volunteer checks in (the window is open: the call starts within the hour) and
    # reports with a photo, shrunk on the phone.
    first = phones[results.index("signed")]
    first.click(".qc-mine-item .qc-check-in")
    first.wait_for_selector(".qc-mine-item[data-state=checked_in] .qc-report")
    first.fill(".qc-report-text", "走访了 3 户独居老人，登记了需求 <script>")
    first.set_input_files(".qc-report-photo", str(photo(Path(SCREENSHOTS / "_call.jpg"))))
    first.wait_for_selector(".qc-preview img")
    first.click(".qc-report-send")
    first.wait_for_selector(".qc-mine-item[data-state=reported] .qx-thumbs img")
    assert first.text_content(".qc-su-report") == "走访了 3 户独居老人，登记了需求 <script>"
    first.screenshot(path=str(SCREENSHOTS / "qxy_calls_phone_reported.png"), full_page=True)

    # The desks, live: the bar and the words, and the sign-up list with names and phones.
    want_zh, want_en = "3/3 人已报名，1 人已上传", "3 of 3 signed up, 1 reported"
    assert eventually(lambda: progress(zh), want_zh) == want_zh
    assert eventually(lambda: progress(en), want_en) == want_en
    assert zh.evaluate("window.__notReloaded") is True and en.evaluate("window.__notReloaded")
    zh.click(".qc-call .qc-signups summary")
    rows = eventually(lambda: len(zh.query_selector_all(".qc-su")), 3)
    assert rows == 3
    listed = zh.text_content(".qc-su-list") or ""
    signed_numbers = [n for n, r in zip(PHONES, results, strict=True) if r == "signed"]
    assert all(n in listed for n in signed_numbers)
    # The list is re-read on the report's event: its photo arrives with that read.
    zh.wait_for_selector(".qc-su[data-state=reported] .qx-thumbs img", timeout=20_000)
    assert zh.text_content(".qc-call .qx-state") == "已满员"
    zh.screenshot(path=str(SCREENSHOTS / "qxy_calls_desk.png"), full_page=True)
    en.screenshot(path=str(SCREENSHOTS / "qxy_calls_desk_en.png"), full_page=True)
    # A volunteer's page never shows another volunteer's phone or name.
    for p, r in zip(phones, results, strict=True):
        p.reload()
        p.wait_for_selector(".qc-open-call, .qc-mine-item")
        text = p.content()
        others = [n for n in PHONES if n != PHONES[phones.index(p)]]
        assert not any(n in text for n in others)
        assert not any(name in text for name in NAMES if name != NAMES[phones.index(p)])
        assert p.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEW["width"], r
    for page in (zh, en, *phones):
        assert page.errors == []
