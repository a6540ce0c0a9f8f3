"""泉心愿's public sign-in (dashboard/quanxinyuan/public_auth.py: a phone verified by a
one-time code, no staff account) and its photos (dashboard/quanxinyuan/photos_api.py).

The public session rides in the same signed cookie as the staff's (``session``) under its
own key; it opens only the public routes, never a staff one. Every POST under
``/api/qxy/public/`` carries the CSRF token (``X-CSRFToken``) even before sign-in: 403
``csrf`` without it."""

from __future__ import annotations

from typing import Any

from cases.photos import EXTENSIONS
from cases.quanxinyuan.residents import NAME_CHARS
from dashboard.openapi.common import (
    PUBLIC,
    Paths,
    Schema,
    json_content,
    nullable,
    obj,
    operation,
    path_param,
    ref,
)
from dashboard.openapi.qxy_calls_paths import PHONE_SESSION
from dashboard.quanxinyuan.public_auth import CODE_LIMIT, VERIFY_LIMIT

TAGS = ("qxy public",)
STRING: Schema = {"type": "string"}
PHONE: Schema = {
    "type": "string",
    "pattern": "^1[0-9]{10}$",
    "description": "a mobile number: 11 digits starting with 1",
}
CSRF = "POSTs carry the CSRF token (header X-CSRFToken); 403 `csrf` without it."


def me_schema() -> Schema:
    """Their own record as they see it (dashboard.quanxinyuan.public_auth.me_json)."""
    return obj(
        {
            "id": {"type": "integer"},
            "name": STRING,
            "phone": {"type": "string", "description": "masked: 138****1234"},
            "community": nullable({"type": "string", "description": "12-digit community code"}),
            "volunteer": {"type": "boolean"},
            "team": nullable(STRING),
        },
        ("id", "name", "phone", "community", "volunteer", "team"),
    )


def photo_response() -> dict[str, Any]:
    return {
        "description": "The image, as re-encoded on upload (upright, no metadata)",
        "headers": {
            "Cache-Control": {
                "required": True,
                "schema": {"type": "string", "const": "private, no-store"},
            }
        },
        "content": {
            mime: {"schema": {"type": "string", "format": "binary"}} for mime in EXTENSIONS
        },
    }


def paths() -> Paths:
    signed_out = "No public session (error `signed_out`): sign in with your phone."
    return {
        "/api/qxy/public/code": {
            "post": operation(
                "Send a one-time code to a phone by SMS",
                {
                    202: (
                        "Sent",
                        obj(
                            {
                                "sent": {"type": "boolean", "const": True},
                                "phone": {"type": "string", "description": "masked"},
                            },
                            ("sent", "phone"),
                        ),
                    )
                },
                errors=(400, 403, 422, 429),
                security=PUBLIC,
                body=obj({"phone": PHONE}, ("phone",)),
                description="Anyone. 429 `too_soon` (a code less than a minute ago) or "
                "`too_many` (five this hour) per phone; also at most "
                f"{CODE_LIMIT} per address. 422 `phone`: not a mobile number. " + CSRF,
                tags=TAGS,
            )
        },
        "/api/qxy/public/verify": {
            "post": operation(
                "Sign in with the code: the public session starts (the person is made on "
                "their first sign-in)",
                {200: ("Their own record", me_schema())},
                errors=(400, 403, 422, 429),
                security=PUBLIC,
                body=obj(
                    {
                        "phone": PHONE,
                        "code": STRING,
                        "name": {"type": "string", "maxLength": NAME_CHARS},
                        "consent": {
                            "type": "boolean",
                            "description": "must be true: they agree to the platform "
                            "keeping their phone number",
                        },
                    },
                    ("phone", "code", "consent"),
                ),
                description="Anyone. 400 `wrong_code` (with the tries left) or `no_code`; "
                "429 `tries` after too many wrong tries, or past "
                f"{VERIFY_LIMIT} per address; 422 `consent` or `name`. " + CSRF,
                tags=TAGS,
            )
        },
        "/api/qxy/public/signout": {
            "post": operation(
                "End the public session (signed in or not)",
                {
                    200: (
                        "Ended",
                        obj({"signed_out": {"type": "boolean", "const": True}}, ("signed_out",)),
                    )
                },
                errors=(403,),
                security=PUBLIC,
                description=CSRF,
                tags=TAGS,
            )
        },
        "/api/qxy/public/me": {
            "get": operation(
                "Their own record",
                {200: ("Their own record", me_schema()), 401: _error(signed_out)},
                security=PUBLIC,
                description=PHONE_SESSION,
                tags=TAGS,
            ),
            "post": operation(
                "Change their own name, community or volunteering (the fields sent only)",
                {200: ("Their own record", me_schema()), 401: _error(signed_out)},
                errors=(400, 403, 422),
                security=PUBLIC,
                body=obj(
                    {
                        "name": {"type": "string", "maxLength": NAME_CHARS},
                        "community": {"type": "string", "description": "12-digit code"},
                        "volunteer": {"type": "boolean"},
                    }
                ),
                description=PHONE_SESSION + " 422 `community`: no such community. " + CSRF,
                tags=TAGS,
            ),
        },
        "/api/qxy/photos/{photo_id}": {
            "get": operation(
                "A photo of a wish, a problem or a volunteer's report, to whoever may see it",
                {200: photo_response(), 410: _error("The photo's file is missing (`gone`).")},
                security=PUBLIC,
                parameters=[path_param("photo_id", {"type": "integer"})],
                description="Whoever asks: a staff session or key, or the public's phone "
                "session (never 401: an unknown viewer sees no photo). Each "
                "area asks cases.quanxinyuan.access: a wish's photos "
                "`may_see_wish_photos` (its community, the center, a unit that sees it; not "
                "its resident), a problem's `may_read_problem` (its community, the center, "
                "who uploaded it), a sign-up's report `may_see_signup_photo` (the "
                "organising community and the volunteer). Anyone else, or without a "
                "session, gets 404 `not_found`, as for a photo that does not exist.",
                tags=TAGS,
            )
        },
    }


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": json_content(ref("Error"))}
