"""The people on the map, read by the screens: each cell's patrol coverage today, and the
nearest people on patrol to a case. Both are checked by the one access policy: coverage for
the district's view (``access.may_see_patrol_coverage``), the nearest people for those who
may see positions and open cases (``access.may_see_nearest``; phones by
``access.may_see_phones``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from redis import RedisError

from cases import access, clock, coverage
from cases.model import UnknownCase
from cases.people import Roster
from cases.positions import MAX_AGE_S, PositionBook
from cases.store import Store
from cases.workflow import Role
from dashboard.auth import Auth
from geo.grid import Grid

NEAREST_DEFAULT = 5
NEAREST_MOST = 20


def _error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message}), status


def coverage_today(store: Store, grid: Grid) -> dict[str, Any]:
    """The cells of this grid patrolled today (local day) and the counts per street."""
    now = store.now()
    found = coverage.patrolled_on_day(store.engine, now)
    known = set(grid.codes)
    cells = {code: clock.iso_local(at) for code, at in sorted(found.items()) if code in known}
    streets = coverage.per_street(grid.codes, grid.street_codes, grid.street_names, cells)
    return {
        "day": coverage.local_day(now).isoformat(),
        "cells": cells,
        "patrolled": len(cells),
        "total": len(grid.codes),
        "streets": [
            {"code": s.code, "name": s.name, "cells": s.cells, "patrolled": s.patrolled}
            for s in streets
        ],
    }


def positions_api(
    store: Store,
    grid: Grid,
    roster: Roster,
    book: PositionBook,
    auth: Auth,
    roles: frozenset[Role] = access.POSITION_ROLES,
) -> Blueprint:
    bp = Blueprint("positions_api", __name__)

    @bp.get("/api/patrol/coverage")
    @auth.require(access.may_see_patrol_coverage)
    def patrol_coverage() -> tuple[Response, int]:
        return jsonify(coverage_today(store, grid)), 200

    @bp.get("/api/cases/<int:case_id>/nearest")
    @auth.require(lambda actor: access.may_see_nearest(actor, roles))
    def nearest(case_id: int) -> tuple[Response, int]:
        actor = auth.current_actor()
        raw = request.args.get("k", str(NEAREST_DEFAULT))
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= NEAREST_MOST:
            return _error(400, "invalid_query", f"k: a whole number from 1 to {NEAREST_MOST}")
        try:
            case = store.get(case_id)
        except UnknownCase as exc:
            return _error(404, "unknown_case", str(exc))
        if not access.may_see_case(actor, case):
            return _error(404, "unknown_case", str(UnknownCase(case_id)))
        try:
            found = book.near(case.lon, case.lat, k=int(raw), max_age=MAX_AGE_S)
        except RedisError:
            response, status = _error(503, "positions_unavailable", "positions are away now")
            response.headers["Retry-After"] = "5"
            return response, status
        ids = [p.person_id for p, _ in found]
        on_duty = roster.on_duty(store.now(), ids) if ids else set()
        with_phone = access.may_see_phones(actor)
        phones = {p.id: p.phone for p in roster.people(ids=ids)} if with_phone and ids else {}
        people = []
        for p, metres in found:
            person: dict[str, Any] = {
                "id": p.person_id,
                "name": p.name,
                "distance_m": round(metres),
                "on_duty": p.person_id in on_duty,
                "at": int(p.at * 1000),
                "cell": p.cell_code,
            }
            if with_phone:
                person["phone"] = phones.get(p.person_id, "")
            people.append(person)
        return jsonify(
            {
                "case": case.id,
                "max_age_s": MAX_AGE_S,
                "people": people,
                "at": clock.iso_local(store.now()),
            }
        ), 200

    return bp
