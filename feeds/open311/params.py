"""What a GeoReport v2 client sends, checked: the query of GET requests and the form of
POST requests (turned into the report body ``Intake.accept`` takes). No Flask here: the
routes pass plain mappings in, and every refusal is an ``Open311Error``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cases import clock
from cases.catalog import Category
from cases.model import CLOSED_STATES, Status
from geo.grid import Grid

MAX_SPAN = timedelta(days=90)  # "may not span more than 90 days"
MAX_PAGE_SIZE = 1000  # "first 1000 requests returned"
MAX_IDS = 1000
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
OPEN311_STATUSES: dict[str, frozenset[Status]] = {
    "open": frozenset(s for s in Status if s.is_open),
    "closed": CLOSED_STATES,
}


@dataclass
class Open311Error(Exception):
    """A refusal: the HTTP status and the errors array (code, description) to send."""

    status: int
    problems: list[tuple[int, str]]

    @classmethod
    def one(cls, status: int, description: str) -> Open311Error:
        return cls(status, [(status, description)])


Values = Callable[[str], list[str]]  # every value a form or query gives a name


def given(values: Values, name: str) -> str:
    """The first non-empty value of ``name``: an empty parameter counts as not sent."""
    return next((v.strip() for v in values(name) if v.strip()), "")


def check_jurisdiction(values: Values, ours: str) -> None:
    theirs = given(values, "jurisdiction_id")
    if theirs and theirs != ours:
        raise Open311Error.one(404, f"jurisdiction_id {theirs[:64]!r} not found; use {ours!r}")


def is_number(text: str) -> bool:
    """Plain digits 0-9: ``str.isdigit`` also takes ² or ①, which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def _csv(values: Values, name: str) -> list[str]:
    return [part.strip() for v in values(name) for part in v.split(",") if part.strip()]


def parse_datetime(name: str, text: str) -> datetime:
    """A w3 datetime with its time zone, or a date alone (midnight, Asia/Shanghai)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=clock.LOCAL_TZ)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error.one(400, f"{name}: not a w3 datetime, eg 2010-01-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise Open311Error.one(400, f"{name}: include the time zone (Z or +08:00)")
    return moment


@dataclass(frozen=True)
class Listing:
    """GET requests' query, ready for ``Store.find_cases``."""

    ids: list[int] | None
    categories: list[str]
    statuses: frozenset[Status] | None
    created_from: datetime | None
    created_to: datetime | None
    limit: int
    offset: int


def parse_listing(values: Values, public: Collection[str], now: datetime) -> Listing:
    """``service_request_id`` overrides every other filter; otherwise the range is at most
    90 days (default: the last 90). ``page``/``page_size`` are our extension (1-based)."""
    problems: list[tuple[int, str]] = []
    page = _positive(values, "page", 1, problems)
    size = _positive(values, "page_size", MAX_PAGE_SIZE, problems)
    if size > MAX_PAGE_SIZE:
        problems.append((400, f"page_size: at most {MAX_PAGE_SIZE}"))
    limit, offset = size, (page - 1) * size
    raw_ids = _csv(values, "service_request_id")
    if raw_ids:
        if not all(is_number(i) and len(i) < 12 for i in raw_ids):
            problems.append((400, "service_request_id: comma-separated numbers"))
        elif len(raw_ids) > MAX_IDS:
            problems.append((400, f"service_request_id: at most {MAX_IDS} at once"))
        if problems:
            raise Open311Error(400, problems)
        return Listing([int(i) for i in raw_ids], list(public), None, None, None, limit, offset)

    codes = _csv(values, "service_code")
    unknown = [c for c in codes if c not in public]
    if unknown:
        problems.append((400, f"service_code: unknown {', '.join(unknown)[:80]}"))
    statuses: set[Status] = set()
    for word in _csv(values, "status"):
        if word not in OPEN311_STATUSES:
            problems.append((400, f"status: open or closed, not {word[:20]!r}"))
        else:
            statuses |= OPEN311_STATUSES[word]
    start = end = None
    for name in ("start_date", "end_date"):
        text = given(values, name)
        try:
            moment = parse_datetime(name, text) if text else None
        except Open311Error as bad:
            problems.extend(bad.problems)
            continue
        start, end = (moment, end) if name == "start_date" else (start, moment)
    if start is None and end is None:
        end = now
    if start is None and end is not None:
        start = end - MAX_SPAN
    elif end is None and start is not None:
        end = start + MAX_SPAN
    if start is not None and end is not None:
        if end < start:
            problems.append((400, "end_date is before start_date"))
        elif end - start > MAX_SPAN:
            problems.append((400, "start_date to end_date may not span more than 90 days"))
    if problems:
        raise Open311Error(400, problems)
    chosen = frozenset(statuses) or None
    return Listing(None, codes or list(public), chosen, start, end, limit, offset)


