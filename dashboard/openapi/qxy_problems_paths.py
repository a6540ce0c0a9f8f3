"""微治理's routes (dashboard/quanxinyuan/problem_desk.py): the public's upload of a problem
and their own problems, the community's desk (accept, solve, reject, turn into a case) and
the center's reading. Who reads and handles what is ``cases.quanxinyuan.access``'s
(``may_read_problem``, ``may_list_problems``, ``may_handle_problem``,
``may_see_problem_reporter``). POSTs with a session carry the CSRF token (403 ``csrf``)."""

from __future__ import annotations

from cases.quanxinyuan.photos import MAX_PHOTOS
from cases.quanxinyuan.problems import (
    CRS_NAMES,
    MAX_NOTE,
    MAX_TEXT,
    PROBLEM_CATEGORIES,
    STATES,
    STEPS,
)
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
from dashboard.openapi.qxy_calls_paths import PHONE_SESSION
from dashboard.openapi.qxy_wishes_paths import photo_schema
from dashboard.quanxinyuan.problem_desk import UPLOAD_LIMIT

TAGS = ("qxy problems",)
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}


def problem_schema() -> Schema:
    """cases.quanxinyuan.problem_reads.Problem.as_json, with the cell's name (``place``)."""
    schema = obj(
        {
            "id": INTEGER,
            "community": STRING,
            "cell": STRING,
            "place": {**STRING, "description": "the cell's name"},
            "category": {"type": "string", "enum": list(PROBLEM_CATEGORIES)},
            "text": STRING,
            "lon": {**NUMBER, "description": "WGS-84"},
            "lat": {**NUMBER, "description": "WGS-84"},
            "state": {"type": "string", "enum": list(STATES)},
            "case_id": nullable({**INTEGER, "description": "the case made of it (to-case)"}),
            "case_status": nullable(STRING),
            "note": {**STRING, "description": "the solve note or reject reason"},
            "reported_at": STRING,
            "solved_at": nullable(STRING),
            "version": INTEGER,
            "photos": {"type": "array", "items": photo_schema()},
            "reporter": {
                **obj({"name": STRING, "phone": STRING}, ("name", "phone")),
                "description": "who uploaded it: only to the community that handles it "
                "(access.may_see_problem_reporter)",
            },
        },
        ("id", "community", "cell", "category", "text", "state", "version", "photos"),
    )
    return schema


def _problems() -> Schema:
    return obj({"problems": {"type": "array", "items": problem_schema()}}, ("problems",))


ACTION_RULES = """Only the community of the problem's cell (access.may_handle_problem; 403
`forbidden` for anyone else who may read it, 404 for who may not):

| action | body | from → to |
|---|---|---|
| accept | `expected_version`? | new → handling |
| solve | `note`, `expected_version`? | handling → solved |
| reject | `reason`, `expected_version`? | new, handling → rejected |
| to-case | `category`? (a catalog code; default: its own) | new, handling → to_case |

to-case hands a report to the one intake (source `wish`, external id
`qxy-problem-<id>`): one case however often it is asked; the intake's refusals keep their
status. When that case closes the problem is marked solved. 409: `state` (not a state the
action starts from) or `stale` (`expected_version`). An unknown action: 404."""


def paths() -> Paths:
    problem_id = path_param("problem_id", INTEGER, "the problem")
    return {
        "/api/qxy/problems": {
            "post": operation(
                "A member of the public uploads a problem at a place (201; a resend with "
                "the same report_id: 200 and the same problem)",
                {
                    200: ("The problem already uploaded with this report_id", problem_schema()),
                    201: ("The problem", problem_schema()),
                },
                errors=(400, 401, 403, 409, 413, 422, 429),
                security=PUBLIC,
                body=obj(
                    {
                        "category": {"type": "string", "enum": list(PROBLEM_CATEGORIES)},
                        "text": {"type": "string", "maxLength": MAX_TEXT},
                        "lon": NUMBER,
                        "lat": NUMBER,
                        "crs": {"type": "string", "enum": list(CRS_NAMES), "default": "wgs84"},
                        "report_id": {
                            "type": "string",
                            "pattern": "^[A-Za-z0-9._:\\-]{1,64}$",
                            "description": "the phone's id for this upload: a resend is safe",
                        },
                        "photos": {
                            "type": "array",
                            "items": {"type": "string", "contentEncoding": "base64"},
                            "maxItems": MAX_PHOTOS,
                        },
                    },
                    ("category", "text", "lon", "lat"),
                ),
                description=PHONE_SESSION + " 401 `signed_out` without it. At most "
                f"{UPLOAD_LIMIT} per person (429). 422: `category`, `text`, `crs`, a "
                "position, `outside` (no community's cell there), `report_id`, `photos`; "
                "409 `report_id`: the id is another upload's.",
                tags=TAGS,
            ),
            "get": operation(
                "The staff's list of problems: a community's own (with who reported each), "
                "or the center's (all, without personal data)",
                {200: ("The problems", _problems())},
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=[
                    query_param(
                        "state",
                        STRING,
                        f"comma-separated, any of {', '.join(STATES)} (400 `state` else)",
                    ),
                    query_param("community", STRING, "the center: one community's problems"),
                ],
                description="Staff only: access.may_list_problems (a community or the "
                "center; 403 `forbidden` else, 401 `unauthenticated` without a staff "
                "identity). 400 `state` (unknown) or `query` (a NUL in the query).",
                tags=TAGS,
            ),
        },
        "/api/qxy/problems/mine": {
            "get": operation(
                "The reader's own problems (the newest 100), with their case's state",
                {200: ("The problems", _problems())},
                errors=(401,),
                security=PUBLIC,
                description=PHONE_SESSION + " 401 `signed_out` without it.",
                tags=TAGS,
            )
        },
        "/api/qxy/problems/{problem_id}": {
            "get": operation(
                "One problem, to whoever may read it",
                {200: ("The problem", problem_schema())},
                security=PUBLIC,
                parameters=[problem_id],
                description="A staff session or key, or a phone session. "
                "access.may_read_problem: the community of its cell, the center (without "
                "personal data), the one who uploaded it; anyone else, or nobody signed "
                "in, gets 404 (never 401: nothing is said of it).",
                tags=TAGS,
            )
        },
        "/api/qxy/problems/{problem_id}/{action}": {
            "post": operation(
                "The community handles a problem",
                {200: ("The problem now", problem_schema())},
                errors=(400, 401, 403, 409, 422),
                security=SIGNED_IN,
                parameters=[
                    problem_id,
                    path_param("action", {"type": "string", "enum": list(STEPS)}),
                ],
                body=obj(
                    {
                        "expected_version": {"type": "integer"},
                        "note": {"type": "string", "maxLength": MAX_NOTE},
                        "reason": {"type": "string", "maxLength": MAX_NOTE},
                        "category": {"type": "string", "description": "to-case only"},
                    }
                ),
                description="Staff only (401 `unauthenticated` without a staff identity). "
                + ACTION_RULES,
                tags=TAGS,
            )
        },
    }
