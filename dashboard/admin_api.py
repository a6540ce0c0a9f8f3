"""Keeping access: API keys (made, listed, revoked) and people's sessions and accounts
(ended, deactivated). An admin signed in as a person only; every change ends what it
should at once (``cases.sessions`` and the hub's sweep close the rest)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from cases import access
from cases.keys import KeyRefused
from cases.model import storable
from dashboard.auth import Auth
from dashboard.bodies import json_object


def _error(status: int, error: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": error, "message": message}), status


def key_row(key: Any) -> dict[str, Any]:
    return {
        "name": key.name,
        "scope": key.scope,
        "department": key.department,
        "created_at": key.created_at,
        "created_by": key.created_by,
        "revoked_at": key.revoked_at,
    }


def admin_api(auth: Auth) -> Blueprint:
    bp = Blueprint("admin_api", __name__)
    guard = auth.require(access.may_manage_access)

    @bp.get("/api/admin/keys")
    @guard
    def list_keys() -> Response:
        return jsonify({"keys": [key_row(k) for k in auth.keys.all()]})

    @bp.post("/api/admin/keys")
    @guard
    def create_key() -> tuple[Response, int]:
        body = json_object()
        if body is None:
            return _error(400, "invalid_body", "send a JSON object: name, scope, department")
        fields = [body.get(k) for k in ("name", "scope", "department")]
        if not all(v is None or (isinstance(v, str) and storable(v)) for v in fields):
            return _error(400, "invalid_body", "name, scope and department are texts")
        name, scope, department = fields
        actor = auth.current_actor()
        assert actor is not None
        try:
            key = auth.keys.create(
                str(name or ""), str(scope or ""), department or None, created_by=actor.name
            )
        except KeyRefused as exc:
            return _error(400, "invalid_key", str(exc))
        saved = auth.keys.get(str(name))
        return jsonify({**key_row(saved), "key": key}), 201

    @bp.delete("/api/admin/keys/<name>")
    @guard
    def revoke_key(name: str) -> tuple[Response, int]:
        if not storable(name) or not auth.keys.revoke(name):
            return _error(404, "unknown_key", f"no key in force named {name}")
        return jsonify({"revoked": name}), 200

    @bp.get("/api/admin/users/<username>/sessions")
    @guard
    def user_sessions(username: str) -> Response:
        rows = auth.sessions.of_user(username) if storable(username) else []
        return jsonify(
            {"sessions": [{"kind": s.kind, "last_seen_at": s.last_seen_at} for s in rows]}
        )

    @bp.delete("/api/admin/users/<username>/sessions")
    @guard
    def end_sessions(username: str) -> Response:
        ended = auth.sessions.revoke_user(username) if storable(username) else 0
        return jsonify({"ended": ended})

    @bp.post("/api/admin/users/<username>/deactivate")
    @guard
    def deactivate(username: str) -> tuple[Response, int]:
        # A name no store can hold (a NUL in the path) names nobody: never a 500.
        if not storable(username) or auth.users.get(username) is None:
            return _error(404, "unknown_user", f"no active user named {username}")
        auth.users.deactivate(username)
        ended = auth.sessions.revoke_user(username, why="deactivated")
        return jsonify({"deactivated": username, "sessions_ended": ended}), 200

    return bp
