"""The catalog of case categories and departments: data, seeded from cases/data/*.csv and
kept in the store so admins can edit it while the center runs."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cases.model import storable
from cases.routing import ROUTES, unit_order
from cases.sla import DEFAULT_HOURS
from cases.urgent_targets import DEFAULT, UrgentTarget, make_urgent_target, target_table

DATA = Path(__file__).resolve().parent / "data"
PRIORITIES = ("normal", "urgent")  # 一般 / 紧急
# How a limit is written: calendar hours, working hours, or working days (工作日). A working
# day is the length of the working day's periods (7.5 h), never a round 8 h.
LIMIT_UNITS = ("h", "wh", "wd")
WORKING_DAY_HOURS = DEFAULT_HOURS.day_hours
# The standard's stages of a case, in order: 立案, 派遣, 签收, 处置, 核查, 结案. The handling
# stage's limit is the item's own; the others come from ``stage_limits`` by priority and clock.
STAGES = ("file", "dispatch", "accept", "handle", "verify", "close")
CLOCKS = ("working", "calendar")


def limit_in_hours(limit: float, unit: str) -> float:
    """A limit as hours on its clock (working days become working hours)."""
    return limit * WORKING_DAY_HOURS if unit == "wd" else limit


@dataclass(frozen=True)
class StageLimit:
    """How long one stage may take, for items of one priority on one kind of clock."""

    priority: str
    clock: str  # "working" | "calendar": the item's clock, which the stage runs on
    stage: str
    limit: float
    unit: str

    @property
    def hours(self) -> float:
        return limit_in_hours(self.limit, self.unit)


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Category:
    """One item of grid management: who handles it and how long they have.

    ``route`` says who: the ``department`` named, or the ``street`` or ``community``
    office of the cell a case is reported in (cases/routing.py); the department then
    answers only where the place has no unit of its own.
    """

    code: str
    class_zh: str
    class_en: str
    name_zh: str
    name_en: str
    department: str
    limit: float  # the handling (处置) stage's limit, in ``unit``
    unit: str  # LIMIT_UNITS: h (calendar hours), wh (working hours) or wd (working days)
    priority: str
    weight: float  # relative frequency, used by the simulator
    route: str = "department"  # routing.ROUTES

    @property
    def working_hours(self) -> bool:
        """Whether the item's clock runs on working time (every stage of its cases does)."""
        return self.unit != "h"

    @property
    def clock(self) -> str:
        return "working" if self.working_hours else "calendar"

    @property
    def limit_hours(self) -> float:
        """The handling limit in hours of the item's clock."""
        return limit_in_hours(self.limit, self.unit)


@dataclass(frozen=True)
class Catalog:
    categories: dict[str, Category]
    departments: dict[str, Department]
    stage_limits: dict[tuple[str, str, str], StageLimit]
    # The urgent fast path's targets by item code, ``*`` the default (cases/urgent_targets).
    urgent_targets: dict[str, UrgentTarget] = field(default_factory=dict)

    def category(self, code: str) -> Category:
        return self.categories[code]

    def urgent_target(self, code: str) -> UrgentTarget:
        """The response clock's targets for a case of item ``code`` (the default if none)."""
        found = self.urgent_targets.get(code) or self.urgent_targets.get(DEFAULT)
        if found is None:
            raise CatalogError("the catalog has no urgent targets")
        return found

    def urgent_at_report(self, code: str) -> bool:
        """Whether a report of item ``code`` takes the urgent fast path from its report."""
        found = self.urgent_targets.get(code)
        return found is not None and found.at_report

    def stage_hours(self, category: Category, stage: str) -> float:
        """How many hours (of the item's clock) ``stage`` may take for a case of ``category``."""
        if stage == "handle":
            return category.limit_hours
        return self.stage_limits[(category.priority, category.clock, stage)].hours

    def case_hours(self, category: Category) -> float:
        """The whole case's allowance: every stage on time, end to end (the case deadline)."""
        return sum(self.stage_hours(category, stage) for stage in STAGES)

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
                "route": c.route,
                "department_zh": self.departments[c.department].name_zh,
                "department_en": self.departments[c.department].name_en,
            }
            for c in self.categories.values()
        }

    def units(self) -> list[Department]:
        """Every responsible unit, as lists show them: departments (utilities among them),
        then streets, then communities."""
        return sorted(self.departments.values(), key=lambda d: unit_order(d.code))

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
            limit=float(fields["limit"]),
            unit=str(fields["unit"]).strip(),
            priority=str(fields["priority"]).strip(),
            weight=float(fields.get("weight", 1.0)),
            route=str(fields.get("route") or "department").strip(),
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
    if category.route not in ROUTES:
        raise CatalogError(f"route: one of {', '.join(ROUTES)}")
    if category.unit not in LIMIT_UNITS:
        raise CatalogError(f"unit: one of {', '.join(LIMIT_UNITS)} (hours, working hours, days)")
    if not 0 < category.limit_hours <= 24 * 90:
        raise CatalogError("limit: more than 0 and at most 2160 hours (288 working days)")
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
    limits = [make_stage_limit(row) for row in _rows("stage_limits.csv")]
    targets = [make_urgent_target(row) for row in _rows("urgent_targets.csv")]
    return Catalog(
        categories, departments, _stage_limits(limits), target_table(targets, set(categories))
    )


