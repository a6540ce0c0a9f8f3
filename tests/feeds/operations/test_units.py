"""The simulated district with the grid's streets and communities as responsible units and
the utilities among the departments: each case is worked by the unit it was routed to."""

from __future__ import annotations

from pathlib import Path

from cases.catalog import Catalog
from cases.routing import place_units, unit_kind
from feeds.operations import run_operations
from geo.grid import Grid
from tests.feeds.operations.conftest import MONDAY, fresh_store


def test_streets_communities_and_utilities_work_their_cases(
    tmp_path: Path, grid: Grid, catalog: Catalog
) -> None:
    store = fresh_store(tmp_path, catalog)  # the engine's store is tested on both elsewhere
    cells = zip(grid.codes, grid.street_names, grid.community_names, strict=True)
    store.register_units(place_units(cells))
    summary = run_operations(store, grid, days=1, reports_per_day=400, seed=4, start=MONDAY)
    assert summary.reports > 300
    log = store.events_since(0, limit=1_000_000)
    catalog = store.catalog
    accepted: dict[str, set[str]] = {}
    for event in log:
        if event.kind == "case.accept":
            unit = event.data["department"]
            name = event.actor.split(":", 1)[1]
            assert name.startswith(catalog.departments[unit].name_zh + "·"), (unit, name)
            accepted.setdefault(unit_kind(unit), set()).add(unit)
    assert len(accepted["community"]) >= 5 and accepted["street"]
    assert {"ranqi", "gongshui", "gongdian", "reli", "tongxin"} & accepted["department"]
    for event in log:  # each case opened where its category routes it
        if event.kind == "case.reported":
            category = catalog.category(event.data["category"])
            unit = event.data["department"]
            want = category.department if category.route == "department" else category.route
            assert unit == want or unit_kind(unit) == want, (category.code, unit)
