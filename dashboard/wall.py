"""The wall display: live map, headline counters and the ticker of newest reports.

The page is rendered from one store snapshot; from then on assets/live.js applies every
event exactly once (by sequence number) and recolours the map in batches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from cases.store import Store
from dashboard import ids
from dashboard.api import WALL_VIEWERS
from dashboard.auth import Auth
from dashboard.figures import load_map, zoom_for
from dashboard.i18n import labels, pick_lang
from geo.grid import Grid

CELLS_URL = "/geo/cells.geojson"
OUTLINE_URL = "/geo/outline.geojson"


@dataclass(frozen=True)
class WallContext:
    store: Store
    grid: Grid
    auth: Auth


def _counter(counter_id: str, label: str, value: int) -> html.Div:
    return html.Div(
        className="counter",
        children=[
            html.Div(label, className="counter-label"),
            html.Div(str(value), id=counter_id, className="counter-value"),
        ],
    )


def browser_config(ctx: WallContext, lang: str) -> dict[str, Any]:
    """What live.js needs besides the snapshot: words, category names, the cell list."""
    return {
        "lang": lang,
        "labels": labels(lang),
        "categories": ctx.store.catalog.public(),
        "codes": ctx.grid.codes,
        "eventsUrl": "/api/events",
        "snapshotUrl": "/api/snapshot",
        "seqUrl": "/api/seq",
    }


def layout(ctx: WallContext, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    actor = ctx.auth.current_actor()
    if actor is None or actor.role not in WALL_VIEWERS:
        # Checked here, on the server: the page's data never reaches an unentitled browser.
        return html.Div(
            className="wall-denied",
            children=[
                html.H1(words["title"]),
                html.P(words["login_needed"]),
                html.A(words["login"], href="/login?next=/"),
            ],
        )
    snapshot = ctx.store.snapshot()
    attribution = (
        ctx.grid.attribution if lang == "zh" else f"{words['synthetic']} · {ctx.grid.attribution}"
    )
    figure = load_map(
        ctx.grid.codes,
        ctx.grid.names,
        snapshot["open_by_cell"],
        cells_url=CELLS_URL,
        outline_url=OUTLINE_URL,
        center=ctx.grid.center,
        zoom=zoom_for(ctx.grid.bounds),
        hover_open=words["hover_open"],
        legend=words["legend"],
        attribution=attribution,
    )
    counters = snapshot["counters"]
    other = "en" if lang == "zh" else "zh"
    return html.Div(
        className="wall",
        lang="zh-CN" if lang == "zh" else "en",
        children=[
            html.Header(
                className="wall-header",
                children=[
                    html.Div(
                        className="wall-title",
                        children=[
                            html.H1(words["title"]),
                            html.Span(words["site"], className="wall-site"),
                        ],
                    ),
                    html.Div(
                        className="counters",
                        children=[
                            _counter(ids.COUNTER_OPEN, words["open"], counters["open"]),
                            _counter(ids.COUNTER_TODAY, words["today"], counters["today"]),
                            _counter(
                                ids.COUNTER_CLOSED, words["closed_today"], counters["closed_today"]
                            ),
                        ],
                    ),
                    html.Div(
                        className="wall-status",
                        children=[
                            html.Div(id=ids.CLOCK, className="wall-clock"),
                            html.Div(
                                words["connecting"], id=ids.LINK, className="link-status connecting"
                            ),
                            html.A(
                                words["other_lang"], href=f"?lang={other}", className="lang-switch"
                            ),
                        ],
                    ),
                ],
            ),
            html.Main(
                className="wall-body",
                children=[
                    html.Section(
                        className="map-panel",
                        children=[
                            dcc.Graph(
                                id=ids.MAP,
                                figure=figure,
                                config={
                                    "displayModeBar": False,
                                    "scrollZoom": True,
                                    "responsive": True,
                                },
                                className="live-map",
                            )
                        ],
                    ),
                    html.Aside(
                        className="ticker-panel",
                        children=[
                            html.H2(words["ticker"]),
                            html.Ol(id=ids.TICKER, className="ticker"),
                        ],
                    ),
                ],
            ),
            html.Div(
                id=ids.CONFIG,
                hidden=True,
                **{  # type: ignore[arg-type]  # data-* attributes are not in Dash's stubs
                    "data-config": json.dumps(browser_config(ctx, lang), ensure_ascii=False),
                    "data-snapshot": json.dumps(snapshot, ensure_ascii=False),
                },
            ),
        ],
    )


def skeleton() -> html.Div:
    """A light stand-in for Dash's validation layout (the real one holds a snapshot)."""
    return html.Div([dcc.Graph(id=ids.MAP), html.Ol(id=ids.TICKER), html.Div(id=ids.CONFIG)])
