"""The center in GeoReport v2's words: services from the catalog, service requests from
cases (plain dicts in the specification's field order; no Flask, no store).

Our lifecycle has nine states; GeoReport has two. Every open state is ``open`` and
作废 (void) as well as 结案 (closed) are ``closed``; ``status_notes`` says in Chinese where
the case is now. ``address_id`` is the 15-digit grid cell code: the grid is the district's
addressing system, and a client may send one back to file a request in that cell.
"""

from __future__ import annotations

from typing import Any

from cases import access, clock, routing
from cases.catalog import Catalog, Category
from cases.model import Case, Status
from geo.grid import Grid

JURISDICTION_ID = "jinan-lixia"
# After the cell, community and street: the district and above, most general last.
DISTRICT_ADDRESS = ("历下区", "济南市", "山东省")

STATUS_NOTES = {
    Status.REPORTED: "已收到，等待受理立案",
    Status.FILED: "已立案，等待派遣",
    Status.DISPATCHED: "已派遣至{agency}，等待签收",
    Status.ACCEPTED: "{agency}已签收，正在处置",
    Status.RETURNED: "已退回指挥中心，等待重新派遣",
    Status.HANDLED: "{agency}已处置，等待核查",
    Status.VERIFIED: "已核查通过，等待结案",
    Status.CLOSED: "已办结",
    Status.VOID: "已作废，不予立案",
}

# Chinese map apps give GCJ-02 (高德, 腾讯) or BD-09 (百度) coordinates, not WGS-84: a
# client says which with this attribute, and the intake converts as it does for /api/reports.
CRS_ATTRIBUTE: dict[str, Any] = {
    "variable": True,
    "code": "crs",
    "datatype": "singlevaluelist",
    "required": False,
    "datatype_description": "wgs84、gcj02 或 bd09；不填为 wgs84",
    "order": 1,
    "description": "lat/long 的坐标系 (coordinate system of lat and long; default WGS-84)",
    "values": [
        {"key": "wgs84", "name": "WGS-84 (GPS)"},
        {"key": "gcj02", "name": "GCJ-02 (高德地图、腾讯地图)"},
        {"key": "bd09", "name": "BD-09 (百度地图)"},
    ],
}
ATTRIBUTES: tuple[dict[str, Any], ...] = (CRS_ATTRIBUTE,)


def open311_status(status: Status) -> str:
    return "open" if status.is_open else "closed"


def public_categories(catalog: Catalog) -> dict[str, Category]:
    """The catalog items the public may report and read (``access.is_public_category``)."""
    return {c.code: c for c in catalog.categories.values() if access.is_public_category(c)}


def _agency(catalog: Catalog, department: str) -> str:
    known = catalog.departments.get(department)
    return known.name_zh if known else department


_UNIT_ZH = {"h": "小时", "wh": "个工作小时", "wd": "个工作日"}


def service_notice(agency: str, limit: float, unit: str) -> str:
    """Who handles it and the handling (处置) limit, as the catalog writes it."""
    return f"由{agency}负责处置，处置时限{limit:g}{_UNIT_ZH[unit]}"


def case_notice(agency: str, case: Case, category: Category | None) -> str:
    if category is not None:
        return service_notice(agency, category.limit, category.unit)
    return service_notice(agency, case.allowed_hours, "wh" if case.working_hours else "h")


def service(category: Category, catalog: Catalog) -> dict[str, Any]:
    """One entry of GET services."""
    agency = routing.PLACE_ZH.get(category.route) or _agency(catalog, category.department)
    notice = service_notice(agency, category.limit, category.unit)
    return {
        "service_code": category.code,
        "service_name": category.name_zh,
        "description": f"{category.name_zh} ({category.name_en})。{notice}。",
        "metadata": bool(ATTRIBUTES),
        "type": "realtime",
        "keywords": ", ".join((category.name_en, category.class_en, agency)),
        "group": category.class_zh,
    }


def service_list(catalog: Catalog) -> list[dict[str, Any]]:
    return [service(c, catalog) for c in public_categories(catalog).values()]


def service_definition(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": [dict(a) for a in ATTRIBUTES]}


def address(case: Case, grid: Grid) -> str:
    """The case's cell, community and street, then the district: most specific first."""
    try:
        i = grid.index_of(case.cell_code)
    except KeyError:  # the grid was replaced since: the names the case was filed with
        parts = list(reversed(case.place.split()))
    else:
        parts = [grid.names[i].split()[-1], grid.community_names[i], grid.street_names[i]]
    return ", ".join([*parts, *DISTRICT_ADDRESS])


def request_record(case: Case, catalog: Catalog, grid: Grid) -> dict[str, Any]:
    """One service request as GET requests shows it: nothing about who reported it."""
    category = catalog.categories.get(case.category_code)
    agency = _agency(catalog, case.department)
    closed = not case.status.is_open
    updated = case.closed_at if closed and case.closed_at else case.updated_at
    return {
        "service_request_id": case.id,
        "status": open311_status(case.status),
        "status_notes": STATUS_NOTES[case.status].format(agency=agency),
        "service_name": category.name_zh if category else case.category_code,
        "service_code": case.category_code,
        "description": case.description,
        "agency_responsible": agency,
        "service_notice": case_notice(agency, case, category),
        "requested_datetime": clock.iso_local(case.created_at),
        "updated_datetime": clock.iso_local(updated),
        "expected_datetime": clock.iso_local(case.deadline),
        "address": address(case, grid),
        "address_id": case.cell_code,
        "lat": round(case.lat, 6),
        "long": round(case.lon, 6),
    }


def created_record(case: Case, catalog: Catalog) -> dict[str, Any]:
    """The answer to POST requests: the new id and what will happen (no token: realtime)."""
    agency = _agency(catalog, case.department)
    return {
        "service_request_id": case.id,
        "service_notice": case_notice(agency, case, catalog.categories.get(case.category_code)),
        "account_id": None,
    }
