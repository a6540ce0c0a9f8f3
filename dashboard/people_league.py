"""The KPI page's people side: per street (the district on top) the patrol coverage of the
period, the share of cases found on patrol (主动发现率), and the urgent response clock's
figures (cases.people_rates). Rates are shown as every page shows them (dashboard/rates.py:
never rounded up to look better); times in minutes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from dash import html

from cases.kpi import compute_kpis
from cases.people_rates import patrol_coverage, urgent_response
from cases.rollup import DISTRICT
from dashboard import rates

# The response steps the table shows (closing is the KPI table's business).
STEPS = ("acknowledged", "on_site", "hazard_removed")


def people_figures(ctx: Any, start: date, end: date, now: datetime) -> dict[str, Any]:
    """What the table shows for local days ``start`` .. ``end`` (a plain function, tested)."""
    by_street = Counter(code[:9] for code in ctx.grid.codes)
    with ctx.store.read() as conn:
        coverage = patrol_coverage(conn, by_street, start, end)
        urgent = urgent_response(conn, start, end, ctx.store.catalog, now)
    found = compute_kpis(ctx.store, "street", start, end, now)
    district = compute_kpis(ctx.store, "district", start, end, now).get(DISTRICT, {})
    found["district"] = district
    return {"coverage": coverage, "urgent": urgent, "kpis": found}


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _share(n: int, d: int) -> str:
    return rates.percent(n / d) if d else "—"


def _row(key: str, name: str, figures: Mapping[str, Any], district: bool) -> html.Tr:
    cov = figures["coverage"].get(key, {"patrolled": 0, "cell_days": 0})
    found = figures["kpis"].get(key, {}).get("active_discovery")
    urgent = figures["urgent"].get(key, {})
    cells: list[Any] = [
        html.Td(
            _share(cov["patrolled"], cov["cell_days"]),
            title=f"{cov['patrolled']}/{cov['cell_days']}",
            **{"data-kpi": "patrol_coverage"},  # type: ignore[arg-type]
        ),
        html.Td(
            rates.percent(found) if found else "—",
            title=f"{found['n']}/{found['d']}" if found else "",
            **{"data-kpi": "active_discovery"},  # type: ignore[arg-type]
        ),
        html.Td(str(urgent.get("acknowledged", {}).get("judged", 0) or "—")),
    ]
    for step in STEPS:
        s = urgent.get(step, {})
        cells.append(html.Td(f"{_minutes(s.get('median'))} / {_minutes(s.get('p90'))}"))
        judged, within = s.get("judged", 0), s.get("within", 0)
        cells.append(html.Td(_share(within, judged), title=f"{within}/{judged}"))
    return html.Tr(
        [html.Th(name, scope="row"), *cells],
        className="league-district" if district else "",
        **{"data-key": key},  # type: ignore[arg-type]
    )


def people_table(
    figures: Mapping[str, Any], names: Mapping[str, str], words: Mapping[str, str]
) -> html.Div:
    """The district's row, then each street by name."""
    head = [
        html.Th(words["name"]),
        html.Th(words["people_coverage"]),
        html.Th(words["people_found_on_patrol"]),
        html.Th(words["people_urgent_cases"]),
    ]
    for step in STEPS:
        head.append(html.Th(words[f"people_step_{step}"] + words["people_median_p90"]))
        head.append(html.Th(words["people_within_target"]))
    body = [_row("district", words["district_all"], figures, True)]
    body += [_row(k, names.get(k, k), figures, False) for k in sorted(names, key=names.get)]  # type: ignore[arg-type]
    return html.Div(
        className="league-scroll",
        children=html.Table(
            className="league people-league",
            children=[html.Thead(html.Tr(head)), html.Tbody(body)],
        ),
    )
