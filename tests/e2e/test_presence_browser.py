"""Presence in real browsers (assets/gridcc/presence.js on a page's own socket): an operator
and a lead on the same case see each other, in the page's words; a screen that reconnects
announces itself again; a screen that closes is gone from the other's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from dashboard.i18n import presence_labels
from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_locks_browser import _sign_in
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser

# What a desk does (the desks are built elsewhere; any page with a socket will do): a line
# of chips for the people on one case, kept current by the module.
OPEN_CASE = """([caseId, mode, labels]) => {
  const G = window.gridcc;
  const line = document.createElement("div");
  line.id = "presence-line";
  line.className = "presence-line";
  line.style.cssText = "position:fixed;left:24px;bottom:24px;z-index:10;padding:10px 14px;" +
    "background:var(--panel);border:1px solid var(--line);border-radius:8px";
  document.body.appendChild(line);
  window.__labels = labels;
  window.__presence = new G.presence.Presence(G.socket, function (p) {
    G.presence.show(line, p.othersOn(caseId), window.__labels);
  });
  window.__presence.open(caseId, mode);
}"""
READY = (
    "() => Boolean(window.gridcc && window.gridcc.presence && window.gridcc.socket"
    " && window.gridcc.socket.connected)"
)
LINE = "() => document.getElementById('presence-line').innerText.trim()"


def _people(url: str) -> str:
    from cases.db import make_engine
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    Store(engine).create_schema()
    users = UserDirectory(engine)
    token = users.add("zhang", Role.OPERATOR, PASSWORD, display_name="张三")
    users.add("li", Role.LEAD, PASSWORD, display_name="李四")
    engine.dispose()
    return token


def _screen(browser: Any, base: str, name: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1600, "height": 900}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    _sign_in(page, base, name, "/")
    page.goto(f"{base}/")  # the wall (signing in lands an operator on the desk, a lead on the map)
    assert eventually(lambda: page.evaluate(READY), True, 60)
    return page


def test_two_people_on_one_case_see_each_other(browser: Any, grid: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'presence.db'}"
    token = _people(url)
    production = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    shots = SCREENSHOTS
    shots.mkdir(parents=True, exist_ok=True)
    with running_server(url, log_path=tmp_path / "server.log", env=production) as base:
        lon, lat = grid.geometries[20].representative_point().coords[0]
        made = requests.post(
            f"{base}/api/reports",
            json={"category": "SR01", "description": "井盖缺失", "lon": lon, "lat": lat},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert made.status_code == 201, made.text
        case = made.json()["case_id"]
        zhang, lead = _screen(browser, base, "zhang"), _screen(browser, base, "li")
        zh = presence_labels("zh")
        zhang.evaluate(OPEN_CASE, [case, "editing", zh])
        lead.evaluate(OPEN_CASE, [case, "viewing", zh])
        # (The pencil before an editor is the style's, not the text's.)
        assert eventually(lambda: lead.evaluate(LINE), "张三 (值班员) 正在编辑") == (
            "张三 (值班员) 正在编辑"
        )
        assert eventually(lambda: zhang.evaluate(LINE), "李四 (值班长) 正在查看") == (
            "李四 (值班长) 正在查看"
        )
        map_ready = "() => Boolean(window.gridcc.stats.mapReadyAt)"
        assert eventually(lambda: lead.evaluate(map_ready), True, 60)
        lead.screenshot(path=str(shots / "presence-lead-sees-editor.png"))
        zhang.screenshot(
            path=str(shots / "presence-operator-sees-lead.png"),
            clip={"x": 0, "y": 700, "width": 700, "height": 200},
        )
        # The same in English, from the English labels.
        lead.evaluate(
            "(labels) => { window.__labels = labels; window.__presence.load({}); "
            "window.gridcc.presence.show(document.getElementById('presence-line'), "
            f"window.__presence.othersOn({case}), labels); }}",
            presence_labels("en"),
        )
        assert lead.evaluate(LINE) == "张三 (operator) is editing"
        lead.screenshot(
            path=str(shots / "presence-lead-english.png"),
            clip={"x": 0, "y": 700, "width": 700, "height": 200},
        )

        # The lead's socket drops and comes back: its page announces itself again.
        lead.evaluate("() => window.gridcc.socket.disconnect()")
        assert eventually(lambda: zhang.evaluate(LINE), "") == ""
        lead.evaluate("() => window.gridcc.socket.connect()")
        assert eventually(lambda: zhang.evaluate(LINE), "李四 (值班长) 正在查看") == (
            "李四 (值班长) 正在查看"
        )
        # The operator closes the page: the lead's line empties (and hides).
        zhang.context.close()
        assert eventually(lambda: lead.evaluate(LINE), "") == ""
        hidden = "() => document.getElementById('presence-line').hidden"
        assert lead.evaluate(hidden) is True
        assert lead.errors == []
        lead.context.close()
