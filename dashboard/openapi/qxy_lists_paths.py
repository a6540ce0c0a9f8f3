"""三张清单's routes (dashboard/quanxinyuan/lists_desk.py): a community's needs, the 双报到
units' resources, the projects that join one with the other, and a need's suggested
matches. Every route is for the platform's staff (``access.may_read_platform``: a
community, a unit or the center; 401 ``unauthenticated`` without an identity, 403
``forbidden`` for another role); each item then asks its own rule of
``cases.quanxinyuan.access`` (an item the reader may not see is 404). A unit's contact is
never sent here. POSTs with a session carry the CSRF token (403 ``csrf``)."""

from __future__ import annotations

from typing import Any

from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.lists_items import AMOUNT_MAX, NOTE_CHARS, TEXT_CHARS, TITLE_CHARS
from cases.quanxinyuan.matching import LIMIT as SUGGESTIONS
from dashboard.openapi.common import (
    SIGNED_IN,
    Paths,
    Schema,
    nullable,
    obj,
    operation,
    path_param,
    query_param,
)
from dashboard.quanxinyuan.lists_desk import LIST_LIMIT

TAGS = ("qxy lists",)
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
CATEGORY: Schema = {"type": "string", "enum": list(CATEGORIES)}
AMOUNT: Schema = {"type": "integer", "minimum": 1, "maximum": AMOUNT_MAX}
WHERE: dict[str, Schema] = {
    "community_code": STRING,
    "community": {**STRING, "description": "the community's name"},
    "street": {**STRING, "description": "the street's name"},
}


def need_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            **WHERE,
            "cell_code": nullable(STRING),
            "category": CATEGORY,
            "title": STRING,
            "text": STRING,
            "quantity": INTEGER,
            "state": {"type": "string", "enum": ["open", "matched", "done", "withdrawn"]},
            "created_at": STRING,
            "version": INTEGER,
        },
        ("id", "community_code", "category", "title", "quantity", "state", "version"),
    )


def resource_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "unit_id": STRING,
            "unit": {**STRING, "description": "the unit's name (never its contact)"},
            "unit_level": STRING,
            **WHERE,
            "category": CATEGORY,
            "title": STRING,
            "text": STRING,
            "capacity": INTEGER,
            "committed": INTEGER,
            "remaining": INTEGER,
            "state": {"type": "string", "enum": ["available", "committed", "withdrawn"]},
            "created_at": STRING,
        },
        ("id", "unit_id", "unit", "category", "title", "capacity", "remaining", "state"),
    )


def project_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "need_id": INTEGER,
            "resource_id": INTEGER,
            **WHERE,
            "unit_id": STRING,
            "unit": {**STRING, "description": "the unit's name (never its contact)"},
            "title": STRING,
            "quantity": INTEGER,
            "state": {"type": "string", "enum": ["active", "done"]},
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "why": {"type": "object", "description": "the accepted suggestion's reasons"},
            "last_note": STRING,
            "created_at": STRING,
            "done_at": nullable(STRING),
            "need": nullable(need_schema()),
        },
        ("id", "need_id", "resource_id", "unit_id", "title", "state", "progress"),
    )


def suggestion_schema() -> Schema:
    reason = obj(
        {"code": STRING, "points": INTEGER, "values": {"type": "object"}},
        ("code", "points"),
    )
    return obj(
        {
            "resource_id": INTEGER,
            "unit_id": STRING,
            "score": INTEGER,
            "take": {**INTEGER, "description": "min(the need's quantity, what is left)"},
            "partial": {"type": "boolean"},
            "reasons": {"type": "array", "items": reason},
            "resource": resource_schema(),
        },
        ("resource_id", "unit_id", "score", "take", "partial", "reasons", "resource"),
    )


def _list(name: str, item: Schema) -> Schema:
    return obj({name: {"type": "array", "items": item, "maxItems": LIST_LIMIT}}, (name,))


def _op(summary: str, ok: dict[int, Any], description: str, **kw: Any) -> dict[str, Any]:
    errors = tuple(sorted({401, 403, *kw.pop("errors", ())}))
    return operation(
        summary, ok, errors=errors, security=SIGNED_IN, description=description, tags=TAGS, **kw
    )


