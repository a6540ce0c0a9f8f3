"""Where a gridcc process's log lines go, and in what shape (``LOG_FORMAT``).

``json``: one JSON object a line (python-json-logger), for a log collector; ``text``: one
plain line, for a person at a terminal. Every line made while a request is served carries
that request's id (``request_id``), so a refusal's line and the request's own line meet.

No flask here: every process (the web workers, the feeds' workers, the CLI) sets its logs
up the same way.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

FORMATS = ("json", "text")
# The request being served on this thread (dashboard.request_log sets it), "" outside one.
REQUEST_ID: ContextVar[str] = ContextVar("gridcc_request_id", default="")
# One line per request (dashboard.request_log): the demo's terminal leaves it out.
REQUESTS_LOGGER = "gridcc.requests"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps each line with the id of the request it was made in ("" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = REQUEST_ID.get()
        return True


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
    if log_format == "text":
        return logging.Formatter(TEXT_FORMAT)
    raise ValueError(f"LOG_FORMAT: one of {', '.join(FORMATS)}, not {log_format!r}")


def configure(log_format: str, quiet_requests: bool = False, stream: TextIO | None = None) -> None:
    """Send every log line to ``stream`` (stderr) in ``log_format``.

    Said again, it replaces what it set before. Where someone else set the logs up already
    (a test runner, a host embedding gridcc) and no ``stream`` is asked for, their handlers
    are left to do it; only the levels below are set.

    Werkzeug's own request lines are left out: they carry the query string (an old kiosk
    link's key once rode there) and come in colour; ``dashboard.request_log`` writes one
    line per request instead, with the path alone. ``quiet_requests`` (the demo) leaves
    those out too, so the terminal keeps its start-up lines and warnings."""
    root = logging.getLogger()
    for ours in [h for h in root.handlers if getattr(h, "gridcc", False)]:
        root.removeHandler(ours)
    if stream is not None or not root.handlers:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.setFormatter(formatter(log_format))
        handler.addFilter(RequestIdFilter())
        handler.gridcc = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger(REQUESTS_LOGGER).setLevel(logging.WARNING if quiet_requests else logging.INFO)
