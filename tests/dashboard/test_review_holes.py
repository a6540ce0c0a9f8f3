"""Holes found reviewing the issue-11 work from outside (production mode, real users, SQLite
and PostgreSQL): each test failed before its fix."""

from __future__ import annotations

from typing import Any

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import frames, login, open_case


def _route_payload(pathname: Any, search: Any) -> dict[str, Any]:
    """What Dash's renderer posts for the page router (dashboard/site.py)."""
    return {
        "output": "page-content.children",
        "outputs": {"id": "page-content", "property": "children"},
        "inputs": [
            {"id": "page-location", "property": "pathname", "value": pathname},
            {"id": "page-location", "property": "search", "value": search},
        ],
        "changedPropIds": ["page-location.pathname"],
        "state": [],
    }


def test_the_page_router_takes_any_location_without_a_500(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    # Anyone may call Dash's endpoint (no session: no CSRF token needed); a query naming
    # ``ctx`` or a location that is not text was an HTML 500.
    g, _ = center
    for client in (g.server.test_client(), login(g, "op")):
        for pathname, search in (
            ("/", "?ctx=1"),
            ("/kpi", "?lang=en&ctx=x"),
            (["/"], ""),
            ({"a": 1}, ""),
            ("/", 5),
            ("/", ["?lang=en"]),
        ):
            r = client.post("/_dash-update-component", json=_route_payload(pathname, search))
            assert r.status_code == 200, (pathname, search, r.status_code)
    r = login(g, "op").post("/_dash-update-component", json=_route_payload("/", "?lang=en&ctx=1"))
    assert "Command Center" in r.get_data(as_text=True)  # the page, in the language asked


def test_admin_routes_take_any_name_in_the_path_without_a_500(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    # A NUL in the path reached PostgreSQL, which refuses it in text: a 500.
    g, _ = center
    admin = login(g, "admin")
    assert admin.get("/api/admin/users/a%00b/sessions").json == {"sessions": []}
    assert admin.delete("/api/admin/users/a%00b/sessions").json == {"ended": 0}
    assert admin.post("/api/admin/users/a%00b/deactivate").status_code == 404
    assert admin.delete("/api/admin/keys/a%00b").status_code == 404


def test_a_socket_emitting_disconnect_is_closed_not_forgotten_by_the_sweep(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    # A client emitting an event named "disconnect" reached the hub's disconnect handler,
    # which forgot the socket while it stayed open: signing out (or deactivation, or a
    # revoked key) then closed nothing, and the socket kept receiving the department's events.
    g, _ = center
    liaison = login(g, "li-cg")
    socket = g.socketio.test_client(g.server, flask_test_client=liaison)
    assert socket.is_connected()
    open_case(g, grid)  # 城管's: the liaison's socket hears of it
    assert [m["name"] for m in frames(g, socket)] == ["case_events"]
    socket.emit("disconnect")
    assert not socket.is_connected()
    # And an honest socket of the same session is still closed by the sign-out.
    honest = g.socketio.test_client(g.server, flask_test_client=liaison)
    assert honest.is_connected()
    liaison.post("/api/logout")
    assert not honest.is_connected()
    # The hub keeps no socket it has closed.
    assert g.hub.sweep() == 0 and not g.hub._sockets
