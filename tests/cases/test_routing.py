"""Routing by place as well as category: which unit answers for a case (cases/routing.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cases.catalog import Catalog, Department, load_catalog
from cases.routing import (
    place_units,
    responsible_unit,
    unit_code,
    unit_kind,
    unit_order,
)
from geo.grid import Grid

YAOJIA = "370102009"  # 姚家街道
CELL = "370102009002003"  # a cell of its community 002


def with_units(catalog: Catalog, *codes: str) -> Catalog:
    """The shipped catalog, with the streets' and communities' units ``codes`` known."""
    units = {code: Department(code, code, code) for code in codes}
    return replace(catalog, departments={**catalog.departments, **units})


KNOWN = ("street_370102009", "community_370102009002")

# (category, cell, expected unit): by department, by place, to a utility, and the fallback
# where the place has no unit of its own.
ROUTES = [
    ("SR01", CELL, "chengguan"),  # exposed garbage: the department, wherever it is
    ("CG05", CELL, "shizheng"),
    ("DJ04", CELL, "street_370102009"),  # grid Party branch coordination: the street
    ("DJ02", CELL, "street_370102009"),
    ("MD04", CELL, "street_370102009"),  # wage dispute: the street's office
    ("MD01", CELL, "community_370102009002"),  # neighbour dispute: the community
    ("DJ05", CELL, "community_370102009002"),  # 泉心愿 micro-wish
    ("MS07", CELL, "community_370102009002"),
    ("AQ15", CELL, "ranqi"),  # gas leak: the gas company
    ("AQ04", CELL, "ranqi"),
    ("AQ16", CELL, "gongshui"),  # burst water main
    ("MS01", CELL, "gongshui"),
    ("AQ17", CELL, "gongdian"),  # power line hazard
    ("MS13", CELL, "gongdian"),  # power outage
    ("MS14", CELL, "reli"),  # heating failure
    ("MS02", CELL, "reli"),
    ("CG17", CELL, "tongxin"),  # fallen telecom cable
    # 大明湖街道's units are not known: the category's department answers
    ("DJ04", "370102001001001", "dangjian"),
    ("MD01", "370102001001001", "shequ"),
    # a community of a known street, itself unknown: still the fallback, not the street
    ("MD01", "370102009001004", "shequ"),
]


@pytest.mark.parametrize(("category", "cell", "unit"), ROUTES)
def test_each_case_goes_to_its_unit(category: str, cell: str, unit: str) -> None:
    catalog = with_units(load_catalog(), *KNOWN)
    assert responsible_unit(catalog, catalog.category(category), cell) == unit


def test_without_place_units_every_case_goes_to_its_categorys_department() -> None:
    catalog = load_catalog()
    for category in catalog.categories.values():
        assert responsible_unit(catalog, category, CELL) == category.department


UNIT_KINDS = [
    ("chengguan", "department"),
    ("ranqi", "department"),  # a utility is a department among departments
    ("street_370102009", "street"),
    ("community_370102009002", "community"),
    ("street_", "department"),  # not a place's code
    ("street_x1", "department"),
    ("district_370102", "department"),
]


@pytest.mark.parametrize(("code", "kind"), UNIT_KINDS)
def test_a_units_kind_is_read_from_its_code(code: str, kind: str) -> None:
    assert unit_kind(code) == kind


def test_unit_codes_and_their_order() -> None:
    assert unit_code("street", YAOJIA) == "street_370102009"
    assert unit_code("community", CELL[:12]) == "community_370102009002"
    with pytest.raises(ValueError, match="place"):
        unit_code("cell", CELL)
    codes = ["community_370102001001", "street_370102009", "zhujian", "chengguan"]
    assert sorted(codes, key=unit_order) == [
        "chengguan",
        "zhujian",
        "street_370102009",
        "community_370102001001",
    ]


def test_the_grids_streets_and_communities_become_units(grid: Grid) -> None:
    cells = zip(grid.codes, grid.street_names, grid.community_names, strict=True)
    units = place_units(cells)
    kinds = [unit_kind(code) for code, _, _ in units]
    assert kinds.count("street") == 14 and kinds.count("community") == 88
    assert kinds == sorted(kinds, key=["street", "community"].index)  # streets first
    named = {code: (zh, en) for code, zh, en in units}
    assert named["street_370102009"] == ("姚家街道", "姚家街道 (sub-district office)")
    i = grid.codes.index(next(c for c in grid.codes if c.startswith("370102009002")))
    assert named["community_370102009002"][0] == grid.community_names[i]
    # valid department codes: what save_department takes and the tables hold (String(32))
    for code, zh, _en in units:
        assert len(code) <= 32 and code.replace("_", "").isalnum() and zh


def test_the_catalog_routes_by_place_and_to_the_utilities() -> None:
    catalog = load_catalog()
    routed = {c.code: c.route for c in catalog.categories.values() if c.route != "department"}
    assert routed == {
        **dict.fromkeys(("DJ02", "DJ04", "MD04"), "street"),
        **dict.fromkeys(
            ("DJ01", "DJ03", "DJ05", "DJ06", "MD01", "MD02", "MD03", "MD06", "MD07"),
            "community",
        ),
        **dict.fromkeys(("MS07", "MS08", "MS09"), "community"),
    }
    utilities = {"gongdian", "gongshui", "ranqi", "reli", "tongxin"}
    assert utilities <= set(catalog.departments)
    answering = {c.department for c in catalog.categories.values()}
    assert utilities <= answering  # each utility answers for some item
    assert all(c.weight > 0 for c in catalog.categories.values() if c.department in utilities)


def test_every_urgent_item_runs_on_calendar_hours_with_a_short_limit() -> None:
    urgent = [c for c in load_catalog().categories.values() if c.priority == "urgent"]
    assert len(urgent) >= 25
    for category in urgent:
        assert not category.working_hours and category.unit == "h", category.code
        assert category.limit <= 24, category.code
