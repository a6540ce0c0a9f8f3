"""The locks in a real browser, under the app's own Content-Security-Policy: a wall set up
with its kiosk link (the key only in the fragment), a person signing in with the form, the
KPI page's Dash callbacks (CSRF header from the cookie), and an admin making a key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import PASSWORD, TEST_SECRET
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.wall_page import eventually
from tests.serving import running_server

pytestmark = pytest.mark.browser
VIOLATIONS = "() => window.__cspViolations"


def _production_store(url: str) -> dict[str, str]:
    from cases.db import make_engine
    from cases.keys import KeyRing
    from cases.store import Store
    from cases.users import UserDirectory
    from cases.workflow import Role

    engine = make_engine(url)
    Store(engine).create_schema()
    users = UserDirectory(engine)
    users.add("zhang-lead", Role.LEAD, PASSWORD)
    users.add("root", Role.ADMIN, PASSWORD)
    wall_key = KeyRing(engine).create("wall-1", "wall")
    engine.dispose()
    return {"wall": wall_key}


def _sign_in(page: Any, base: str, name: str, target: str) -> None:
    page.goto(f"{base}/login?next={target}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{target}*", timeout=30_000)


def test_the_app_works_under_its_own_csp(strict_page: Any, tmp_path: Path) -> None:
    page = strict_page
    url = f"sqlite:///{tmp_path / 'locks.db'}"
    keys = _production_store(url)
    production = {"GRIDCC_ENV": "production", "SECRET_KEY": TEST_SECRET}
    with running_server(url, log_path=tmp_path / "server.log", env=production) as base:
        # The wall: set up once from its kiosk link; the key never reaches the server's URL.
        page.goto(f"{base}/kiosk#{keys['wall']}&map=risk")
        page.wait_for_url(f"{base}/?map=risk", timeout=30_000)
        ready = "() => !!(window.gridcc && window.gridcc.stats.mapReadyAt)"
        assert eventually(lambda: page.evaluate(ready), True, 60)
        live = "() => window.gridcc.stats.transport"
        assert eventually(lambda: page.evaluate(live), "websocket", 30) == "websocket"
        assert keys["wall"] not in page.url
        assert page.evaluate(VIOLATIONS) == []
        page.screenshot(path=str(SCREENSHOTS / "wall-kiosk-strict-csp.png"))
        log = (tmp_path / "server.log").read_text(errors="replace")
        assert keys["wall"] not in log

        # A lead signs in with the form; the KPI page's charts come from Dash callbacks,
        # which carry the CSRF token from the cookie.
        page.context.clear_cookies()
        _sign_in(page, base, "zhang-lead", "/kpi")
        plots = "() => document.querySelectorAll('.js-plotly-plot .main-svg').length"
        assert eventually(lambda: page.evaluate(plots) > 0, True, 60)
        assert page.evaluate(VIOLATIONS) == []
        page.screenshot(path=str(SCREENSHOTS / "kpi-signed-in.png"))
        # The header says who is signed in; its sign-out ends the session on the server.
        assert "zhang-lead · 值班长" in page.inner_text("#signed-in")
        page.click("#signed-in .sign-out button")
        page.wait_for_url(f"{base}/login*", timeout=30_000)
        me = "() => fetch('/api/me').then(r => r.status)"
        assert page.evaluate(me) == 401

        # An admin makes an intake key on the admin page (a Dash callback, CSRF-checked).
        page.context.clear_cookies()
        _sign_in(page, base, "root", "/admin")
        page.fill("#admin-key-name", "hotline-12345")
        page.click("#admin-key-create")
        shown = "() => document.getElementById('admin-key-result').textContent"
        assert eventually(lambda: "gck_" in page.evaluate(shown), True, 30)
        page.screenshot(path=str(SCREENSHOTS / "admin-keys.png"))
        assert page.evaluate(VIOLATIONS) == []
        assert page.errors == []
