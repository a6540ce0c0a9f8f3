"""A grid worker's patrol from a phone (the ``patrol`` blueprint, dashboard/patrol_page.py
and dashboard/patrol_api.py). Only a grid worker linked to the roster may patrol; anyone
else is answered 403."""

from __future__ import annotations

from cases.patrols import MAX_ACCURACY_M
from cases.workflow import CHECK_IN_RADIUS_M
from dashboard.openapi.auth_paths import HTML, REDIRECT
from dashboard.openapi.common import (
    PUBLIC,
    SIGNED_IN,
    Paths,
    Schema,
    nullable,
    obj,
    operation,
    query_param,
)
from dashboard.patrol_api import CRS_NAMES, MINE_DAYS, POSITION_RATE

NUMBER: Schema = {"type": "number"}


def position_body(extra: dict[str, Schema] | None = None, required: tuple[str, ...] = ()) -> Schema:
    return obj(
        {
            **(extra or {}),
            "lon": {**NUMBER, "description": "longitude in degrees, in the system ``crs``"},
            "lat": {**NUMBER, "description": "latitude in degrees"},
            "accuracy": {
                **NUMBER,
                "minimum": 0,
                "maximum": MAX_ACCURACY_M,
                "description": "metres (the phone's own estimate)",
            },
            "crs": {
                "type": "string",
                "enum": list(CRS_NAMES),
                "default": "wgs84",
                "description": "browsers give wgs84; apps on Chinese map SDKs gcj02 or bd09",
            },
        },
        (*required, "lon", "lat"),
    )


def patrol_schema() -> Schema:
    return nullable(
        obj(
            {
                "id": {"type": "integer"},
                "started_at": {"type": "string"},
                "ended_at": nullable({"type": "string"}),
            },
            ("id", "started_at", "ended_at"),
        )
    )


def card_schema() -> Schema:
    return obj(
        {
            "id": {"type": "integer"},
            "category": {"type": "string"},
            "category_name": {"type": "string"},
            "description": {"type": "string"},
            "place": {"type": "string"},
            "cell_code": {"type": "string"},
            "status": {"type": "string"},
            "created_at": {"type": "string"},
            "lon": NUMBER,
            "lat": NUMBER,
            "version": {"type": "integer"},
            "urgent": {"type": "boolean"},
            "external_id": nullable({"type": "string"}),
            "actions": {"type": "array", "items": {"type": "object"}},
            "task": {"type": "string", "description": "tasks: the action it waits for"},
            "distance_m": nullable({**NUMBER, "description": "tasks: from the last position"}),
        },
        ("id", "category", "status", "version", "actions"),
    )


def paths() -> Paths:
    patrol = obj({"patrol": patrol_schema()}, ("patrol",))
    started = obj({"patrol": patrol_schema(), "started": {"type": "boolean"}}, ("patrol",))
    tags = ("patrol",)
    return {
        "/patrol": {
            "get": {
                "summary": "The phone page of a grid worker on patrol (HTML); without a "
                "session it sends the browser to /login",
                "security": PUBLIC,
                "tags": list(tags),
                "parameters": [query_param("lang", {"type": "string", "enum": ["zh", "en"]})],
                "responses": {
                    "200": {"description": "The page", "content": HTML},
                    "302": REDIRECT,
                    "403": {"description": "Not a grid worker on the roster", "content": HTML},
                },
            }
        },
        "/patrol-sw.js": {
            "get": {
                "summary": "The patrol page's service worker (keeps the page for offline use)",
                "security": PUBLIC,
                "tags": list(tags),
                "responses": {
                    "200": {
                        "description": "JavaScript",
                        "content": {"text/javascript": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/api/patrol/start": {
            "post": operation(
                "Start a patrol (the open one again if one is open)",
                {201: ("Started", started), 200: ("Already on patrol", started)},
                errors=(401, 403),
                security=SIGNED_IN,
                tags=tags,
            )
        },
        "/api/patrol/end": {
            "post": operation(
                "End the patrol (the worker leaves the map at once); patrol null: none was open",
                {200: ("Ended", patrol)},
                errors=(401, 403),
                security=SIGNED_IN,
                tags=tags,
            )
        },
        "/api/patrol/position": {
            "post": operation(
                "Where the phone is now, while on patrol",
                {
                    200: (
                        "Recorded",
                        obj(
                            {
                                "lon": NUMBER,
                                "lat": NUMBER,
                                "cell_code": nullable({"type": "string"}),
                                "place": nullable({"type": "string"}),
                                "new_cell": {"type": "boolean"},
                                "patrol_id": {"type": "integer"},
                            },
                            ("lon", "lat", "cell_code", "new_cell"),
                        ),
                    )
                },
                errors=(400, 401, 403, 409, 429),
                security=SIGNED_IN,
                body=position_body(),
                description=(
                    "WGS-84 after conversion; outside every cell it is kept but passes no cell; "
                    f"a position outside China or not a number is a 400. At most {POSITION_RATE} "
                    "per person (429); 409 not_on_patrol without an open patrol."
                ),
                tags=tags,
            )
        },
        "/api/patrol/check-in": {
            "post": operation(
                "到场签到: check in at a case's place (the workflow action check_in)",
                {
                    200: (
                        "Checked in",
                        obj(
                            {
                                "seq": {"type": "integer"},
                                "case_id": {"type": "integer"},
                                "distance_m": NUMBER,
                                "on_site": {"type": "boolean"},
                                "first_on_site": {"type": "boolean"},
                                "radius_m": NUMBER,
                                "version": {"type": "integer"},
                            },
                            ("seq", "case_id", "distance_m", "on_site"),
                        ),
                    )
                },
                errors=(400, 401, 403, 409),
                security=SIGNED_IN,
                body=position_body(
                    {
                        "case_id": {"type": "integer", "minimum": 1},
                        "expected_version": {"type": "integer"},
                    },
                    ("case_id",),
                ),
                description=(
                    f"Within {CHECK_IN_RADIUS_M:g} m of an urgent case the first check-in sets "
                    "its on_site_at (the response clock's on-site step)."
                ),
                tags=tags,
            )
        },
        "/api/patrol/mine": {
            "get": operation(
                "The worker's patrol, their reports and the tasks in their cells",
                {
                    200: (
                        "Their work",
                        obj(
                            {
                                "person": obj(
                                    {"id": {"type": "string"}, "name": {"type": "string"}}
                                ),
                                "patrol": patrol_schema(),
                                "cells": {"type": "array", "items": {"type": "string"}},
                                "patrol_cells": {"type": "array", "items": {"type": "string"}},
                                "reported": {"type": "array", "items": card_schema()},
                                "tasks": {"type": "array", "items": card_schema()},
                            },
                            ("person", "patrol", "cells", "reported", "tasks"),
                        ),
                    )
                },
                errors=(401, 403),
                security=SIGNED_IN,
                parameters=[query_param("lang", {"type": "string", "enum": ["zh", "en"]})],
                description=(
                    f"reported: their reports of the last {MINE_DAYS} days, newest first; "
                    "tasks: cases in their cells waiting for 核实 (confirm) or 核查 (verify), "
                    "nearest first."
                ),
                tags=tags,
            )
        },
    }
