"""Photos on cases over HTTP: attach one, list a case's, fetch one's image.

    POST /api/cases/<case_id>/photos   multipart/form-data, the image in the field ``photo``
    GET  /api/cases/<case_id>/photos   {"case_id": …, "photos": [photo, …]}, oldest first
    GET  /api/photos/<photo_id>        the image (image/jpeg or image/png)

The access policy decides: ``access.may_see_photos`` who may list and fetch (a case or
photo outside it is answered as one that does not exist), ``access.may_attach_photo`` who
may attach. An upload's body is bounded before it is read: a declared length past the
limit is refused at once, and reading stops at the limit whatever the body claims.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file

from cases import access, clock
from cases.model import Case, Forbidden, UnknownCase
from cases.photos import (
    CORRUPT,
    EXTENSIONS,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    UNSUPPORTED,
    CasePhoto,
    PhotoFiles,
    PhotoLimits,
    PhotoRefused,
    UnknownPhoto,
    prepare,
)
from cases.store import Store
from cases.workflow import Actor
from dashboard.auth import Auth

FIELD = "photo"
UPLOAD_ENDPOINT = "photos_api.upload_photo"
# Room in a multipart body beside the photo itself: boundaries, part headers, a CSRF field.
MULTIPART_ALLOWANCE = 64 * 1024
# A refused upload's status and error code, by what was wrong with it.
REFUSALS = {
    TOO_LARGE: (413, "too_large"),
    TOO_MANY_PIXELS: (413, "too_many_pixels"),
    UNSUPPORTED: (415, "unsupported_photo"),
    CORRUPT: (400, "invalid_photo"),
}


def _error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message}), status


def photo_json(photo: CasePhoto) -> dict[str, Any]:
    return {
        "id": photo.id,
        "case_id": photo.case_id,
        "url": f"/api/photos/{photo.id}",
        "mime": photo.mime,
        "width": photo.width,
        "height": photo.height,
        "bytes": photo.bytes,
        "sha256": photo.sha256,
        "uploaded_by": photo.uploaded_by,
        "uploaded_at": clock.iso_local(photo.uploaded_at),
    }


def _signed_in(_actor: Actor) -> bool:
    # Anyone known gets as far as the case; the case's photos are the policy's to give.
    return True


def photos_api(store: Store, auth: Auth, files: PhotoFiles, limits: PhotoLimits) -> Blueprint:
    bp = Blueprint("photos_api", __name__)
    body_limit = limits.max_bytes + MULTIPART_ALLOWANCE

    def case_with_photos(case_id: int, actor: Actor | None) -> Case | tuple[Response, int]:
        try:
            case = store.get(case_id)
        except UnknownCase as exc:
            return _error(404, "unknown_case", str(exc))
        if not access.may_see_photos(actor, case):
            # Worded as a case that does not exist: no answer tells whose case it is.
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        return case

    @bp.before_app_request
    def bound_upload_body() -> tuple[Response, int] | None:
        """Runs before the CSRF check (which may read the form): an upload's body may be
        larger than the server's default limit, up to the photo limit and no further."""
        if request.endpoint != UPLOAD_ENDPOINT:
            return None
        request.max_content_length = body_limit
        if request.content_length is not None and request.content_length > body_limit:
            return _too_large(request.content_length)
        return None

    def _too_large(size: int) -> tuple[Response, int]:
        return _error(
            413, "too_large", f"a photo is at most {limits.max_bytes:,} bytes; this is {size:,}"
        )

    @bp.post("/api/cases/<int:case_id>/photos")
    @auth.require(_signed_in)
    def upload_photo(case_id: int) -> tuple[Response, int]:
        actor = auth.current_actor()
        assert actor is not None  # require() let us in
        case = case_with_photos(case_id, actor)
        if not isinstance(case, Case):
            return case
        if not access.may_attach_photo(actor, case):
            return _error(403, "forbidden", f"not open to your role ({actor.role.value})")
        if request.mimetype != "multipart/form-data":
            return _error(
                415, "unsupported_media_type", f"send multipart/form-data, the image in {FIELD}"
            )
        upload = request.files.get(FIELD)
        if upload is None:
            return _error(400, "invalid_body", f"send the image in the form field {FIELD}")
        body = upload.stream.read(limits.max_bytes + 1)
        try:
            prepared = prepare(body, limits)
        except PhotoRefused as exc:
            status, error = REFUSALS[exc.problem]
            return _error(status, error, str(exc))
        files.keep(prepared)
        try:
            photo, attached = store.attach_photo(case_id, prepared, actor)
        except UnknownCase:  # also OutOfView: the case left the actor's view meanwhile
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        except Forbidden as exc:
            return _error(403, "forbidden", str(exc))
        return jsonify(photo_json(photo)), 201 if attached else 200

    @bp.get("/api/cases/<int:case_id>/photos")
    @auth.require(_signed_in)
    def list_photos(case_id: int) -> tuple[Response, int]:
        case = case_with_photos(case_id, auth.current_actor())
        if not isinstance(case, Case):
            return case
        found = [photo_json(p) for p in store.photos_of(case.id)]
        return jsonify({"case_id": case.id, "photos": found}), 200

    @bp.get("/api/photos/<int:photo_id>")
    @auth.require(_signed_in)
    def photo_image(photo_id: int) -> Response | tuple[Response, int]:
        try:
            photo = store.photo(photo_id)
            case = store.get(photo.case_id)
        except (UnknownPhoto, UnknownCase):
            return _error(404, "unknown_photo", str(UnknownPhoto(photo_id)))
        if not access.may_see_photos(auth.current_actor(), case):
            return _error(404, "unknown_photo", str(UnknownPhoto(photo_id)))
        path = files.find(photo)
        if path is None:
            return _error(
                404, "photo_missing", f"photo {photo_id}'s file is not in this server's MEDIA_DIR"
            )
        response = send_file(
            path,
            mimetype=photo.mime,
            download_name=f"case-{photo.case_id}-photo-{photo.id}.{EXTENSIONS[photo.mime]}",
            etag=photo.sha256,
            conditional=True,
            max_age=None,
        )
        # Kept by the browser alone, and asked again each time (a 304 when unchanged), so
        # a photo that left someone's view is not shown from a cache.
        response.headers["Cache-Control"] = "private, no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return bp
