"""The catalog of case categories and departments: data, seeded from cases/data/*.csv and
kept in the store so admins can edit it while the center runs."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cases.model import storable

DATA = Path(__file__).resolve().parent / "data"
PRIORITIES = ("normal", "urgent")  # 一般 / 紧急


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Category:
    """One item of grid management: who handles it and how long they have."""

    code: str
    class_zh: str
    class_en: str
    name_zh: str
    name_en: str
    department: str
    limit_hours: float
    working_hours: bool  # the limit runs on working hours of the working-day calendar
    priority: str
    weight: float  # relative frequency, used by the simulator


@dataclass(frozen=True)
class Catalog:
    categories: dict[str, Category]
    departments: dict[str, Department]

    def category(self, code: str) -> Category:
        return self.categories[code]

    def public(self) -> dict[str, dict[str, Any]]:
        """Names the browser needs, by category code."""
        return {
            c.code: {
                "zh": c.name_zh,
                "en": c.name_en,
                "class_zh": c.class_zh,
                "class_en": c.class_en,
                "priority": c.priority,
                "department": c.department,
                "department_zh": self.departments[c.department].name_zh,
                "department_en": self.departments[c.department].name_en,
            }
            for c in self.categories.values()
        }

    def department_names(self) -> dict[str, dict[str, str]]:
        return {d.code: {"zh": d.name_zh, "en": d.name_en} for d in self.departments.values()}


class CatalogError(ValueError):
    """An edit that would make the catalog inconsistent; the message names the field."""


def make_category(fields: dict[str, Any], departments: dict[str, Department]) -> Category:
    """Build a Category from loose fields (CSV row, admin form), checking every one."""
    try:
        category = Category(
            code=str(fields["code"]).strip(),
            class_zh=str(fields["class_zh"]).strip(),
            class_en=str(fields["class_en"]).strip(),
            name_zh=str(fields["name_zh"]).strip(),
            name_en=str(fields["name_en"]).strip(),
            department=str(fields["department"]).strip(),
            limit_hours=float(fields["limit_hours"]),
            working_hours=str(fields["working_hours"]).strip().lower() in ("1", "true", "yes"),
            priority=str(fields["priority"]).strip(),
            weight=float(fields.get("weight", 1.0)),
        )
    except KeyError as missing:
        raise CatalogError(f"missing field {missing}") from None
    except (TypeError, ValueError) as bad:
        raise CatalogError(f"bad value: {bad}") from None
    texts = (category.code, category.class_zh, category.class_en, category.name_zh)
    if not all(storable(text) for text in (*texts, category.name_en, category.department)):
        raise CatalogError("text fields: no NUL and no lone surrogate")
    if not category.code or len(category.code) > 16:
        raise CatalogError("code: 1-16 characters")
    if not category.name_zh:
        raise CatalogError("name_zh: required")
    if category.department not in departments:
        raise CatalogError(f"department: unknown {category.department!r}")
    if not 0 < category.limit_hours <= 24 * 90:
        raise CatalogError("limit_hours: between 0 and 2160")
    if category.priority not in PRIORITIES:
        raise CatalogError(f"priority: one of {', '.join(PRIORITIES)}")
    if not 0 <= category.weight < math.inf:  # NaN fails this too
        raise CatalogError("weight: a finite number, not negative")
    return category


def _rows(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_catalog() -> Catalog:
    """The catalog shipped with gridcc (six classes, 74 items); the store's seed."""
    departments = {
        r["code"]: Department(r["code"], r["name_zh"], r["name_en"])
        for r in _rows("departments.csv")
    }
    categories = {}
    for row in _rows("categories.csv"):
        category = make_category(row, departments)
        if category.code in categories:
            raise CatalogError(f"duplicate category code {category.code}")
        categories[category.code] = category
    return Catalog(categories=categories, departments=departments)


def catalog_from_rows(department_rows: Sequence[Any], category_rows: Sequence[Any]) -> Catalog:
    departments = {r.code: Department(r.code, r.name_zh, r.name_en) for r in department_rows}
    categories = {
        r.code: Category(
            code=r.code,
            class_zh=r.class_zh,
            class_en=r.class_en,
            name_zh=r.name_zh,
            name_en=r.name_en,
            department=r.department,
            limit_hours=float(r.limit_hours),
            working_hours=bool(r.working_hours),
            priority=r.priority,
            weight=float(r.weight),
        )
        for r in category_rows
    }
    return Catalog(categories=categories, departments=departments)


def as_row(item: Category | Department) -> dict[str, Any]:
    return asdict(item)
