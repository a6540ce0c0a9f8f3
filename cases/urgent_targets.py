"""The urgent fast path's targets, as catalog data (cases/data/urgent_targets.csv): per item
(or ``*``, the default for any item an operator flags), the minutes from the start of the
response clock (the report, or the flag) to first acknowledged, first on site, hazard
removed and closed; and whether a report of the item is urgent from the start (``at_report``).

Which items take the fast path at report, and why (fire, gas, structural danger, a person
in danger): AQ03 电动车楼道充电 and SR11 露天焚烧 (fire: the article's 8 minutes to hazard
removed), AQ04 燃气泄漏隐患 and AQ15 燃气泄漏 (gas), AQ07 危旧房屋 and AQ10 高空坠物隐患
(structural), AQ05 井盖缺损, AQ17 电力线路隐患 and CG16 架空线缆脱落 (a person can fall
in or be shocked). The other fire hazards (AQ01 消防通道堵塞, AQ11 电线私拉乱接, AQ13
三合一场所) are not an emergency by themselves, but when an operator flags one its
targets are the fire hazards' 8 minutes. A person in danger with no item of its own (a
resident trapped, the article's smoke behind a locked door) is flagged, and counts on
``*``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT = "*"
# The response clock's steps after its start, in order: each a Case column and its target.
STEPS = ("acknowledged", "on_site", "hazard_removed", "closed")
MAX_MINUTES = 60 * 24 * 30


class TargetError(ValueError):
    """A target the catalog refuses; the message names the field."""


@dataclass(frozen=True)
class UrgentTarget:
    category: str  # an item's code, or ``*``
    acknowledged: float  # minutes from the start of the response clock
    on_site: float
    hazard_removed: float
    closed: float
    at_report: bool = False  # a report of the item is urgent from its report

    def minutes(self, step: str) -> float:
        return float(getattr(self, step))


def make_urgent_target(fields: dict[str, Any]) -> UrgentTarget:
    """Build a target from loose fields (a CSV row, a stored row), checking every one."""
    try:
        flag = str(fields.get("at_report", "0")).strip().lower()
        target = UrgentTarget(
            category=str(fields["category"]).strip(),
            acknowledged=float(fields["acknowledged"]),
            on_site=float(fields["on_site"]),
            hazard_removed=float(fields["hazard_removed"]),
            closed=float(fields["closed"]),
            at_report=flag in ("1", "true", "yes"),
        )
    except KeyError as missing:
        raise TargetError(f"urgent target: missing field {missing}") from None
    except (TypeError, ValueError) as bad:
        raise TargetError(f"urgent target: bad value: {bad}") from None
    if not target.category or len(target.category) > 16:
        raise TargetError("urgent target: category 1-16 characters (or *)")
    minutes = [target.minutes(step) for step in STEPS]
    if not all(0 < m <= MAX_MINUTES for m in minutes):
        raise TargetError(f"urgent target {target.category}: minutes more than 0, at most 30 days")
    if minutes != sorted(minutes):
        raise TargetError(
            f"urgent target {target.category}: acknowledged ≤ on site ≤ hazard removed ≤ closed"
        )
    if target.category == DEFAULT and target.at_report:
        raise TargetError("urgent target *: the default is for flagged cases, not at_report")
    return target


def target_table(rows: list[UrgentTarget], categories: set[str]) -> dict[str, UrgentTarget]:
    """Targets by category code, checked: one default, known items, no item twice."""
    table: dict[str, UrgentTarget] = {}
    for target in rows:
        if target.category in table:
            raise TargetError(f"urgent target {target.category} given twice")
        if target.category != DEFAULT and target.category not in categories:
            raise TargetError(f"urgent target: unknown category {target.category!r}")
        table[target.category] = target
    if DEFAULT not in table:
        raise TargetError("urgent targets: the default row * is missing")
    return table
