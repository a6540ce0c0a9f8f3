"""微心愿's routes and the 双报到 units' (dashboard/quanxinyuan/wish_desk.py). Who sees which
wish, and how much of it, is ``cases.quanxinyuan.access.wish_view``'s; the steps ask the
same module (``may_publish_wish``, ``may_claim_wish``, ``runs``). Staff POSTs with a
session carry the CSRF token (403 ``csrf`` without it)."""

from __future__ import annotations

from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.photos import MAX_PHOTOS
from cases.quanxinyuan.units import LEVELS
from cases.quanxinyuan.wishes import MAX_DUE_DAYS, NAME_CHARS, NOTE_CHARS, STATES, TEXT_CHARS
from cases.quanxinyuan.wishes import TITLE_CHARS as WISH_TITLE_CHARS
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
from dashboard.quanxinyuan.wish_desk import STEPS

TAGS = ("qxy wishes",)
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
STAFF_OR_PHONE = (
    "A staff session or key, or a member of the public's phone session (the session POST "
    "/api/qxy/public/verify sets); 401 `signed_out` with neither."
)
STAFF_ONLY = (
    "Staff only (a session or key): 401 `signed_out` without one, 403 `forbidden` for a "
    "phone session."
)


def photo_schema() -> Schema:
    return obj(
        {"id": INTEGER, "url": STRING, "width": INTEGER, "height": INTEGER, "at": STRING},
        ("id", "url"),
    )


def wish_schema() -> Schema:
    """cases.quanxinyuan.wish_views.wish_json: which fields come depends on the view."""
    photos = {"type": "array", "items": photo_schema()}
    when = nullable({"type": "string", "description": "ISO 8601, local time"})
    schema = obj(
        {
            "id": INTEGER,
            "title": STRING,
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "state": {"type": "string", "enum": list(STATES)},
            "due": {"type": "string", "format": "date"},
            "community": STRING,
            "community_name": STRING,
            "street_name": STRING,
            "published_at": when,
            "fulfilled_at": when,
            "confirmed_at": when,
            "version": INTEGER,
            "text": {**STRING, "description": "not in the resident's view"},
            "cell_code": {**STRING, "description": "not in the resident's view"},
            "synthetic": {"type": "boolean"},
            "photos": {**photos, "description": "the community's photos (not the resident's)"},
            "unit_id": nullable(
                {
                    **STRING,
                    "description": "the claimant: the community, "
                    "the center and the claiming unit only",
                }
            ),
            "unit_name": STRING,
            "claimed_at": when,
            "claim_expires_at": when,
            "fulfil_note": STRING,
            "confirm_note": STRING,
            "withdraw_reason": STRING,
            "mine": {"type": "boolean", "description": "a unit's own claim"},
            "fulfil_photos": {**photos, "description": "the claimant's photos"},
            "resident_name": {**STRING, "description": "the wish's community only"},
            "resident_phone": {**STRING, "description": "the wish's community only"},
        },
        ("id", "title", "category", "state", "due", "community", "version"),
    )
    schema["description"] = (
        "As access.wish_view shows it: the community's view is whole (with the resident's "
        "name and phone); the center's, all but those; a unit's, an open wish or its own "
        "claim (no other claimant is named); the resident's, the state only."
    )
    return schema


def unit_schema() -> Schema:
    return obj(
        {
            "id": STRING,
            "name": STRING,
            "level": {"type": "string", "enum": list(LEVELS)},
            "community": STRING,
            "community_name": STRING,
            "street_name": STRING,
            "offers": {"type": "array", "items": STRING, "description": "categories"},
            "offers_text": STRING,
            "synthetic": {"type": "boolean"},
            "active": {"type": "boolean"},
            "contact_name": {**STRING, "description": "access.may_see_unit_contact only"},
            "contact_phone": {**STRING, "description": "access.may_see_unit_contact only"},
            "username": nullable({**STRING, "description": "access.may_see_unit_contact only"}),
        },
        ("id", "name", "level", "community", "offers", "active"),
    )


def _step_body() -> Schema:
    version = {
        "type": "integer",
        "description": "the version read; 409 `stale` when the wish changed since",
    }
    return obj(
        {
            "version": version,
            "note": {
                "type": "string",
                "maxLength": NOTE_CHARS,
                "description": "fulfil (optional); confirm (required: what the resident said)",
            },
            "reason": {
                "type": "string",
                "maxLength": NOTE_CHARS,
                "description": "withdraw (required); release (optional)",
            },
            "photos": {
                "type": "array",
                "items": {"type": "string", "contentEncoding": "base64"},
                "minItems": 1,
                "maxItems": MAX_PHOTOS,
                "description": "fulfil only, required: the wish fulfilled",
            },
        }
    )


