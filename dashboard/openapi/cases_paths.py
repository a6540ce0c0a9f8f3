"""Case work (the ``cases_api`` blueprint, dashboard/cases_api.py): lifecycle actions and
case detail; its KPI and catalog routes are in kpi_catalog_paths.py. The actions, their
parameters and who may take them are read from the workflow's table (cases/workflow.py),
never written out a second time."""

from __future__ import annotations

from typing import Any

from cases.catalog import PRIORITIES
from cases.effects import Param
from cases.workflow import ACTIONS, MAX_EXTENSION_HOURS, PARAM_NAMES, Role
from dashboard.openapi.common import (
    SIGNED_IN,
    Paths,
    Schema,
    obj,
    operation,
    path_param,
    ref,
)
from dashboard.openapi.read_paths import STATUS

MAX_REASON = 500  # dashboard/cases_api.py checks it


def param_schema(param: Param) -> Schema:
    """A workflow parameter as JSON Schema: how ``Param.parse`` checks it."""
    if param.kind == "hours":
        number = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_EXTENSION_HOURS}
        return {"oneOf": [number, {"type": "string", "description": "hours as a number"}]}
    if param.kind == "department":
        return {"type": "string", "description": "a department code of GET /api/catalog"}
    if param.kind == "case":
        return {"type": "integer", "minimum": 1, "description": "an earlier case's number"}
    if param.kind == "number":
        low, high = param.bounds
        return {"type": "number", "minimum": low, "maximum": high}
    return {"type": "string", "enum": list(param.choices)}


def action_params() -> dict[str, Param]:
    found: dict[str, Param] = {}
    for act in ACTIONS.values():
        for param in act.params:
            found.setdefault(param.name, param)
    assert set(found) == PARAM_NAMES
    return found


def action_table() -> str:
    """The table as Markdown, for the operation's description."""
    rows = ["| action | from | to | roles | reason | parameters |", "|---|---|---|---|---|---|"]
    for act in ACTIONS.values():
        roles = ", ".join(sorted(r.value for r in act.roles if r is not Role.SYSTEM))
        params = ", ".join(p.name + ("" if p.required else "?") for p in act.params) or "–"
        target = act.target.value if act.target else "(stays)"
        sources = ", ".join(sorted(s.value for s in act.sources))
        reason = "required" if act.needs_reason else "optional"
        rows.append(
            f"| {act.name} {act.label_zh} | {sources} | {target} | {roles} | {reason} | {params} |"
        )
    return "\n".join(rows)


def action_body() -> Schema:
    properties: dict[str, Any] = {
        "expected_version": {
            "type": "integer",
            "description": "the case version you saw; another version is a 409 conflict",
        },
        "reason": {"type": "string", "maxLength": MAX_REASON, "default": ""},
    }
    for name, param in sorted(action_params().items()):
        properties[name] = {**param_schema(param), "description": param.label_zh}
    return obj(properties, ("expected_version",))


def case_schema() -> Schema:
    text, number, integer = {"type": "string"}, {"type": "number"}, {"type": "integer"}
    maybe_time = {"type": ["string", "null"]}
    properties: dict[str, Schema] = {
        "id": integer,
        "source": text,
        "external_id": {"type": ["string", "null"]},
        "category_code": text,
        "description": text,
        "lon": number,
        "lat": number,
        "cell_code": text,
        "place": text,
        "department": text,
        "status": STATUS,
        "created_at": text,
        "updated_at": text,
        "deadline": text,
        "closed_at": maybe_time,
        "version": integer,
        "priority": {"type": "string", "enum": list(PRIORITIES)},
        "watch_at": maybe_time,
        "at_risk_at": maybe_time,
        "allowed_hours": number,
        "working_hours": {"type": "boolean"},
        "accepted_at": maybe_time,
        "handled_at": maybe_time,
        "dispatch_count": integer,
        "return_count": integer,
        "rework_count": integer,
        "extension_count": integer,
        "rating": {"type": ["string", "null"]},
        "reporter": text,
        "fingerprint": text,
    }
    return obj(properties, ("id", "status", "version", "department", "cell_code"))


def paths() -> Paths:
    case_id = path_param("case_id", {"type": "integer", "minimum": 0})
    return {
        "/api/cases/{case_id}/actions/{name}": {
            "post": operation(
                "Take a lifecycle action on a case",
                {
                    200: (
                        "Done: the event's sequence number and the case after it",
                        obj({"seq": {"type": "integer"}, "case": ref("Case")}, ("seq", "case")),
                    )
                },
                errors=(400, 401, 403, 409, 413),
                security=SIGNED_IN,
                parameters=[case_id, path_param("name", {"type": "string", "enum": [*ACTIONS]})],
                body=action_body(),
                description="The workflow's table (a parameter with ? may be left out):\n\n"
                + action_table(),
                tags=("cases",),
            )
        },
        "/api/cases/{case_id}": {
            "get": operation(
                "One case, with its SLA risk now",
                {
                    200: (
                        "The case",
                        obj(
                            {
                                "case": ref("Case"),
                                "risk": {
                                    "type": "string",
                                    "enum": ["ok", "watch", "at_risk", "overdue"],
                                },
                            },
                            ("case", "risk"),
                        ),
                    )
                },
                errors=(401, 403),
                security=SIGNED_IN,
                parameters=[case_id],
                tags=("cases",),
            )
        },
    }
