"""Answers for failures that are not the caller's fault: the store unreachable is a JSON 503
with Retry-After (a screen or a feed retries), never an HTML 500 page."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5


def init_app(server: Flask) -> None:
    @server.errorhandler(OperationalError)  # connection refused, lost, timed out, locked
    def store_unavailable(exc: Exception) -> tuple[Response, int]:
        log.warning("store unavailable: %s", str(exc).splitlines()[0][:200])
        response = jsonify(
            {
                "error": "store_unavailable",
                "message": "the case store cannot be reached; try again shortly",
            }
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response, 503
