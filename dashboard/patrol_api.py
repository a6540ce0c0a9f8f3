"""A grid worker's patrol over HTTP, for the phone page (/patrol) and patrol apps:

    POST /api/patrol/start      start a patrol (the open one again if one is open)
    POST /api/patrol/end        end it; the worker leaves the map at once
    POST /api/patrol/position   {lon, lat, accuracy, crs}: where the phone is now
    POST /api/patrol/check-in   {case_id, lon, lat, accuracy, crs, expected_version?}: 到场签到
    GET  /api/patrol/mine       the patrol, the cases they reported, the tasks sent to them

Only a grid worker may patrol: a person signed in with the worker role whose account is
linked to a roster person of kind grid_worker (``access.may_patrol``); anyone else is
refused (403). Positions come as WGS-84 (what a phone's browser gives) or, from apps on
Chinese map SDKs, as GCJ-02 or BD-09 (``crs``), converted here with ``geo.coords``.
Positions are rate-limited per person (``POSITION_RATE``): the page shares one every ~15 s.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, request

from cases import access, clock
from cases.catalog import Catalog
from cases.effects import as_number
from cases.model import Case, CaseError
from cases.patrol_work import reported_by, tasks_in
from cases.patrols import NotOnPatrol, Patrol, PatrolError, Patrols, check_position
from cases.people import Person, Roster
from cases.store import Store
from cases.workflow import CHECK_IN_RADIUS_M, Actor, available
from dashboard.auth import Auth
from dashboard.bodies import json_object
from dashboard.cases_api import refused
from dashboard.i18n import pick_lang
from dashboard.limits import Limits
from geo.coords import to_wgs84

CRS_NAMES = ("wgs84", "gcj02", "bd09")
POSITION_RATE = "20/minute"  # one every ~15 s, with room for retries after a dropped link
MINE_DAYS = 7  # the cases a worker reported, this many days back


def _error(status: int, error: str, message: str, zh: str = "") -> tuple[Response, int]:
    body = {"error": error, "message": message}
    if zh:
        body["message_zh"] = zh
    return jsonify(body), status


def patrol_json(patrol: Patrol | None) -> dict[str, Any] | None:
    if patrol is None:
        return None
    return {
        "id": patrol.id,
        "started_at": clock.iso_local(patrol.started_at),
        "ended_at": clock.iso_local(patrol.ended_at) if patrol.ended_at else None,
    }


def case_card(case: Case, catalog: Catalog, actor: Actor, lang: str) -> dict[str, Any]:
    """What the phone shows of a case (never its reporter: personal data)."""
    category = catalog.categories.get(case.category_code)
    name = (category.name_en if lang == "en" else category.name_zh) if category else ""
    return {
        "id": case.id,
        "category": case.category_code,
        "category_name": name,
        "description": case.description[:280],
        "place": case.place,
        "cell_code": case.cell_code,
        "status": case.status.value,
        "created_at": clock.iso_local(case.created_at),
        "lon": case.lon,
        "lat": case.lat,
        "version": case.version,
        "urgent": case.urgent,
        "external_id": case.external_id,
        "actions": [a.as_json(lang) for a in available(actor, case)],
    }


def read_position(body: dict[str, Any]) -> tuple[float, float, Any]:
    """(lon, lat) in WGS-84 and the accuracy as sent; PatrolError names a bad field."""
    crs = body.get("crs", "wgs84")
    if not isinstance(crs, str) or crs.lower() not in CRS_NAMES:
        raise PatrolError(f"crs: one of {', '.join(CRS_NAMES)}", "坐标系应为 wgs84、gcj02 或 bd09")
    given = []
    for name in ("lon", "lat"):
        number = as_number(body.get(name))
        if not math.isfinite(number) or abs(number) > 1000:
            raise PatrolError(f"{name}: a number (degrees)", f"{name}：应为经纬度数值")
        given.append(number)
    x, y = to_wgs84(given[0], given[1], crs.lower())
    return float(x), float(y), body.get("accuracy", 0.0)


def patrol_api(
    store: Store,
    roster: Roster,
    patrols: Patrols,
    auth: Auth,
    limits: Limits,
    place_of: Callable[[str], str] = lambda _code: "",
) -> Blueprint:
    """``place_of`` names a cell (the grid's names) for the phone to show."""
    bp = Blueprint("patrol_api", __name__)

    def patrolling(view: Any) -> Any:
        """A route of the grid worker asking, given (actor, person); anyone else refused."""

        @wraps(view)
        def guarded() -> tuple[Response, int]:
            actor = auth.current_actor()
            if actor is None:
                return _error(401, "unauthenticated", "log in first", "请先登录")
            person = roster.by_username(actor.name) if access.is_person(actor) else None
            if person is None or not access.may_patrol(actor, person.kind):
                return _error(
                    403,
                    "forbidden",
                    "patrols are for grid workers linked to the roster",
                    "巡查仅限已登记在册的网格员",
                )
            result: tuple[Response, int] = view(actor, person)
            return result

        return guarded

    def phone_position() -> tuple[float, float] | None:
        """Where the phone says it is (?lon=&lat=, WGS-84), for tasks nearest first even
        off patrol; None when not given or not a position."""
        try:
            lon, lat, _acc = check_position(
                float(request.args.get("lon", "nan")), float(request.args.get("lat", "nan"))
            )
        except (ValueError, PatrolError):
            return None
        return lon, lat

    def last_position(person_id: str) -> tuple[float, float] | None:
        here = next((p for p in patrols.book.all() if p.person_id == person_id), None)
        return (here.lon, here.lat) if here is not None else None

    def position_key() -> str:
        actor = auth.current_actor()
        return f"patrol:{actor.name}" if actor is not None else "patrol:"

    @bp.post("/api/patrol/start")
    @patrolling
    def start(actor: Actor, person: Person) -> tuple[Response, int]:
        patrol, started = patrols.start(person.id)
        return jsonify({"patrol": patrol_json(patrol), "started": started}), 201 if started else 200

    @bp.post("/api/patrol/end")
    @patrolling
    def end(actor: Actor, person: Person) -> tuple[Response, int]:
        return jsonify({"patrol": patrol_json(patrols.end(person.id))}), 200

    @bp.post("/api/patrol/position")
    @limits.limiter.limit(POSITION_RATE, key_func=position_key)
    @patrolling
    def position(actor: Actor, person: Person) -> tuple[Response, int]:
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object: lon, lat, accuracy, crs")
        try:
            lon, lat, accuracy = read_position(body)
            recorded = patrols.record(person.id, person.name, lon, lat, accuracy)
        except PatrolError as exc:
            status = 409 if isinstance(exc, NotOnPatrol) else 400
            error = "not_on_patrol" if status == 409 else "invalid_position"
            return _error(status, error, str(exc), exc.zh)
        p = recorded.position
        return jsonify(
            {
                "lon": round(p.lon, 7),
                "lat": round(p.lat, 7),
                "cell_code": p.cell_code or None,
                "place": place_of(p.cell_code) if p.cell_code else None,
                "new_cell": recorded.new_cell,
                "patrol_id": p.patrol_id,
            }
        ), 200

    @bp.post("/api/patrol/check-in")
    @patrolling
    def check_in(actor: Actor, person: Person) -> tuple[Response, int]:
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object: case_id, lon, lat")
        case_id = body.get("case_id")
        if isinstance(case_id, bool) or not isinstance(case_id, int):
            return _error(400, "invalid_body", "case_id: a case number")
        version = body.get("expected_version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            return _error(400, "invalid_body", "expected_version: the case version you saw")
        try:
            lon, lat, accuracy = read_position(body)
        except PatrolError as exc:
            return _error(400, "invalid_position", str(exc), exc.zh)
        try:
            ev = store.apply(
                case_id,
                "check_in",
                actor,
                expected_version=version,
                lon=lon,
                lat=lat,
                accuracy=accuracy,
            )
        except CaseError as exc:
            return refused(store, auth, case_id, exc)
        return jsonify(
            {
                "seq": ev.seq,
                "case_id": case_id,
                "distance_m": ev.data.get("distance_m"),
                "on_site": ev.data.get("on_site"),
                "first_on_site": ev.data.get("first_on_site"),
                "radius_m": CHECK_IN_RADIUS_M,
                "version": ev.data.get("version"),
            }
        ), 200

    @bp.get("/api/patrol/mine")
    @patrolling
    def mine(actor: Actor, person: Person) -> tuple[Response, int]:
        lang = pick_lang(request.args.get("lang"))
        patrol = patrols.open_patrol(person.id)
        near = phone_position() or last_position(person.id)
        cells = roster.cells_of(person.id)
        since = store.now() - timedelta(days=MINE_DAYS)
        catalog = store.catalog
        reported = reported_by(store.engine, actor.label, since)
        tasks = tasks_in(store.engine, cells, near, sender=actor.label)
        return jsonify(
            {
                "person": {"id": person.id, "name": person.name},
                "patrol": patrol_json(patrol),
                "cells": cells,
                "patrol_cells": sorted(patrols.cells_of(patrol.id)) if patrol else [],
                "reported": [case_card(c, catalog, actor, lang) for c in reported],
                "tasks": [
                    {
                        **case_card(t.case, catalog, actor, lang),
                        "task": t.action,
                        "distance_m": round(t.distance_m, 1) if t.distance_m is not None else None,
                    }
                    for t in tasks
                ],
            }
        ), 200

    return bp
