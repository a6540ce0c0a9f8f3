"""The urgent fast path over HTTP: the open urgent cases with their response clocks (the
wall's panel, the desks), one case's clock and who was alerted (phones only for those who
may see them), and a shift lead's drill."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from cases import access, urgent
from cases.drill import DEFAULT_CATEGORY, drill_report
from cases.model import CaseError, UnknownCase
from dashboard.auth import Auth
from dashboard.bodies import json_object
from dashboard.urgent_alerts import UrgentAlerts, alert_payload

MAX_LISTED = 200


def _error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message}), status


def urgent_api(store: Any, auth: Auth, alerts: UrgentAlerts, grid: Any = None) -> Blueprint:
    bp = Blueprint("urgent_api", __name__)

    @bp.get("/api/urgent")
    @auth.require(access.may_watch_urgent)
    def open_urgent() -> Response:
        catalog, now = store.catalog, store.now()
        found = urgent.open_urgent(store)[:MAX_LISTED]
        return jsonify(
            {
                "now": int(now.timestamp()),
                "cases": [alert_payload(case, catalog, now) for case in found],
            }
        )

    @bp.get("/api/urgent/<int:case_id>")
    @auth.require(access.may_read_case_detail)
    def one_case(case_id: int) -> tuple[Response, int]:
        actor = auth.current_actor()
        try:
            case = store.get(case_id)
        except UnknownCase as exc:
            return _error(404, "unknown_case", str(exc))
        if not access.may_see_case(actor, case):
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        now = store.now()
        body: dict[str, Any] = {"urgent": case.urgent, "now": int(now.timestamp())}
        if case.urgent:
            phones = access.may_see_phones(actor)
            body.update(alert_payload(case, store.catalog, now))
            body["addressed"] = [a.row(with_phone=phones) for a in alerts.addressed(case)]
        return jsonify(body), 200

    @bp.post("/api/urgent/drill")
    @auth.require(access.may_start_drill)
    def start_drill() -> tuple[Response, int]:
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object")
        cell, category = body.get("cell"), body.get("category", DEFAULT_CATEGORY)
        if (cell is not None and not isinstance(cell, str)) or not isinstance(category, str):
            return _error(400, "invalid_body", "cell and category: codes (text)")
        if grid is None:
            return _error(503, "no_grid", "this instance has no grid to place a drill on")
        actor = auth.current_actor()
        assert actor is not None  # require() let us in
        try:
            report = drill_report(grid, cell, category, store.catalog)
        except CaseError as exc:
            return _error(400, "invalid_body", str(exc))
        case, _created = store.open_case(report, actor=actor.label)
        return jsonify({"case_id": case.id, "drill": True}), 201

    return bp
