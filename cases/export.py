"""Exports of cases: the filters a desk sets, checked, as SQL; the columns of a file in the
reader's language; and each case as a row of values or a GeoJSON feature.

No web here: dashboard/export_api.py reads the filters from a request and streams the files
that cases/export_files.py writes. Times are shown in Asia/Shanghai; coordinates are WGS-84.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_

from cases import clock
from cases.catalog import Catalog
from cases.model import Case, Status, storable
from cases.reads import OPEN_STATES
from cases.schema import cases
from cases.sla import RISK_LEVELS

MAX_VALUES = 100  # values of one filter
MAX_VALUE_LENGTH = 64
CODE_DIGITS = {"street": 9, "community": 12, "cell": 15}  # 街道 / 社区 / 网格 codes
LIST_FILTERS = ("status", "category", "department", "street", "community", "cell", "risk")
DATE_FILTERS = ("reported_from", "reported_to")
KNOWN_PARAMS = (*LIST_FILTERS, *DATE_FILTERS, "lang")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FilterError(ValueError):
    """A filter the export cannot take; the message names it and says what it takes."""


@dataclass(frozen=True)
class CaseFilter:
    """The desk's filters: a case matches when it matches every filter given (and any one
    of the values of a filter). Dates are local days, both ends included."""

    status: frozenset[str] = frozenset()
    category: frozenset[str] = frozenset()
    department: frozenset[str] = frozenset()
    street: frozenset[str] = frozenset()
    community: frozenset[str] = frozenset()
    cell: frozenset[str] = frozenset()
    risk: frozenset[str] = frozenset()
    reported_from: date | None = None
    reported_to: date | None = None

    def conditions(self, now: datetime) -> list[ColumnElement[bool]]:
        """The filters as SQL on the cases table; ``risk`` as it stands at ``now`` (UTC)."""
        c = cases.c
        columns = {
            "status": c.status,
            "category": c.category_code,
            "department": c.department,
            "street": c.street_code,
            "community": c.community_code,
            "cell": c.cell_code,
        }
        out: list[ColumnElement[bool]] = [
            columns[name].in_(sorted(getattr(self, name)))
            for name in columns
            if getattr(self, name)
        ]
        if self.reported_from is not None:
            out.append(c.created_at >= local_midnight(self.reported_from))
        if self.reported_to is not None:
            out.append(c.created_at < local_midnight(self.reported_to + timedelta(days=1)))
        if self.risk:
            out.append(or_(*(risk_condition(level, now) for level in sorted(self.risk))))
        return out


def local_midnight(day: date) -> datetime:
    """The start of local day ``day`` (Asia/Shanghai), as UTC."""
    return datetime.combine(day, time(0), tzinfo=clock.LOCAL_TZ).astimezone(UTC)


def risk_condition(level: str, now: datetime) -> ColumnElement[bool]:
    """Cases whose ``Case.risk(now)`` is ``level``, as SQL."""
    c = cases.c
    is_open = c.status.in_(OPEN_STATES)
    if level == "overdue":
        return and_(is_open, c.deadline <= now)
    if level == "at_risk":
        return and_(is_open, c.at_risk_at <= now, c.deadline > now)
    if level == "watch":
        return and_(is_open, c.watch_at <= now, c.at_risk_at > now, c.deadline > now)
    return or_(not_(is_open), and_(c.watch_at > now, c.at_risk_at > now, c.deadline > now))


def parse_filter(args: Mapping[str, Sequence[str]], catalog: Catalog) -> CaseFilter:
    """The filters of a query (each name → its values; a value may also list several,
    comma-separated; empty values are no filter). Raises FilterError on anything else."""
    unknown = sorted(name for name in args if name not in KNOWN_PARAMS)
    if unknown:
        raise FilterError(f"unknown filter {unknown[0][:40]!r}; known: {', '.join(KNOWN_PARAMS)}")
    allowed: dict[str, Any] = {
        "status": {s.value for s in Status},
        "category": set(catalog.categories),
        "department": set(catalog.departments),
        "risk": set(RISK_LEVELS),
    }
    found: dict[str, Any] = {}
    for name in LIST_FILTERS:
        values = _values(name, args.get(name, ()))
        if name in CODE_DIGITS:
            pattern = re.compile(rf"[0-9]{{{CODE_DIGITS[name]}}}")
            if any(not pattern.fullmatch(v) for v in values):
                raise FilterError(f"{name}: codes of {CODE_DIGITS[name]} digits")
        elif not values <= allowed[name]:
            raise FilterError(f"{name}: one of {', '.join(sorted(allowed[name]))}")
        found[name] = values
    for name in DATE_FILTERS:
        found[name] = _day(name, args.get(name, ()))
    start, end = found["reported_from"], found["reported_to"]
    if start is not None and end is not None and start > end:
        raise FilterError("reported_from is after reported_to")
    return CaseFilter(**found)


def _values(name: str, given: Sequence[str]) -> frozenset[str]:
    values = {v.strip() for text in given for v in text.split(",") if v.strip()}
    if len(values) > MAX_VALUES:
        raise FilterError(f"{name}: at most {MAX_VALUES} values")
    if any(len(v) > MAX_VALUE_LENGTH or not storable(v) for v in values):
        raise FilterError(f"{name}: values of at most {MAX_VALUE_LENGTH} plain characters")
    return frozenset(values)


def _day(name: str, given: Sequence[str]) -> date | None:
    texts = [t.strip() for t in given if t.strip()]
    if not texts:
        return None
    if len(texts) > 1:
        raise FilterError(f"{name}: one date")
    text = texts[0]
    try:
        day = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        raise FilterError(f"{name}: a date YYYY-MM-DD between 2000 and 2100 (Asia/Shanghai)")
    return day


# -- columns and rows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str  # also the GeoJSON property
    zh: str
    en: str


COLUMNS = (
    Column("id", "案件编号", "Case ID"),
    Column("status", "状态", "Status"),
    Column("risk", "超时风险", "SLA risk"),
    Column("category_code", "类别代码", "Category code"),
    Column("category", "类别", "Category"),
    Column("department_code", "部门代码", "Department code"),
    Column("department", "处置部门", "Department"),
    Column("priority", "优先级", "Priority"),
    Column("street_code", "街道代码", "Street code"),
    Column("community_code", "社区代码", "Community code"),
    Column("cell_code", "网格代码", "Cell code"),
    Column("place", "地点", "Place"),
    Column("description", "描述", "Description"),
    Column("lon", "经度", "Longitude"),
    Column("lat", "纬度", "Latitude"),
    Column("source", "来源", "Source"),
    Column("external_id", "来源编号", "Report ID"),
    Column("reported_at", "上报时间", "Reported at"),
    Column("deadline", "处置时限", "Deadline"),
    Column("accepted_at", "签收时间", "Accepted at"),
    Column("handled_at", "处置时间", "Handled at"),
    Column("closed_at", "结案时间", "Closed at"),
    Column("dispatch_count", "派遣次数", "Dispatches"),
    Column("return_count", "退回次数", "Returns"),
    Column("rework_count", "返工次数", "Reworks"),
    Column("extension_count", "延期次数", "Extensions"),
    Column("rating", "评价", "Rating"),
)
REPORTER = Column("reporter", "上报人", "Reporter")  # personal data: access.may_see_reporters


@dataclass(frozen=True)
class Sheet:
    """What one export writes: its columns in the reader's language (``zh`` or ``en``),
    with the reporter only when ``personal``, and each case's values, times local."""

    catalog: Catalog
    now: datetime
    lang: str = "zh"
    personal: bool = False
    columns: tuple[Column, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", COLUMNS + ((REPORTER,) if self.personal else ()))

    def header(self) -> list[str]:
        return [column.en if self.lang == "en" else column.zh for column in self.columns]

    def values(self, case: Case) -> list[Any]:
        """The case's cells in column order: str, int, float, local datetime or None."""
        category = self.catalog.categories.get(case.category_code)
        department = self.catalog.departments.get(case.department)
        en = self.lang == "en"
        row: list[Any] = [
            case.id,
            case.status.value if en else case.status.label_zh,
            case.risk(self.now),
            case.category_code,
            (category.name_en if en else category.name_zh) if category else case.category_code,
            case.department,
            (department.name_en if en else department.name_zh) if department else case.department,
            case.priority,
            case.street_code,
            case.community_code,
            case.cell_code,
            case.place,
            case.description,
            case.lon,
            case.lat,
            case.source,
            case.external_id,
            *(
                _local(t)
                for t in (
                    case.created_at,
                    case.deadline,
                    case.accepted_at,
                    case.handled_at,
                    case.closed_at,
                )
            ),
            case.dispatch_count,
            case.return_count,
            case.rework_count,
            case.extension_count,
            case.rating,
        ]
        if self.personal:
            row.append(case.reporter)
        return row

    def feature(self, case: Case) -> dict[str, Any]:
        """The case as a GeoJSON Feature: its point (WGS-84 lon/lat) and every column."""
        values = self.values(case)
        properties = {
            column.key: value.isoformat(timespec="seconds")
            if isinstance(value, datetime)
            else value
            for column, value in zip(self.columns, values, strict=True)
        }
        properties["status"] = case.status.value
        return {
            "type": "Feature",
            "id": case.id,
            "geometry": {"type": "Point", "coordinates": [case.lon, case.lat]},
            "properties": properties,
        }


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else clock.as_utc(moment).astimezone(clock.LOCAL_TZ)


def neutralise(text: str) -> str:
    """A text a spreadsheet would read as a formula (= + - @, or a tab or CR before one)
    shown as text: prefixed with ' (OWASP's advice against CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text
