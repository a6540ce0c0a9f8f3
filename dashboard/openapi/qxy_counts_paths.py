"""泉心愿's counts (dashboard/quanxinyuan/counts_desk.py): the figures the district
publishes, computed from the data (cases/quanxinyuan/counts.py, words and formulas in
count_defs.py and on /kpi#definitions), per cell for the wall's map mode, and the wall's
panel. No answer carries a name or a phone."""

from __future__ import annotations

from cases.quanxinyuan.counts import CELL_COUNTS, LEVELS
from dashboard.openapi.common import (
    SIGNED_IN,
    Paths,
    Schema,
    obj,
    operation,
    query_param,
)

TAGS = ("qxy counts",)
FIGURES: Schema = {"type": "object", "additionalProperties": {"type": "integer"}}


def paths() -> Paths:
    return {
        "/api/qxy/counts": {
            "get": operation(
                "The platform's counts by district, street or community, for a period",
                {
                    200: (
                        "The counts",
                        obj(
                            {
                                "period": {"type": "object"},
                                "by": {"type": "string", "enum": list(LEVELS)},
                                "rows": {"type": "array", "items": {"type": "object"}},
                                "names": {"type": "object"},
                            },
                            ("period", "by", "rows", "names"),
                        ),
                    )
                },
                errors=(400, 401, 403, 422),
                security=SIGNED_IN,
                parameters=[
                    query_param("by", {"type": "string", "enum": list(LEVELS)}),
                    query_param(
                        "period",
                        {"type": "string"},
                        "month (default), all, 30d, YYYY-MM, or a..b (dates)",
                    ),
                    query_param("lang", {"type": "string", "enum": ["zh", "en"]}),
                ],
                description="The center's roles read every row; a community's liaison gets "
                "its own community's row only, whatever `by` says "
                "(cases.quanxinyuan.access.may_read_counts, counts_scope); 400 on a `by` "
                "that is not a level or a query with a NUL.",
                tags=TAGS,
            )
        },
        "/api/qxy/cells": {
            "get": operation(
                "Open platform items per cell, for the wall's 泉心愿 map mode",
                {
                    200: (
                        "Per cell",
                        obj(
                            {
                                "fields": {
                                    "type": "array",
                                    "items": {"type": "string", "enum": list(CELL_COUNTS)},
                                },
                                "cells": {"type": "object"},
                            },
                            ("fields", "cells"),
                        ),
                    )
                },
                errors=(400, 401, 403),
                security=SIGNED_IN,
                description="The center's roles only (access.may_see_platform_map).",
                tags=TAGS,
            )
        },
        "/api/qxy/panel": {
            "get": operation(
                "The wall's 泉心愿 panel: this month's figures and the calls filling up",
                {200: ("The panel's figures", FIGURES | {"additionalProperties": True})},
                errors=(400, 401, 403),
                security=SIGNED_IN,
                description="The center's roles only (access.may_see_platform_map).",
                tags=TAGS,
            )
        },
    }
