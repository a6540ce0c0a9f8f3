"""三张清单 in two browsers at once: a 双报到 unit offers a resource on /unit; the community
lists a need on /community and sees the resource suggested with its reasons; it accepts;
the project appears on the unit's page live; the unit reports progress to 100% and the
community sees it done live (no reload on either side). Then the unit's page on a phone.
Screenshots of each step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
COMMUNITY = "370102009001"
PHONE = "13912345678"


def _seed(url: str) -> None:
    from sqlalchemy import insert

    from cases.db import make_engine
    from cases.quanxinyuan.schema import units
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    Store(engine).create_schema()
    users = UserDirectory(engine)
    users.add("sq", Role.LIAISON, PASSWORD, department=f"community_{COMMUNITY}")
    users.add("unit-a", Role.UNIT, PASSWORD, department="unit-a")
    with engine.begin() as conn:
        conn.execute(
            insert(units).values(
                id="unit-a",
                name="历下区卫生健康局",
                level="district",
                community_code=COMMUNITY,
                contact_name="张联系",
                contact_phone=PHONE,
                offers=["elder", "health"],
                username="unit-a",
            )
        )
    engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'lists.db'}"
    _seed(url)
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET, "MEDIA_DIR": str(tmp_path / "m")}
    with running_server(url, log_path=tmp_path / "server.log", env=env) as base:
        yield base


def open_page(browser: Any, base: str, user: str, path: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base}/login?next={path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{path}*", timeout=30_000)
    page.click(".qx-tabs [data-tab=lists]")
    page.wait_for_selector("#qx-live:not([hidden]):not(.qx-off)", timeout=20_000)
    return page


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"qxy_lists_{name}.png"), full_page=True)


def test_a_match_suggested_accepted_and_done_live(server: str, browser: Any) -> None:
    desk = {"width": 1440, "height": 900}
    unit = open_page(browser, server, "unit-a", "/unit", desk)
    community = open_page(browser, server, "sq", "/community", desk)
    assert unit.text_content("#ql-resources .qx-empty")
    assert community.text_content("#ql-needs .qx-empty")

    # The unit offers a resource.
    form = unit.locator("#ql-resource-form")
    form.locator("select[name=category]").select_option("elder")
    form.locator("input[name=title]").fill("助老陪护志愿服务队")
    form.locator("input[name=capacity]").fill("10")
    form.locator("textarea[name=text]").fill("每周二、四上午，可上门陪护、代购")
    form.locator("button[type=submit]").click()
    unit.wait_for_selector("#ql-resources li.ql-resource[data-state=available]")
    assert "剩余 10 / 共 10" in unit.text_content("#ql-resources li.ql-resource")
    shot(unit, "1_unit_resource")

    # The community lists a need and sees the resource suggested, with its reasons.
    form = community.locator("#ql-need-form")
    form.locator("select[name=category]").select_option("elder")
    form.locator("input[name=title]").fill("独居老人每周陪护")
    form.locator("input[name=quantity]").fill("6")
    form.locator("select[name=cell_code]").select_option(index=3)
    form.locator("textarea[name=text]").fill("<b>3 号楼</b> 6 位独居老人")
    form.locator("button[type=submit]").click()
    suggestion = community.locator("li.ql-need[data-state=open] li.ql-sugg")
    suggestion.wait_for()
    reasons = ["同类：助老", "单位登记可提供助老", "同社区", "容量 10 ≥ 需求 6"]
    assert (
        eventually(lambda: suggestion.locator(".ql-why li").all_text_contents(), reasons) == reasons
    )
    assert "历下区卫生健康局" in suggestion.text_content()
    assert PHONE not in community.content() and "张联系" not in community.content()
    assert community.text_content("li.ql-need .ql-text") == "<b>3 号楼</b> 6 位独居老人"
    assert community.text_content("[data-count=lists]") == "1"
    shot(community, "2_community_suggestion")

    # It accepts: the project starts on both pages, the unit's without a reload.
    suggestion.locator("button.ql-accept").click()
    community.wait_for_selector("li.ql-need[data-state=matched]")
    community.wait_for_selector("#ql-projects li.ql-project[data-state=active]")
    unit.wait_for_selector("#ql-projects li.ql-project[data-state=active]", timeout=20_000)
    assert "新台社区的需求 · 需求 6 · 占用 6" in unit.text_content("li.ql-project")
    assert "承接：历下区卫生健康局 · 进度 0%" in community.text_content("li.ql-need")
    assert "剩余 4 / 共 10" in unit.text_content("#ql-resources li.ql-resource")
    assert unit.text_content("[data-count=lists]") == "1"
    shot(unit, "3_unit_project")

    # The unit reports progress; the community sees each step live.
    project = unit.locator("li.ql-project")
    project.locator("select[name=progress]").select_option("50")
    project.locator("input[name=note]").fill("已上门走访 3 户")
    project.locator("button.ql-update").click()
    progress = "li.ql-project"
    assert eventually(lambda: community.get_attribute(progress, "data-progress"), "50") == "50"
    assert "已上门走访 3 户" in community.text_content(progress)
    shot(community, "4_community_progress")
    unit.wait_for_selector("li.ql-project[data-progress='50']")
    unit.locator("li.ql-project select[name=progress]").select_option("100")
    unit.locator("li.ql-project input[name=note]").fill("6 户全部完成陪护")
    unit.locator("li.ql-project button.ql-update").click()
    assert eventually(lambda: community.get_attribute(progress, "data-state"), "done") == "done"
    community.wait_for_selector("li.ql-need[data-state=done]")
    assert community.text_content("li.ql-project .ql-pct") == "100%"
    unit.wait_for_selector("li.ql-project[data-state=done]")
    shot(community, "5_community_done")
    shot(unit, "6_unit_done")
    assert community.errors == [] and unit.errors == []

    # The unit's page on a phone.
    phone = open_page(browser, server, "unit-a", "/unit", {"width": 375, "height": 812})
    phone.wait_for_selector("li.ql-project[data-state=done]")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the phone page scrolls sideways ({width}px)"
    shot(phone, "7_unit_phone")
    assert phone.errors == []

    # The community's desk in English: the same lists in its words.
    community.goto(f"{server}/community?lang=en")
    community.click(".qx-tabs [data-tab=lists]")
    community.wait_for_selector("li.ql-project[data-state=done]")
    assert "Served by 历下区卫生健康局 · 100% done" in community.text_content("li.ql-need")
    assert community.text_content("li.ql-need .qx-state") == "done"
    shot(community, "8_community_en")
    assert community.errors == []
