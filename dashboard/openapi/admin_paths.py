"""API keys and people's sessions (dashboard/admin_api.py): admins signed in as people."""

from __future__ import annotations

from cases import access
from dashboard.openapi.common import SIGNED_IN, Paths, Schema, obj, operation, path_param

KEY: Schema = obj(
    {
        "name": {"type": "string"},
        "scope": {"type": "string", "enum": list(access.KEY_SCOPES)},
        "department": {"type": ["string", "null"]},
        "created_at": {"type": "number"},
        "created_by": {"type": "string"},
        "revoked_at": {"type": ["number", "null"]},
    },
    ("name", "scope", "department", "created_at", "created_by", "revoked_at"),
)
NAME = path_param("name", {"type": "string"})
USERNAME = path_param("username", {"type": "string"})
ADMIN = {"errors": (401, 403), "security": SIGNED_IN, "tags": ("admin",)}


def paths() -> Paths:
    made = {**KEY, "properties": {**KEY["properties"], "key": {"type": "string"}}}
    return {
        "/api/admin/keys": {
            "get": operation(
                "The API keys (never the keys themselves)",
                {200: ("The keys", obj({"keys": {"type": "array", "items": KEY}}, ("keys",)))},
                **ADMIN,  # type: ignore[arg-type]
            ),
            "post": operation(
                "Make a key: shown this once, stored as a hash",
                {201: ("The key", made)},
                body=obj(
                    {
                        "name": {"type": "string"},
                        "scope": {"type": "string", "enum": list(access.KEY_SCOPES)},
                        "department": {"type": ["string", "null"]},
                    },
                    ("name", "scope"),
                ),
                errors=(400, 401, 403),
                security=SIGNED_IN,
                tags=("admin",),
            ),
        },
        "/api/admin/keys/{name}": {
            "delete": operation(
                "Revoke a key: at once, everywhere",
                {200: ("Revoked", obj({"revoked": {"type": "string"}}, ("revoked",)))},
                parameters=[NAME],
                **ADMIN,  # type: ignore[arg-type]
            )
        },
        "/api/admin/users/{username}/sessions": {
            "get": operation(
                "A user's standing sessions",
                {200: ("Sessions", obj({"sessions": {"type": "array"}}, ("sessions",)))},
                parameters=[USERNAME],
                **ADMIN,  # type: ignore[arg-type]
            ),
            "delete": operation(
                "End every session of a user (their sockets close within a sweep)",
                {200: ("Ended", obj({"ended": {"type": "integer"}}, ("ended",)))},
                parameters=[USERNAME],
                **ADMIN,  # type: ignore[arg-type]
            ),
        },
        "/api/admin/users/{username}/deactivate": {
            "post": operation(
                "Deactivate a user and end their sessions",
                {200: ("Deactivated", obj({"deactivated": {"type": "string"}}, ("deactivated",)))},
                parameters=[USERNAME],
                **ADMIN,  # type: ignore[arg-type]
            )
        },
    }
