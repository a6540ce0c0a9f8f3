"""JSON Schemas of GeoReport v2's JSON answers, written from the specification
(wiki.open311.org/GeoReport_v2): each method's response fields, types and allowed values.
``additionalProperties: false`` everywhere: a field the specification does not list (a
reporter's name, a phone number) fails validation."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

# "All date/time fields must be formatted in a common subset of ISO 8601 … Timezone
# information (either Z meaning UTC, or an HH:MM offset from UTC) must be included."
W3C_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
TEXT = {"type": ["string", "null"]}
DATETIME = {"type": "string", "pattern": W3C_DATETIME}
ID = {"type": ["integer", "string"]}

SERVICES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "additionalProperties": False,
        "properties": {
            "service_code": {"type": "string", "minLength": 1},
            "service_name": {"type": "string", "minLength": 1},
            "description": TEXT,
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": TEXT,
            "group": TEXT,
        },
    },
}

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "additionalProperties": False,
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "order", "description"],
                "additionalProperties": False,
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string", "minLength": 1},
                    "datatype": {
                        "enum": [
                            "string",
                            "number",
                            "datetime",
                            "text",
                            "singlevaluelist",
                            "multivaluelist",
                        ]
                    },
                    "required": {"type": "boolean"},
                    "datatype_description": TEXT,
                    "order": {"type": "integer", "minimum": 1},
                    "description": {"type": "string"},
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "name"],
                            "additionalProperties": False,
                            "properties": {
                                "key": {"type": ["string", "number"]},
                                "name": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    },
}

# POST Service Request: service_request_id or token, never both.
CREATED = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "service_request_id": ID,
            "token": ID,
            "service_notice": TEXT,
            "account_id": {"type": ["string", "integer", "null"]},
        },
        "oneOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
    },
}

TOKENS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["token"],
        "additionalProperties": False,
        "properties": {"service_request_id": ID, "token": ID},
    },
}

SERVICE_REQUESTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "service_request_id",
            "status",
            "service_code",
            "requested_datetime",
            "updated_datetime",
        ],
        "additionalProperties": False,
        "properties": {
            "service_request_id": ID,
            "status": {"enum": ["open", "closed"]},
            "status_notes": TEXT,
            "service_name": TEXT,
            "service_code": {"type": "string"},
            "description": {"type": ["string", "null"], "maxLength": 4000},
            "agency_responsible": TEXT,
            "service_notice": TEXT,
            "requested_datetime": DATETIME,
            "updated_datetime": DATETIME,
            "expected_datetime": {"anyOf": [DATETIME, {"type": "null"}]},
            "address": TEXT,
            "address_id": {"type": ["string", "integer", "null"]},
            "zipcode": {"type": ["string", "integer", "null"]},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "media_url": TEXT,
        },
    },
}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "additionalProperties": False,
        "properties": {"code": {"type": ["integer", "string"]}, "description": {"type": "string"}},
    },
}


def validate(schema: dict[str, Any], document: Any) -> None:
    """Raise jsonschema.ValidationError unless ``document`` fits ``schema``."""
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(document)
