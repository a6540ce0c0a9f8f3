"""``gridcc drill``: open a drill of the urgent fast path (a marked test case that alerts as
a real one would, marked 演练, and counts in no rate or counter)."""

from __future__ import annotations

import argparse
from typing import Any

from cases.drill import DEFAULT_CATEGORY, drill_report
from cases.model import CaseError


def register(sub: Any) -> None:
    p = sub.add_parser("drill", help="open a drill of the urgent fast path (counts in no rate)")
    p.add_argument("--cell", help="the grid cell's code (default: the grid's first cell)")
    p.add_argument("--category", default=DEFAULT_CATEGORY, help="the item's code (default AQ03)")
    p.set_defaults(func=_drill)


def _drill(args: argparse.Namespace) -> None:
    """The drill's case goes into the log; the servers' outbox publishes it and raises its
    alerts, as for a case reported anywhere else."""
    from app import Settings, build_core

    core = build_core(Settings.from_env())
    try:
        report = drill_report(core.grid, args.cell, args.category, core.store.catalog)
    except CaseError as exc:
        raise SystemExit(f"gridcc drill: {exc}") from None
    case, _created = core.store.open_case(report, actor="system:drill")
    clock = core.store.catalog.urgent_target(case.category_code)
    print(
        f"gridcc drill: case {case.id} ({case.category_code} in {case.cell_code}) opened as a "
        f"drill; targets {clock.acknowledged:g}/{clock.on_site:g}/{clock.hazard_removed:g}/"
        f"{clock.closed:g} min to acknowledged/on site/hazard removed/closed"
    )
