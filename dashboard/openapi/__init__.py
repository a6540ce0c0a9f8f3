"""The HTTP API described as OpenAPI 3.1, served at GET /api/openapi.json.

One fragment per blueprint (a module with ``paths()``); a new blueprint adds its module to
``FRAGMENTS``. tests/dashboard/test_openapi.py fails when a route of the Flask server is
missing here, or this names a path the server does not have.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify

from dashboard.openapi import (
    admin_paths,
    auth_paths,
    calendar_paths,
    cases_paths,
    desk_paths,
    export_paths,
    health_paths,
    intake_paths,
    kpi_catalog_paths,
    metrics_paths,
    open311_paths,
    patrol_paths,
    people_paths,
    photos_paths,
    positions_paths,
    presence_paths,
    qxy_calls_paths,
    qxy_counts_paths,
    qxy_lists_paths,
    qxy_pages_paths,
    qxy_problems_paths,
    qxy_public_paths,
    qxy_wishes_paths,
    read_paths,
    urgent_paths,
)
from dashboard.openapi.common import ERROR, PUBLIC, SECURITY_SCHEMES, SIGNED_IN, Paths, obj

SPEC_PATH = "/api/openapi.json"
FRAGMENTS: tuple[Callable[[], Paths], ...] = (
    auth_paths.paths,
    intake_paths.paths,
    read_paths.paths,
    cases_paths.paths,
    desk_paths.paths,
    kpi_catalog_paths.paths,
    admin_paths.paths,
    export_paths.paths,
    photos_paths.paths,
    open311_paths.paths,
    presence_paths.paths,
    positions_paths.paths,
    qxy_public_paths.paths,
    qxy_wishes_paths.paths,
    qxy_calls_paths.paths,
    qxy_counts_paths.paths,
    qxy_problems_paths.paths,
    qxy_lists_paths.paths,
    qxy_pages_paths.paths,
    calendar_paths.paths,
    people_paths.paths,
    patrol_paths.paths,
    urgent_paths.paths,
    metrics_paths.paths,
    health_paths.paths,
)


def own_paths() -> Paths:
    return {
        SPEC_PATH: {
            "get": {
                "summary": "This description",
                "security": PUBLIC,
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {
                            "application/json": {
                                "schema": obj({"openapi": {"type": "string"}}, ("openapi",))
                            }
                        },
                    }
                },
            }
        }
    }


def build_spec(fragments: tuple[Callable[[], Paths], ...] = FRAGMENTS) -> dict[str, Any]:
    paths: Paths = own_paths()
    for fragment in fragments:
        for path, operations in fragment().items():
            if path in paths:
                raise ValueError(f"{path} is described by two fragments")
            paths[path] = operations
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gridcc",
            "version": "1",
            "description": "The live command center's HTTP API (历下区网格化管理指挥中心). "
            "Errors are JSON: {error, message}. The live feed itself is a Socket.IO "
            "websocket, not described here.",
        },
        "servers": [{"url": "/"}],
        "security": SIGNED_IN,
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": SECURITY_SCHEMES,
            "schemas": {
                "Error": ERROR,
                "Event": read_paths.event_schema(),
                "Case": cases_paths.case_schema(),
                "Photo": photos_paths.photo_schema(),
            },
        },
    }


def openapi_blueprint() -> Blueprint:
    bp = Blueprint("openapi", __name__)
    spec = build_spec()  # built once per app: it depends on code, not on data

    @bp.get(SPEC_PATH)
    def openapi_json() -> Response:
        return jsonify(spec)

    return bp
