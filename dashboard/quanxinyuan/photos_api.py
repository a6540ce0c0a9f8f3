"""GET /api/qxy/photos/<id>: a photo of a platform item, to whoever may see its item.

Each area module says who may see its items' photos (``MAY_SEE_PHOTO``: item kind →
``(parts, viewer, item_id) -> bool``, asking ``cases.quanxinyuan.access``); a photo of a
kind no area claims is shown to nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify, send_file

if TYPE_CHECKING:
    from dashboard.quanxinyuan import Parts


def viewer_of(parts: Parts) -> Any:
    """Who is asking: a staff actor by a credential (session, key or token), else a
    signed-in member of the public, else the development's open wall (or nobody).

    The open wall (development: anyone without a credential reads as the wall) never
    stands for a member of the public: their phone's session says who they are."""
    identity = parts.web.auth.identify()
    credential = identity.by_cookie or identity.key_name or identity.username
    if identity.actor is not None and credential:
        return identity.actor
    person = parts.public.current()
    return person if person is not None else identity.actor


def photos_blueprint(parts: Parts) -> Blueprint:
    from dashboard.quanxinyuan import area_modules

    bp = Blueprint("qxy_photos", __name__)
    rules: dict[str, Any] = {}
    for module in area_modules():
        rules.update(getattr(module, "MAY_SEE_PHOTO", {}))

    @bp.get("/api/qxy/photos/<int:photo_id>")
    def photo(photo_id: int) -> Any:
        with parts.platform.reading() as conn:
            found = parts.photos.get(conn, photo_id)
        viewer = viewer_of(parts)
        rule = rules.get(found.item_kind) if found is not None else None
        if found is None or rule is None or not rule(parts, viewer, found.item_id):
            return jsonify({"error": "not_found", "message": f"no photo {photo_id}"}), 404
        path = parts.photos.file(found)
        if path is None:
            return jsonify({"error": "gone", "message": "the photo's file is missing"}), 410
        response = send_file(path, mimetype=found.mime, max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        return response

    return bp
