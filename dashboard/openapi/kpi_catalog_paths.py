"""The ``cases_api`` blueprint's KPI and catalog routes (dashboard/cases_api.py)."""

from __future__ import annotations

from cases.catalog import LIMIT_UNITS, PRIORITIES
from cases.rollup import DIMENSIONS
from cases.routing import ROUTES
from dashboard.cases_api import MAX_PERIOD_DAYS
from dashboard.openapi.common import (
    PUBLIC,
    SIGNED_IN,
    Paths,
    Schema,
    obj,
    operation,
    path_param,
    query_param,
)


def department_schema() -> Schema:
    text = {"type": "string"}
    return obj({"code": text, "name_zh": text, "name_en": text}, ("code", "name_zh", "name_en"))


def category_schema() -> Schema:
    text, number = {"type": "string"}, {"type": "number"}
    return obj(
        {
            "code": text,
            "class_zh": text,
            "class_en": text,
            "name_zh": text,
            "name_en": text,
            "department": text,
            # The handling limit, in ``unit``: h (calendar hours), wh (working hours), wd
            # (working days of 7.5 h); at most 2160 hours.
            "limit": {**number, "exclusiveMinimum": 0, "maximum": 24 * 90},
            "unit": {"type": "string", "enum": list(LIMIT_UNITS)},
            "priority": {"type": "string", "enum": list(PRIORITIES)},
            "weight": {**number, "minimum": 0},
            # department (default), or the street or community office of the case's cell
            "route": {"type": "string", "enum": list(ROUTES)},
        },
        (
            "code",
            "class_zh",
            "class_en",
            "name_zh",
            "name_en",
            "department",
            "limit",
            "unit",
            "priority",
        ),
    )


def as_sent(schema: Schema) -> Schema:
    """A catalog row as an admin sends it: the code is the path's, name_en defaults to
    name_zh."""
    optional = {"code", "name_en"}
    return {**schema, "required": [f for f in schema["required"] if f not in optional]}


def kpi_value_schema() -> Schema:
    maybe_number = {"type": ["number", "null"]}
    return obj({"value": maybe_number, "n": {"type": "number"}, "d": maybe_number}, ("value",))


def paths() -> Paths:
    day = {"type": "string", "format": "date"}
    return {
        "/api/kpis": {
            "get": operation(
                "KPIs per key of one dimension over a period",
                {
                    200: (
                        "KPI code → value, numerator n and denominator d, per key",
                        obj(
                            {
                                "dim": {"type": "string", "enum": list(DIMENSIONS)},
                                "start": day,
                                "end": day,
                                "kpis": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "type": "object",
                                        "additionalProperties": kpi_value_schema(),
                                    },
                                },
                            },
                            ("dim", "start", "end", "kpis"),
                        ),
                    )
                },
                errors=(400, 401, 403),
                security=SIGNED_IN,
                parameters=[
                    query_param("dim", {"type": "string", "enum": list(DIMENSIONS)}),
                    query_param("start", day, "default: 29 days before end"),
                    query_param(
                        "end", day, f"default: today; a period is 1 to {MAX_PERIOD_DAYS} days"
                    ),
                ],
                tags=("kpi",),
            )
        },
        "/api/kpis/definitions": {
            "get": operation(
                "What each KPI means, and its target",
                {
                    200: (
                        "The definitions",
                        {
                            "type": "array",
                            "items": obj(
                                {
                                    "code": {"type": "string"},
                                    "name": {"type": "string"},
                                    "definition": {"type": "string"},
                                    "target": {"type": ["number", "null"]},
                                    "rate": {"type": "boolean"},
                                    "higher_is_better": {"type": "boolean"},
                                },
                                ("code", "name", "definition", "target", "rate"),
                            ),
                        },
                    )
                },
                security=PUBLIC,
                parameters=[query_param("lang", {"type": "string", "enum": ["zh", "en"]})],
                tags=("kpi",),
            )
        },
        "/api/catalog": {
            "get": operation(
                "The catalog: departments and case categories",
                {
                    200: (
                        "The catalog",
                        obj(
                            {
                                "departments": {"type": "array", "items": department_schema()},
                                "categories": {"type": "array", "items": category_schema()},
                            },
                            ("departments", "categories"),
                        ),
                    )
                },
                errors=(401, 403),
                security=SIGNED_IN,
                tags=("catalog",),
            )
        },
        "/api/catalog/{kind}/{code}": {
            "put": operation(
                "Add or change a category or a department (admins; in force at once)",
                {200: ("As saved", {"anyOf": [category_schema(), department_schema()]})},
                errors=(400, 401, 403, 413),
                security=SIGNED_IN,
                parameters=[
                    path_param("kind", {"type": "string", "enum": ["categories", "departments"]}),
                    path_param("code", {"type": "string", "minLength": 1}),
                ],
                body={
                    "description": "The fields of the kind named in the path (the code is "
                    "the path's).",
                    "anyOf": [as_sent(category_schema()), as_sent(department_schema())],
                },
                tags=("catalog",),
            )
        },
    }
