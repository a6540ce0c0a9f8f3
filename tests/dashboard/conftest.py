"""Fixtures for the web side: a production-mode center with one user per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app import GridCC
from cases.workflow import Role
from geo.grid import Grid


@pytest.fixture
def center(database_url: str, make_app: Callable[..., GridCC]) -> tuple[GridCC, dict[str, str]]:
    g = make_app(database_url, gridcc_env="production", secret_key="test-secret-key")
    tokens = {
        name: g.users.add(name, Role(role), "pass-" + name, department=dept)
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
    r = client.post("/api/login", json={"username": name, "password": "pass-" + name})
    assert r.status_code == 200, r.json
    return client


def open_case(g: GridCC, grid: Grid, category: str = "SR01") -> tuple[int, int]:
    lon, lat = grid.geometries[20].representative_point().coords[0]
    r = login(g, "op").post(
        "/api/reports", json={"category": category, "description": "x", "lon": lon, "lat": lat}
    )
    assert r.status_code == 201
    return r.json["case_id"], 1


def act(client: Any, case_id: int, name: str, version: int, **body: Any) -> Any:
    return client.post(
        f"/api/cases/{case_id}/actions/{name}", json={"expected_version": version, **body}
    )
