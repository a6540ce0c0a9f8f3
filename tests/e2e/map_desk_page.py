"""What the map desks' browser tests do on a page: sign in at 1920×1080, wait for the live
map, read the case table's rows."""

from __future__ import annotations

from typing import Any

from tests.dashboard.conftest import PASSWORD
from tests.e2e.wall_page import error_text

ROWS = """() => Array.from(document.querySelectorAll('#case-table tbody tr')).map(tr => [
  Number(tr.dataset.case), (tr.querySelector('.col-department') || {}).textContent || null])"""


def signed_in(browser: Any, base: str, name: str, target: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(error_text(exc)))
    page.goto(f"{base}/login?next={target}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{target}*", timeout=30_000)
    return page


def map_ready(page: Any, who: str) -> None:
    page.wait_for_function(
        f"window.gridcc && window.gridcc.{who} && window.gridcc.{who}.live.connected"
        f" && window.gridcc.{who}.live.stats.mapReadyAt !== null",
        timeout=60_000,
    )


def listed(page: Any) -> dict[int, str | None]:
    return {case_id: dept for case_id, dept in page.evaluate(ROWS)}
