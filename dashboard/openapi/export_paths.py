"""Exports of the cases one may see (dashboard/export_api.py), streamed."""

from __future__ import annotations

from cases.export import DATE_FILTERS, LIST_FILTERS
from dashboard.openapi.common import SIGNED_IN, Paths, error_response, path_param, query_param


def paths() -> Paths:
    filters = [
        query_param(name, {"type": "string"}, "one or more values, repeated or comma-separated")
        for name in LIST_FILTERS
    ]
    dates = [query_param(name, {"type": "string", "format": "date"}) for name in DATE_FILTERS]
    lang = query_param("lang", {"type": "string", "enum": ["zh", "en"]})
    fmt = path_param("fmt", {"type": "string", "enum": ["csv", "xlsx", "geojson"]})
    answers: dict[str, object] = {
        "200": {
            "description": "The file, streamed (an attachment)",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
                "application/geo+json": {"schema": {"type": "object"}},
            },
        }
    }
    for status in (400, 401, 403, 404, 503):
        answers[str(status)] = error_response(status)
    return {
        "/api/export/cases.{fmt}": {
            "get": {
                "summary": "The cases one may see, with the desk's filters, as a file",
                "security": SIGNED_IN,
                "tags": ["export"],
                "parameters": [fmt, *filters, *dates, lang],
                "responses": answers,
            }
        }
    }
