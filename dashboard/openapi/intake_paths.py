"""Reports in (the ``intake`` blueprint, feeds/http.py): the body schema is built from the
same constants ``feeds.intake.parse_report`` checks against."""

from __future__ import annotations

from cases.model import Status
from dashboard.openapi.common import SIGNED_IN, Paths, Schema, obj, operation
from feeds.http import MAX_REPORT_BYTES
from feeds.intake import CRS_NAMES, EXTERNAL_ID, MAX_DESCRIPTION, SOURCES


def report_schema() -> Schema:
    return {
        **obj(
            {
                "category": {
                    "type": "string",
                    "minLength": 1,
                    "description": "a category code of GET /api/catalog (e.g. SR01)",
                },
                "description": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_DESCRIPTION,
                    "description": "what is wrong; control characters are dropped",
                },
                "lon": {"type": "number", "minimum": -180, "maximum": 180},
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "crs": {
                    "type": "string",
                    "enum": list(CRS_NAMES),
                    "default": "wgs84",
                    "description": "the datum of lon/lat (any letter case)",
                },
                "source": {"type": "string", "enum": list(SOURCES), "default": "citizen"},
                "report_id": {
                    "type": ["string", "null"],
                    "pattern": EXTERNAL_ID.pattern,
                    "description": "the sender's own id: the same (source, report_id) twice "
                    "is one case",
                },
                "reporter": {"type": "string", "maxLength": 64},
            },
            ("category", "description", "lon", "lat"),
        ),
        "description": f"One report, at most {MAX_REPORT_BYTES} bytes of UTF-8 JSON.",
    }


def accepted_schema() -> Schema:
    return obj(
        {
            "case_id": {"type": "integer"},
            "cell_code": {"type": "string"},
            "place": {"type": "string"},
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "duplicate": {"type": "boolean"},
        },
        ("case_id", "cell_code", "place", "status", "duplicate"),
    )


def paths() -> Paths:
    return {
        "/api/reports": {
            "post": operation(
                "Report a problem: opens a case, located to its grid cell",
                {
                    201: ("A new case", accepted_schema()),
                    200: ("A report already received: its case", accepted_schema()),
                },
                errors=(400, 401, 409, 413, 415, 422),
                security=SIGNED_IN,
                body=report_schema(),
                description="Every refusal is recorded with what was sent. In development "
                "anyone may report; in production a known feed, app or person (not a wall).",
                tags=("intake",),
            )
        }
    }
