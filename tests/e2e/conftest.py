"""Headless Debian Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Debian's Chromium and its flags (SwiftShader for the map's WebGL), as the benches use it.
from bench._map_browser import CHROMIUM, FLAGS
from tests.conftest import missing_service
from tests.e2e.wall_page import error_text

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        missing_service("Chromium", f"{CHROMIUM} not found (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


# Collects what the page's Content-Security-Policy refused (an init script runs from the
# browser's own side, outside the policy).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || e.sourceFile));
});
"""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # Tests wait on string predicates, which Playwright evaluates with eval(): the page's
    # CSP (no unsafe-eval) would refuse them. ``strict_page`` keeps the policy in force.
    context = browser.new_context(
        viewport={"width": 1600, "height": 900}, locale="zh-CN", bypass_csp=True
    )
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(error_text(exc)))
    yield pg
    context.close()


@pytest.fixture
def strict_page(browser: Any) -> Iterator[Any]:
    """A page under the app's own CSP, recording every violation; poll it with
    ``page.evaluate`` (not ``wait_for_function``, whose string predicates need eval)."""
    context = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(error_text(exc)))
    yield pg
    context.close()
