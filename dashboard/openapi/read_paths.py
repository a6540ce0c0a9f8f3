"""What the screens read (the ``read_api`` blueprint, dashboard/api.py): the snapshot, the
event log after a sequence number, and the grid's geometry."""

from __future__ import annotations

from cases.model import Status
from dashboard.api import LEVELS, MAX_EVENTS
from dashboard.openapi.common import (
    PUBLIC,
    SIGNED_IN,
    Paths,
    Schema,
    obj,
    operation,
    path_param,
    query_param,
    ref,
)

STATUS: Schema = {"type": "string", "enum": [s.value for s in Status]}


def event_schema() -> Schema:
    return {
        **obj(
            {
                "seq": {"type": "integer"},
                "kind": {
                    "type": "string",
                    "description": "case.reported, case.file, …, case.photo",
                },
                "case_id": {"type": "integer"},
                "at": {"type": "string", "description": "local time, ISO 8601"},
                "actor": {"type": "string"},
                "from": {"type": ["string", "null"], "enum": [*STATUS["enum"], None]},
                "to": STATUS,
                "reason": {"type": "string"},
            },
            ("seq", "kind", "case_id", "at", "actor", "from", "to", "reason"),
        ),
        "description": "One event of the log; further fields are the event's own data "
        "(the case summary on every event, from_department, hours, rating; photo_id, mime, "
        "width, height, bytes on case.photo).",
    }


def snapshot_schema() -> Schema:
    epoch = {"type": "integer"}
    return obj(
        {
            "seq": {"type": "integer"},
            "now": epoch,
            "day_start": {"type": "string"},
            "open_by_cell": {"type": "object", "additionalProperties": {"type": "integer"}},
            "open_cases": {
                "type": "array",
                "description": "[case id, cell, watch_at, at_risk_at, deadline (epoch s),"
                " category, department, priority, status]",
                "items": {
                    "type": "array",
                    "items": {"type": ["integer", "string"]},
                    "minItems": 9,
                    "maxItems": 9,
                },
            },
            "counters": obj(
                {k: {"type": "integer"} for k in ("open", "today", "closed_today")},
                ("open", "today", "closed_today"),
            ),
            "recent": {"type": "array", "items": ref("Event")},
        },
        ("seq", "now", "day_start", "open_by_cell", "open_cases", "counters", "recent"),
    )


GEOJSON = {
    "application/geo+json": {
        "schema": obj(
            {"type": {"const": "FeatureCollection"}, "features": {"type": "array"}},
            ("type", "features"),
        )
    }
}
CACHED = {
    200: {"description": "GeoJSON (cached, with an ETag)", "content": GEOJSON},
    304: {"description": "Not modified since the ETag you sent"},
}


def paths() -> Paths:
    return {
        "/api/snapshot": {
            "get": operation(
                "Your live view's state as of one sequence number (what a live screen starts "
                "from): the district's, or for a department's liaison (or its own system) the "
                "cases the department holds, its events' head and its own counters; then "
                "/api/events brings the same view's events",
                {200: ("The snapshot", snapshot_schema())},
                errors=(401, 403),
                security=SIGNED_IN,
                tags=("read",),
            )
        },
        "/api/seq": {
            "get": operation(
                "The head of the log your view sees",
                {200: ("The head", obj({"seq": {"type": "integer"}}, ("seq",)))},
                errors=(401, 403),
                security=SIGNED_IN,
                tags=("read",),
            )
        },
        "/api/events": {
            "get": operation(
                "Events after `since`, in order, as your view sees them",
                {
                    200: (
                        "A page of the log",
                        obj(
                            {
                                "events": {"type": "array", "items": ref("Event")},
                                "through": {"type": "integer"},
                                "more": {"type": "boolean"},
                            },
                            ("events", "through", "more"),
                        ),
                    )
                },
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=[
                    query_param("since", {"type": "integer", "minimum": 0, "default": 0}),
                    query_param(
                        "limit",
                        {"type": "integer", "minimum": 1, "default": MAX_EVENTS},
                        f"at most {MAX_EVENTS} are sent",
                    ),
                ],
                tags=("read",),
            )
        },
        "/geo/{level}.geojson": {
            "get": operation(
                "The grid's shapes at one level",
                CACHED,
                security=PUBLIC,
                parameters=[path_param("level", {"type": "string", "enum": [*LEVELS, "cells"]})],
                tags=("geo",),
            )
        },
        "/geo/outline.geojson": {
            "get": operation("The district's outline", CACHED, security=PUBLIC, tags=("geo",))
        },
    }
