"""The OpenAPI description stays true: every route of the Flask server is in it (but Dash's
and the static files'), and it names no path or method the server does not have."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from app import GridCC
from cases.workflow import ACTIONS, PARAM_NAMES
from dashboard.openapi import SPEC_PATH, build_spec
from tests.dashboard.conftest import TEST_SECRET

IMPLIED = {"HEAD", "OPTIONS"}  # Flask adds them to every route


def server_routes(g: GridCC) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every route that is not Dash's or the static files'."""
    dash_routes = set(g.dash.routes)  # type: ignore[attr-defined]
    found = set()
    for rule in g.server.url_map.iter_rules():
        if rule.endpoint in dash_routes or rule.endpoint.endswith("static"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found |= {(path, m.lower()) for m in (rule.methods or set()) - IMPLIED}
    return found


def described(spec: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(path, method) for path, ops in spec["paths"].items() for method in ops}


@pytest.fixture
def g(make_app: Callable[..., GridCC]) -> GridCC:
    return make_app(gridcc_env="production", secret_key=TEST_SECRET)


def test_every_route_is_described_and_nothing_else(g: GridCC) -> None:
    served = g.server.test_client().get(SPEC_PATH)
    assert served.status_code == 200 and served.mimetype == "application/json"
    spec = served.json
    assert spec["openapi"].startswith("3.1")
    routes = server_routes(g)
    assert len(routes) >= 17
    assert routes - described(spec) == set(), "routes the description misses"
    assert described(spec) - routes == set(), "described but not served"


def test_the_walk_sees_a_route_added_later(g: GridCC) -> None:
    # The check above is only as good as the walk: a new route must show up in it.
    g.server.add_url_rule("/api/export/<fmt>", "export", lambda fmt: "", methods=["GET"])
    assert ("/api/export/{fmt}", "get") in server_routes(g) - described(build_spec())


def test_action_bodies_come_from_the_workflow_table(g: GridCC) -> None:
    op = build_spec()["paths"]["/api/cases/{case_id}/actions/{name}"]["post"]
    names = next(p for p in op["parameters"] if p["name"] == "name")["schema"]["enum"]
    assert names == list(ACTIONS)
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) >= PARAM_NAMES and body["required"] == ["expected_version"]
    assert body["properties"]["rating"]["enum"] == list(ACTIONS["rate"].params[0].choices)
    for name in ACTIONS:
        assert f"| {name} " in op["description"]


def test_every_operation_answers_its_errors_as_documented(g: GridCC) -> None:
    spec = build_spec()
    error = {"$ref": "#/components/schemas/Error"}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if path.startswith("/api/") and int(status) >= 400:
                    content = response["content"]["application/json"]["schema"]
                    assert content == error, (method, path, status)
            security = op.get("security", spec["security"])
            if security:
                assert "401" in op["responses"], (method, path)
