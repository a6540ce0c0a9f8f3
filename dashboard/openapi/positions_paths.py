"""The people on the map (the ``positions_api`` blueprint, dashboard/positions_api.py):
today's patrol coverage and the nearest people on patrol to a case. Where the people on
patrol are comes over the Socket.IO feed, event ``positions`` (dashboard/positions_hub.py),
to the screens that may see it."""

from __future__ import annotations

from dashboard.openapi.common import (
    SIGNED_IN,
    Paths,
    obj,
    operation,
    path_param,
    query_param,
)
from dashboard.positions_api import NEAREST_DEFAULT, NEAREST_MOST


def paths() -> Paths:
    street = obj(
        {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "cells": {"type": "integer", "description": "cells of the street"},
            "patrolled": {"type": "integer", "description": "of them patrolled today"},
        },
        ("code", "name", "cells", "patrolled"),
    )
    coverage = obj(
        {
            "day": {"type": "string", "format": "date", "description": "today, Asia/Shanghai"},
            "cells": {
                "type": "object",
                "additionalProperties": {"type": "string", "format": "date-time"},
                "description": "each cell patrolled today: when a patrol first entered it",
            },
            "patrolled": {"type": "integer"},
            "total": {"type": "integer", "description": "cells of the grid"},
            "streets": {"type": "array", "items": street},
        },
        ("day", "cells", "patrolled", "total", "streets"),
    )
    person = obj(
        {
            "id": {"type": "string", "description": "the person (cases/people.py)"},
            "name": {"type": "string"},
            "distance_m": {"type": "integer", "description": "from the case, metres"},
            "on_duty": {"type": "boolean", "description": "on a duty shift now"},
            "at": {"type": "integer", "description": "when the position was taken, epoch ms"},
            "cell": {"type": "string"},
            "phone": {
                "type": "string",
                "description": "only for those who may see phones (operators, leads)",
            },
        },
        ("id", "name", "distance_m", "on_duty", "at", "cell"),
    )
    nearest = obj(
        {
            "case": {"type": "integer"},
            "max_age_s": {"type": "number", "description": "older positions are left out"},
            "people": {"type": "array", "items": person},
            "at": {"type": "string", "format": "date-time"},
        },
        ("case", "max_age_s", "people", "at"),
    )
    return {
        "/api/patrol/coverage": {
            "get": operation(
                "The grid cells patrolled today, and per street",
                {200: ("Today's coverage", coverage)},
                errors=(401, 403),
                security=SIGNED_IN,
                description="A cell is patrolled today when a patrol entered it on the "
                "local day (Asia/Shanghai). The district's views only.",
                tags=("read",),
            )
        },
        "/api/cases/{case_id}/nearest": {
            "get": operation(
                "The nearest people on patrol to a case",
                {200: ("Nearest first", nearest)},
                errors=(400, 401, 403, 404, 503),
                security=SIGNED_IN,
                parameters=[
                    path_param("case_id", {"type": "integer", "minimum": 0}),
                    query_param(
                        "k",
                        {"type": "integer", "minimum": 1, "maximum": NEAREST_MOST},
                        f"how many (default {NEAREST_DEFAULT})",
                    ),
                ],
                description="People with a position at most 30 s old. Only for those who "
                "may see positions and open cases (operators, leads): a liaison, a grid "
                "worker, the wall or an admin is refused (403).",
                tags=("read",),
            )
        },
    }
