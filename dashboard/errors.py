"""Answers for failures, in the API's own words: JSON for every path under an API prefix.

- The store unreachable is a JSON 503 with Retry-After (a screen or a feed retries), never
  an HTML 500 page.
- A path under an API prefix that no API route serves is a JSON 404 (a JSON 405 with
  ``Allow`` when the path exists for other methods), never the Dash page that the
  catch-all route would otherwise serve with 200.
- Every other HTTP error under an API prefix (413, 400 of a body Flask could not read, a
  500) is JSON too, so a client never has to parse an HTML page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5
# The prefixes whose paths are machine-facing: unknown paths there answer JSON, not a page.
JSON_PREFIXES: tuple[str, ...] = ("/api/",)
# A door other than the API answers its errors in its own shape (Open311: the errors array,
# XML or JSON): prefix → (status, error, message) → response.
ErrorAnswer = Callable[[int, str, str], tuple[Response, int]]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def is_json_path(path: str) -> bool:
    """Whether ``path`` is under a door that answers errors in its own shape, not a page."""
    return path.startswith(JSON_PREFIXES) or _door(path) is not None


def _door(path: str) -> ErrorAnswer | None:
    doors: dict[str, ErrorAnswer] = current_app.extensions.get("gridcc_doors", {})
    return next((answer for prefix, answer in doors.items() if path.startswith(prefix)), None)


def answer(status: int, error: str, message: str) -> tuple[Response, int]:
    """An error in the shape of the door ``request.path`` is under (JSON for the API)."""
    door = _door(request.path)
    return door(status, error, message) if door else _json_error(status, error, message)


def error_name(exc: HTTPException) -> str:
    """``Not Found`` → ``not_found``, ``Request Entity Too Large`` → ``too_large``."""
    if exc.code == 413:
        return "too_large"
    return re.sub(r"[^a-z0-9]+", "_", (exc.name or "error").lower()).strip("_")


def _json_error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message}), status


def _api_methods(server: Flask, path: str) -> list[str]:
    """The methods some API route (one whose own rule is under a JSON prefix) serves at
    ``path``; a page route that happens to match, like Dash's catch-all, does not count."""
    adapter = server.url_map.bind_to_environ(request.environ)
    found = []
    for method in METHODS:
        try:
            rule, _args = adapter.match(path, method=method, return_rule=True)
        except HTTPException:
            continue
        if isinstance(rule, Rule) and is_json_path(rule.rule):
            found.append(method)
    return found


def init_app(server: Flask, doors: dict[str, ErrorAnswer] | None = None) -> None:
    server.extensions["gridcc_doors"] = dict(doors or {})

    @server.errorhandler(OperationalError)  # connection refused, lost, timed out, locked
    def store_unavailable(exc: Exception) -> tuple[Response, int]:
        log.warning("store unavailable: %s", str(exc).splitlines()[0][:200])
        response, status = _json_error(
            503, "store_unavailable", "the case store cannot be reached; try again shortly"
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response, status

    @server.before_request
    def only_api_routes_under_api_prefixes() -> tuple[Response, int] | None:
        if not is_json_path(request.path):
            return None
        rule = request.url_rule
        if rule is not None and is_json_path(rule.rule):
            return None  # an API route: it answers for itself
        allowed = _api_methods(server, request.path)
        if not allowed:
            return answer(404, "not_found", f"no route at {request.path[:200]}")
        response, status = answer(
            405, "method_not_allowed", f"{request.method} is not one of {', '.join(allowed)}"
        )
        response.headers["Allow"] = ", ".join(allowed)
        return response, status

    @server.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> HTTPException | tuple[Response, int]:
        if not is_json_path(request.path) or exc.code is None:
            return exc  # pages keep Flask's own answer
        return answer(exc.code, error_name(exc), exc.description or "")
