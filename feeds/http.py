"""The HTTP intake route: POST /api/reports takes one report as JSON (Flask blueprint)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from cases.metrics import INTAKE_REFUSALS
from feeds.intake import MAX_REPORT_BYTES, Intake, Rejection


def _json(status: int, body: dict[str, Any]) -> tuple[Response, int]:
    return jsonify(body), status


def intake_blueprint(
    intake: Intake,
    may_report: Callable[[], bool] = lambda: True,
    sender: Callable[[], str] = lambda: "",
) -> Blueprint:
    """``may_report`` says whether the caller may send reports (in production: a known
    feed, app or person; checked before the body is read); ``sender`` names the caller for
    the audit log (an API key, a person)."""
    bp = Blueprint("intake", __name__)

    @bp.post("/api/reports")
    def submit_report() -> tuple[Response, int]:
        if not may_report():
            INTAKE_REFUSALS.labels(reason="unauthenticated").inc()
            return _json(
                401, {"error": "unauthenticated", "message": "send a token of a feed or user"}
            )
        data, too_large = _read_body()
        # What arrived is kept with every refusal, as text (bytes that are not UTF-8 as \x..).
        kept = data.decode("utf-8", "backslashreplace")
        if not request.is_json:
            kind = request.content_type or "no content type"
            return _reject(
                intake,
                Rejection(
                    415, "unsupported_media_type", f"send the report as application/json ({kind})"
                ),
                kept,
            )
        if too_large:
            size = f"{request.content_length} bytes" if request.content_length else "chunked"
            rejection = Rejection(
                413, "too_large", f"a report is at most {MAX_REPORT_BYTES} bytes ({size})"
            )
            return _reject(intake, rejection, kept)
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            return _reject(intake, Rejection(400, "invalid_json", "the body is not UTF-8"), kept)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return _reject(
                intake, Rejection(400, "invalid_json", f"the body is not JSON: {exc}"), raw
            )
        try:
            accepted = intake.accept(body, raw, sender=sender())
        except Rejection as rejection:
            return _json(rejection.status, rejection.body())
        return _json(201 if accepted.created else 200, accepted.body())

    return bp


def _read_body() -> tuple[bytes, bool]:
    """The body's first ``MAX_REPORT_BYTES`` and whether there was more: read from the stream
    itself, so a chunked body (no Content-Length) over the limit is a 413 like any other."""
    if (request.content_length or 0) > MAX_REPORT_BYTES:
        return request.stream.read(MAX_REPORT_BYTES), True
    try:
        data = request.stream.read(MAX_REPORT_BYTES + 1)
    except RequestEntityTooLarge:  # past the server's own limit before ours was reached
        return b"", True
    return data[:MAX_REPORT_BYTES], len(data) > MAX_REPORT_BYTES


def _reject(intake: Intake, rejection: Rejection, raw: str) -> tuple[Response, int]:
    intake.refuse(rejection, raw)
    current_app.logger.info("report refused: %s", rejection.message)
    return _json(rejection.status, rejection.body())
