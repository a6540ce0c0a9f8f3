"""Holes found reviewing the issue-11 work from outside (production mode, real users, SQLite
and PostgreSQL): each test failed before its fix."""

from __future__ import annotations

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import login, open_case


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
    assert [m["name"] for m in socket.get_received()] == ["case_event"]
    socket.emit("disconnect")
    assert not socket.is_connected()
    # And an honest socket of the same session is still closed by the sign-out.
    honest = g.socketio.test_client(g.server, flask_test_client=liaison)
    assert honest.is_connected()
    liaison.post("/api/logout")
    assert not honest.is_connected()
    # The hub keeps no socket it has closed.
    assert g.hub.sweep() == 0 and not g.hub._sockets
