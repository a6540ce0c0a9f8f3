"""Health (dashboard/health_api.py): liveness and readiness, open to anyone."""

from __future__ import annotations

from dashboard.openapi.common import PUBLIC, Paths, Schema, json_content, obj

CHECK = {
    "type": "string",
    "description": "ok, timeout (no answer within 1 s) or the kind of error (its class name)",
}
READY: Schema = obj(
    {
        "status": {"type": "string", "enum": ["ready", "unready"]},
        "failed": {
            "type": "array",
            "items": {"type": "string", "enum": ["store", "redis"]},
            "description": "the parts that did not answer",
        },
        "checks": {
            "type": "object",
            "description": "each part checked (store; redis when the deployment has it)",
            "additionalProperties": CHECK,
        },
    },
    ("status", "failed", "checks"),
)


def paths() -> Paths:
    return {
        "/healthz": {
            "get": {
                "summary": "The process answers (liveness)",
                "security": PUBLIC,
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "Alive",
                        "content": json_content(
                            obj({"status": {"type": "string", "enum": ["ok"]}}, ("status",))
                        ),
                    }
                },
            }
        },
        "/readyz": {
            "get": {
                "summary": "The store (and Redis, when configured) answer within 1 s (readiness)",
                "security": PUBLIC,
                "tags": ["meta"],
                "responses": {
                    "200": {"description": "Ready", "content": json_content(READY)},
                    "503": {
                        "description": "Not ready: `failed` names the parts that did not answer",
                        "content": json_content(READY),
                    },
                },
            }
        },
    }
