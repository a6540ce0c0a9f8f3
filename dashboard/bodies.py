"""Reading a request's JSON body the one safe way: anything but a JSON object — not JSON,
another JSON value, or nested past the parser's recursion limit — is ``None``, for the route
to answer 400, never a 500."""

from __future__ import annotations

from typing import Any

from flask import request


def json_object() -> dict[str, Any] | None:
    try:
        # silent=True swallows a ValueError only; deep nesting raises RecursionError.
        body = request.get_json(silent=True)
    except RecursionError:
        return None
    return body if isinstance(body, dict) else None
