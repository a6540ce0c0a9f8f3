"""A micro-wish from end to end in two browsers: the community's desk (1600×900) publishes a
wish with a photo; the unit's page (a phone, 390×844), open all along, sees it appear
without a reload, claims it, and reports it fulfilled with a photo; the community's desk
sees each step live and confirms it with the resident's word. Screenshots of both."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
COMMUNITY = "370102009001"
TITLE = "为独居的王奶奶修理漏水的水龙头"


def _seed(url: str, grid: Grid, media: Path) -> None:
    from cases.actors import Actor
    from cases.clock import utcnow
    from cases.db import make_engine
    from cases.photos import PhotoFiles
    from cases.quanxinyuan.photos import QxyPhotos
    from cases.quanxinyuan.platform import Places, Platform
    from cases.quanxinyuan.units import Unit, Units
    from cases.quanxinyuan.wishes import Wishes, local_today
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    Store(engine).create_schema()
    users = UserDirectory(engine)
    users.add("sq", Role.LIAISON, PASSWORD, department=f"community_{COMMUNITY}")
    users.add("unit-a", Role.UNIT, PASSWORD, department="unit-a")
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    units = Units(Platform(engine, places, utcnow))
    units.put(
        Unit(
            "unit-a", "历下区市场监管局", "district", COMMUNITY, "李四", "13800000001", ["repair"]
        ),
        "admin:seed",
    )
    units.put(Unit("unit-b", "济南某银行历下支行", "enterprise", COMMUNITY), "admin:seed")
    # Two wishes already there: one open to claim, one another unit has claimed.
    wishes = Wishes(units.platform, QxyPhotos(PhotoFiles(media)), units)
    sq = Actor("sq", Role.LIAISON, f"community_{COMMUNITY}")
    cells = places.cells_of(COMMUNITY)
    today = local_today(utcnow())
    wishes.publish(
        sq,
        title="陪李爷爷去医院复查",
        category="health",
        cell_code=cells[2],
        resident_name="李建国",
        due=today + timedelta(days=5),
        text="每周三上午，需要有人陪同",
    )
    taken = wishes.publish(
        sq,
        title="给小区儿童之家捐赠绘本",
        category="child",
        cell_code=cells[1],
        due=today + timedelta(days=9),
    )
    wishes.claim(taken.id, Actor("ub", Role.UNIT, "unit-b"))
    engine.dispose()


@pytest.fixture
def server(tmp_path: Path, grid: Grid) -> Iterator[str]:
    """The server; its console (where the demo's one-time codes are shown) in server.log."""
    url = f"sqlite:///{tmp_path / 'wishes.db'}"
    _seed(url, grid, tmp_path / "m")
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET, "MEDIA_DIR": str(tmp_path / "m")}
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base


def photo(path: Path, colour: str, words: str) -> Path:
    image = Image.new("RGB", (2400, 1800), colour)  # bigger than the page sends: it shrinks it
    draw = ImageDraw.Draw(image)
    draw.rectangle((600, 500, 1800, 1300), fill="white")
    draw.text((700, 800), words, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    path.write_bytes(buffer.getvalue())
    return path


def signed_in(browser: Any, base: str, name: str, viewport: dict[str, int], where: str) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}{where}")
    page.wait_for_selector("#qx-live:has-text('实时')", timeout=20_000)
    return page


def states(page: Any, list_id: str) -> list[str]:
    """The states of the wish published here (by its title) in a list: [] if not there."""
    return page.eval_on_selector_all(
        f"#{list_id} li[data-wish]",
        "(els, title) => els.filter(e => e.querySelector('.wi-title').textContent === title)"
        ".map(e => e.dataset.state)",
        TITLE,
    )


def photos_shown(page: Any, selector: str) -> int:
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.complete && e.naturalWidth > 0).length"
    )


