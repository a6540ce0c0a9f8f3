"""Patrol coverage: which grid cells a patrol passed through today (the local day, in
Asia/Shanghai).

A cell is patrolled today when a ``patrol_cells`` row whose ``first_at`` falls on today
exists for it (a patrol records the first time it entered each cell: cases/patrols.py).
A patrol that crossed midnight counts for the day it first entered the cell.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, select

from cases import clock
from cases.db import reading
from cases.schema import patrol_cells


@dataclass(frozen=True)
class StreetCoverage:
    code: str
    name: str
    cells: int
    patrolled: int


def local_day(moment: datetime) -> date:
    return clock.as_utc(moment).astimezone(clock.LOCAL_TZ).date()


def patrolled_on_day(engine: Engine, moment: datetime) -> dict[str, datetime]:
    """Each cell patrolled on the local day of ``moment``, with when it was first entered
    that day (UTC)."""
    start, end = clock.local_day_start(moment), clock.local_day_end(moment)
    first = func.min(patrol_cells.c.first_at)
    query = (
        select(patrol_cells.c.cell_code, first)
        .where(patrol_cells.c.first_at >= start, patrol_cells.c.first_at < end)
        .group_by(patrol_cells.c.cell_code)
    )
    with reading(engine) as conn:
        return {code: clock.as_utc(at) for code, at in conn.execute(query)}


def per_street(
    cell_codes: Sequence[str],
    street_codes: Sequence[str],
    street_names: Sequence[str],
    patrolled: Collection[str],
) -> list[StreetCoverage]:
    """Cells and patrolled cells per street (in the order streets first appear)."""
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for cell, street, name in zip(cell_codes, street_codes, street_names, strict=True):
        row = counts.setdefault(street, [0, 0])
        names.setdefault(street, name)
        row[0] += 1
        row[1] += cell in patrolled
    return [StreetCoverage(s, names[s], n, p) for s, (n, p) in counts.items()]
