"""Open311 GeoReport v2 (feeds/open311): the specification's own door, in XML or JSON by
the path's suffix; its errors are the specification's ``errors`` array, not ours."""

from __future__ import annotations

from dashboard.openapi.common import PUBLIC, Paths, Schema, path_param, query_param

FMT = path_param("fmt", {"type": "string", "enum": ["xml", "json"]})
GEOREPORT: Schema = {
    "application/json": {"schema": {"type": "array"}},
    "text/xml": {"schema": {"type": "string"}},
}
JURISDICTION = query_param("jurisdiction_id", {"type": "string"}, "jinan-lixia, if given")


def _answers(*codes: int) -> dict[str, object]:
    out: dict[str, object] = {"200": {"description": "GeoReport v2 records", "content": GEOREPORT}}
    for code in codes:
        out[str(code)] = {"description": "GeoReport v2 errors array", "content": GEOREPORT}
    return out


def _get(summary: str, *params: Schema) -> dict[str, object]:
    return {
        "summary": summary,
        "security": PUBLIC,
        "tags": ["open311"],
        "parameters": [FMT, JURISDICTION, *params],
        "responses": _answers(400, 404, 429, 503),
    }


def paths() -> Paths:
    post_answers = _answers(400, 403, 404, 413, 429, 503)
    post_answers["201"] = {"description": "The request filed", "content": GEOREPORT}
    return {
        "/open311/v2/services.{fmt}": {"get": _get("The public services (categories)")},
        "/open311/v2/services/{service_code}.{fmt}": {
            "get": _get("A service's definition", path_param("service_code", {"type": "string"}))
        },
        "/open311/v2/requests.{fmt}": {
            "get": _get(
                "Service requests, filtered and paged",
                *(
                    query_param(name, {"type": "string"})
                    for name in (
                        "service_request_id",
                        "service_code",
                        "start_date",
                        "end_date",
                        "status",
                        "page",
                        "page_size",
                    )
                ),
            ),
            "post": {
                "summary": "File a request (form-encoded, with api_key)",
                "security": PUBLIC,
                "tags": ["open311"],
                "parameters": [FMT],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["api_key", "service_code"],
                                "properties": {
                                    "api_key": {"type": "string"},
                                    "jurisdiction_id": {"type": "string"},
                                    "service_code": {"type": "string"},
                                    "lat": {"type": "number"},
                                    "long": {"type": "number"},
                                    "address_string": {"type": "string"},
                                    "address_id": {"type": "string"},
                                    "description": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": post_answers,
            },
        },
        "/open311/v2/requests/{request_id}.{fmt}": {
            "get": _get("One service request", path_param("request_id", {"type": "string"}))
        },
        "/open311/v2/tokens/{token}.{fmt}": {
            "get": _get(
                "A token's request (none are issued)", path_param("token", {"type": "string"})
            )
        },
    }
