"""Server errors the fuzzers and the probing around them found, one test each (each failed
before its fix): production mode, real users, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app import GridCC
from geo.grid import Grid
from tests.dashboard.conftest import open_case

DEEP = "[" * 5000 + "]" * 5000  # past the JSON parser's recursion limit, under 16 KB


def send(client: Any, method: str, path: str, raw: str, token: str) -> Any:
    return client.open(
        path,
        method=method,
        data=raw.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize("raw", ["[1]", '"text"', "5", "null", "true", DEEP])
def test_a_login_body_that_is_not_an_object_is_a_400(
    center: tuple[GridCC, dict[str, str]], raw: str
) -> None:
    g, _ = center
    r = g.server.test_client().post("/api/login", data=raw, content_type="application/json")
    assert r.status_code == 400, r.data[:200]
    assert r.json["error"] == "invalid_body"


def test_json_nested_past_the_parsers_limit_is_a_400_everywhere(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, tokens = center
    case_id, _ = open_case(g, grid)
    client = g.server.test_client()
    for method, path, token in (
        ("POST", f"/api/cases/{case_id}/actions/file", tokens["op"]),
        ("PUT", "/api/catalog/departments/parks", tokens["admin"]),
        ("POST", "/api/reports", tokens["op"]),
    ):
        r = send(client, method, path, DEEP, token)
        assert r.status_code == 400, (path, r.data[:200])


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"])
def test_catalog_text_no_store_can_hold_is_refused(
    center: tuple[GridCC, dict[str, str]], bad: str
) -> None:
    g, tokens = center
    client = g.server.test_client()
    category = {
        "class_zh": "市容",
        "class_en": "Streets",
        "name_zh": "测试",
        "name_en": "Test",
        "department": "chengguan",
        "limit": 4,
        "unit": "wh",
        "priority": "normal",
    }
    for kind, body in (
        ("departments", {"name_zh": bad}),
        ("departments", {"name_zh": "公园", "name_en": bad}),
        *(("categories", {**category, field: bad}) for field in ("name_zh", "class_en")),
    ):
        raw = json.dumps(body)  # \u escapes: the JSON is valid, the text is not storable
        r = send(client, "PUT", f"/api/catalog/{kind}/T1", raw, tokens["admin"])
        assert r.status_code == 400, (kind, body, r.data[:200])
    assert "T1" not in g.store.catalog.departments


@pytest.mark.parametrize("weight", ["1e999", "NaN", "Infinity", "-Infinity"])
def test_a_category_weight_is_a_finite_number(
    center: tuple[GridCC, dict[str, str]], weight: str
) -> None:
    g, tokens = center
    row = (
        '{"class_zh": "c", "class_en": "c", "name_zh": "n", "name_en": "n", '
        '"department": "chengguan", "limit": 4, "unit": "wh", '
        f'"priority": "normal", "weight": {weight}}}'
    )
    r = send(g.server.test_client(), "PUT", "/api/catalog/categories/T9", row, tokens["admin"])
    assert r.status_code == 400, r.data[:200]
    assert "T9" not in g.store.catalog.categories