def _positive(values: Values, name: str, default: int, problems: list[tuple[int, str]]) -> int:
    text = given(values, name)
    if not text:
        return default
    if not is_number(text) or not 0 < int(text) < 2**31:
        problems.append((400, f"{name}: a whole number from 1"))
        return default
    return int(text)


# -- POST requests ---------------------------------------------------------------------------
def attributes(form: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v1&…`` as {code: [values]}."""
    out: dict[str, list[str]] = {}
    for key, found in form.items():
        match = ATTRIBUTE.match(key)
        if match:
            out.setdefault(match.group(1), []).extend(v.strip() for v in found if v.strip())
    return out


def locate(values: Values, grid: Grid) -> tuple[float, float] | None:
    """lat & long as sent; else the cell named by ``address_id`` (a cell code) or by
    ``address_string`` (its community and cell, eg 明湾社区 001网格); None: no location."""
    lat, lon = given(values, "lat"), given(values, "long")
    if lat or lon:
        try:
            return float(lon), float(lat)
        except ValueError:
            raise Open311Error.one(400, "lat and long: both, as decimal degrees") from None
    address_id = given(values, "address_id")
    if address_id:
        try:
            return _inside(grid, grid.index_of(address_id))
        except KeyError:
            message = f"address_id {address_id[:20]!r}: no such grid cell"
            raise Open311Error.one(400, message) from None
    text = re.sub(r"[\s,，、]+", "", given(values, "address_string"))
    if not text:
        return None
    found = [
        i
        for i, name in enumerate(grid.names)
        if grid.community_names[i] in text and name.split()[-1] in text
    ]
    if len(found) != 1:
        raise Open311Error.one(
            400, "address_string names no single grid cell (eg 明湾社区 001网格); send lat and long"
        )
    return _inside(grid, found[0])


def _inside(grid: Grid, index: int) -> tuple[float, float]:
    point = grid.geometries[index].representative_point()
    return float(point.x), float(point.y)


def reporter(values: Values) -> str:
    """Name and a way to call back (回访), for the desk only; never shown by Open311."""
    name = " ".join(p for p in (given(values, "first_name"), given(values, "last_name")) if p)
    contact = given(values, "phone") or given(values, "email")
    return f"{name} ({contact})" if name and contact else name or contact


def report_body(
    values: Values, form: Mapping[str, list[str]], category: Category, grid: Grid
) -> dict[str, Any]:
    """The body ``Intake.accept`` takes, from a POST requests form; refusals raise."""
    where = locate(values, grid)
    if where is None:
        raise Open311Error.one(400, "location: send lat and long, address_id or address_string")
    given_attributes = attributes(form)
    unknown = sorted(set(given_attributes) - {"crs"})
    if unknown:
        raise Open311Error.one(400, f"attribute: unknown code {', '.join(unknown)[:60]}")
    crs = given_attributes.get("crs", ["wgs84"])
    if len(crs) != 1:
        raise Open311Error.one(400, "attribute[crs]: one value")
    if not (given(values, "lat") or given(values, "long")):
        crs = ["wgs84"]  # a point of our own grid, whatever the client's map uses
    lon, lat = where
    return {
        "category": category.code,
        "description": given(values, "description") or category.name_zh,
        "lon": lon,
        "lat": lat,
        "crs": crs[0],
        "source": "citizen",
        "reporter": reporter(values),
    }


# Intake's field names in the words of the form a client sent.
FIELD_NAMES = {
    "category": "service_code",
    "lon": "long",
    "lat": "lat",
    "crs": "attribute[crs]",
    "reporter": "first_name, last_name, phone, email",
}
