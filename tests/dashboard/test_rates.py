"""Rates as every page shows them (dashboard/rates.py): the examples the browser's twin
(assets/gridcc/rates.js) passes too, and the KPI page's charts that use them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cases.kpi_defs import KPI_BY_CODE, evaluate
from dashboard import kpi_figures, kpi_league, rates
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


def test_the_fixtures_kpi_results_are_what_the_server_computes() -> None:
    """The browser's examples are the domain's own answers, not hand-written ones."""
    for ex in EXAMPLES["kpi"]:
        kpi = KPI_BY_CODE[ex["kpi"]]
        n, d = ex["rate"]
        counts = {kpi.numerator[0][1]: n}
        assert kpi.denominator is not None
        counts[kpi.denominator[0][1]] = d
        assert evaluate(counts)[ex["kpi"]] == ex["result"], ex


def test_a_kpi_is_shown_from_its_tenths_and_toned_from_its_meets() -> None:
    for ex in EXAMPLES["kpi"]:
        assert rates.percent(ex["result"]) == ex["shown"], ex
        assert rates.tone(ex["result"]) == ex["tone"], ex
    # Never from the float beside them.
    assert rates.percent({"value": 0.96, "tenths": 949, "meets": False}) == "94.9%"
    assert rates.tone({"value": 0.96, "tenths": 949, "meets": False}, 0.95) == "misses"
    assert rates.from_tenths(1000) == "100.0%" and rates.from_tenths(5) == "0.5%"


def test_the_kpi_page_and_its_charts_show_rates_the_same_way() -> None:
    rate = {"rate": True, "higher_is_better": True, "code": "closed_3d"}
    count = {"rate": False, "higher_is_better": True, "code": "returns"}
    result = evaluate({"closed_3d": 510, "closed": 537})["closed_3d"]
    assert kpi_league.shown(result, rate) == "94.9%"
    assert kpi_league.shown({"value": 1234, "n": 1234}, count) == "1,234"
    words = labels("zh")
    hist = kpi_figures.closure_histogram(
        [10.0] * 19 + [100.0, 200.0], words, [(3, "3日办结率 90.4%（19/21）"), (7, "x")]
    )
    notes = [a.text for a in hist.layout.annotations]
    assert notes == ["3日办结率 90.4%（19/21）", "x"]  # the caller's words, as given
    assert "21" in hist.layout.title.text  # closed cases charted
    definition: dict[str, Any] = {
        "code": "closed_3d",
        "name": "3日办结率",
        "target": 0.95,
        "higher_is_better": True,
    }
    per_day = {"2026-11-29": {"closed_3d": result}}
    trend = kpi_figures.kpi_trend(per_day, [definition], ["closed_3d"], words)
    assert list(trend.data[0].customdata) == ["94.9%"]
    assert list(trend.data[0].y) == [94.9]  # the point where its label says
    assert "%{customdata}" in trend.data[0].hovertemplate