def paths() -> Paths:
    need_id = [path_param("need_id", INTEGER, "the need")]
    resource_id = [path_param("resource_id", INTEGER, "the resource")]
    project_id = [path_param("project_id", INTEGER, "the project")]
    community = [query_param("community", STRING, "the center: one community's")]
    reason = obj({"reason": {"type": "string", "maxLength": NOTE_CHARS}})
    note = obj({"note": {"type": "string", "maxLength": NOTE_CHARS}})
    see_need = (
        "access.may_see_need: the center, the need's community, the units whose projects "
        "serve it (404 for anyone else)."
    )
    see_resource = (
        "access.may_see_resource: the center, its unit, a community while it is available "
        "or when it serves one of the community's projects (404 else)."
    )
    see_project = "access.may_see_project: the center, its community, its unit (404 else)."
    return {
        "/api/qxy/needs": {
            "get": _op(
                f"The needs the reader sees (the newest {LIST_LIMIT})",
                {200: ("The needs", _list("needs", need_schema()))},
                "A community: its own; a unit: those its projects serve; the center: all, "
                "or one community's. 400 `query`: a NUL in the query.",
                errors=(400,),
                parameters=community,
            ),
            "post": _op(
                "A community lists a need",
                {201: ("The need", need_schema())},
                "access.community_of: only a community lists its needs (403 `forbidden`). "
                "422 `bad_category`, `bad_title`, `bad_quantity`, `bad_cell` (not a cell of "
                "the community)…",
                errors=(400, 422),
                body=obj(
                    {
                        "category": CATEGORY,
                        "title": {"type": "string", "maxLength": TITLE_CHARS},
                        "text": {"type": "string", "maxLength": TEXT_CHARS},
                        "quantity": {**AMOUNT, "default": 1},
                        "cell_code": nullable(STRING),
                    },
                    ("category", "title"),
                ),
            ),
        },
        "/api/qxy/needs/{need_id}": {
            "get": _op("One need", {200: ("The need", need_schema())}, see_need, parameters=need_id)
        },
        "/api/qxy/needs/{need_id}/withdraw": {
            "post": _op(
                "The community withdraws an open need",
                {200: ("The need", need_schema())},
                see_need + " access.may_keep_need: its community (403 else). 409 "
                "`not_open`: only an open need is withdrawn.",
                errors=(400, 409, 422),
                parameters=need_id,
                body=reason,
            )
        },
        "/api/qxy/needs/{need_id}/suggestions": {
            "get": _op(
                f"The resources suggested for an open need, best first (at most "
                f"{SUGGESTIONS}; none once it is not open), each with its reasons",
                {200: ("The suggestions", _list("suggestions", suggestion_schema()))},
                "access.may_see_suggestions: the center and the need's community (404 else).",
                parameters=need_id,
            )
        },
        "/api/qxy/needs/{need_id}/accept": {
            "post": _op(
                "The community accepts a suggested resource: a project starts, the need is "
                "matched and the resource's capacity taken",
                {201: ("The project", project_schema())},
                see_need + " access.may_keep_need: its community (403 else). 409 "
                "`not_open` (served already), `not_suggested` (not a match now), "
                "`capacity_used` (taken meanwhile); 422 `bad_resource_id`.",
                errors=(400, 409, 422),
                parameters=need_id,
                body=obj({"resource_id": INTEGER}, ("resource_id",)),
            )
        },
        "/api/qxy/resources": {
            "get": _op(
                f"The resources the reader sees (the newest {LIST_LIMIT})",
                {200: ("The resources", _list("resources", resource_schema()))},
                "A unit: its own; a community: the available pool and those serving its "
                "projects; the center: all.",
            ),
            "post": _op(
                "A unit offers a resource",
                {201: ("The resource", resource_schema())},
                "access.unit_of: only a 双报到 unit offers (403 `forbidden`); 422 "
                "`no_unit` (not registered or not active), `bad_category`, `bad_title`, "
                "`bad_capacity`…",
                errors=(400, 422),
                body=obj(
                    {
                        "category": CATEGORY,
                        "title": {"type": "string", "maxLength": TITLE_CHARS},
                        "text": {"type": "string", "maxLength": TEXT_CHARS},
                        "capacity": {**AMOUNT, "default": 1},
                    },
                    ("category", "title"),
                ),
            ),
        },
        "/api/qxy/resources/{resource_id}": {
            "get": _op(
                "One resource",
                {200: ("The resource", resource_schema())},
                see_resource,
                parameters=resource_id,
            )
        },
        "/api/qxy/resources/{resource_id}/withdraw": {
            "post": _op(
                "The unit withdraws its resource (its projects go on)",
                {200: ("The resource", resource_schema())},
                see_resource + " access.may_keep_resource: its unit (403 else). 409 "
                "`withdrawn`: already.",
                errors=(400, 409, 422),
                parameters=resource_id,
                body=reason,
            )
        },
        "/api/qxy/projects": {
            "get": _op(
                f"The projects the reader sees (the newest {LIST_LIMIT}), each with its need",
                {200: ("The projects", _list("projects", project_schema()))},
                "A community: its own; a unit: its own; the center: all, or one "
                "community's. 400 `query`: a NUL in the query.",
                errors=(400,),
                parameters=community,
            )
        },
        "/api/qxy/projects/{project_id}": {
            "get": _op(
                "One project, with its need",
                {200: ("The project", project_schema())},
                see_project,
                parameters=project_id,
            )
        },
        "/api/qxy/projects/{project_id}/progress": {
            "post": _op(
                "Report a project's progress (never back; at 100 it is done, and its need)",
                {200: ("The project", project_schema())},
                see_project + " access.may_report_progress: its community or its unit "
                "(403 else). 422 `bad_progress`, `progress_back`; 409 `not_active`.",
                errors=(400, 409, 422),
                parameters=project_id,
                body=obj(
                    {
                        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                        "note": {"type": "string", "maxLength": NOTE_CHARS},
                    },
                    ("progress",),
                ),
            )
        },
        "/api/qxy/projects/{project_id}/done": {
            "post": _op(
                "The community says a project is done, whatever its progress (its need too)",
                {200: ("The project", project_schema())},
                see_project + " access.may_finish_project: its community (403 else). 409 "
                "`not_active`.",
                errors=(400, 409, 422),
                parameters=project_id,
                body=note,
            )
        },
    }
