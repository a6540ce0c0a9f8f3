"""泉心愿 on the wall: a panel of the platform's counts (wishes fulfilled this month and open,
volunteer calls filling up "7 of 10", teams, problems solved and open, units) under the
ticker, and the map mode 泉心愿 (per cell: what waits there, open wishes + calls filling up
+ open problems, in a few bins with a legend). Both only for the center
(``cases.quanxinyuan.access.may_see_platform_map``) and with no personal data: the browser
(assets/gridcc/qxypanel.js) reads GET /api/qxy/panel and /api/qxy/cells, and again
(debounced) after each platform event the wall's socket hears (the center's room).
"""

from __future__ import annotations

from typing import Any

from dash import html

from cases.quanxinyuan import access as qxy_access
from dashboard.figures import LOAD_NONE
from dashboard.quanxinyuan.counts_desk import CELLS_URL, PANEL_URL

MODE = "qxy"
EVENT = "qxy_event"  # dashboard.quanxinyuan.EVENT_NAME
PANEL_ID = "qxy-panel"
# Bins of the items waiting in a shape: 0, 1–2, 3–5, 6 or more (a street adds its cells up).
BINS = (1, 3, 6)
BIN_COLORS = (LOAD_NONE, "#2a7f8a", "#c9a227", "#e0603a")
DEBOUNCE_MS = 1_500  # a burst of events makes one read of the counts
REFRESH_MS = 60_000  # calls end with the clock too: read again this often anyway


def shows(actor: Any) -> bool:
    return qxy_access.may_see_platform_map(actor)


def map_mode(words: dict[str, str]) -> dict[str, Any]:
    """The map mode 泉心愿 (as map_look's modes: assets/gridcc/mapcolor.js paints an index
    into ``colors``; assets/gridcc/map.js bins a community's or street's sum)."""
    return {
        "title": words["qxc_legend"],
        "hover": words["qxc_hover"],
        "colors": list(BIN_COLORS),
        "words": [words[f"qxc_bin_{i}"] for i in range(len(BIN_COLORS))],
        "aggregate": "bins",
        "bins": list(BINS),
        "url": CELLS_URL,
    }


def with_qxy(config: dict[str, Any], actor: Any, words: dict[str, str]) -> dict[str, Any]:
    """``config`` (the wall's) with the panel's and the map mode's settings, when ``actor``
    may see them; else unchanged (``qxy`` null)."""
    if not shows(actor):
        return {**config, "qxy": None}
    modes = {**config["map"]["modes"], MODE: map_mode(words)}
    return {
        **config,
        "map": {**config["map"], "modes": modes},
        "qxy": {
            "mode": MODE,
            "panel": PANEL_ID,
            "panelUrl": PANEL_URL,
            "cellsUrl": CELLS_URL,
            "event": EVENT,
            "debounceMs": DEBOUNCE_MS,
            "refreshMs": REFRESH_MS,
        },
    }


def _figure(key: str, label: str, tone: str) -> html.Div:
    return html.Div(
        className=f"qxy-fig {tone}",
        **{"data-fig": key},  # type: ignore[arg-type]
        children=[
            html.Div(label, className="qxy-fig-label"),
            html.Div("—", className="qxy-fig-value"),
            html.Div("", className="qxy-fig-sub"),
        ],
    )


def panel(actor: Any, words: dict[str, str]) -> html.Section | None:
    """The panel's frame; assets/gridcc/qxypanel.js fills in the numbers."""
    if not shows(actor):
        return None
    return html.Section(
        id=PANEL_ID,
        className="qxy-panel",
        children=[
            html.Div(
                className="panel-head",
                children=[
                    html.H2(words["qxc_panel"], className="panel-title"),
                    html.Span(words["qxc_month"], className="qxy-period"),
                    html.A(
                        words["qxc_definitions"],
                        href="/kpi#kpi-def-qxy",
                        className="qxy-defs nav-link",
                    ),
                ],
            ),
            html.Div(
                className="qxy-figs",
                children=[
                    _figure("wishes", f"{words['qxc_wishes']} · {words['qxc_fulfilled']}", "good"),
                    _figure("problems", f"{words['qxc_problems']} · {words['qxc_solved']}", "good"),
                    _figure("teams", words["qxc_teams"], ""),
                    _figure("units", words["qxc_units"], ""),
                ],
            ),
            html.Div(
                className="qxy-calls-head",
                children=[
                    html.Span(f"{words['qxc_calls']} · {words['qxc_filling']}"),
                    html.Span("—", className="qxy-calls-count"),
                ],
            ),
            html.Ol(className="qxy-calls"),
        ],
    )
