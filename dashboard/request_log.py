"""One log line per request, with a request id, and nothing in it that could sign anyone in.

A WSGI middleware, outermost (so Socket.IO's requests and every refusal are counted as
well): it takes the ``X-Request-Id`` the proxy sent if it is well formed (nginx's
``$request_id`` is 32 hex digits), else makes one, returns it in the response's
``X-Request-Id`` and logs, when the response is done, on the logger ``gridcc.requests``:
method, path, status, duration in ms, request id, and the role of who asked.

What is left out, and why:
- the query string: links once carried a kiosk key there, and searches carry what people
  typed; the path alone says what was asked. A path with a name or token in it
  (``/api/admin/users/<username>/…``, Open311's ``/tokens/<token>``) is logged as its
  route, placeholders and all; a case's number stays (it names no one).
- the actor's name, token, session or key: the role says enough to read load and refusals
  by kind of screen, and a log kept for operations should not tell who looked at which
  case (that is the audit log's job, in the store, under the access policy).
- the client's address and user agent: rate limits use the address in memory only; the
  proxy in front keeps its own access log if an operator needs addresses.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g, request
from werkzeug.wsgi import ClosingIterator

from cases import logs

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

HEADER = "X-Request-Id"
WELL_FORMED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")
# What the app learns about a request for its line (who asked, the route of a path that
# names someone): a dict in the environ, shared by the copies Socket.IO's middleware makes.
NOTES = "gridcc.request_notes"
# Path parts that name a person or carry a token: such a path is logged as its route.
NAMING_PARTS = frozenset({"username", "person_id", "token"})
log = logging.getLogger(logs.REQUESTS_LOGGER)


def request_id(offered: str | None) -> str:
    """The proxy's id if it is well formed, else a new one."""
    return offered if offered and WELL_FORMED.match(offered) else uuid.uuid4().hex


class RequestLog:
    """The middleware: wraps a WSGI app (Flask's, with Socket.IO's before it)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        rid = request_id(environ.get("HTTP_X_REQUEST_ID"))
        logs.REQUEST_ID.set(rid)
        notes: dict[str, str] = {}
        environ[NOTES] = notes
        status: list[str] = []

        def start(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[:] = [line]
            kept = [(k, v) for k, v in headers if k.lower() != HEADER.lower()]
            return start_response(line, [*kept, (HEADER, rid)], exc_info)

        def done() -> None:
            code = int(status[0].split(" ", 1)[0]) if status else 0
            took_ms = (time.perf_counter() - started) * 1000
            line = {
                "method": environ.get("REQUEST_METHOD", ""),
                "path": notes.get("route") or environ.get("PATH_INFO", ""),
                "status": code,
                "duration_ms": round(took_ms, 2),
                "request_id": rid,
                "role": notes.get("role", ""),
            }
            level = logging.ERROR if code >= 500 else logging.INFO
            text = "{method} {path} {status} {duration_ms} ms role={role}".format(**line)
            log.log(level, text, extra=line)
            logs.REQUEST_ID.set("")

        try:
            body = self.app(environ, start)
        except BaseException:
            status[:] = status or ["500"]
            done()
            raise
        return ClosingIterator(body, done)


def init_app(server: Flask) -> None:
    """Wrap ``server``'s WSGI app (after Socket.IO wrapped it) and note, per request, who
    asked and the route of a path that names someone."""
    server.wsgi_app = RequestLog(server.wsgi_app)  # type: ignore[method-assign]

    @server.after_request
    def _who(response: Response) -> Response:
        note_role(_role_asked())
        rule = request.url_rule
        if rule is not None and NAMING_PARTS & set(request.view_args or {}):
            _notes(request.environ)["route"] = rule.rule
        return response


def _role_asked() -> str:
    # Only when the request was identified already: a static file is not worth a lookup.
    identity = g.get("gridcc_identity")
    if identity is None:
        return ""
    return identity.actor.role.value if identity.actor is not None else "nobody"


def note_role(role: str) -> None:
    """Record the role that asked, for the request's line (a socket's admission too)."""
    if role:
        _notes(request.environ)["role"] = role


def _notes(environ: dict[str, Any]) -> dict[str, str]:
    notes: dict[str, str] = environ.get(NOTES, {})  # none: not served through RequestLog
    return notes
