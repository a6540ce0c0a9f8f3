"""The working calendar (dashboard/calendar_api.py): the warning every screen may read, and
for admins its coverage and a year's schedule entered as the file's text."""

from __future__ import annotations

from cases.calendar_file import FIRST_YEAR, LAST_YEAR
from dashboard.openapi.common import SIGNED_IN, Paths, Schema, nullable, obj, operation, query_param

DAY = {"type": "string", "format": "date"}
NOTICE: Schema = nullable(
    obj(
        {
            "covered_until": DAY,
            "first_uncovered": DAY,
            "days_left": {"type": "integer", "description": "0 or less: already past it"},
            "text": {"type": "string", "description": "the warning, in the language asked"},
        },
        ("covered_until", "first_uncovered", "days_left", "text"),
    )
)
YEAR: Schema = obj(
    {
        "year": {"type": "integer"},
        "source": {"type": "string", "description": "chinesecalendar, admin or a file's name"},
        "entered_at": {"type": "string", "format": "date-time"},
        "entered_by": {"type": "string"},
        "days": {"type": "integer", "description": "days its schedule names"},
    },
    ("year", "source", "entered_at", "entered_by", "days"),
)
SCHEDULE: Schema = obj(
    {
        "year": {"type": "integer"},
        "days": {
            "type": "array",
            "items": obj(
                {"day": DAY, "working": {"type": "boolean"}, "name": {"type": "string"}},
                ("day", "working", "name"),
            ),
        },
    },
    ("year", "days"),
)
LANG = query_param("lang", {"type": "string", "enum": ["zh", "en"]}, "the warning's language")
ADMIN = {"security": SIGNED_IN, "tags": ("admin", "calendar")}
FORMAT = (
    "UTF-8 text: a `year: YYYY` line, then one `YYYY-MM-DD,rest|work,NAME` line per day "
    "that differs from Monday–Friday (a weekday of rest, a weekend day of work); `#` "
    "comments and blank lines are skipped (README: the working calendar)."
)


def paths() -> Paths:
    return {
        "/api/calendar/notice": {
            "get": operation(
                "Whether the working calendar runs out soon, and the warning to show",
                {200: ("The warning (null: none)", obj({"notice": NOTICE}, ("notice",)))},
                parameters=[LANG],
                errors=(401, 403),
                security=SIGNED_IN,
                tags=("calendar",),
            )
        },
        "/api/admin/calendar": {
            "get": operation(
                "The working calendar's coverage (and one year's named days)",
                {
                    200: (
                        "Coverage",
                        obj(
                            {
                                "years": {"type": "array", "items": YEAR},
                                "covered_until": DAY,
                                "first_uncovered": DAY,
                                "warn_days": {"type": "integer"},
                                "notice": NOTICE,
                                "schedule": nullable(SCHEDULE),
                            },
                            ("years", "covered_until", "first_uncovered", "warn_days", "notice"),
                        ),
                    )
                },
                parameters=[
                    LANG,
                    query_param(
                        "year",
                        {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
                        "also list this year's named days",
                    ),
                ],
                errors=(400, 401, 403),
                **ADMIN,  # type: ignore[arg-type]
            ),
            "post": operation(
                "Enter a year's official schedule; the open cases' deadlines are counted again",
                {
                    200: (
                        "Entered",
                        obj(
                            {
                                "year": {"type": "integer"},
                                "days": {"type": "integer"},
                                "replaced": {"type": ["string", "null"]},
                                "recomputed": {
                                    "type": "integer",
                                    "description": "open cases whose deadlines moved",
                                },
                                "notice": NOTICE,
                            },
                            ("year", "days", "replaced", "recomputed", "notice"),
                        ),
                    )
                },
                body={"type": "string", "description": FORMAT},
                body_mimetype="text/plain",
                description=FORMAT + " A refused file answers 400 with `line` and `message_zh`.",
                parameters=[LANG],
                errors=(400, 401, 403),
                **ADMIN,  # type: ignore[arg-type]
            ),
        },
    }
