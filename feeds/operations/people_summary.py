"""The people side of a simulated run: its grid workers made ready (the synthetic roster of
a synthetic grid, their past patrols) and, after it, the figures a note quotes: patrol
coverage, 主动发现率 and the urgent response's steps (cases.people_rates)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

from cases.kpi import compute_kpis
from cases.patrols import Patrols
from cases.people import Roster
from cases.people_rates import STEP_WORDS, patrol_coverage, urgent_response
from cases.positions import LocalPositions
from cases.rollup import DISTRICT
from cases.store import Store
from cases.team_synthetic import seed_synthetic
from feeds.operations.patrolling import past_days, worker_of_cell
from geo.grid import Grid


def ready_people(
    store: Store, grid: Grid, first: date, days: int, seed: int = 0
) -> Callable[[str], str | None] | None:
    """Grid workers for a simulated run from local day ``first``: on a synthetic grid an
    empty roster gets its synthetic teams; each day gets its patrols. Returns who answers a
    cell's urgent cases (None: the roster has no grid workers)."""
    roster = Roster(store.engine)
    if grid.synthetic and not roster.count():
        cells = list(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
        seed_synthetic(roster, cells, [])
    workers = worker_of_cell(roster, grid)
    if not workers:
        return None
    patrols = Patrols(store.engine, lambda x, y: grid.locate(x, y).cell_code, LocalPositions())
    past_days(patrols, roster, grid, [first + timedelta(days=n) for n in range(days)], seed)
    return workers.get


def people_lines(store: Store, grid: Grid, start: date, end: date, now: datetime) -> list[str]:
    """The people side's figures of local days ``start`` .. ``end``, for the terminal."""
    with store.read() as conn:
        by_street = Counter(code[:9] for code in grid.codes)
        cover = patrol_coverage(conn, by_street, start, end)["district"]
        urgent = urgent_response(conn, start, end, store.catalog, now).get("district", {})
    found = compute_kpis(store, "district", start, end, now).get(DISTRICT, {})
    share = found.get("active_discovery") or {}
    lines = [
        f"  巡查覆盖率 patrol coverage     {cover['patrolled']}/{cover['cell_days']} cell-days "
        f"= {cover['patrolled'] / max(1, cover['cell_days']):.1%}",
        f"  主动发现率 found on patrol      {share.get('n', 0)}/{share.get('d', 0)}",
        "  紧急响应 urgent response (min from report; drills excluded):",
    ]
    for step, row in urgent.items():
        zh, en = STEP_WORDS[step]
        within = f"{row['within']}/{row['judged']}" if row["judged"] else "-"
        med = "-" if row["median"] is None else f"{row['median']:.1f}"
        p90 = "-" if row["p90"] is None else f"{row['p90']:.1f}"
        lines.append(
            f"    {zh} {en:<18} n={row['n']:<5} median {med:>6}  p90 {p90:>6}  "
            f"within target {within}"
        )
    return lines
