"""Who has a case, or grid cells, open now (the ``presence_api`` blueprint,
dashboard/presence_api.py). The live updates come over the Socket.IO feed, event
``presence``, in the same shapes."""

from __future__ import annotations

from cases.presence import MAX_CELLS, MODES
from dashboard.openapi.common import SIGNED_IN, Paths, Schema, obj, operation, query_param


def person_schema() -> Schema:
    return obj(
        {
            "user": {"type": "string", "description": "the account (a screen knows itself by it)"},
            "name": {"type": "string", "description": "display name"},
            "role": {"type": "string"},
            "department": {"type": ["string", "null"]},
            "mode": {"type": "string", "enum": list(MODES)},
        },
        ("user", "name", "role", "department", "mode"),
    )


def paths() -> Paths:
    people = {"type": "array", "items": person_schema()}
    at = {"type": "integer", "description": "server time of the reading, epoch ms"}
    you = {"type": "string", "description": "your own account name"}
    on_case = obj(
        {
            "you": you,
            "case": {"type": "integer"},
            "cell": {"type": "string"},
            "people": people,
            "at": at,
        },
        ("you", "case", "cell", "people", "at"),
    )
    on_cells = obj(
        {"you": you, "cells": {"type": "object", "additionalProperties": people}, "at": at},
        ("you", "cells", "at"),
    )
    case_update = obj(
        {"case": {"type": "integer"}, "cell": {"type": "string"}, "people": people, "at": at},
        ("case", "cell", "people", "at"),
    )
    on_cases = obj(
        {"you": you, "updates": {"type": "array", "items": case_update}}, ("you", "updates")
    )
    return {
        "/api/presence": {
            "get": operation(
                "Who has a case, or grid cells, open now",
                {200: ("Who is present (editors first)", {"oneOf": [on_case, on_cells, on_cases]})},
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=[
                    query_param(
                        "case",
                        {"type": "integer", "minimum": 1},
                        "a case you may see (exactly one of case, cases and cells)",
                    ),
                    query_param(
                        "cases",
                        {"type": "string", "pattern": "^[0-9]+(,[0-9]+)*$"},
                        "case ids, comma-separated, at most 200 (a desk's list); those you "
                        "may not see are left out",
                    ),
                    query_param(
                        "cells",
                        {"type": "string", "pattern": "^[0-9]{15}(,[0-9]{15})*$"},
                        f"grid cell codes, comma-separated, at most {MAX_CELLS} "
                        "(the district's views only)",
                    ),
                ],
                description="A page's starting state; the socket's `presence` events keep it "
                "current. A case you may not see answers 404, as one that does not exist.",
                tags=("read",),
            )
        }
    }