def make_stage_limit(fields: dict[str, Any]) -> StageLimit:
    try:
        limit = StageLimit(
            priority=str(fields["priority"]).strip(),
            clock=str(fields["clock"]).strip(),
            stage=str(fields["stage"]).strip(),
            limit=float(fields["limit"]),
            unit=str(fields["unit"]).strip(),
        )
    except KeyError as missing:
        raise CatalogError(f"stage limit: missing field {missing}") from None
    except (TypeError, ValueError) as bad:
        raise CatalogError(f"stage limit: bad value: {bad}") from None
    if limit.priority not in PRIORITIES or limit.clock not in CLOCKS:
        raise CatalogError(f"stage limit: priority/clock {limit.priority}/{limit.clock}")
    if limit.stage not in STAGES or limit.stage == "handle":
        raise CatalogError(f"stage limit: stage one of {', '.join(STAGES)} but handle")
    if limit.unit not in LIMIT_UNITS or (limit.clock == "calendar") != (limit.unit == "h"):
        raise CatalogError("stage limit: unit h on the calendar clock, wh or wd on working time")
    if not 0 < limit.hours <= 24 * 90:
        raise CatalogError("stage limit: more than 0 and at most 2160 hours")
    return limit


def _stage_limits(limits: Sequence[StageLimit]) -> dict[tuple[str, str, str], StageLimit]:
    table = {(s.priority, s.clock, s.stage): s for s in limits}
    missing = [
        key
        for key in ((p, c, s) for p in PRIORITIES for c in CLOCKS for s in STAGES if s != "handle")
        if key not in table
    ]
    if missing:
        raise CatalogError(f"stage limits missing for {missing[0]}")
    return table


def catalog_from_rows(
    department_rows: Sequence[Any],
    category_rows: Sequence[Any],
    limit_rows: Sequence[Any],
    target_rows: Sequence[Any] = (),
) -> Catalog:
    departments = {
        r.code: Department(r.code, r.name_zh, r.name_en)
        for r in sorted(department_rows, key=lambda r: unit_order(r.code))
    }
    categories = {
        r.code: Category(
            code=r.code,
            class_zh=r.class_zh,
            class_en=r.class_en,
            name_zh=r.name_zh,
            name_en=r.name_en,
            department=r.department,
            limit=float(r.limit),
            unit=r.unit,
            priority=r.priority,
            weight=float(r.weight),
            route=r.route,
        )
        for r in category_rows
    }
    limits = [StageLimit(r.priority, r.clock, r.stage, float(r.limit), r.unit) for r in limit_rows]
    targets = {r.category: make_urgent_target(dict(r._mapping)) for r in target_rows}
    return Catalog(categories, departments, _stage_limits(limits), targets)


def as_row(item: Category | Department | StageLimit | UrgentTarget) -> dict[str, Any]:
    return asdict(item)
