"""Photos on cases (the ``photos_api`` blueprint, dashboard/photos_api.py): attach, list,
fetch. Who may do which is the access policy's (``may_see_photos``, ``may_attach_photo``)."""

from __future__ import annotations

from typing import Any

from cases.photos import EXTENSIONS
from dashboard.openapi.common import (
    SIGNED_IN,
    Paths,
    Schema,
    error_response,
    obj,
    operation,
    path_param,
    ref,
)
from dashboard.photos_api import FIELD

BINARY: Schema = {"type": "string", "format": "binary"}


def photo_schema() -> Schema:
    integer = {"type": "integer"}
    return obj(
        {
            "id": integer,
            "case_id": integer,
            "url": {"type": "string", "description": "GET it for the image"},
            "mime": {"type": "string", "enum": list(EXTENSIONS)},
            "width": integer,
            "height": integer,
            "bytes": integer,
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "uploaded_by": {"type": "string", "description": "role:name, as in the event log"},
            "uploaded_at": {"type": "string", "description": "local time, ISO 8601"},
        },
        (
            "id",
            "case_id",
            "url",
            "mime",
            "width",
            "height",
            "bytes",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        ),
    )


def image_response() -> dict[str, Any]:
    return {
        "description": "The image, as re-encoded on upload (upright, no metadata)",
        "headers": {
            "Cache-Control": {
                "required": True,
                "schema": {"type": "string", "const": "private, no-cache"},
            },
            "ETag": {"required": True, "schema": {"type": "string"}},
        },
        "content": {mime: {"schema": BINARY} for mime in EXTENSIONS},
    }


def paths() -> Paths:
    case_id = path_param("case_id", {"type": "integer", "minimum": 0})
    photo_id = path_param("photo_id", {"type": "integer", "minimum": 0})
    upload = obj(
        {FIELD: {**BINARY, "description": "a JPEG or PNG, judged by its content"}}, (FIELD,)
    )
    upload["properties"]["csrf_token"] = {
        "type": "string",
        "description": "with a session cookie, unless sent as the X-CSRFToken header",
    }
    fetch = operation(
        "A photo's image",
        {200: image_response()},
        errors=(401,),
        security=SIGNED_IN,
        parameters=[photo_id],
        description="Cache-Control: private, no-cache, with the file's SHA-256 as its ETag "
        "(If-None-Match answers 304). A photo of a case one may not see is a 404, as is "
        "one whose file this server's MEDIA_DIR lacks (error photo_missing).",
        tags=("photos",),
    )
    fetch["responses"]["304"] = {"description": "Unchanged since the ETag you sent"}
    return {
        "/api/cases/{case_id}/photos": {
            "post": operation(
                "Attach a photo to a case",
                {
                    200: ("This photo was already attached to the case: it", ref("Photo")),
                    201: ("Attached (a case.photo event follows in the log)", ref("Photo")),
                    415: error_response(415),
                },
                errors=(400, 401, 403, 413),
                security=SIGNED_IN,
                parameters=[case_id],
                body=upload,
                body_mimetype="multipart/form-data",
                description="The image is taken by its content (JPEG or PNG), at most "
                "PHOTO_MAX_BYTES and PHOTO_MAX_PIXELS; it is turned upright and kept without "
                "its metadata (EXIF, GPS, XMP). Errors: 413 too_large / too_many_pixels, "
                "415 unsupported_photo (another format) or unsupported_media_type (not "
                "multipart), 400 invalid_photo (cannot be read whole) or invalid_body (no "
                "photo field), 403 a role that does not attach photos, 404 a case one may "
                "not see.",
                tags=("photos",),
            ),
            "get": operation(
                "A case's photos, oldest first",
                {
                    200: (
                        "The photos",
                        obj(
                            {
                                "case_id": {"type": "integer"},
                                "photos": {"type": "array", "items": ref("Photo")},
                            },
                            ("case_id", "photos"),
                        ),
                    )
                },
                errors=(401,),
                security=SIGNED_IN,
                parameters=[case_id],
                tags=("photos",),
            ),
        },
        "/api/photos/{photo_id}": {"get": fetch},
    }
