"""The roster kept by admins over HTTP (the admin page does the same through its callbacks):

    POST /api/admin/people/import?kind=…   a CSV or .xlsx file (the body, or the form field
                                           ``file``): people, teams or shifts, whole or not
    PUT  /api/admin/people/<person_id>     {name, kind, phone, unit, username, active}
    PUT  /api/admin/teams/<cell>           {branch, members: [{person_id, part}, …]}
    POST /api/admin/shifts                 {shifts: [{person_id, starts, ends}, …]} local

Admins only, signed in as a person (``access.may_edit_roster``); a session's request
carries its CSRF token as every change does (dashboard/guards.py). A refused file or body
answers 400 with every problem: ``problems`` [{row, message, message_zh}].
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from cases import access
from cases.model import storable
from cases.people_admin import FileRefused, RosterAdmin
from cases.people_file import FILE_KINDS
from dashboard.auth import Auth
from dashboard.bodies import json_object
from dashboard.people_api import person_json, team_json

MAX_SHIFTS = 1000  # in one body


def _error(status: int, error: str, message: str, zh: str, **more: Any) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message, "message_zh": zh, **more}), status


def refused_json(exc: FileRefused) -> tuple[Response, int]:
    problems = [{"row": p.row, "message": p.message, "message_zh": p.zh} for p in exc.problems]
    return _error(400, "invalid_roster", str(exc), exc.zh, problems=problems, more=exc.more)


def _texts(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, str] | None:
    values = {n: body.get(n) for n in names}
    if not all(v is None or (isinstance(v, str) and storable(v)) for v in values.values()):
        return None
    return {n: v or "" for n, v in values.items() if isinstance(v, str) or v is None}


def admin_people_api(admin: RosterAdmin, auth: Auth, now: Any) -> Blueprint:
    bp = Blueprint("admin_people_api", __name__)
    guard = auth.require(access.may_edit_roster)

    @bp.post("/api/admin/people/import")
    @guard
    def import_file() -> Any:
        kind = request.args.get("kind")
        if kind is not None and kind not in FILE_KINDS:
            return _error(
                400,
                "invalid_query",
                f"kind: one of {FILE_KINDS}",
                "kind 应为 people、teams 或 shifts",
            )
        upload = request.files.get("file")
        data = upload.read() if upload is not None else request.get_data(cache=False)
        try:
            done = admin.import_file(auth.current_actor(), data, kind)
        except FileRefused as exc:
            return refused_json(exc)
        return jsonify(
            {
                "kind": done.kind,
                "rows": done.rows,
                "people": done.people,
                "teams": done.teams,
                "shifts": done.shifts,
            }
        )

    @bp.put("/api/admin/people/<person_id>")
    @guard
    def save_person(person_id: str) -> Any:
        body = json_object()
        fields = _texts(body or {}, ("name", "kind", "phone", "unit", "username"))
        active = (body or {}).get("active", True)
        if (
            body is None
            or fields is None
            or not isinstance(active, bool)
            or not storable(person_id)
        ):
            return _error(
                400,
                "invalid_body",
                "send a JSON object: name, kind, phone, unit, username (texts), active (bool)",
                "请发送 JSON 对象：name、kind、phone、unit、username（文本）与 active（布尔值）",
            )
        try:
            person = admin.save_person(auth.current_actor(), person_id, fields, active)
        except FileRefused as exc:
            return refused_json(exc)
        return jsonify(person_json(person, auth.current_actor()))

    @bp.put("/api/admin/teams/<cell>")
    @guard
    def set_team(cell: str) -> Any:
        body = json_object()
        members = (body or {}).get("members")
        branch = (body or {}).get("branch", "")
        pairs = [
            (m.get("person_id"), m.get("part"))
            for m in (members if isinstance(members, list) else [])
            if isinstance(m, dict)
        ]
        texts = [branch, *(v for pair in pairs for v in pair)]
        if (
            body is None
            or not isinstance(members, list)
            or len(pairs) != len(members)
            or len(members) > 50
            or not all(isinstance(t, str) and storable(t) for t in texts)
        ):
            return _error(
                400,
                "invalid_body",
                "send {branch, members: [{person_id, part}, …]} (at most 50 members)",
                "请发送 {branch, members: [{person_id, part}, …]}（最多 50 人）",
            )
        try:
            admin.set_team(auth.current_actor(), cell, branch, pairs)  # type: ignore[arg-type]
        except FileRefused as exc:
            return refused_json(exc)
        return jsonify(team_json(admin.roster, cell, auth.current_actor(), now()))

    @bp.post("/api/admin/shifts")
    @guard
    def add_shifts() -> Any:
        body = json_object()
        shifts = (body or {}).get("shifts")
        rows = [
            _texts(s, ("person_id", "starts", "ends")) if isinstance(s, dict) else None
            for s in (shifts if isinstance(shifts, list) else [])
        ]
        if not isinstance(shifts, list) or len(shifts) > MAX_SHIFTS or None in rows:
            return _error(
                400,
                "invalid_body",
                f"send {{shifts: [{{person_id, starts, ends}}, …]}} (at most {MAX_SHIFTS}; "
                "local times YYYY-MM-DD HH:MM)",
                f"请发送 {{shifts: [{{person_id, starts, ends}}, …]}}（最多 {MAX_SHIFTS} 条）",
            )
        try:
            added = admin.add_shifts(auth.current_actor(), [r for r in rows if r is not None])
        except FileRefused as exc:
            return refused_json(exc)
        return jsonify({"added": added})

    return bp
