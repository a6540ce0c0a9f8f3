"""The people on the grid (dashboard/people_api.py, dashboard/admin_people_api.py): the
roster read by every viewer, phones by the access policy; kept by admins."""

from __future__ import annotations

from cases.people import KINDS, PARTS
from cases.people_file import COLUMNS, FILE_KINDS
from dashboard.openapi.common import (
    SIGNED_IN,
    Paths,
    Schema,
    obj,
    operation,
    path_param,
    query_param,
)

NAMES: Schema = obj({"zh": {"type": "string"}, "en": {"type": "string"}}, ("zh", "en"))
PERSON: Schema = obj(
    {
        "id": {"type": "string"},
        "name": {"type": "string", "description": "text, never markup"},
        "kind": {"type": "string", "enum": list(KINDS)},
        "kind_name": NAMES,
        "unit": {"type": "string"},
        "synthetic": {"type": "boolean", "description": "made up for the synthetic grid"},
        "active": {"type": "boolean"},
        "phone": {
            "type": "string",
            "description": "only for operators, leads and admins, and the person themself",
        },
        "username": {"type": ["string", "null"], "description": "the linked account (admins)"},
        "part": {"type": "string", "enum": list(PARTS), "description": "in a team"},
        "part_name": NAMES,
        "on_duty": {"type": "boolean", "description": "on a duty shift now"},
    },
    ("id", "name", "kind", "kind_name", "unit", "synthetic", "active"),
)
TEAM: Schema = obj(
    {
        "cell_code": {"type": "string"},
        "branch": {"type": "string", "description": "the grid party branch (网格党支部)"},
        "at": {"type": "string", "format": "date-time"},
        "members": {"type": "array", "items": PERSON, "description": "secretary first"},
        "on_duty": {"type": "integer", "description": "members on duty now"},
    },
    ("cell_code", "branch", "at", "members", "on_duty"),
)
READ = {"security": SIGNED_IN, "tags": ("people",)}
ADMIN = {"security": SIGNED_IN, "tags": ("admin", "people")}
REFUSED = (
    " A refused file or body answers 400 `invalid_roster` with `problems` "
    "[{row, message, message_zh}] (every bad row) and nothing is written."
)
FORMAT = "; ".join(f"{kind}: {','.join(cols)}" for kind, cols in COLUMNS.items())


def paths() -> Paths:
    return {
        "/api/people": {
            "get": operation(
                "The people on the grid (a cell's team with `cell`)",
                {
                    200: (
                        "People",
                        obj(
                            {
                                "at": {"type": "string", "format": "date-time"},
                                "people": {"type": "array", "items": PERSON},
                            },
                            ("at", "people"),
                        ),
                    )
                },
                parameters=[
                    query_param("kind", {"type": "string", "enum": list(KINDS)}),
                    query_param("cell", {"type": "string"}, "a cell's code: its team only"),
                ],
                errors=(400, 401, 403),
                **READ,  # type: ignore[arg-type]
            )
        },
        "/api/teams/{cell}": {
            "get": operation(
                "A cell's 1+6 team, with who is on duty now",
                {200: ("The team (no members: none set)", TEAM)},
                parameters=[path_param("cell", {"type": "string"})],
                errors=(401, 403),
                **READ,  # type: ignore[arg-type]
            )
        },
        "/api/admin/people/import": {
            "post": operation(
                "Import people, teams or duty shifts from a CSV or Excel file, all or nothing",
                {
                    200: (
                        "Imported",
                        obj(
                            {
                                "kind": {"type": "string", "enum": list(FILE_KINDS)},
                                "rows": {"type": "integer"},
                                "people": {"type": "integer"},
                                "teams": {"type": "integer"},
                                "shifts": {"type": "integer", "description": "new shifts"},
                            },
                            ("kind", "rows", "people", "teams", "shifts"),
                        ),
                    )
                },
                body={"type": "string", "format": "binary"},
                body_mimetype="application/octet-stream",
                description=f"The file as the body (or the form field `file`). Columns: "
                f"{FORMAT} (README: people and teams).{REFUSED}",
                parameters=[query_param("kind", {"type": "string", "enum": list(FILE_KINDS)})],
                errors=(400, 401, 403, 413),
                **ADMIN,  # type: ignore[arg-type]
            )
        },
        "/api/admin/people/{person_id}": {
            "put": operation(
                "Add or change a person (active false: off the grid)",
                {200: ("Saved", PERSON)},
                body=obj(
                    {
                        "name": {"type": "string"},
                        "kind": {"type": "string"},
                        "phone": {"type": "string"},
                        "unit": {"type": "string"},
                        "username": {"type": "string", "description": "an account; empty: none"},
                        "active": {"type": "boolean"},
                    },
                    ("name", "kind"),
                ),
                parameters=[path_param("person_id", {"type": "string"})],
                description=REFUSED.strip(),
                errors=(400, 401, 403),
                **ADMIN,  # type: ignore[arg-type]
            )
        },
        "/api/admin/teams/{cell}": {
            "put": operation(
                "Set a cell's team (exactly these members)",
                {200: ("The team now", TEAM)},
                body=obj(
                    {
                        "branch": {"type": "string"},
                        "members": {
                            "type": "array",
                            "maxItems": 50,
                            "items": obj(
                                {
                                    "person_id": {"type": "string"},
                                    "part": {"type": "string", "enum": list(PARTS)},
                                },
                                ("person_id", "part"),
                            ),
                        },
                    },
                    ("members",),
                ),
                parameters=[path_param("cell", {"type": "string"})],
                description=REFUSED.strip(),
                errors=(400, 401, 403),
                **ADMIN,  # type: ignore[arg-type]
            )
        },
        "/api/admin/shifts": {
            "post": operation(
                "Add duty shifts (local times; a shift already there is not doubled)",
                {200: ("Added", obj({"added": {"type": "integer"}}, ("added",)))},
                body=obj(
                    {
                        "shifts": {
                            "type": "array",
                            "items": obj(
                                {
                                    "person_id": {"type": "string"},
                                    "starts": {"type": "string", "example": "2027-01-04 08:00"},
                                    "ends": {"type": "string", "example": "2027-01-04 18:00"},
                                },
                                ("person_id", "starts", "ends"),
                            ),
                        }
                    },
                    ("shifts",),
                ),
                description=REFUSED.strip(),
                errors=(400, 401, 403),
                **ADMIN,  # type: ignore[arg-type]
            )
        },
    }
