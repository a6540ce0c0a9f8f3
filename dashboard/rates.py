"""How a rate is shown, on every page: a percentage with one decimal that never looks better
than the rate is. A KPI's rate comes with its ``tenths`` (cases.kpi_defs.evaluate: n/d in
tenths of a percent, rounded toward worse with integer arithmetic) and whether it ``meets``
its target (decided on the exact fraction): pages show those, never a float's rounding.

Where no n/d exists (a share a chart computes itself), a plain fraction is shown the same
way: floored where higher is better, ceiled where lower is better, so 510/537 = 94.97%
shows as 94.9% and never as a 95.0% that would seem to meet a 95% target it misses.

The browser's twin is assets/gridcc/rates.js; both are checked against the same examples
(tests/js/fixtures/rates.json).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# A fraction n/d with d below 10^7 is either on a tenth of a percent or at least 1/d away
# from one: this absorbs float noise (0.95 * 1000 == 949.999…) and nothing else.
_NOISE = 1e-7

Rate = Mapping[str, Any] | float | None


def from_tenths(tenths: int | None) -> str:
    """Tenths of a percent as "94.9%" (integer arithmetic); "—" when unknown."""
    if tenths is None:
        return "—"
    whole, tenth = divmod(abs(int(tenths)), 10)
    return f"{'-' if tenths < 0 else ''}{whole}.{tenth}%"


def tenths_of(rate: Rate, higher_is_better: bool = True) -> int | None:
    """What ``percent`` shows, in tenths of a percent (None: unknown)."""
    if isinstance(rate, Mapping):
        given = rate.get("tenths")
        return None if given is None else int(given)
    if rate is None:
        return None
    tenths = rate * 1000
    return math.floor(tenths + _NOISE) if higher_is_better else math.ceil(tenths - _NOISE)


def percent(rate: Rate, higher_is_better: bool = True) -> str:
    """A KPI's result (its ``tenths``) or a plain fraction (0..1) as "94.9%", rounded toward
    worse; "—" when unknown."""
    return from_tenths(tenths_of(rate, higher_is_better))


def tone(rate: Rate, target: float | None = None, higher_is_better: bool = True) -> str:
    """ "meets" or "misses" the target (the CSS class that colours it); "" without one. A
    KPI's result says itself (its ``meets``, decided on the exact fraction)."""
    if isinstance(rate, Mapping):
        meets = rate.get("meets")
    elif rate is None or target is None:
        meets = None
    else:
        meets = rate >= target if higher_is_better else rate <= target
    if meets is None:
        return ""
    return "meets" if meets else "misses"
