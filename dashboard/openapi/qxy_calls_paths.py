"""微志愿's routes (dashboard/quanxinyuan/call_desk.py): a community's calls and teams, and
the public's sign-ups. Who may do which is ``cases.quanxinyuan.access``'s; the public's
routes need the phone sign-in's session (POST /api/qxy/public/verify), not a staff one."""

from __future__ import annotations

from dashboard.openapi.common import (
    PUBLIC,
    SIGNED_IN,
    Paths,
    Schema,
    nullable,
    obj,
    operation,
    path_param,
    query_param,
)

TAGS = ("qxy calls",)
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
PHONE_SESSION = (
    "A member of the public signed in by phone (the session POST /api/qxy/public/verify sets)."
)


def call_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "community": STRING,
            "cell": nullable(STRING),
            "task": STRING,
            "text": STRING,
            "place": STRING,
            "lon": nullable({"type": "number"}),
            "lat": nullable({"type": "number"}),
            "starts_at": STRING,
            "ends_at": STRING,
            "wanted": {"type": "integer", "minimum": 1, "maximum": 500},
            "signed": INTEGER,
            "reported": INTEGER,
            "state": {"type": "string", "enum": ["open", "full", "done", "cancelled"]},
            "team": nullable(STRING),
            "published_at": STRING,
            "version": INTEGER,
        },
        (
            "id",
            "community",
            "task",
            "starts_at",
            "ends_at",
            "wanted",
            "signed",
            "reported",
            "state",
        ),
    )


def signup_schema() -> Schema:
    return obj(
        {
            "id": INTEGER,
            "call": INTEGER,
            "state": {"type": "string", "enum": ["signed", "checked_in", "reported", "withdrawn"]},
            "signed_at": nullable(STRING),
            "checked_in_at": nullable(STRING),
            "reported_at": nullable(STRING),
            "report": STRING,
        },
        ("id", "call", "state"),
    )


def _list(name: str, item: Schema) -> Schema:
    return obj({name: {"type": "array", "items": item}}, (name,))


def paths() -> Paths:
    call_id = [path_param("call_id", INTEGER, "the call")]
    reason = obj({"reason": STRING})

    def public_step(summary: str, body: Schema | None = None, status: int = 200) -> dict:
        return {
            "post": operation(
                summary,
                {status: ("The sign-up now", signup_schema())},
                errors=(401, 403, 409, 422),
                security=PUBLIC,
                parameters=call_id,
                body=body,
                description=PHONE_SESSION,
                tags=TAGS,
            )
        }

    return {
        "/api/qxy/calls": {
            "get": operation(
                "A community's calls with their sign-ups (names, phones); the center's: "
                "every call, counts only",
                {200: ("The calls", _list("calls", call_schema()))},
                errors=(401, 403),
                security=SIGNED_IN,
                tags=TAGS,
            ),
            "post": operation(
                "The community publishes a call",
                {201: ("The call", call_schema())},
                errors=(400, 401, 403, 422),
                security=SIGNED_IN,
                body=obj(
                    {
                        "task": STRING,
                        "text": STRING,
                        "place": STRING,
                        "starts_at": {"type": "string", "description": "ISO 8601 with offset"},
                        "ends_at": {"type": "string", "description": "ISO 8601 with offset"},
                        "wanted": {"type": "integer", "minimum": 1, "maximum": 500},
                        "cell": nullable(STRING),
                        "lon": nullable({"type": "number"}),
                        "lat": nullable({"type": "number"}),
                        "team": nullable(STRING),
                    },
                    ("task", "starts_at", "ends_at", "wanted"),
                ),
                tags=TAGS,
            ),
        },
        "/api/qxy/calls/{call_id}/close": {
            "post": operation(
                "The organising community closes the call (done)",
                {200: ("The call", call_schema())},
                errors=(401, 403, 409),
                security=SIGNED_IN,
                parameters=call_id,
                body=reason,
                tags=TAGS,
            )
        },
        "/api/qxy/calls/{call_id}/cancel": {
            "post": operation(
                "The organising community cancels the call (a reason is required)",
                {200: ("The call", call_schema())},
                errors=(401, 403, 409, 422),
                security=SIGNED_IN,
                parameters=call_id,
                body=reason,
                tags=TAGS,
            )
        },
        "/api/qxy/volunteers": {
            "get": operation(
                "The community's volunteers, with names and phones (the community only)",
                {200: ("The volunteers", _list("volunteers", obj({"id": INTEGER})))},
                errors=(401, 403),
                security=SIGNED_IN,
                tags=TAGS,
            )
        },
        "/api/qxy/teams": {
            "get": operation(
                "Volunteer teams (a community's own, or ?community= for the public)",
                {200: ("The teams", _list("teams", obj({"id": STRING, "name": STRING})))},
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=[query_param("community", STRING, "a community's 12-digit code")],
                tags=TAGS,
            )
        },
        "/api/qxy/teams/import": {
            "post": operation(
                "Import teams from a CSV or .xlsx file, whole or not at all (400: every bad "
                "row with its number and why)",
                {200: ("How many", obj({"teams": INTEGER}, ("teams",)))},
                errors=(400, 401, 403, 413),
                security=SIGNED_IN,
                body=obj({"file": {"type": "string", "format": "binary"}}, ("file",)),
                body_mimetype="multipart/form-data",
                tags=TAGS,
            )
        },
        "/api/qxy/volunteer": {
            "post": operation(
                "A signed-in member of the public becomes a volunteer of a community (and a team)",
                {200: ("Their own record", obj({"volunteer": {"type": "boolean"}}))},
                errors=(401, 404, 422),
                security=PUBLIC,
                body=obj({"community": STRING, "team": nullable(STRING), "name": STRING}),
                description=PHONE_SESSION,
                tags=TAGS,
            )
        },
        "/api/qxy/calls/open": {
            "get": operation(
                "The district's open calls as counts, each with the reader's own sign-up",
                {200: ("The calls", _list("calls", call_schema()))},
                errors=(401,),
                security=PUBLIC,
                description=PHONE_SESSION,
                tags=TAGS,
            )
        },
        "/api/qxy/calls/mine": {
            "get": operation(
                "The reader's own sign-ups, with their calls",
                {200: ("The sign-ups", _list("signups", signup_schema()))},
                errors=(401,),
                security=PUBLIC,
                description=PHONE_SESSION,
                tags=TAGS,
            )
        },
        "/api/qxy/calls/{call_id}/signup": public_step(
            "Sign up (409 full: every place is taken)", status=201
        ),
        "/api/qxy/calls/{call_id}/withdraw": public_step("Withdraw: the place is free again"),
        "/api/qxy/calls/{call_id}/checkin": public_step(
            "Check in, from an hour before the start to the end"
        ),
        "/api/qxy/calls/{call_id}/report": public_step(
            "Report what was done (text, up to 2 photos as base64)",
            body=obj(
                {"text": STRING, "photos": {"type": "array", "items": STRING, "maxItems": 2}},
                ("text",),
            ),
        ),
    }
