"""The HTTP intake route: POST /api/reports takes one report as JSON (Flask blueprint)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from feeds.intake import Intake, Rejection

MAX_REPORT_BYTES = 16 * 1024


def _json(status: int, body: dict[str, Any]) -> tuple[Response, int]:
    return jsonify(body), status


def intake_blueprint(intake: Intake, may_report: Callable[[], bool] = lambda: True) -> Blueprint:
    """``may_report`` says whether the caller may send reports (in production: a known
    feed, app or person; checked before the body is read)."""
    bp = Blueprint("intake", __name__)

    @bp.post("/api/reports")
    def submit_report() -> tuple[Response, int]:
        if not may_report():
            return _json(
                401, {"error": "unauthenticated", "message": "send a token of a feed or user"}
            )
        request.max_content_length = MAX_REPORT_BYTES
        if not request.is_json:
            return _json(
                415,
                {
                    "error": "unsupported_media_type",
                    "message": "send the report as application/json",
                },
            )
        try:
            raw = request.get_data(cache=True).decode("utf-8")
        except RequestEntityTooLarge:
            size = request.content_length or 0
            intake.store.record_rejection("too_large", f"{size} bytes", "")
            return _json(
                413,
                {"error": "too_large", "message": f"a report is at most {MAX_REPORT_BYTES} bytes"},
            )
        except UnicodeDecodeError:
            return _reject(intake, Rejection(400, "invalid_json", "the body is not UTF-8"), "")
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return _reject(
                intake, Rejection(400, "invalid_json", f"the body is not JSON: {exc}"), raw
            )
        try:
            accepted = intake.accept(body, raw)
        except Rejection as rejection:
            return _json(rejection.status, rejection.body())
        return _json(201 if accepted.created else 200, accepted.body())

    return bp


def _reject(intake: Intake, rejection: Rejection, raw: str) -> tuple[Response, int]:
    intake.store.record_rejection(rejection.error, rejection.message, raw)
    current_app.logger.info("report refused: %s", rejection.message)
    return _json(rejection.status, rejection.body())
