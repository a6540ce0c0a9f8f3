"""Who answers for a case: the department of its category, or the street (街道) or
community (社区) office of the cell it was reported in.

Streets and communities are responsible units like departments: the store keeps one unit
per street and per community of its grid (``CatalogAdmin.register_units``), under codes made
here (``street_370102009``, ``community_370102009002``), so dispatch, a liaison's desk, the
access policy and the screens' names treat them as they treat a department. A category
that routes by place still names a department: the one that answers where the place has no
unit of its own (a cell outside the grid the store was given).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from geo.hierarchy import level_code

if TYPE_CHECKING:
    from cases.catalog import Catalog, Category

# How an item of the catalog finds its unit: its department, or the place's office.
ROUTES = ("department", "street", "community")
PLACES = ("street", "community")
# Who answers, in words, for an item routed by place (before a case says which place).
PLACE_ZH = {"street": "所在街道", "community": "所在社区"}
# A unit's code is its kind and the place's code; department codes are letters only, so
# the two never meet. Departments come first in every list, then streets, then communities.
_ORDER = {"department": 0, "street": 1, "community": 2}


def unit_code(place: str, place_code: str) -> str:
    """The unit of a street (9-digit code) or a community (12-digit code)."""
    if place not in PLACES:
        raise ValueError(f"place: one of {', '.join(PLACES)}; got {place!r}")
    return f"{place}_{place_code}"


def unit_kind(code: str) -> str:
    """``street``, ``community`` or ``department`` (a department or a utility company)."""
    kind, _, digits = code.partition("_")
    return kind if kind in PLACES and digits.isdigit() else "department"


def unit_order(code: str) -> tuple[int, str]:
    """Sort key of units: departments, then streets, then communities, each by code."""
    return _ORDER[unit_kind(code)], code


def responsible_unit(catalog: Catalog, category: Category, cell_code: str) -> str:
    """The unit a case of ``category`` reported in ``cell_code`` goes to."""
    if category.route not in PLACES:
        return category.department
    unit = unit_code(category.route, level_code(cell_code, category.route))
    return unit if unit in catalog.departments else category.department


def place_units(cells: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The units of a grid's streets and communities as (code, name_zh, name_en), from its
    cells as (cell_code, street name, community name); in ``unit_order``."""
    units: dict[str, tuple[str, str]] = {}
    for cell_code, street, community in cells:
        for place, name, en in (
            ("street", street, "sub-district office"),
            ("community", community, "community committee"),
        ):
            code = unit_code(place, level_code(cell_code, place))
            units.setdefault(code, (name, f"{name} ({en})"))
    return [(code, *units[code]) for code in sorted(units, key=unit_order)]
