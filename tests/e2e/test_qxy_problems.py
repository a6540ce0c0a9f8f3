"""微治理 end to end in a browser: a resident on a phone (375×812, the position from the
browser's geolocation) signs in by phone and one-time code, uploads a problem with a photo;
the community's desk sees it arrive live and turns it into a case; the case is on the
operators' desk API with its link to the problem; the case moves on and the resident's
phone shows the case's state. Screenshots of the phone and the desk."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from geo.grid import Grid
from tests.dashboard.conftest import TEST_SECRET
from tests.e2e.conftest import RECORD_CSP_VIOLATIONS, SCREENSHOTS
from tests.e2e.wall_cases import PASSWORD, signed_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
COMMUNITY = "370102009001"
PHONE = "13912345678"
CODE_LINE = re.compile(r"one-time code for 139\*\*\*\*5678: (\d{6})")


def _seed(url: str) -> None:
    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    Store(engine).create_schema()
    users = UserDirectory(engine)
    users.add(
        "sq", Role.LIAISON, PASSWORD, department=f"community_{COMMUNITY}", display_name="姚家社区"
    )
    users.add("op", Role.OPERATOR, PASSWORD)
    engine.dispose()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    url = f"sqlite:///{tmp_path / 'qxy.db'}"
    _seed(url)
    log = tmp_path / "server.log"
    env = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET, "MEDIA_DIR": str(tmp_path / "m")}
    with running_server(url, log_path=log, env=env) as base:
        yield base, log


def photo(path: Path) -> Path:
    image = Image.new("RGB", (2400, 1800), "#6b8e23")  # bigger than sent: the phone shrinks it
    draw = ImageDraw.Draw(image)
    draw.rectangle((500, 400, 1900, 1400), fill="#d9d9d9")
    draw.ellipse((1000, 700, 1400, 1100), fill="#444")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def code_from(log: Path) -> str:
    """The one-time code as the demo's sender printed it on the server's console."""

    def read() -> str:
        found = CODE_LINE.findall(log.read_text(errors="replace"))
        return found[-1] if found else ""

    code = eventually(lambda: bool(read()), True)
    assert code, "the server printed no code"
    return read()


def test_a_problem_from_a_phone_becomes_a_case(
    browser: Any, server: tuple[str, Path], tmp_path: Path, grid: Grid
) -> None:
    base, log = server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cell = next(i for i, c in enumerate(grid.codes) if c.startswith(COMMUNITY))
    x, y = grid.geometries[cell].representative_point().coords[0]

    # The community's desk, open before the problem arrives.
    desk_context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    desk_context.add_init_script(RECORD_CSP_VIOLATIONS)
    desk = desk_context.new_page()
    desk_errors: list[str] = []
    desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
    desk.goto(f"{base}/login")
    desk.fill("input[name=username]", "sq")
    desk.fill("input[name=password]", PASSWORD)
    desk.click("button[type=submit]")
    desk.wait_for_load_state("networkidle")
    desk.goto(f"{base}/community")
    desk.click("nav.qx-tabs button[data-tab=problems]")
    desk.wait_for_selector("#qp-desk-list .qx-empty", timeout=20_000)
    desk.wait_for_selector("#qx-live:not([hidden])", timeout=20_000)

    # The resident's phone: sign in by phone and code.
    phone_context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        permissions=["geolocation"],
        geolocation={"longitude": float(x), "latitude": float(y), "accuracy": 15},
    )
    phone_context.add_init_script(RECORD_CSP_VIOLATIONS)
    phone = phone_context.new_page()
    phone_errors: list[str] = []
    phone.on("pageerror", lambda exc: phone_errors.append(str(exc)))
    phone.goto(f"{base}/qxy#problems")  # the tab the sign-in comes back to
    phone.fill("#qx-phone", PHONE)
    phone.click("#qx-send-code")
    phone.wait_for_selector("#qx-signin-msg.qx-good", timeout=20_000)
    phone.fill("#qx-code", code_from(log))
    phone.fill("#qx-name", "刘阿姨")
    phone.check("#qx-consent")
    phone.click("#qx-verify")
    phone.wait_for_selector("#qp-form", timeout=20_000)
    phone.wait_for_selector("#qp-position.qp-located", timeout=20_000)

    # Upload a problem with a photo.
    phone.select_option("#qp-category", "facility")
    phone.fill("#qp-text", "3号楼东侧路灯不亮，晚上很黑 <b>请尽快</b>")
    phone.set_input_files("#qp-photo", str(photo(tmp_path / "lamp.jpg")))
    phone.wait_for_selector("#qp-thumbs img", timeout=20_000)
    phone.screenshot(path=str(SCREENSHOTS / "qxy-problems-phone-1-form.png"))
    phone.click("#qp-send")
    phone.wait_for_selector("#qp-msg.qx-good:has-text('已提交')", timeout=30_000)
    phone.wait_for_selector("#qp-mine li.qp-item[data-state=new]", timeout=20_000)
    pid = int(phone.get_attribute("#qp-mine li.qp-item", "data-id") or 0)
    assert pid > 0
    text = phone.text_content("#qp-mine li.qp-item .qp-text") or ""
    assert "<b>请尽快</b>" in text  # markup shown as text

    # The desk sees it arrive live (no reload), with who reported it.
    item = f"#qp-desk-list li.qp-item[data-id='{pid}']"
    desk.wait_for_selector(f"{item}[data-state=new]", timeout=20_000)
    assert PHONE in (desk.text_content(f"{item} .qp-reporter") or "")
    assert desk.text_content("[data-state-count=new]") == "1"
    width = eventually(
        lambda: desk.eval_on_selector(f"{item} .qx-thumbs img", "i => i.naturalWidth"), 1600
    )
    assert width == 1600  # shrunk on the phone from 2400
    desk.screenshot(path=str(SCREENSHOTS / "qxy-problems-desk-1-new.png"))

    # One action: a case on the operators' desk (the form offers the mapped category).
    desk.click(f"{item} button[data-action=to-case]")
    chosen = desk.eval_on_selector(f"{item} select.qp-case-category", "s => s.value")
    assert chosen == "MS12"
    desk.click(f"{item} .qp-confirm")
    desk.wait_for_selector(f"{item}[data-state=to_case] .qp-case", timeout=20_000)
    case_text = desk.text_content(f"{item} .qp-case") or ""
    case_id = int(re.search(r"#(\d+)", case_text).group(1))  # type: ignore[union-attr]
    assert "已上报" in case_text or "上报" in case_text
    desk.screenshot(path=str(SCREENSHOTS / "qxy-problems-desk-2-case.png"))

    op = signed_in(base, "op")
    listed = op.get(f"{base}/api/cases", timeout=10).json()["cases"]
    assert [c["id"] for c in listed] == [case_id] and listed[0]["source"] == "wish"
    sheet = op.get(f"{base}/api/cases/{case_id}", timeout=10).json()["case"]
    assert sheet["external_id"] == f"qxy-problem-{pid}" and f"#{pid}" in sheet["description"]
    assert PHONE not in str(sheet)
    # The operators' desk: the case view says where the case came from.
    ops_context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    ops = ops_context.new_page()
    ops.goto(f"{base}/login")
    ops.fill("input[name=username]", "op")
    ops.fill("input[name=password]", PASSWORD)
    ops.click("button[type=submit]")
    ops.wait_for_url(f"{base}/desk*", timeout=30_000)
    ops.click(f".desk-row[data-case='{case_id}']", timeout=30_000)
    ops.wait_for_selector(f".cv-head .cv-id:text-is('#{case_id}')", timeout=20_000)
    ops.wait_for_selector(f".cv-fields dd:text-is('来自泉心愿·微治理 #{pid}')", timeout=20_000)
    ops.screenshot(path=str(SCREENSHOTS / "qxy-problems-ops-case.png"))
    ops_context.close()

    # The desk moves the case on; the phone shows the case's state.
    version = sheet["version"]
    for action in ("file", "dispatch"):
        r = op.post(
            f"{base}/api/cases/{case_id}/actions/{action}",
            json={"expected_version": version},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        version = r.json()["case"]["version"]
    phone.reload()
    phone.wait_for_selector(
        "#qp-mine li.qp-item[data-state=to_case] .qp-case[data-case-status=dispatched]",
        timeout=20_000,
    )
    assert f"案件 #{case_id}" in (phone.text_content("#qp-mine .qp-case") or "")
    phone.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    phone.screenshot(path=str(SCREENSHOTS / "qxy-problems-phone-2-case.png"))
    desk.wait_for_selector(f"{item} .qp-case[data-case-status=reported]", timeout=5_000)

    assert not phone_errors and not desk_errors, (phone_errors, desk_errors)
    for pg in (phone, desk):
        assert pg.evaluate("() => window.__cspViolations") == []
    phone_context.close()
    desk_context.close()
