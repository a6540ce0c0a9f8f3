"""Read APIs the screens use: snapshot, events since a sequence number, and geometry."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, jsonify, request

from cases.store import Store, event_payload
from geo.grid import Grid

MAX_EVENTS = 1000


def _cached(data: bytes, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.set_etag(hashlib.sha1(data).hexdigest())
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.make_conditional(request)
    return response


def read_api(store: Store, grid: Grid) -> Blueprint:
    bp = Blueprint("read_api", __name__)

    @bp.get("/api/snapshot")
    def snapshot() -> Response:
        return jsonify(store.snapshot())

    @bp.get("/api/seq")
    def seq() -> Response:
        return jsonify({"seq": store.last_seq()})

    @bp.get("/api/events")
    def events() -> tuple[Response, int] | Response:
        try:
            since = int(request.args.get("since", "0"))
            limit = min(int(request.args.get("limit", str(MAX_EVENTS))), MAX_EVENTS)
        except ValueError:
            return jsonify(
                {"error": "invalid_query", "message": "since and limit are integers"}
            ), 400
        if since < 0 or limit < 1:
            return jsonify({"error": "invalid_query", "message": "since ≥ 0 and limit ≥ 1"}), 400
        found = store.events_since(since, limit + 1)
        return jsonify(
            {"events": [event_payload(e) for e in found[:limit]], "more": len(found) > limit}
        )

    @bp.get("/geo/cells.geojson")
    def cells() -> Response:
        return _cached(grid.cells_geojson(), "application/geo+json")

    @bp.get("/geo/outline.geojson")
    def outline() -> Response:
        return _cached(grid.outline_geojson(), "application/geo+json")

    return bp
