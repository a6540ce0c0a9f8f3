"""The header says who is signed in, links the pages their role may open and signs out; a
page a role may not open says so in words (dashboard/signed_in.py)."""

from __future__ import annotations

import re
from typing import Any

from app import GridCC
from dashboard import admin_page, kpi_page, wall
from dashboard.wall import WallContext
from tests.dashboard.conftest import login


def _render(g: GridCC, client: Any, layout: Any) -> str:
    ctx = WallContext(store=g.store, grid=g.grid, auth=g.server.extensions["gridcc_auth"])
    cookie = f"session={client.get_cookie('session').value}" if client else ""
    with g.server.test_request_context("/", headers={"Cookie": cookie} if cookie else {}):
        return str(layout(ctx))


def test_the_header_names_who_is_signed_in_their_pages_and_a_sign_out(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    op = _render(g, login(g, "op"), wall.layout)
    assert "op · 值班员" in op and "action='/logout'" in op.replace('"', "'")
    assert "name='csrf_token'" in op.replace('"', "'")
    assert "/kpi?lang=zh" in op and "/admin" not in op
    admin = _render(g, login(g, "admin"), kpi_page.layout)
    assert "admin · 管理员" in admin and "/admin?lang=zh" in admin


def test_a_page_not_for_your_role_says_so_and_never_asks_you_to_log_in_again(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    liaison = login(g, "li-cg")
    for layout in (kpi_page.layout, admin_page.layout, wall.layout):
        text = _render(g, liaison, layout)
        assert "此页面不对您的角色开放" in text and "/login" not in text, layout
    anonymous = _render(g, None, kpi_page.layout)
    assert "/login?next=/kpi" in anonymous


def test_a_kiosk_wall_shows_no_sign_out(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    kiosk = g.server.test_client()
    signed_in = kiosk.post("/api/kiosk", json={"token": g.keys.create("wall-1", "wall")})
    assert signed_in.status_code == 200
    text = _render(g, kiosk, wall.layout)
    assert "wall-status" in text and "/logout" not in text


def _page(g: GridCC, client: Any, path: str, search: str) -> str:
    from dashboard.site import render

    ctx = WallContext(store=g.store, grid=g.grid, auth=g.server.extensions["gridcc_auth"])
    cookie = f"session={client.get_cookie('session').value}"
    with g.server.test_request_context("/", headers={"Cookie": cookie}):
        return str(render(ctx, path, search))


def test_a_person_s_language_is_remembered_across_sessions(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    first = login(g, "lead")
    assert "值班长" in _page(g, first, "/kpi", "")
    assert "Sign out" in _page(g, first, "/kpi", "?lang=en")
    # a new session, another screen: English, without asking
    later = login(g, "lead")
    assert "Sign out" in _page(g, later, "/", "")
    assert g.users.lang_of("lead") == "en"
    assert "退出" in _page(g, later, "/", "?lang=zh") and g.users.lang_of("lead") == "zh"
    # someone else's choice is their own; a nonsense language changes nothing
    assert "退出" in _page(g, login(g, "op"), "/", "?lang=fr")
    assert g.users.lang_of("op") is None


def test_each_page_links_another_once_and_never_itself(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    op = login(g, "op")
    wall_page = _render(g, op, wall.layout)
    kpi_link = re.compile(r"/kpi\?lang=zh(?!#)")  # the page; /kpi?lang=zh#definitions: a section
    assert len(kpi_link.findall(wall_page)) == 1, "the KPI link, once"
    assert wall_page.count("/kpi?lang=zh#definitions") == 1, "the KPI strip links the definitions"
    assert "'/?lang=zh'" not in wall_page.replace('"', "'"), "no link to the page one is on"
    kpi = _render(g, op, kpi_page.layout)
    assert kpi.replace('"', "'").count("'/?lang=zh'") == 1, "the wall's link, once"
    assert "/kpi?lang=zh" not in kpi
    admin = _render(g, login(g, "admin"), admin_page.layout)
    assert "/admin?lang=zh" not in admin and "/kpi?lang=zh" in admin
    # A kiosk wall has no signed-in block: the page's own link is the one.
    kiosk = g.server.test_client()
    kiosk.post("/api/kiosk", json={"token": g.keys.create("wall-2", "wall")})
    assert len(kpi_link.findall(_render(g, kiosk, wall.layout))) == 1