STEP_RULES = """Who may take each step (cases.quanxinyuan.access):

| step | who | from → to |
|---|---|---|
| claim | a 双报到 unit (`may_claim_wish`); the wish visible to it | open → claimed (until the end of its due day) |
| fulfil | the unit that claimed it | claimed → fulfilled |
| confirm | the wish's community (`runs`) | fulfilled → confirmed |
| withdraw | the wish's community | open, claimed → withdrawn |
| release | the wish's community | claimed → open |

409: `taken` (claimed by another unit, or not open), `past_due`, `not_claimed` (the claim
ran out), `state`, `stale` (the version). 403 `forbidden`: not theirs to do. 422: a note
or reason missing or too long, no photo to fulfil. 404: an unknown step or wish, or (for the
community's steps) a wish the actor may not see; a unit claiming a wish it may not see is
told 409 `taken`."""  # noqa: E501


def paths() -> Paths:
    wish_id = path_param("wish_id", INTEGER, "the wish")
    return {
        "/api/qxy/wishes": {
            "get": operation(
                "The wishes the viewer sees, newest first, each as they may see it",
                {
                    200: (
                        "The wishes and the platform's date today",
                        obj(
                            {
                                "wishes": {"type": "array", "items": wish_schema()},
                                "today": {"type": "string", "format": "date"},
                            },
                            ("wishes", "today"),
                        ),
                    )
                },
                errors=(400, 401, 403, 422),
                security=SIGNED_IN,
                parameters=[query_param("state", {"type": "string", "enum": list(STATES)})],
                description=STAFF_OR_PHONE + " access.wish_view decides, row by row: a "
                "community its own wishes; the center all; a unit the open wishes not yet "
                "due and its own claims; the public the wishes published with their phone. "
                "403 `forbidden` for any other staff role; 422 `state`: unknown; 400 `query`: "
                "a NUL in the query.",
                tags=TAGS,
            ),
            "post": operation(
                "The community publishes a wish in one of its cells, open to claim",
                {201: ("The wish (the community's view)", wish_schema())},
                errors=(400, 401, 403, 413, 422),
                security=SIGNED_IN,
                body=obj(
                    {
                        "title": {"type": "string", "maxLength": WISH_TITLE_CHARS},
                        "text": {"type": "string", "maxLength": TEXT_CHARS},
                        "category": {"type": "string", "enum": list(CATEGORIES)},
                        "cell_code": STRING,
                        "resident_name": {"type": "string", "maxLength": NAME_CHARS},
                        "resident_phone": STRING,
                        "due": {
                            "type": "string",
                            "format": "date",
                            "description": f"today to {MAX_DUE_DAYS} days on",
                        },
                        "photos": {
                            "type": "array",
                            "items": {"type": "string", "contentEncoding": "base64"},
                            "maxItems": MAX_PHOTOS,
                        },
                    },
                    ("title", "category", "cell_code", "due"),
                ),
                description=STAFF_ONLY + " access.may_publish_wish: only the cell's own "
                "community (403 `forbidden` else). 422 `cell`, `category`, `due`, `title`, "
                "`resident_phone`, `photos`… say which field is wrong.",
                tags=TAGS,
            ),
        },
        "/api/qxy/wishes/{wish_id}": {
            "get": operation(
                "One wish as the viewer may see it (404 if not at all)",
                {200: ("The wish", wish_schema())},
                errors=(401,),
                security=SIGNED_IN,
                parameters=[wish_id],
                description=STAFF_OR_PHONE + " access.wish_view decides.",
                tags=TAGS,
            )
        },
        "/api/qxy/wishes/{wish_id}/{step}": {
            "post": operation(
                "A step of a wish: claim, fulfil, confirm, withdraw or release",
                {200: ("The wish now, as the actor sees it", wish_schema())},
                errors=(400, 401, 403, 409, 413, 422),
                security=SIGNED_IN,
                parameters=[wish_id, path_param("step", {"type": "string", "enum": list(STEPS)})],
                body=_step_body(),
                description=STAFF_ONLY + "\n\n" + STEP_RULES,
                tags=TAGS,
            )
        },
        "/api/qxy/units": {
            "get": operation(
                "The 双报到 units (a contact only to whom may see it)",
                {
                    200: (
                        "The units",
                        obj({"units": {"type": "array", "items": unit_schema()}}, ("units",)),
                    )
                },
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=[query_param("community", STRING, "the center: one community's units")],
                description=STAFF_ONLY + " A community: the units registered with it; the "
                "center: all (or ?community=); a unit: itself; anyone else 403. The contact "
                "(name, phone, account) per access.may_see_unit_contact: the unit's own "
                "community and the unit itself. 400 `query`: a NUL in the query.",
                tags=TAGS,
            )
        },
        "/api/qxy/units/{unit_id}": {
            "get": operation(
                "One unit",
                {200: ("The unit", unit_schema())},
                errors=(401, 403),
                security=SIGNED_IN,
                parameters=[path_param("unit_id", STRING, "the unit's id")],
                description=STAFF_ONLY + " access.may_read_platform (a community, a unit or "
                "the center; anyone else 404); the contact per access.may_see_unit_contact.",
                tags=TAGS,
            )
        },
    }
