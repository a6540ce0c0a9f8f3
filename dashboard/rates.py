"""How a rate is shown, on every page: a percentage with one decimal that never looks better
than the rate is. A rate where higher is better is floored, one where lower is better is
ceiled, so 510/537 = 94.97% shows as 94.9% and never as a 95.0% that would seem to meet a
95% target it misses. Whether it meets its target is decided on the rate itself.

The browser's twin is assets/gridcc/rates.js; both are checked against the same examples
(tests/js/fixtures/rates.json).
"""

from __future__ import annotations

import math

# A fraction n/d with d below 10^7 is either on a tenth of a percent or at least 1/d away
# from one: this absorbs float noise (0.95 * 1000 == 949.999…) and nothing else.
_NOISE = 1e-7


def percent(value: float | None, higher_is_better: bool = True) -> str:
    """``value`` (a fraction, 0..1) as "94.9%", rounded toward worse; "—" when unknown."""
    if value is None:
        return "—"
    tenths = value * 1000
    shown = math.floor(tenths + _NOISE) if higher_is_better else math.ceil(tenths - _NOISE)
    return f"{shown / 10:.1f}%"


def tone(value: float | None, target: float | None, higher_is_better: bool = True) -> str:
    """ "meets" or "misses" the target (the CSS class that colours it); "" without one."""
    if value is None or target is None:
        return ""
    meets = value >= target if higher_is_better else value <= target
    return "meets" if meets else "misses"
