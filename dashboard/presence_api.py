"""Who has a case, or grid cells, open now: a page's starting state, before the socket's
``presence`` updates (dashboard/presence.py) keep it current. Checked as the socket is: a
case's presence for the views that may see the case, cells' for the district's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request
from redis import RedisError

from cases import access
from cases.model import UnknownCase
from dashboard.auth import Auth
from dashboard.presence import PresenceHub, Refusal

MAX_CASES = 200  # a desk's page of cases


def _error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message}), status


def _answer(read: Callable[[], dict[str, Any]], you: dict[str, str]) -> tuple[Response, int]:
    try:
        return jsonify({**you, **read()}), 200
    except RedisError:  # the deployment's Redis away: the page asks again, or waits
        response, status = _error(503, "presence_unavailable", "presence is unavailable now")
        response.headers["Retry-After"] = "5"
        return response, status


def presence_api(presence: PresenceHub, auth: Auth) -> Blueprint:
    bp = Blueprint("presence_api", __name__)

    @bp.get("/api/presence")
    @auth.require(lambda actor: access.audience_of(actor) is not None)
    def who_is_here() -> tuple[Response, int]:
        actor = auth.current_actor()
        assert actor is not None  # require() let us in
        case_arg, cells_arg = request.args.get("case"), request.args.get("cells")
        many_arg = request.args.get("cases")
        if sum(arg is not None for arg in (case_arg, cells_arg, many_arg)) != 1:
            return _error(
                400, "invalid_query", "ask for case=<id>, cases=<id>,<id>,… or cells=<code>,…"
            )
        you = {"you": actor.name}
        if many_arg is not None:
            return many_cases(actor, many_arg, you)
        if case_arg is not None:
            if not case_arg.isascii() or not case_arg.isdigit():
                return _error(400, "invalid_query", "case: a case id (a positive integer)")
            try:
                case = presence.load_case(int(case_arg))
            except Refusal as refusal:
                if refusal.error == "unknown_case":
                    return _error(404, refusal.error, refusal.message)
                return _error(400, "invalid_query", refusal.message)
            if not access.may_see_case_presence(actor, case):
                # Worded as a case that does not exist: no answer tells whose case it is.
                return _error(404, "unknown_case", str(UnknownCase(case.id)))
            return _answer(lambda: presence.case_update(case), you)
        assert cells_arg is not None
        if not access.may_see_cell_presence(actor):
            return _error(403, "forbidden", "grid cells are the district's view")
        try:
            codes = presence.known_cells([c for c in cells_arg.split(",") if c])
        except Refusal as refusal:
            return _error(400, "invalid_query", refusal.message)
        if not codes:
            return _error(400, "invalid_query", "cells: at least one cell code")
        return _answer(lambda: presence.cells_update(codes), you)

    def many_cases(actor: Any, raw: str, you: dict[str, str]) -> tuple[Response, int]:
        """Who is on each of many cases (a desk's list): the cases one may not see are left
        out, as if they did not exist."""
        wanted = [part for part in raw.split(",") if part]
        if (
            not wanted
            or len(wanted) > MAX_CASES
            or not all(w.isascii() and w.isdigit() for w in wanted)
        ):
            return _error(400, "invalid_query", f"cases: 1 to {MAX_CASES} case ids")
        found = presence.store.find_cases(ids=[int(w) for w in wanted], limit=MAX_CASES)
        seen = [c for c in found if access.may_see_case_presence(actor, c)]
        return _answer(lambda: {"updates": [presence.case_update(c) for c in seen]}, you)

    return bp
