"""Health and readiness are open to anyone in production; the session cookie is Secure in
production unless PLAIN_HTTP says there is no TLS; the proxy's headers count only when
PROXY_HOPS says there is a proxy."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app import GridCC
from cases.workflow import Role
from tests.dashboard.conftest import TEST_SECRET

PASSWORD = "a-long-test-password-1"


def production(make_app: Callable[..., GridCC], **settings: str) -> GridCC:
    g = make_app(gridcc_env="production", secret_key=TEST_SECRET, **settings)
    g.users.add("op", Role("operator"), PASSWORD)
    return g


def test_health_and_readiness_answer_anyone(make_app: Callable[..., GridCC]) -> None:
    client = production(make_app).server.test_client()
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json == {
        "status": "ready",
        "failed": [],
        "checks": {"store": "ok"},
    }
    assert r.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in r.headers


@pytest.mark.parametrize(
    ("settings", "secure"),
    [({}, True), ({"plain_http": "1"}, False), ({"gridcc_env": "development"}, False)],
)
def test_the_session_cookie_is_secure_in_production(
    make_app: Callable[..., GridCC], settings: dict[str, str], secure: bool
) -> None:
    g = make_app(**{"gridcc_env": "production", "secret_key": TEST_SECRET, **settings})
    g.users.add("op", Role("operator"), PASSWORD)
    r = g.server.test_client().post("/api/login", json={"username": "op", "password": PASSWORD})
    assert r.status_code == 200
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert ("; Secure" in cookie) is secure


@pytest.mark.parametrize(("hops", "https"), [("0", False), ("1", True)])
def test_the_proxy_headers_count_only_behind_a_proxy(
    make_app: Callable[..., GridCC], hops: str, https: bool
) -> None:
    client = production(make_app, proxy_hops=hops).server.test_client()
    r = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in r.headers) is https
