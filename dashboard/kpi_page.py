"""The KPI page (/kpi): closure times, trends and the department league table, with every
KPI's definition. A Dash callback refreshes it once a minute and checks the role each time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from cases import clock
from cases.kpi import closure_hours, compute_kpis, daily, definitions
from dashboard import rates
from dashboard.i18n import labels, pick_lang
from dashboard.kpi_figures import closure_histogram, kpi_trend
from dashboard.signed_in import denied, who
from dashboard.wall import may_view, page

PERIOD = "kpi-period"
DIM = "kpi-dim"
TICK = "kpi-tick"
LANG = "kpi-lang"
CLOSURE = "kpi-closure"
TREND = "kpi-trend"
LEAGUE = "kpi-league"
LEAGUE_KPIS = (
    "collected",
    "closed_3d",
    "closed_7d",
    "closed_on_time",
    "accurate_dispatch",
    "rework_rate",
    "satisfaction",
)
TREND_KPIS = ("closed_3d", "closed_7d", "satisfaction")


def _fmt(value: Any, definition: dict[str, Any]) -> str:
    if value is None or definition["rate"]:
        return rates.percent(value, definition["higher_is_better"])
    return f"{value:,}"


def league_table(ctx: Any, dim: str, start: date, end: date, lang: str) -> html.Table:
    """Each department (or street, category) against the KPIs, best on-time closure first."""
    defs = {d["code"]: d for d in definitions(lang)}
    result = compute_kpis(ctx.store, dim, start, end)
    names = _names(ctx, dim, lang)
    rows = sorted(
        result.items(),
        key=lambda kv: (
            -(
                kv[1]["closed_on_time"]["value"]
                if kv[1]["closed_on_time"]["value"] is not None
                else -1
            )
        ),
    )
    head = html.Tr(
        [html.Th(labels(lang)["name"])]
        + [html.Th(defs[c]["name"], title=defs[c]["definition"]) for c in LEAGUE_KPIS]
    )
    body = []
    for key, kpis in rows:
        cells = [html.Td(names.get(key, key))]
        for code in LEAGUE_KPIS:
            d, v = defs[code], kpis[code]
            cells.append(
                html.Td(
                    _fmt(v["value"], d),
                    className=rates.tone(v["value"], d["target"], d["higher_is_better"]),
                    title=f"{v['n']}/{v['d']}" if d["rate"] else "",
                )
            )
        body.append(html.Tr(cells))
    return html.Table(className="league", children=[html.Thead(head), html.Tbody(body)])


def _names(ctx: Any, dim: str, lang: str) -> dict[str, str]:
    catalog = ctx.store.catalog
    if dim == "department":
        return {
            c: (d.name_zh if lang == "zh" else d.name_en) for c, d in catalog.departments.items()
        }
    if dim == "category":
        return {
            c: (k.name_zh if lang == "zh" else k.name_en) for c, k in catalog.categories.items()
        }
    if dim in ("street", "community"):
        return dict(zip(ctx.grid.level_codes(dim), ctx.grid.level_names(dim), strict=True))
    return {}


def _period(days: int, store: Any) -> tuple[date, date]:
    today = clock.as_utc(store.now()).astimezone(clock.LOCAL_TZ).date()
    return today - timedelta(days=days - 1), today


def layout(ctx: Any, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    if not may_view(ctx.auth, "kpi"):
        return denied(ctx.auth, words, lang, words["kpi_page"], "/kpi")
    controls = html.Div(
        className="kpi-controls",
        children=[
            dcc.RadioItems(
                id=PERIOD,
                value=30,
                inline=True,
                options=[{"label": words[f"last_{n}"], "value": n} for n in (7, 30, 90)],
            ),
            dcc.RadioItems(
                id=DIM,
                value="department",
                inline=True,
                options=[
                    {"label": words[f"dim_{d}"], "value": d}
                    for d in ("department", "street", "category")
                ],
            ),
        ],
    )
    signed_in = who(ctx.auth, words, lang, here="kpi")
    # The signed-in block links the wall already; without it (no login) the page does.
    back = (
        None
        if signed_in
        else html.A(words["nav_wall"], href=f"/?lang={lang}", className="nav-link")
    )
    return page(
        lang,
        "kpi-page",
        [html.H1(f"{words['title']} · {words['kpi_page']}"), back],
        html.Div(className="kpi-header-right", children=[controls, signed_in]),
        [
            dcc.Store(id=LANG, data=lang),
            dcc.Interval(id=TICK, interval=60_000),
            html.Div(
                className="kpi-grid",
                children=[
                    dcc.Graph(id=CLOSURE, config={"displayModeBar": False}, className="kpi-chart"),
                    dcc.Graph(id=TREND, config={"displayModeBar": False}, className="kpi-chart"),
                    html.Section(
                        className="kpi-league",
                        children=[
                            html.H2(words["league_title"]),
                            html.Div(id=LEAGUE),
                        ],
                    ),
                    html.Section(
                        className="kpi-definitions",
                        children=[
                            html.H2(words["definitions_title"]),
                            html.Dl(
                                [
                                    item
                                    for d in definitions(lang)
                                    for item in (
                                        html.Dt(
                                            d["name"]
                                            + (
                                                f"（{words['target']} {d['target'] * 100:g}%）"
                                                if d["target"]
                                                else ""
                                            )
                                        ),
                                        html.Dd(d["definition"]),
                                    )
                                ]
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )


def register_callbacks(app: Dash, ctx: Any) -> None:
    @app.callback(
        Output(CLOSURE, "figure"),
        Output(TREND, "figure"),
        Output(LEAGUE, "children"),
        Input(TICK, "n_intervals"),
        Input(PERIOD, "value"),
        Input(DIM, "value"),
        Input(LANG, "data"),
    )
    def refresh(_tick: int | None, days: int, dim: str, lang: str) -> tuple[Any, Any, Any]:
        if not may_view(ctx.auth, "kpi"):
            raise PreventUpdate  # no data for a browser that may not see it
        if days not in (7, 30, 90) or dim not in ("department", "street", "category"):
            raise PreventUpdate
        return charts(ctx, days, dim, pick_lang(lang))


def charts(ctx: Any, days: int, dim: str, lang: str) -> tuple[Any, Any, Any]:
    """What the page shows for a period and a league dimension (a plain function, tested)."""
    words = labels(lang)
    start, end = _period(days, ctx.store)
    hist = closure_histogram(closure_hours(ctx.store, start, end), words)
    trend = kpi_trend(daily(ctx.store, start, end), definitions(lang), TREND_KPIS, words)
    return hist, trend, league_table(ctx, dim, start, end, lang)


def skeleton() -> html.Div:
    """The page's ids for Dash's validation layout (the real layout needs a request)."""
    return html.Div(
        [
            dcc.RadioItems(id=PERIOD),
            dcc.RadioItems(id=DIM),
            dcc.Interval(id=TICK),
            dcc.Store(id=LANG),
            dcc.Graph(id=CLOSURE),
            dcc.Graph(id=TREND),
            html.Div(id=LEAGUE),
        ]
    )
