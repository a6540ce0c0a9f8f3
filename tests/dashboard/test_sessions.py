"""Sessions that end (issue 11): sign-out, an admin and deactivation end a session and its
sockets; idle and absolute lifetimes; a socket is admitted once. Each of these held before
only as long as the browser kept its cookie."""

from __future__ import annotations

import time
from typing import Any

from app import GridCC
from tests.dashboard.conftest import login


def _socket(g: GridCC, client: Any) -> Any:
    return g.socketio.test_client(g.server, flask_test_client=client)


def _saved_cookie(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def _with_cookie(g: GridCC, value: str) -> Any:
    other = g.server.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_saved_before_sign_out_opens_nothing_after(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    op = login(g, "op")
    saved = _saved_cookie(op)
    assert _with_cookie(g, saved).get("/api/snapshot").status_code == 200
    assert op.post("/logout").status_code == 302
    replay = _with_cookie(g, saved)
    assert replay.get("/api/snapshot").status_code == 401
    assert replay.get("/api/me").status_code == 401
    assert not _socket(g, replay).is_connected()


def test_sign_out_closes_the_sessions_sockets_at_once_and_no_others(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    op, other_op = login(g, "op"), login(g, "op")
    mine, theirs = _socket(g, op), _socket(g, other_op)
    assert mine.is_connected() and theirs.is_connected()
    op.post("/api/logout")
    assert not mine.is_connected()
    assert theirs.is_connected()  # the same user's other session stands


def test_an_admin_ending_sessions_or_deactivating_closes_sockets_in_the_next_sweep(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, tokens = center
    lead_socket = _socket(g, login(g, "lead"))
    liaison_socket = _socket(g, login(g, "li-cg"))
    by_token = g.socketio.test_client(g.server, headers={"Authorization": "Bearer " + tokens["op"]})
    assert lead_socket.is_connected() and liaison_socket.is_connected()
    assert by_token.is_connected()
    admin = login(g, "admin")
    assert admin.delete("/api/admin/users/lead/sessions").json == {"ended": 1}
    assert admin.post("/api/admin/users/li-cg/deactivate").status_code == 200
    assert admin.post("/api/admin/users/op/deactivate").status_code == 200
    assert g.hub.sweep() == 3
    assert not lead_socket.is_connected()
    assert not liaison_socket.is_connected()
    assert not by_token.is_connected()  # a deactivated person's token opens nothing either
    assert login_fails(g, "li-cg")


def login_fails(g: GridCC, name: str) -> bool:
    from tests.dashboard.conftest import PASSWORD

    r = g.server.test_client().post("/api/login", json={"username": name, "password": PASSWORD})
    return r.status_code == 401


def test_the_sweep_runs_by_itself(make_app: Any, database_url: str) -> None:
    from cases.workflow import Role
    from tests.dashboard.conftest import PASSWORD, TEST_SECRET

    g = make_app(
        database_url,
        gridcc_env="production",
        secret_key=TEST_SECRET,
        session_sweep_seconds="0.05",
    )
    g.users.add("op", Role.OPERATOR, PASSWORD)
    socket = _socket(g, login(g, "op"))
    assert socket.is_connected()
    g.sessions.revoke_user("op")  # as the CLI does, from another process
    deadline = time.monotonic() + 10
    while socket.is_connected() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not socket.is_connected()


def test_a_client_emitting_connect_is_closed_not_admitted_again(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    socket = _socket(g, login(g, "li-cg"))
    assert socket.is_connected()
    socket.emit("connect")
    assert not socket.is_connected()


def test_sessions_idle_out_and_age_out(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    now = [time.time()]
    g.sessions.now = lambda: now[0]
    idle, busy = login(g, "op"), login(g, "lead")
    for _ in range(6):  # the lead works every 10 minutes; the operator has gone
        now[0] += 600
        assert busy.get("/api/snapshot").status_code == 200
    assert idle.get("/api/snapshot").status_code == 401  # 60 min idle; the limit is 30
    now[0] += 11 * 3600  # 12 hours after sign-in, however busy
    assert busy.get("/api/snapshot").status_code == 401


def test_admins_make_list_and_revoke_keys_and_the_key_is_shown_once(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    admin = login(g, "admin")
    made = admin.post("/api/admin/keys", json={"name": "hotline-12345", "scope": "intake"})
    assert made.status_code == 201 and made.json["key"].startswith("gck_")
    listed = admin.get("/api/admin/keys").get_data(as_text=True)
    assert "hotline-12345" in listed and made.json["key"] not in listed
    bad = admin.post("/api/admin/keys", json={"name": "x\x00", "scope": "intake"})
    assert bad.status_code == 400
    assert login(g, "op").get("/api/admin/keys").status_code == 403
    assert admin.delete("/api/admin/keys/hotline-12345").status_code == 200
    assert admin.delete("/api/admin/keys/hotline-12345").status_code == 404
    r = g.server.test_client().post(
        "/api/reports",
        json={"category": "SR01", "description": "x", "lon": 117.05, "lat": 36.66},
        headers={"Authorization": "Bearer " + made.json["key"]},
    )
    assert r.status_code == 401
