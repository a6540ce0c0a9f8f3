"""Paths under /api/ are the API's: an unknown one is a JSON 404 whatever the method, a
known one asked with the wrong method a JSON 405 — never Dash's page with 200."""

from __future__ import annotations

from app import GridCC
from dashboard.errors import JSON_PREFIXES


def test_an_unknown_api_path_is_a_json_404(center: tuple[GridCC, dict[str, str]]) -> None:
    g, tokens = center
    client = g.server.test_client()
    for path in ("/api/nowhere", "/api/cases/1/nothing", "/api/", "/api/kpis/", "/api/cases/x"):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
            for headers in ({}, {"Authorization": f"Bearer {tokens['op']}"}):
                r = client.open(path, method=method, headers=headers)
                assert r.status_code == 404, (method, path, r.status_code, r.data[:200])
                assert r.mimetype == "application/json"
                if method != "HEAD":
                    assert r.json["error"] == "not_found" and r.json["message"]


def test_a_known_api_path_asked_the_wrong_way_is_a_json_405(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    client = g.server.test_client()
    for method, path, allowed in (
        ("GET", "/api/reports", "POST"),  # Dash's catch-all used to serve its page here
        ("DELETE", "/api/snapshot", "GET"),
        ("GET", "/api/cases/1/actions/file", "POST"),
    ):
        r = client.open(path, method=method)
        assert r.status_code == 405, (method, path, r.data[:200])
        assert r.mimetype == "application/json" and r.json["error"] == "method_not_allowed"
        assert allowed in r.headers["Allow"]


def test_errors_flask_raises_under_api_are_json(center: tuple[GridCC, dict[str, str]]) -> None:
    g, tokens = center
    client = g.server.test_client()
    r = client.post(
        "/api/cases/1/actions/file",
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['op']}"},
    )
    assert r.status_code == 413 and r.mimetype == "application/json"
    assert r.json["error"] == "too_large"


def test_pages_outside_the_api_keep_the_dash_router(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    r = g.server.test_client().get("/somewhere")
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert all(p.startswith("/") and p.endswith("/") for p in JSON_PREFIXES)
