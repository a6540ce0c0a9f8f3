"""The desks' reads and bulk actions (the ``desk_api`` blueprint, dashboard/desk_api.py)."""

from __future__ import annotations

from typing import Any

from cases.lists import MAX_PAGE, SORTS
from cases.model import Status
from cases.sla import RISK_LEVELS
from cases.workflow import ACTIONS
from dashboard.desk_api import MAX_BATCH, MAX_REASON
from dashboard.openapi.cases_paths import action_body
from dashboard.openapi.common import SIGNED_IN, Paths, Schema, obj, operation, path_param
from dashboard.openapi.common import query_param as q

TEXT, INT = {"type": "string"}, {"type": "integer"}
LANG = q("lang", {"type": "string", "enum": ["zh", "en"]}, "labels in Chinese (default) or English")
CASE_ID = path_param("case_id", {"type": "integer", "minimum": 0})


def _row() -> Schema:
    """A case as a desk's row (dashboard/case_rows.py case_row)."""
    return {
        "type": "object",
        "required": ["id", "version", "status", "department", "cell", "deadline", "risk"],
        "properties": {
            "id": INT,
            "version": INT,
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "status_label": TEXT,
            "category": TEXT,
            "category_name": TEXT,
            "suggested_department": TEXT,
            "department": TEXT,
            "department_name": TEXT,
            "priority": TEXT,
            "cell": TEXT,
            "cell_name": TEXT,
            "community_name": TEXT,
            "street_name": TEXT,
            "place": TEXT,
            "description": TEXT,
            "deadline": TEXT,
            "risk": {"type": "string", "enum": list(RISK_LEVELS)},
            "risk_at": {"type": "array", "items": {"type": ["integer", "null"]}},
        },
    }


def _page() -> Schema:
    return obj(
        {
            "cases": {"type": "array", "items": _row()},
            "total": {"type": "integer", "description": "counted up to 10,001"},
            "capped": {"type": "boolean"},
            "offset": INT,
            "limit": INT,
        },
        ("cases", "total", "offset", "limit"),
    )


def _list_params() -> list[Schema]:
    codes = "comma-separated codes"
    return [
        *(q(name, TEXT, codes) for name in ("cell", "street", "community", "category")),
        q("department", TEXT, codes),
        q("status", TEXT, "comma-separated: " + ", ".join(s.value for s in Status)),
        q("risk", TEXT, "comma-separated: " + ", ".join(RISK_LEVELS)),
        q("open", {"type": "string", "enum": ["0", "1"]}, "1 (default): open cases only"),
        q("sort", {"type": "string", "enum": list(SORTS)}),
        q("order", {"type": "string", "enum": ["asc", "desc"]}),
        q("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}),
        q("offset", {"type": "integer", "minimum": 0}),
        LANG,
    ]


def _bulk_body() -> Schema:
    body = action_body()
    props: dict[str, Any] = dict(body["properties"])
    props.pop("expected_version")
    props["reason"] = {"type": "string", "maxLength": MAX_REASON, "default": ""}
    item = obj({"id": INT, "expected_version": INT}, ("id", "expected_version"))
    props["cases"] = {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_BATCH}
    return obj(props, ("cases",))


def paths() -> Paths:
    result = obj(
        {
            "id": INT,
            "ok": {"type": "boolean"},
            "seq": INT,
            "case": _row(),
            "error": TEXT,
            "message": TEXT,
            "changed_by": TEXT,
            "changed_at": TEXT,
            "current_status": TEXT,
        },
        ("id", "ok"),
    )
    return {
        "/api/cases": {
            "get": operation(
                "A page of the cases in one's view, filtered and sorted",
                {200: ("The page", _page())},
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=_list_params(),
                tags=("desks",),
            )
        },
        "/api/queue": {
            "get": operation(
                "The operators' queue: reports to file, cases to dispatch, longest waiting first",
                {200: ("The page", _page())},
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=[q("limit", INT), q("offset", INT), LANG],
                tags=("desks",),
            )
        },
        "/api/cases/{case_id}/sheet": {
            "get": operation(
                "The case view: the case, its place, its clock and the actions one may take",
                {200: ("The sheet", {"type": "object"})},
                errors=(401, 403),
                security=SIGNED_IN,
                parameters=[CASE_ID, LANG],
                tags=("desks",),
            )
        },
        "/api/cases/{case_id}/timeline": {
            "get": operation(
                "The case's audited timeline: who, when, from, to, why",
                {200: ("The events", obj({"case": INT, "events": {"type": "array"}}))},
                errors=(401, 403),
                security=SIGNED_IN,
                parameters=[CASE_ID, LANG],
                tags=("desks",),
            )
        },
        "/api/cases/{case_id}/duplicates": {
            "get": operation(
                "Earlier reports this one may repeat (same category, same or adjacent cell, 48 h)",
                {200: ("The cases", obj({"case": INT, "duplicates": {"type": "array"}}))},
                errors=(401, 403),
                security=SIGNED_IN,
                parameters=[CASE_ID, LANG],
                tags=("desks",),
            )
        },
        "/api/cases/actions/{name}": {
            "post": operation(
                "One action on many cases (each with the version seen; each answered)",
                {
                    200: (
                        "Each case's result",
                        obj(
                            {
                                "action": TEXT,
                                "done": INT,
                                "results": {"type": "array", "items": result},
                            },
                            ("action", "done", "results"),
                        ),
                    )
                },
                errors=(400, 401, 403, 413),
                security=SIGNED_IN,
                parameters=[path_param("name", {"type": "string", "enum": [*ACTIONS]}), LANG],
                body=_bulk_body(),
                tags=("desks",),
            )
        },
    }
