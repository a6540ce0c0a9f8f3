"""Rates as every page shows them (dashboard/rates.py): the examples the browser's twin
(assets/gridcc/rates.js) passes too, and the KPI page and charts that use them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dashboard import kpi_figures, kpi_page, rates
from dashboard.i18n import labels

EXAMPLES = json.loads(
    (Path(__file__).resolve().parents[1] / "js" / "fixtures" / "rates.json").read_text("utf-8")
)


def _value(rate: list[int] | None) -> float | None:
    return None if rate is None else rate[0] / rate[1]


def test_a_rate_is_rounded_toward_worse_never_up_to_a_target_it_misses() -> None:
    for ex in EXAMPLES["percent"]:
        assert rates.percent(_value(ex["rate"]), ex["higher_is_better"]) == ex["shown"], ex
    assert rates.percent(510 / 537) == "94.9%"


def test_meeting_a_target_is_decided_on_the_rate_itself() -> None:
    for ex in EXAMPLES["tone"]:
        got = rates.tone(_value(ex["rate"]), ex["target"], ex["higher_is_better"])
        assert got == ex["tone"], ex


def test_the_kpi_page_and_its_charts_show_rates_the_same_way() -> None:
    defs = {"rate": True, "higher_is_better": True}
    assert kpi_page._fmt(510 / 537, defs) == "94.9%"
    assert kpi_page._fmt(2 / 3, {"rate": True, "higher_is_better": False}) == "66.7%"
    assert kpi_page._fmt(1234, {"rate": False, "higher_is_better": True}) == "1,234"
    words = labels("zh")
    # 19 of 20 closed within 3 days (72 h): 95.0%; one more case past it: 19/21 = 90.47…%.
    hist = kpi_figures.closure_histogram([10.0] * 19 + [100.0, 200.0], words)
    notes = [a.text for a in hist.layout.annotations]
    assert notes[0].endswith(" 90.4%"), notes
    definition: dict[str, Any] = {
        "code": "closed_3d",
        "name": "3日办结率",
        "target": 0.95,
        "higher_is_better": True,
    }
    per_day = {"2026-11-29": {"closed_3d": {"value": 510 / 537}}}
    trend = kpi_figures.kpi_trend(per_day, [definition], ["closed_3d"], words)
    assert list(trend.data[0].customdata) == ["94.9%"]
    assert "%{customdata}" in trend.data[0].hovertemplate
