"""The urgent fast path (the ``urgent_api`` blueprint, dashboard/urgent_api.py): the open
urgent cases with their response clocks, one case's clock and who was alerted, and a lead's
drill. Alerts themselves come over the Socket.IO feed, event ``urgent_alert``, in the shape
of ``urgent_case`` (with ``why`` for a person's own alert, ``addressed`` for the center's)."""

from __future__ import annotations

from cases.urgent import WHY
from cases.urgent_targets import STEPS
from dashboard.openapi.common import SIGNED_IN, Paths, Schema, obj, operation, path_param

EPOCH = {"type": ["integer", "null"], "description": "epoch seconds (null: not yet)"}


def clock_schema() -> Schema:
    step = obj(
        {
            "step": {"type": "string", "enum": list(STEPS)},
            "at": EPOCH,
            "due": {"type": "integer", "description": "epoch seconds: the catalog's target"},
            "met": {"type": ["boolean", "null"], "description": "null: not yet and not late"},
        },
        ("step", "at", "due", "met"),
    )
    return obj(
        {
            "start": {"type": "integer", "description": "the report, or the flag (epoch s)"},
            "started_by": {"type": "string", "enum": ["report", "flag"]},
            "drill": {"type": "boolean"},
            "steps": {"type": "array", "items": step},
        },
        ("start", "started_by", "drill", "steps"),
    )


def urgent_case() -> Schema:
    return obj(
        {
            "case_id": {"type": "integer"},
            "category": {"type": "string"},
            "category_zh": {"type": "string"},
            "category_en": {"type": "string"},
            "place": {"type": "string"},
            "cell": {"type": "string"},
            "description": {"type": "string"},
            "status": {"type": "string"},
            "version": {"type": "integer"},
            "drill": {"type": "boolean", "description": "a drill: 演练, counted nowhere"},
            "acknowledged": {"type": "boolean"},
            "clock": clock_schema(),
        },
        ("case_id", "category", "drill", "acknowledged", "clock"),
    )


def addressee() -> Schema:
    return obj(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "why": {"type": "array", "items": {"type": "string", "enum": list(WHY)}},
            "part": {"type": "string"},
            "distance_m": {"type": ["integer", "null"]},
            "signed_in": {"type": "boolean"},
            "phone": {"type": "string", "description": "only for roles that may see phones"},
        },
        ("id", "name", "kind", "why"),
    )


def paths() -> Paths:
    case_id = path_param("case_id", {"type": "integer", "minimum": 1})
    return {
        "/api/urgent": {
            "get": operation(
                "The open urgent cases with their response clocks (the center's screens)",
                {
                    200: (
                        "Open urgent cases, drills among them, oldest clock first",
                        obj(
                            {
                                "now": {"type": "integer"},
                                "cases": {"type": "array", "items": urgent_case()},
                            },
                            ("now", "cases"),
                        ),
                    )
                },
                errors=(401, 403),
                security=SIGNED_IN,
                tags=("read",),
            )
        },
        "/api/urgent/{case_id}": {
            "get": operation(
                "One case's response clock and who was alerted",
                {
                    200: (
                        "Not urgent: {urgent: false}; urgent: the case, its clock, the people",
                        {
                            "type": "object",
                            "properties": {
                                "urgent": {"type": "boolean"},
                                "addressed": {"type": "array", "items": addressee()},
                            },
                            "required": ["urgent"],
                        },
                    )
                },
                errors=(401, 403),
                security=SIGNED_IN,
                parameters=[case_id],
                description="Phones only for the roles that may see them; a case you may not "
                "see answers 404, as one that does not exist.",
                tags=("read",),
            )
        },
        "/api/urgent/drill": {
            "post": operation(
                "Open a drill of the urgent fast path (a shift lead)",
                {
                    201: (
                        "The drill's case",
                        obj({"case_id": {"type": "integer"}, "drill": {"type": "boolean"}}),
                    )
                },
                errors=(400, 401, 403),
                security=SIGNED_IN,
                body=obj(
                    {
                        "cell": {"type": "string", "description": "a grid cell (default: first)"},
                        "category": {"type": "string", "description": "an item (default AQ03)"},
                    }
                ),
                description="The drill alerts as a real case would, marked 演练/DRILL, and "
                "counts in no rate or counter.",
                tags=("cases",),
            )
        },
    }
