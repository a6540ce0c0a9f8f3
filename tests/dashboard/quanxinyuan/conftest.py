"""Fixtures for 泉心愿 on the web: a production-mode center with a community's liaison, a
unit's account and the center's roles; the public signs in with codes kept by ``Outbox``
(the SMS gateway is the one outside part)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from app import GridCC
from cases.workflow import Role
from tests.dashboard.conftest import PASSWORD, TEST_SECRET, login

COMMUNITY = "370102009001"  # 姚家街道's first community on the bundled grid


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))

    def last(self, phone: str) -> str:
        return [c for p, c in self.sent if p == phone][-1]


@pytest.fixture
def qxy_center(database_url: str, make_app: Callable[..., GridCC]) -> tuple[GridCC, Any, Outbox]:
    """The center, its 泉心愿 parts, and the outbox of codes."""
    g = make_app(database_url, gridcc_env="production", secret_key=TEST_SECRET)
    community = f"community_{COMMUNITY}"
    assert community in g.store.catalog.departments, "the bundled grid has the community"
    for name, role, dept in (
        ("op", "operator", None),
        ("lead", "lead", None),
        ("wall", "wall", None),
        ("admin", "admin", None),
        ("li-cg", "liaison", "chengguan"),
        ("sq", "liaison", community),
        ("sq2", "liaison", "community_370102009002"),
        ("unit-a", "unit", "unit-a"),
        ("unit-b", "unit", "unit-b"),
    ):
        g.users.add(name, Role(role), PASSWORD, department=dept)
    parts = g.server.extensions["gridcc_qxy"]
    outbox = Outbox()
    parts.residents.sender = outbox
    return g, parts, outbox


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if found:
        return found.group(1)
    raise AssertionError("the page carries no CSRF token")


def public_client(g: GridCC, outbox: Outbox, phone: str, name: str = "") -> Any:
    """A phone signed in to /qxy as a member of the public, as the page's script does."""
    client = g.server.test_client()
    client.get("/qxy")
    token = client.get_cookie("_csrf_token")
    assert token is not None, "the public page sets the CSRF cookie"
    client.environ_base["HTTP_X_CSRFTOKEN"] = token.value
    assert client.post("/api/qxy/public/code", json={"phone": phone}).status_code == 202
    r = client.post(
        "/api/qxy/public/verify",
        json={"phone": phone, "code": outbox.last(phone), "name": name, "consent": True},
    )
    assert r.status_code == 200, r.json
    return client


__all__ = ["COMMUNITY", "login", "public_client"]
