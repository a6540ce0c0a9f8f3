"""The simulated month of 泉心愿: it runs with whichever areas are built (each skipped area
said so) and gives the counts of its own period, as ``Counts`` reads them."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from cases.quanxinyuan import month as months
from cases.quanxinyuan import schema as t
from cases.quanxinyuan.counts import PERIOD_COUNTS, Counts, Period
from cases.quanxinyuan.platform import Platform

START = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 1 Nov 00:00 local


def test_a_short_month_with_the_areas_there_is(platform: Platform, tmp_path: Any) -> None:
    assert months.platform_is_empty(platform.engine)
    result = months.simulate_month(
        platform.engine, platform.places, random.Random(7), START, 2, media_dir=tmp_path
    )
    assert result["period"] == {"key": "simulated", "start": "2026-11-01", "end": "2026-11-02"}
    counted = Counts(platform).district(Period("x", *months.Month.period_of(START, 2)))
    # The period's counts as Counts reads them (those "now" are at the month's end instead)
    assert {k: result["month"][k] for k in PERIOD_COUNTS} == {
        k: counted["counts"][k] for k in PERIOD_COUNTS
    }
    for name in result["skipped"]:  # only what this build lacks
        module = name.split(".")[0]
        assert module in {m for m, _f, _s in months.MONTH + months.REGISTRY} | {
            s[1] for s in months.STORES
        }
    text = "\n".join(months.lines(result))
    assert "6,000+" in text and "1,600+" in text and "300+" in text and "1,200+" in text


def test_the_demo_units_account_acts_for_the_communitys_first_unit(platform: Platform) -> None:
    community = "370102009001"
    assert months.first_unit(platform.engine, community) is None
    with platform.engine.begin() as conn:
        for uid, active in (("u-9", True), ("u-2", True), ("u-1", False)):
            conn.execute(
                insert(t.units).values(
                    id=uid,
                    name=uid,
                    level="city",
                    community_code=community,
                    offers=[],
                    active=active,
                )
            )
    assert months.first_unit(platform.engine, community) == "u-2"
