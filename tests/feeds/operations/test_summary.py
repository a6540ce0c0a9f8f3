"""What a run did, and the KPI sums it left in the rollup."""

from __future__ import annotations

from collections import Counter

import pytest

from cases.kpi import settled_totals
from cases.rollup import DIMENSIONS
from cases.store import Store
from feeds.operations import OpsSummary, district_kpis


def test_every_dimension_sums_to_the_district(busy: tuple[Store, OpsSummary]) -> None:
    store, summary = busy
    district = settled_totals(store, "district")
    assert district["collected"] == summary.reports > 0
    for dim in DIMENSIONS:  # each case (and each stage) counts once in each place dimension
        if dim != "department":
            assert settled_totals(store, dim) == district
    # A case counts for every department that held it, and each stage for its holder (a
    # department, or the center's desks): stages once, cases at least once if dispatched.
    departments = settled_totals(store, "department")
    for name, total in district.items():
        if "_" in name and name.split("_")[0] in ("file", "dispatch", "accept", "handle"):
            assert departments[name] == total, name
    assert departments["closed"] >= district["closed"] - district["void"]
    with pytest.raises(ValueError, match="dimension"):
        settled_totals(store, "planet")


def test_district_kpis_are_the_sums_and_their_rates(busy: tuple[Store, OpsSummary]) -> None:
    store, _ = busy
    kpis = district_kpis(store)
    sums = settled_totals(store)
    assert {k: kpis[k] for k in sums} == {k: float(v) for k, v in sums.items()}
    valid = sums["collected"] - sums["void"]
    assert kpis["closed_7d_of_all"] == sums["closed_7d"] / valid
    assert 0 < kpis["closed_3d_of_all"] <= kpis["closed_3d_rate"] <= 1


def test_a_summary_reads_as_a_report(busy: tuple[Store, OpsSummary]) -> None:
    _, summary = busy
    text = "\n".join(summary.lines())
    assert f"reports {summary.reports} " in text and "seed 11" in text
    assert "refused" not in text  # nothing was refused, so nothing is said about it
    counts = summary.counts()
    assert "wall_seconds" not in counts and Counter(counts)["events"] == summary.events
