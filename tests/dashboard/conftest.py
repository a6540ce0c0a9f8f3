"""Fixtures for the web side: a production-mode center with one user per role."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from app import GridCC
from cases.workflow import Role
from geo.grid import Grid

TEST_SECRET = "test-secret-key-of-at-least-32-characters"
PASSWORD = "correct-horse-7-battery"


@pytest.fixture
def center(database_url: str, make_app: Callable[..., GridCC]) -> tuple[GridCC, dict[str, str]]:
    return _center(make_app(database_url, gridcc_env="production", secret_key=TEST_SECRET))


@pytest.fixture(scope="module")
def module_center(
    module_database_url: str, make_module_app: Callable[..., GridCC]
) -> tuple[GridCC, dict[str, str]]:
    """``center`` shared by a module's tests whose every case leaves the store as it was (its
    cases sign in many times a minute: the sign-in limit is tested by itself)."""
    app = make_module_app(
        module_database_url,
        gridcc_env="production",
        secret_key=TEST_SECRET,
        login_rate_limit="10000/minute",
    )
    return _center(app)


def _center(g: GridCC) -> tuple[GridCC, dict[str, str]]:
    tokens = {
        name: g.users.add(name, Role(role), PASSWORD, department=dept)
        for name, role, dept in (
            ("op", "operator", None),
            ("lead", "lead", None),
            ("admin", "admin", None),
            ("wall", "wall", None),
            ("li-cg", "liaison", "chengguan"),
            ("li-sz", "liaison", "shizheng"),
        )
    }
    return g, tokens


def login(g: GridCC, name: str) -> Any:
    client = g.server.test_client()
    r = client.post("/api/login", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.json
    # What a page's script does: send the session's CSRF token with every change.
    client.environ_base["HTTP_X_CSRFTOKEN"] = r.json["csrf_token"]
    return client


def form_login(client: Any, name: str, password: str = PASSWORD, next_: str = "") -> Any:
    """Sign in through the sign-in page as a browser does: the form carries its CSRF token."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "the sign-in form carries a CSRF token"
    return client.post(
        "/login" + (f"?next={next_}" if next_ else ""),
        data={"username": name, "password": password, "csrf_token": token.group(1)},
    )


def open_case(g: GridCC, grid: Grid, category: str = "SR01") -> tuple[int, int]:
    lon, lat = grid.geometries[20].representative_point().coords[0]
    r = login(g, "op").post(
        "/api/reports", json={"category": category, "description": "x", "lon": lon, "lat": lat}
    )
    assert r.status_code == 201
    return r.json["case_id"], 1


def frames(g: GridCC, sock: Any) -> list[dict[str, Any]]:
    """What a test socket received, once the outbox has published every event committed so
    far (it publishes from its own thread; this waits for it, never for a clock)."""
    for outbox in g.outboxes:
        outbox.drain()
    return list(sock.get_received())


def case_events(g: GridCC, sock: Any) -> list[dict[str, Any]]:
    """The case events in a test socket's frames, in order (a frame holds a batch)."""
    return [ev for m in frames(g, sock) if m["name"] == "case_events" for ev in m["args"][0]]


def act(client: Any, case_id: int, name: str, version: int, **body: Any) -> Any:
    return client.post(
        f"/api/cases/{case_id}/actions/{name}", json={"expected_version": version, **body}
    )
