"""The people on the grid over HTTP: who they are and each cell's 1+6 team, with who is on
duty now.

    GET /api/people?kind=…&cell=…   {"at": …, "people": [person, …]}
    GET /api/teams/<cell>           {"cell_code", "branch", "at", "members": [person, …]}

Every viewer may read names, kinds and units (``access.may_read_roster``); a phone is in a
person's row only where ``access.may_see_phone_of`` allows it (the desks and admins, and
the person themself), and a linked account's name only for admins. Synthetic people say so
(``synthetic``: true), as the synthetic grid does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from cases import access, clock
from cases.people import KINDS, PARTS, Person, Roster
from cases.workflow import Actor
from dashboard.auth import Auth


def person_json(
    person: Person, actor: Actor | None, on_duty: bool | None = None, part: str | None = None
) -> dict[str, Any]:
    """A person as ``actor`` may read them."""
    out: dict[str, Any] = {
        "id": person.id,
        "name": person.name,
        "kind": person.kind,
        "kind_name": {"zh": KINDS[person.kind][0], "en": KINDS[person.kind][1]},
        "unit": person.unit,
        "synthetic": person.synthetic,
        "active": person.active,
    }
    if access.may_see_phone_of(actor, person.username):
        out["phone"] = person.phone
    if access.may_edit_roster(actor):
        out["username"] = person.username
    if part is not None:
        out["part"] = part
        out["part_name"] = {"zh": PARTS[part][0], "en": PARTS[part][1]}
    if on_duty is not None:
        out["on_duty"] = on_duty
    return out


def _error(status: int, error: str, message: str, zh: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message, "message_zh": zh}), status


def team_json(roster: Roster, cell: str, actor: Actor | None, now: datetime) -> dict[str, Any]:
    """``cell``'s team with each member's on-duty flag at ``now`` (no team: no members)."""
    team = roster.team(cell)
    members = list(team.members) if team else []
    duty = roster.on_duty(now, [p.id for p, _part in members])
    return {
        "cell_code": cell,
        "branch": team.branch if team else "",
        "at": clock.iso_local(now),
        "members": [person_json(p, actor, p.id in duty, part) for p, part in members],
        "on_duty": len(duty),
    }


def people_api(
    roster: Roster, cells: frozenset[str], now: Callable[[], datetime], auth: Auth
) -> Blueprint:
    bp = Blueprint("people_api", __name__)

    @bp.get("/api/people")
    @auth.require(access.may_read_roster)
    def list_people() -> Any:
        actor = auth.current_actor()
        kind, cell = request.args.get("kind"), request.args.get("cell")
        if kind is not None and kind not in KINDS:
            return _error(
                400, "invalid_query", f"kind: one of {', '.join(KINDS)}", "kind 不是已知的人员类别"
            )
        if cell is not None and cell not in cells:
            return _error(400, "invalid_query", "cell: a cell of the grid", "cell 不是本网格的网格")
        at = now()
        members: list[tuple[Person, str | None]]
        if cell is not None:
            team = roster.team(cell)
            members = [
                (p, part)
                for p, part in (team.members if team else ())
                if not kind or p.kind == kind
            ]
        else:
            members = [(p, None) for p in roster.people(kind)]
        duty = roster.on_duty(at, [p.id for p, _part in members])
        rows = [person_json(p, actor, p.id in duty, part) for p, part in members]
        return jsonify({"at": clock.iso_local(at), "people": rows})

    @bp.get("/api/teams/<cell>")
    @auth.require(access.may_read_roster)
    def team(cell: str) -> Any:
        if cell not in cells:
            return _error(404, "unknown_cell", f"no cell {cell[:20]}", "没有这个网格")
        return jsonify(team_json(roster, cell, auth.current_actor(), now()))

    return bp
