"""Read APIs the screens use: snapshot, events since a sequence number, and geometry."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, jsonify, request

from cases import access
from cases.records import event_payload
from cases.store import Store
from dashboard.auth import Auth
from geo.grid import Grid

MAX_EVENTS = 1000
LEVELS = ("cell", "community", "street")


def _cached(data: bytes, mimetype: str, etag: str | None = None) -> Response:
    response = Response(data, mimetype=mimetype)
    response.set_etag(etag or hashlib.sha1(data).hexdigest())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.make_conditional(request)
    return response


def read_api(store: Store, grid: Grid, auth: Auth) -> Blueprint:
    bp = Blueprint("read_api", __name__)

    @bp.get("/api/snapshot")
    @auth.require(lambda actor: access.live_view(actor) is not None)
    def snapshot() -> Response:
        # The district's, or a liaison's department's: the policy says which.
        return jsonify(store.snapshot(view=access.live_view(auth.current_actor())))

    @bp.get("/api/seq")
    @auth.require(lambda actor: access.audience_of(actor) is not None)
    def seq() -> Response:
        audience = access.audience_of(auth.current_actor())
        assert audience is not None  # require() let us in
        return jsonify({"seq": store.head(audience)})

    @bp.get("/api/events")
    @auth.require(lambda actor: access.audience_of(actor) is not None)
    def events() -> tuple[Response, int] | Response:
        try:
            since = int(request.args.get("since", "0"))
            limit = min(int(request.args.get("limit", str(MAX_EVENTS))), MAX_EVENTS)
        except ValueError:
            return jsonify(
                {"error": "invalid_query", "message": "since and limit are integers"}
            ), 400
        if not 0 <= since < 2**62 or limit < 1:
            return jsonify({"error": "invalid_query", "message": "since ≥ 0 and limit ≥ 1"}), 400
        actor = auth.current_actor()
        audience = access.audience_of(actor)
        assert audience is not None  # require() let us in
        page, through, more = store.events_page(since, limit, audience)
        page = [e for e in page if access.may_see_event(actor, e)]
        return jsonify(
            {"events": [event_payload(e) for e in page], "through": through, "more": more}
        )

    @bp.get("/geo/<level>.geojson")
    def level_geometry(level: str) -> Response | tuple[Response, int]:
        # Geometry is public and sent once per browser: cached, with an ETag, gzip-compressed.
        if level == "cells":
            level = "cell"
        if level not in LEVELS:
            return jsonify(
                {"error": "unknown_level", "message": f"one of {', '.join(LEVELS)}"}
            ), 404
        return _cached(grid.level_geojson(level), "application/geo+json", grid.level_etag(level))

    @bp.get("/geo/outline.geojson")
    def outline() -> Response:
        return _cached(grid.outline_geojson(), "application/geo+json")

    return bp
