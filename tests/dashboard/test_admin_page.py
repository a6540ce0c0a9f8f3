"""The admin page's callbacks (dashboard/admin_page.py) check the access policy on the
server: a non-admin's click, sent straight to Dash's endpoint, changes nothing."""

from __future__ import annotations

import json
from typing import Any

from app import GridCC
from dashboard import admin_page as ap
from tests.dashboard.conftest import login


def _create_payload(name: str, scope: str, department: str | None = None) -> dict[str, Any]:
    return {
        "output": f"..{ap.KEY_RESULT}.children...{ap.KEYS_TABLE}.children..",
        "outputs": [
            {"id": ap.KEY_RESULT, "property": "children"},
            {"id": ap.KEYS_TABLE, "property": "children"},
        ],
        "inputs": [
            {"id": ap.KEY_CREATE, "property": "n_clicks", "value": 1},
            [],
        ],
        "state": [
            {"id": ap.KEY_NAME, "property": "value", "value": name},
            {"id": ap.KEY_SCOPE, "property": "value", "value": scope},
            {"id": ap.KEY_DEPARTMENT, "property": "value", "value": department},
            {"id": ap.LANG, "property": "data", "value": "zh"},
        ],
        "changedPropIds": [f"{ap.KEY_CREATE}.n_clicks"],
    }


def _end_sessions_payload(username: str) -> dict[str, Any]:
    return {
        "output": f"{ap.USER_RESULT}.children",
        "outputs": {"id": ap.USER_RESULT, "property": "children"},
        "inputs": [
            {"id": ap.END_SESSIONS, "property": "n_clicks", "value": 1},
            {"id": ap.DEACTIVATE, "property": "n_clicks", "value": None},
        ],
        "state": [{"id": ap.USERNAME, "property": "value", "value": username}],
        "changedPropIds": [f"{ap.END_SESSIONS}.n_clicks"],
    }


def test_only_an_admin_makes_keys_or_ends_sessions_from_the_page(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    for name in ("op", "lead", "wall", "li-cg"):
        r = login(g, name).post(
            "/_dash-update-component", json=_create_payload("x-" + name, "intake")
        )
        assert r.status_code == 204, name
    assert g.keys.all() == []
    lead = login(g, "lead")
    assert (
        login(g, "op")
        .post("/_dash-update-component", json=_end_sessions_payload("lead"))
        .status_code
        == 204
    )
    assert lead.get("/api/me").status_code == 200  # still signed in

    admin = login(g, "admin")
    r = admin.post("/_dash-update-component", json=_create_payload("wall-9", "wall"))
    assert r.status_code == 200
    shown = json.loads(r.data)["response"][ap.KEY_RESULT]["children"]
    assert "/kiosk#gck_" in shown
    key = shown.rsplit("/kiosk#", 1)[1].strip()
    assert g.keys.by_key(key) is not None and g.keys.by_key(key).scope == "wall"
    r = admin.post("/_dash-update-component", json=_end_sessions_payload("lead"))
    # Two sessions of the lead's: the loop above signed in once too.
    assert json.loads(r.data)["response"][ap.USER_RESULT]["children"] == "lead: 2"
    assert lead.get("/api/me").status_code == 401


def test_the_page_itself_says_who_it_is_for(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    ctx = g.dash  # the page renders through the router callback; ask its layout directly
    auth = g.server.extensions["gridcc_auth"]
    from dashboard.wall import WallContext

    page_ctx = WallContext(store=g.store, grid=g.grid, auth=auth)
    client = login(g, "op")
    with g.server.test_request_context("/admin", headers={"Cookie": _cookie(client)}):
        text = str(ap.layout(page_ctx))
    assert "不对您的角色开放" in text and ap.KEYS_TABLE not in text
    assert ctx is not None
    with g.server.test_request_context("/admin", headers={"Cookie": _cookie(login(g, "admin"))}):
        assert ap.KEYS_TABLE in str(ap.layout(page_ctx))


def _cookie(client: Any) -> str:
    return f"session={client.get_cookie('session').value}"
