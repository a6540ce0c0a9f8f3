"""The catalog of case categories and departments, kept as data (cases/data/*.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


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
    priority: str
    weight: float  # relative frequency, used by the simulator


@dataclass(frozen=True)
class Catalog:
    categories: dict[str, Category]
    departments: dict[str, Department]

    def category(self, code: str) -> Category:
        return self.categories[code]

    def public(self) -> dict[str, dict[str, str]]:
        """Names the browser needs, by category code."""
        return {
            c.code: {
                "zh": c.name_zh,
                "en": c.name_en,
                "department": c.department,
                "department_zh": self.departments[c.department].name_zh,
                "department_en": self.departments[c.department].name_en,
            }
            for c in self.categories.values()
        }


def _rows(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_catalog() -> Catalog:
    departments = {
        r["code"]: Department(r["code"], r["name_zh"], r["name_en"])
        for r in _rows("departments.csv")
    }
    categories = {}
    for r in _rows("categories.csv"):
        if r["department"] not in departments:
            raise ValueError(f"category {r['code']} names unknown department {r['department']!r}")
        categories[r["code"]] = Category(
            code=r["code"],
            class_zh=r["class_zh"],
            class_en=r["class_en"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            department=r["department"],
            limit_hours=float(r["limit_hours"]),
            priority=r["priority"],
            weight=float(r["weight"]),
        )
    return Catalog(categories=categories, departments=departments)