def test_a_wish_published_claimed_fulfilled_and_confirmed(
    browser: Any, server: str, tmp_path: Path
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desk = signed_in(browser, server, "sq", {"width": 1600, "height": 900}, "/community")
    unit = signed_in(browser, server, "unit-a", {"width": 390, "height": 844}, "/unit")
    unit.wait_for_selector("#wi-open-list li[data-wish]")
    assert states(unit, "wi-open-list") == []
    assert "给小区儿童之家捐赠绘本" not in unit.inner_text("#qxy-app")  # unit-b's claim
    desk.wait_for_selector("#wi-community-list li[data-wish]")

    # The community publishes, with a photo; the due date two days on.
    form = "#wi-publish"
    desk.fill(f"{form} input[name=title]", TITLE)
    desk.select_option(f"{form} select[name=category]", "repair")
    desk.fill(f"{form} input[name=resident_name]", "王桂兰")
    desk.fill(f"{form} input[name=resident_phone]", "13900139000")
    today = desk.eval_on_selector(f"{form} input[name=due]", "el => el.value")
    from datetime import date

    due = (date.fromisoformat(today) + timedelta(days=2)).isoformat()
    desk.fill(f"{form} input[name=due]", due)
    desk.fill(f"{form} textarea[name=text]", "厨房水龙头漏水两周了，老人行动不便。<b>请尽快</b>")
    desk.set_input_files(
        f"{form} input[name=photos]", str(photo(tmp_path / "a.jpg", "#48a", "tap"))
    )
    desk.click(f"{form} button[type=submit]")
    desk.wait_for_selector(f"{form} .qx-good")
    assert eventually(lambda: states(desk, "wi-community-list"), ["open"]) == ["open"]

    # The unit's page, never reloaded, shows it open to claim.
    assert eventually(lambda: states(unit, "wi-open-list"), ["open"]) == ["open"]
    seen_by_unit = unit.inner_text("#wi-open-list")
    assert "王桂兰" not in seen_by_unit and "13900139000" not in seen_by_unit  # not a unit's
    assert "<b>请尽快</b>" in seen_by_unit  # markup shown as text
    assert eventually(lambda: photos_shown(unit, "#wi-open-list .qx-thumbs img"), 1) == 1
    unit.screenshot(path=str(SCREENSHOTS / "qxy-wishes-unit-open.png"), full_page=True)

    mine = f"#wi-open-list li[data-wish]:has(.wi-title:text-is('{TITLE}'))"
    unit.click(f"{mine} button[data-step=claim]")
    assert eventually(lambda: states(unit, "wi-mine-list"), ["claimed"]) == ["claimed"]
    assert eventually(lambda: states(desk, "wi-community-list"), ["claimed"]) == ["claimed"]
    assert "历下区市场监管局" in desk.inner_text("#wi-community-list")

    # Fulfilled, with a photo.
    unit.click("#wi-mine-list button[data-step=fulfil]")
    unit.fill("#wi-mine-list form[data-form=fulfil] textarea", "已更换新水龙头，试水不漏")
    unit.set_input_files(
        "#wi-mine-list form[data-form=fulfil] input[type=file]",
        str(photo(tmp_path / "b.jpg", "#4a8", "fixed")),
    )
    unit.click("#wi-mine-list form[data-form=fulfil] button[type=submit]")
    assert eventually(lambda: states(unit, "wi-mine-list"), ["fulfilled"]) == ["fulfilled"]
    assert eventually(lambda: photos_shown(unit, "#wi-mine-list .qx-thumbs img"), 2) == 2
    unit.screenshot(path=str(SCREENSHOTS / "qxy-wishes-unit-fulfilled.png"), full_page=True)

    # The desk sees it fulfilled, live, and confirms it with the resident.
    assert eventually(lambda: states(desk, "wi-community-list"), ["fulfilled"]) == ["fulfilled"]
    assert eventually(lambda: photos_shown(desk, "#wi-community-list .qx-thumbs img"), 2) == 2
    desk.screenshot(path=str(SCREENSHOTS / "qxy-wishes-community-fulfilled.png"))
    desk.click("#wi-community-list button[data-step=confirm]")
    desk.fill("#wi-community-list form[data-form=confirm] textarea", "王奶奶说：修得很好，谢谢！")
    desk.click("#wi-community-list form[data-form=confirm] button[type=submit]")
    assert eventually(lambda: states(desk, "wi-community-list"), ["confirmed"]) == ["confirmed"]
    assert eventually(lambda: states(unit, "wi-mine-list"), ["confirmed"]) == ["confirmed"]
    assert "修得很好" in desk.inner_text("#wi-community-list")
    desk.screenshot(path=str(SCREENSHOTS / "qxy-wishes-community.png"))
    unit.screenshot(path=str(SCREENSHOTS / "qxy-wishes-unit.png"), full_page=True)
    unit.goto(f"{server}/unit?lang=en")
    unit.wait_for_selector("#wi-mine-list li[data-state=confirmed]")
    assert "Confirmed" in unit.inner_text("#wi-mine-list")
    unit.screenshot(path=str(SCREENSHOTS / "qxy-wishes-unit-en.png"), full_page=True)
    assert desk.errors == [] and unit.errors == []

    # The resident, on their phone, signs in and sees their wish's state, and nothing else.
    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN").new_page()
    phone.goto(f"{server}/qxy")
    phone.fill("#qx-phone", RESIDENT_PHONE)
    phone.click("#qx-send-code")
    log = tmp_path / "server.log"
    code = wait_code(log)
    phone.fill("#qx-code", code)
    phone.check("#qx-consent")
    phone.click("#qx-verify")
    phone.wait_for_selector("#wi-public-list li[data-wish]")
    assert states(phone, "wi-public-list") == ["confirmed"]
    listed = phone.inner_text("#wi-public-list")
    assert "陪李爷爷去医院复查" not in listed and "历下区市场监管局" not in listed
    phone.screenshot(path=str(SCREENSHOTS / "qxy-wishes-public.png"), full_page=True)
    phone.context.close()


RESIDENT_PHONE = "13900139000"


def code_in(log: Path) -> str:
    found = re.findall(r"one-time code for \d{3}\*{4}\d{4}: (\d{6})", log.read_text("utf-8"))
    return found[-1] if found else ""


def wait_code(log: Path) -> str:
    deadline = time.monotonic() + 20
    while not (code := code_in(log)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert code, "the server showed the one-time code on its console"
    return code
