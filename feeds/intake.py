"""Intake: turn one submitted report (JSON) into a case, or a clear refusal.

Validation and location happen here; nothing here knows about HTTP, so the simulator,
the HTTP route and the queue consumers all go through ``Intake.accept``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from cases.catalog import Catalog
from cases.metrics import INTAKE_REFUSALS
from cases.model import Case, DuplicateMismatch, Report
from cases.store import Store
from geo.coords import to_wgs84
from geo.grid import Grid

SOURCES = ("patrol", "hotline", "wish", "department", "citizen")
CRS_NAMES = ("wgs84", "gcj02", "bd09")
MAX_DESCRIPTION = 2000
MAX_REPORT_BYTES = 16 * 1024  # one report as JSON, over HTTP or on the queue
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


@dataclass
class Rejection(Exception):
    """A report the intake refuses; ``status`` is the HTTP status it maps to."""

    status: int
    error: str
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.fields:
            out["fields"] = self.fields
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class Accepted:
    case: Case
    created: bool

    def body(self) -> dict[str, Any]:
        return {
            "case_id": self.case.id,
            "cell_code": self.case.cell_code,
            "place": self.case.place,
            "status": self.case.status.value,
            "duplicate": not self.created,
        }


def _clean_text(value: str) -> str:
    # Control characters never belong in a report; keep newlines and tabs.
    # Lone surrogates (Cs) cannot be stored as UTF-8 at all.
    return "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    ).strip()


def parse_report(body: Any, catalog: Catalog, require_report_id: bool = False) -> dict[str, Any]:
    """Check a decoded JSON body field by field; raise Rejection naming every bad field.

    ``require_report_id``: the queue needs the sender's id, which alone makes a message
    delivered twice one case (over HTTP it stays optional)."""
    if not isinstance(body, dict):
        raise Rejection(400, "invalid_report", "the body must be a JSON object")
    problems: dict[str, str] = {}
    out: dict[str, Any] = {}

    category = body.get("category")
    if not isinstance(category, str) or not category:
        problems["category"] = "required: a category code"
    elif category not in catalog.categories:
        problems["category"] = f"unknown category {category[:32]!r}"
    else:
        out["category"] = category

    description = body.get("description")
    if not isinstance(description, str) or not _clean_text(description):
        problems["description"] = "required: a non-empty text"
    elif len(description) > MAX_DESCRIPTION:
        problems["description"] = f"at most {MAX_DESCRIPTION} characters"
    else:
        out["description"] = _clean_text(description)

    for name, low, high in (("lon", -180.0, 180.0), ("lat", -90.0, 90.0)):
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems[name] = "required: a number"
        elif abs(value) > 1e6 or not math.isfinite(value) or not low <= value <= high:
            problems[name] = f"must be between {low:g} and {high:g}"
        else:
            out[name] = float(value)

    crs = body.get("crs", "wgs84")
    if not isinstance(crs, str) or crs.lower() not in CRS_NAMES:
        problems["crs"] = f"one of {', '.join(CRS_NAMES)}"
    else:
        out["crs"] = crs.lower()

    source = body.get("source", "citizen")
    if source not in SOURCES:
        problems["source"] = f"one of {', '.join(SOURCES)}"
    else:
        out["source"] = source

    report_id = body.get("report_id")
    if report_id is None and require_report_id:
        problems["report_id"] = "required: the sender's own id of the report"
    elif report_id is not None and (
        not isinstance(report_id, str) or not EXTERNAL_ID.match(report_id)
    ):
        problems["report_id"] = "1-128 characters of A-Z a-z 0-9 . _ : -"
    else:
        out["report_id"] = report_id

    reporter = body.get("reporter", "")
    if not isinstance(reporter, str) or len(reporter) > 64:
        problems["reporter"] = "a text of at most 64 characters"
    else:
        out["reporter"] = _clean_text(reporter)

    if problems:
        raise Rejection(400, "invalid_report", "the report has invalid fields", fields=problems)
    return out


class Intake:
    """Validates, locates and opens cases; refusals are recorded, never dropped silently."""

    def __init__(self, store: Store, grid: Grid) -> None:
        self.store = store
        self.grid = grid

    def accept(
        self, body: Any, raw: str = "", require_report_id: bool = False, sender: str = ""
    ) -> Accepted:
        """``sender`` names who handed the report in (an API key, a person, a queue) for the
        audit log: the report's own ``source`` is what it claims, the sender who said so."""
        try:
            fields = parse_report(body, self.store.catalog, require_report_id)
            return self._open(fields, sender)
        except Rejection as rejection:
            self.refuse(rejection, raw or repr(body))
            raise

    def refuse(self, rejection: Rejection, raw: str) -> None:
        """Keep a refused report with what was sent, for review (every intake path)."""
        INTAKE_REFUSALS.labels(reason=rejection.error).inc()
        self.store.record_rejection(rejection.error, rejection.message, raw)

    def _open(self, fields: dict[str, Any], sender: str = "") -> Accepted:
        lon, lat = to_wgs84(fields["lon"], fields["lat"], fields["crs"])
        lon, lat = float(lon), float(lat)
        where = self.grid.locate(lon, lat)
        if where.cell_code is None:
            raise Rejection(
                422,
                "outside_grid",
                f"the point ({lon:.6f}, {lat:.6f}) is outside every grid cell",
                extra={
                    "nearest_cell": where.nearest_code,
                    "distance_m": round(where.distance_m, 1),
                },
            )
        report = Report(
            source=fields["source"],
            category_code=fields["category"],
            description=fields["description"],
            lon=lon,
            lat=lat,
            cell_code=where.cell_code,
            place=self.grid.names[where.index],
            external_id=fields["report_id"],
            reporter=fields["reporter"],
        )
        try:
            actor = f"intake:{report.source}" + (f" via {sender}" if sender else "")
            case, created = self.store.open_case(report, actor=actor[:128])
        except DuplicateMismatch as clash:
            raise Rejection(
                409, "duplicate_mismatch", str(clash), extra={"case_id": clash.case_id}
            ) from None
        return Accepted(case, created)
