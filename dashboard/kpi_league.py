"""The KPI page's league table: each department (with the center's own desks as 指挥中心),
street or category against the stage rates and the district's targets, the whole district
on top, sorted by one KPI the table names.

Every rate is shown from its ``tenths`` and toned from its ``meets`` (cases.kpi_defs.evaluate,
through dashboard/rates.py), and the order is decided on the exact fractions: no float
decides what a person reads or where a row stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from dash import html

from cases.stages import CENTER
from dashboard import rates

# The columns, in the standard's order of the stages, then the district's targets.
LEAGUE_KPIS = (
    "file_on_time",
    "dispatch_on_time",
    "accept_on_time",
    "handle_on_time",
    "verify_on_time",
    "close_on_time",
    "accurate_dispatch",
    "closed_3d",
    "closed_7d",
    "satisfaction_strict",
    "satisfaction",
    "followup_rate",
    "returns",
)
DEFAULT_SORT = "closed_3d"

Result = Mapping[str, Any]


def shown(result: Result | None, definition: Mapping[str, Any]) -> str:
    """A KPI's value as every page shows it: a rate from its tenths, a count as a number."""
    if result is None:
        return "—"
    if definition["rate"]:
        return rates.percent(result)
    return f"{result['value']:,}" if result["value"] is not None else "—"


def sort_key(result: Result | None, definition: Mapping[str, Any]) -> tuple[int, Fraction]:
    """Best first on the exact fraction (a count: most first); nothing to divide: last."""
    if result is None or result["value"] is None:
        return (1, Fraction(0))
    if not definition["rate"]:
        return (0, -Fraction(result["n"]))
    exact = Fraction(result["n"], result["d"])
    return (0, -exact if definition["higher_is_better"] else exact)


def ordered(
    per_key: Mapping[str, Mapping[str, Result]],
    names: Mapping[str, str],
    definition: Mapping[str, Any],
) -> list[str]:
    """The keys, best first by ``definition``'s KPI; ties by name."""
    code = definition["code"]
    return sorted(
        per_key,
        key=lambda k: (*sort_key(per_key[k].get(code), definition), names.get(k, k)),
    )


def sort_caption(definition: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """What the order is, in words: "按「3日办结率」排序，由好到差；无数据的排在最后"."""
    way = words["sort_best_first"] if definition["rate"] else words["sort_most_first"]
    return words["sort_caption"].format(name=definition["name"], way=way)


def _cell(result: Result | None, definition: Mapping[str, Any]) -> html.Td:
    title = ""
    if result is not None and definition["rate"]:
        title = f"{result['n']}/{result['d']}"
    return html.Td(
        shown(result, definition),
        className=rates.tone(result) if result is not None else "",
        title=title,
        **{"data-kpi": definition["code"]},
    )


def league_table(
    per_key: Mapping[str, Mapping[str, Result]],
    district: Mapping[str, Result] | None,
    definitions: list[dict[str, Any]],
    names: Mapping[str, str],
    sort: str,
    words: Mapping[str, str],
) -> html.Div:
    """The table: the district's row on top, then each key best first by ``sort``."""
    defs = {d["code"]: d for d in definitions}
    by = defs[sort if sort in LEAGUE_KPIS else DEFAULT_SORT]
    head = html.Tr(
        [html.Th(words["name"])]
        + [
            html.Th(
                defs[c]["name"],
                title=f"{defs[c]['definition']}\n{words['formula']}: {defs[c]['formula']}",
                className="sorted" if c == by["code"] else "",
                **{"data-kpi": c},  # type: ignore[arg-type]
            )
            for c in LEAGUE_KPIS
        ]
    )
    body = []
    if district is not None:
        body.append(
            html.Tr(
                className="league-district",
                children=[html.Th(words["district_all"], scope="row")]
                + [_cell(district.get(c), defs[c]) for c in LEAGUE_KPIS],
                **{"data-key": "district"},  # type: ignore[arg-type]
            )
        )
    for key in ordered(per_key, names, by):
        kpis = per_key[key]
        body.append(
            html.Tr(
                className="league-center" if key == CENTER else "",
                children=[html.Th(names.get(key, key), scope="row")]
                + [_cell(kpis.get(c), defs[c]) for c in LEAGUE_KPIS],
                **{"data-key": key},  # type: ignore[arg-type]
            )
        )
    return html.Div(
        [
            html.P(sort_caption(by, words), className="league-sort"),
            html.Div(
                className="league-scroll",
                children=html.Table(
                    className="league", children=[html.Thead(head), html.Tbody(body)]
                ),
            ),
        ]
    )
