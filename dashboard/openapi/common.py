"""The parts every fragment of the description shares: the error shape, the standard error
responses, the security schemes, and small builders for operations.

Schemas are JSON Schema 2020-12 (OpenAPI 3.1): ``null`` is a type, tuples are
``prefixItems``.
"""

from __future__ import annotations

from typing import Any

from dashboard.errors import RETRY_AFTER_S

Schema = dict[str, Any]
Operation = dict[str, Any]
Paths = dict[str, dict[str, Operation]]

SECURITY_SCHEMES: dict[str, Schema] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "A user's or feed's API token (`gridcc user add` prints it).",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The session cookie POST /api/login or the /login form sets.",
    },
}
SIGNED_IN: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]
PUBLIC: list[dict[str, list[str]]] = []

ERROR: Schema = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "a stable code: unknown_case, conflict…"},
        "message": {"type": "string", "description": "for people; may change"},
        "message_zh": {"type": "string", "description": "the same in Chinese, where given"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "invalid_report: what is wrong with each field",
        },
        "current_status": {"type": "string", "description": "409s: the case's state now"},
    },
}

# What each status means wherever it appears; an operation lists the ones it can answer.
ERROR_MEANINGS = {
    400: "The request is malformed or refused; `error` says why.",
    401: "No identity: log in, or send `Authorization: Bearer <token>`.",
    403: "Your role may not do this.",
    404: "No such thing (or one you may not see: the answer is the same).",
    405: "The path exists, for other methods (see `Allow`).",
    409: "The case changed since you read it, or is in a state the action does not start from.",
    413: "The body is too large.",
    415: "The body is not application/json.",
    422: "Understood but not placeable (a point outside every grid cell).",
    429: "Too many requests (failed sign-ins, or an API key's rate); see `Retry-After`.",
    503: "The case store cannot be reached; retry after `Retry-After` seconds.",
}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: Schema, mimetype: str = "application/json") -> dict[str, Any]:
    return {mimetype: {"schema": schema}}


def error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERROR_MEANINGS[status],
        "content": json_content(ref("Error")),
    }
    if status == 503:
        response["headers"] = {
            "Retry-After": {
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
                "description": f"seconds (today {RETRY_AFTER_S})",
            }
        }
    return response


def operation(
    summary: str,
    responses: dict[int, Any],
    *,
    errors: tuple[int, ...] = (),
    security: list[dict[str, list[str]]] | None = None,
    parameters: list[Schema] | None = None,
    body: Schema | None = None,
    body_mimetype: str = "application/json",
    description: str = "",
    tags: tuple[str, ...] = (),
) -> Operation:
    """One operation: ``responses`` maps a status to (description, schema) or a full
    response object; ``errors`` adds the shared error responses (404 and 503 always: any
    path under /api/ may be unknown, any store may be away)."""
    out: Operation = {"summary": summary, "responses": {}}
    if description:
        out["description"] = description
    if tags:
        out["tags"] = list(tags)
    if security is not None:
        out["security"] = security
    if parameters:
        out["parameters"] = parameters
    if body is not None:
        out["requestBody"] = {"required": True, "content": json_content(body, body_mimetype)}
    for status, answer in sorted(responses.items()):
        if isinstance(answer, tuple):
            text, schema = answer
            answer = {"description": text, "content": json_content(schema)}
        out["responses"][str(status)] = answer
    for status in sorted({*errors, 404, 503} - set(responses)):
        out["responses"][str(status)] = error_response(status)
    return out


def path_param(name: str, schema: Schema, description: str = "") -> Schema:
    param = {"name": name, "in": "path", "required": True, "schema": schema}
    if description:
        param["description"] = description
    return param


def query_param(name: str, schema: Schema, description: str = "") -> Schema:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


def nullable(schema: Schema) -> Schema:
    kind = schema.get("type", "string")
    return {**schema, "type": [kind, "null"]} if isinstance(kind, str) else schema


def obj(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    return {"type": "object", "required": list(required), "properties": properties}
