"""Locks that hold (issue 11): CSRF on every change made with the session cookie, security
headers, sign-in limits, scoped API keys (the wall's sees no reporter), and the kiosk key
kept out of every address that a log could keep."""

from __future__ import annotations

from typing import Any

import pytest

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import PASSWORD, TEST_SECRET, act, form_login, login, open_case


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + key}


def _report(grid: Grid) -> dict[str, Any]:
    lon, lat = grid.geometries[20].representative_point().coords[0]
    return {"category": "SR01", "description": "井盖缺失", "lon": lon, "lat": lat}


def _forged(token: str) -> str:
    """The token with its signature's first character changed: that character carries
    six whole bits (the last one carries padding bits too, so changing the tail can
    leave the signature as it was)."""
    at = token.rindex(".") + 1
    other = "B" if token[at] == "A" else "A"
    return token[:at] + other + token[at + 1 :]


def test_changes_with_the_session_cookie_need_its_csrf_token(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, tokens = center
    case_id, version = open_case(g, grid)
    op = login(g, "op")
    token = op.environ_base.pop("HTTP_X_CSRFTOKEN")
    refused = act(op, case_id, "file", version)
    assert refused.status_code == 403 and refused.json["error"] == "csrf"
    assert op.post("/api/reports", json=_report(grid)).status_code == 403
    assert g.store.get(case_id).version == version  # nothing changed
    forged = op.post(
        f"/api/cases/{case_id}/actions/file",
        json={"expected_version": version},
        headers={"X-CSRFToken": _forged(token)},
    )
    assert forged.status_code == 403
    op.environ_base["HTTP_X_CSRFTOKEN"] = token
    assert act(op, case_id, "file", version).status_code == 200
    # An API key or token carries no ambient credential: no CSRF token needed.
    r = g.server.test_client().post(
        "/api/reports", json=_report(grid), headers=_bearer(tokens["op"])
    )
    assert r.status_code == 201


def test_the_sign_in_form_needs_its_csrf_token_and_api_login_takes_only_json(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    victim = g.server.test_client()
    forged = victim.post("/login", data={"username": "op", "password": PASSWORD})
    assert forged.status_code == 403
    assert victim.get("/api/me").status_code == 401  # not signed in as the attacker
    as_form = victim.post("/api/login", data={"username": "op", "password": PASSWORD})
    assert as_form.status_code == 415
    assert form_login(g.server.test_client(), "op").status_code == 302


def test_the_dash_page_hands_its_scripts_the_csrf_cookie(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    op = login(g, "op")
    header = op.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert op.get("/").status_code == 200
    cookie = op.get_cookie("_csrf_token")
    assert cookie is not None and cookie.value
    assert not cookie.http_only
    # Dash's renderer sends the cookie back as X-CSRFToken; that token is as good as the
    # one /api/login returned.
    assert header
    case = op.post("/api/reports", json={"category": "nope"}, headers={"X-CSRFToken": cookie.value})
    assert case.status_code == 400  # past the CSRF check, refused by the intake


@pytest.mark.parametrize("path", ["/", "/login", "/api/me", "/kiosk", "/geo/outline.geojson"])
def test_every_response_carries_the_security_headers(
    center: tuple[GridCC, dict[str, str]], path: str
) -> None:
    g, _ = center
    r = g.server.test_client().get(path)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self' 'sha256-" in csp


def test_failed_sign_ins_are_limited_per_name_even_with_the_right_password_after(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    client = g.server.test_client()
    for _ in range(10):
        r = client.post("/api/login", json={"username": "op", "password": "wrong-password!"})
        assert r.status_code == 401
    r = client.post("/api/login", json={"username": "op", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert form_login(g.server.test_client(), "op").status_code == 429  # the form too
    assert login(g, "lead").get("/api/me").status_code == 200  # other names are not locked


def test_the_wall_sees_the_wall_and_no_reporter_anywhere(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, tokens = center
    body = {**_report(grid), "reporter": "王先生 13800138000"}
    case_id = login(g, "op").post("/api/reports", json=body).json["case_id"]
    wall_key = g.keys.create("wall-1", "wall")
    for credential in (tokens["wall"], wall_key):
        wall = g.server.test_client()
        assert wall.get("/api/snapshot", headers=_bearer(credential)).status_code == 200
        seen = "".join(
            wall.get(path, headers=_bearer(credential)).get_data(as_text=True)
            for path in ("/api/snapshot", "/api/events?since=0", f"/api/cases/{case_id}")
        )
        assert "13800138000" not in seen and "王先生" not in seen
        assert wall.get(f"/api/cases/{case_id}", headers=_bearer(credential)).status_code == 403
        assert wall.post("/api/reports", json=body, headers=_bearer(credential)).status_code == 401
    assert "13800138000" in login(g, "op").get(f"/api/cases/{case_id}").get_data(as_text=True)
    liaison = login(g, "li-sz" if g.store.get(case_id).department != "shizheng" else "li-cg")
    assert liaison.get(f"/api/cases/{case_id}").status_code == 404


def test_each_key_does_its_scope_and_nothing_else(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    intake = g.keys.create("hotline-12345", "intake")
    client = g.server.test_client()
    made = client.post("/api/reports", json=_report(grid), headers=_bearer(intake))
    assert made.status_code == 201
    case = g.store.get(made.json["case_id"])
    events, _through, _more = g.store.events_page(0, 10, "district")
    # The audit log names the key that handed the report in, whatever source it claims.
    assert [e.actor for e in events] == ["intake:citizen via system:key:hotline-12345"]
    assert client.get("/api/snapshot", headers=_bearer(intake)).status_code == 403
    assert client.get(f"/api/cases/{case.id}", headers=_bearer(intake)).status_code == 403
    own = g.keys.create("own-system", "department", case.department)
    other = g.keys.create("other-system", "department", "huanbao")
    assert client.get(f"/api/cases/{case.id}", headers=_bearer(own)).status_code == 200
    assert client.get(f"/api/cases/{case.id}", headers=_bearer(other)).status_code == 404
    r = client.post(
        f"/api/cases/{case.id}/actions/file",
        json={"expected_version": case.version},
        headers=_bearer(own),
    )
    assert r.status_code == 403  # a key never acts on a case
    assert client.post("/api/reports", json=_report(grid), headers=_bearer(own)).status_code == 401
    g.keys.revoke("hotline-12345")
    assert (
        client.post("/api/reports", json=_report(grid), headers=_bearer(intake)).status_code == 401
    )


def test_requests_are_limited_per_key(make_app: Any, database_url: str, grid: Grid) -> None:
    g = make_app(
        database_url, gridcc_env="production", secret_key=TEST_SECRET, key_rate_limit="3/minute"
    )
    first, second = g.keys.create("first", "intake"), g.keys.create("second", "intake")
    client = g.server.test_client()
    codes = [
        client.post("/api/reports", json=_report(grid), headers=_bearer(first)).status_code
        for _ in range(4)
    ]
    assert 429 not in codes[:3]
    assert codes[3] == 429
    assert client.post("/api/reports", json=_report(grid), headers=_bearer(second)).status_code in (
        200,
        201,
    )


def test_the_kiosk_key_never_rides_in_the_query(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    key = g.keys.create("wall-2", "wall")
    old_link = g.server.test_client()
    r = old_link.get(f"/?kiosk={key}&map=risk")
    assert r.status_code == 302 and key not in r.headers["Location"]
    assert old_link.get("/api/me").status_code == 401  # not taken from the query any more
    wall = g.server.test_client()
    assert wall.post("/api/kiosk", json={"token": key}).status_code == 200
    assert wall.get("/api/me").json["role"] == "wall"
    g.keys.revoke("wall-2")
    assert wall.get("/api/me").status_code == 401  # revoking the key ends the kiosk session


@pytest.mark.redis
def test_a_keys_limit_is_counted_across_processes_in_redis(
    make_app: Any, redis_url: str, tmp_path: Any, grid: Grid
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    settings = {
        "gridcc_env": "production",
        "secret_key": TEST_SECRET,
        "key_rate_limit": "4/minute",
        "redis_url": redis_url,
    }
    first, second = make_app(url, **settings), make_app(url, **settings)
    key = first.keys.create("hotline-12345", "intake")
    codes = [
        app.server.test_client()
        .post("/api/reports", json=_report(grid), headers=_bearer(key))
        .status_code
        for app in (first, second, first, second, first)
    ]
    assert 429 not in codes[:4] and codes[4] == 429  # one count for the key, in Redis


def test_a_burst_of_parallel_guesses_gets_no_more_tries_than_one_by_one(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    g, _ = center

    def guess(i: int) -> int:
        client = g.server.test_client()
        body = {"username": "lead", "password": f"wrong-password-{i:04d}"}
        return int(client.post("/api/login", json=body).status_code)

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(guess, range(36)))
    assert codes.count(401) <= 10 and codes.count(429) >= 26, codes
