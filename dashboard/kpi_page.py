"""The KPI page (/kpi): closure times, trends, the league table, the people side (patrol
coverage, 主动发现率, urgent response by street) and every KPI's definition
in words and as the formula that computes it (the section ``#definitions``, linked from the
wall's KPI strip). A Dash callback refreshes it once a minute and checks the role each time.

One name, one number: wherever this page names a KPI it shows that KPI's value for the
page's period, as the wall shows it (cases.kpi.compute_kpis, shown from ``tenths``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from cases import clock
from cases.kpi import closure_hours, compute_kpis, daily, definitions
from cases.people_rates import people_definitions
from cases.quanxinyuan.count_defs import count_definitions
from cases.rollup import DISTRICT
from cases.stages import CENTER
from dashboard import rates
from dashboard.i18n import labels, pick_lang
from dashboard.kpi_figures import closure_histogram, kpi_trend
from dashboard.kpi_league import DEFAULT_SORT, LEAGUE_KPIS, league_table
from dashboard.people_league import people_figures, people_table
from dashboard.signed_in import denied, who
from dashboard.wall import DEFINITIONS_ANCHOR, may_view, page

PERIOD = "kpi-period"
DIM = "kpi-dim"
SORT = "kpi-sort"
TICK = "kpi-tick"
LANG = "kpi-lang"
CLOSURE = "kpi-closure"
TREND = "kpi-trend"
LEAGUE = "kpi-league"
PEOPLE = "kpi-people"
DEFINITIONS = DEFINITIONS_ANCHOR  # the section's id: /kpi#definitions, linked from the wall
TREND_KPIS = ("closed_3d", "closed_7d", "satisfaction", "handle_on_time")
# The closure chart's lines: the KPIs it marks, at their days.
CLOSURE_MARKS = (("closed_3d", 3), ("closed_7d", 7))
PERIODS = (7, 30, 90)
DIMS = ("department", "street", "category")


def named_value(
    definition: dict[str, Any], result: dict[str, Any] | None, words: dict[str, str]
) -> str:
    """A KPI as a chart names it: "3日办结率 95.0%（190/200）", its value as the wall shows it."""
    if result is None:
        return f"{definition['name']} —"
    n_of_d = words["n_of_d"].format(n=result["n"], d=result["d"] or 0)
    return f"{definition['name']} {rates.percent(result)}{n_of_d}"


def _names(ctx: Any, dim: str, lang: str) -> dict[str, str]:
    catalog = ctx.store.catalog
    if dim == "department":
        names = {
            c: (d.name_zh if lang == "zh" else d.name_en) for c, d in catalog.departments.items()
        }
        names[CENTER] = labels(lang)["center"]  # the center's own desks (立案, 派遣, 核查, 结案)
        return names
    if dim == "category":
        return {
            c: (k.name_zh if lang == "zh" else k.name_en) for c, k in catalog.categories.items()
        }
    if dim in ("street", "community"):
        return dict(zip(ctx.grid.level_codes(dim), ctx.grid.level_names(dim), strict=True))
    return {}


def period(days: int, store: Any) -> tuple[date, date]:
    """The last ``days`` local days, today included (the wall's strip: 30)."""
    today = clock.as_utc(store.now()).astimezone(clock.LOCAL_TZ).date()
    return today - timedelta(days=days - 1), today


def qxy_definition_rows(lang: str) -> list[html.Tr]:
    """泉心愿's counts (cases/quanxinyuan/count_defs.py) under a heading row of their own."""
    defs = count_definitions(lang)
    group = html.Tr(html.Th(defs[0]["group"], colSpan=4, className="def-group"), id="kpi-def-qxy")
    return [group] + [
        html.Tr(
            [
                html.Th(d["name"], scope="row", className="def-name"),
                html.Td(d["definition"], className="def-words"),
                html.Td(html.Code(d["formula"]), className="def-formula"),
                html.Td("—", className="def-target"),
            ],
            id=f"kpi-def-{d['code']}",
            **{"data-kpi": d["code"]},
        )
        for d in defs
    ]


def definitions_section(lang: str) -> html.Section:
    """Every KPI: its name, its definition in words, the formula that computes it (printed
    from the same terms, cases.kpi_defs) and its target."""
    words = labels(lang)
    rows = []
    for d in [*definitions(lang), *people_definitions(lang)]:
        target = "—"
        if d["target"] is not None:
            sign = "≥" if d["higher_is_better"] else "≤"
            target = f"{sign} {d['target'] * 100:g}%"
        rows.append(
            html.Tr(
                [
                    html.Th(d["name"], scope="row", className="def-name"),
                    html.Td(d["definition"], className="def-words"),
                    html.Td(html.Code(d["formula"]), className="def-formula"),
                    html.Td(target, className="def-target"),
                ],
                id=f"kpi-def-{d['code']}",
                **{"data-kpi": d["code"]},
            )
        )
    rows += qxy_definition_rows(lang)  # 泉心愿's counts, a group of their own
    head = html.Tr(
        [
            html.Th(words["def_kpi"]),
            html.Th(words["def_words"]),
            html.Th(words["formula"]),
            html.Th(words["target"][:1].upper() + words["target"][1:]),
        ]
    )
    return html.Section(
        id=DEFINITIONS,
        className="kpi-definitions",
        children=[
            html.H2(words["definitions_title"]),
            html.P(words["rounding_note"], className="def-note"),
            html.Table(className="definitions", children=[html.Thead(head), html.Tbody(rows)]),
        ],
    )


def _controls(words: dict[str, str], lang: str) -> html.Div:
    defs = {d["code"]: d for d in definitions(lang)}
    return html.Div(
        className="kpi-controls",
        children=[
            dcc.RadioItems(
                id=PERIOD,
                value=30,
                inline=True,
                options=[{"label": words[f"last_{n}"], "value": n} for n in PERIODS],
            ),
            dcc.RadioItems(
                id=DIM,
                value="department",
                inline=True,
                options=[{"label": words[f"dim_{d}"], "value": d} for d in DIMS],
            ),
            html.Label(
                className="kpi-sort",
                children=[
                    html.Span(words["league_sort_by"]),
                    dcc.Dropdown(
                        id=SORT,
                        value=DEFAULT_SORT,
                        clearable=False,
                        searchable=False,
                        options=[{"label": defs[c]["name"], "value": c} for c in LEAGUE_KPIS],
                    ),
                ],
            ),
        ],
    )


def layout(ctx: Any, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    if not may_view(ctx.auth, "kpi"):
        return denied(ctx.auth, words, lang, words["kpi_page"], "/kpi")
    signed_in = who(ctx.auth, words, lang, here="kpi")
    # The signed-in block links the wall already; without it (no login) the page does.
    back = (
        None
        if signed_in
        else html.A(words["nav_wall"], href=f"/?lang={lang}", className="nav-link")
    )
    other = "en" if lang == "zh" else "zh"
    title = [
        html.H1(f"{words['title']} · {words['kpi_page']}"),
        back,
        html.A(words["nav_definitions"], href=f"#{DEFINITIONS}", className="nav-link"),
        html.A(words["other_lang"], href=f"?lang={other}", className="nav-link"),
    ]
    return page(
        lang,
        "kpi-page",
        title,
        html.Div(className="kpi-header-right", children=[_controls(words, lang), signed_in]),
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
                        children=[html.H2(words["league_title"]), html.Div(id=LEAGUE)],
                    ),
                    html.Section(
                        className="kpi-league kpi-people",
                        children=[
                            html.H2(words["people_side_title"]),
                            html.Div(id=PEOPLE),
                            html.P(words["people_note"], className="league-sort"),
                        ],
                    ),
                    definitions_section(lang),
                ],
            ),
        ],
    )


def register_callbacks(app: Dash, ctx: Any) -> None:
    @app.callback(
        Output(CLOSURE, "figure"),
        Output(TREND, "figure"),
        Output(LEAGUE, "children"),
        Output(PEOPLE, "children"),
        Input(TICK, "n_intervals"),
        Input(PERIOD, "value"),
        Input(DIM, "value"),
        Input(SORT, "value"),
        Input(LANG, "data"),
    )
    def refresh(
        _tick: int | None, days: int, dim: str, sort: str, lang: str
    ) -> tuple[Any, Any, Any, Any]:
        if not may_view(ctx.auth, "kpi"):
            raise PreventUpdate  # no data for a browser that may not see it
        if days not in PERIODS or dim not in DIMS or sort not in LEAGUE_KPIS:
            raise PreventUpdate
        lang = pick_lang(lang)
        return (*charts(ctx, days, dim, lang, sort), people_section(ctx, days, lang))


def charts(
    ctx: Any, days: int, dim: str, lang: str, sort: str = DEFAULT_SORT
) -> tuple[Any, Any, Any]:
    """What the page shows for a period, a league dimension and its order (a plain function,
    tested). The district's KPIs are computed once and shown wherever the page names them."""
    words = labels(lang)
    defs = definitions(lang)
    by_code = {d["code"]: d for d in defs}
    start, end = period(days, ctx.store)
    district = compute_kpis(ctx.store, "district", start, end).get(DISTRICT, {})
    marks = [
        (days_, named_value(by_code[code], district.get(code), words))
        for code, days_ in CLOSURE_MARKS
    ]
    hist = closure_histogram(closure_hours(ctx.store, start, end), words, marks)
    trend = kpi_trend(daily(ctx.store, start, end), defs, TREND_KPIS, words)
    per_key = compute_kpis(ctx.store, dim, start, end)
    league = league_table(per_key, district, defs, _names(ctx, dim, lang), sort, words)
    return hist, trend, league


def people_section(ctx: Any, days: int, lang: str) -> html.Div:
    """The people side of the period: patrol coverage, 主动发现率, urgent response."""
    start, end = period(days, ctx.store)
    figures = people_figures(ctx, start, end, ctx.store.now())
    return people_table(figures, _names(ctx, "street", lang), labels(lang))


def skeleton() -> html.Div:
    """The page's ids for Dash's validation layout (the real layout needs a request)."""
    return html.Div(
        [
            dcc.RadioItems(id=PERIOD),
            dcc.RadioItems(id=DIM),
            dcc.Dropdown(id=SORT),
            dcc.Interval(id=TICK),
            dcc.Store(id=LANG),
            dcc.Graph(id=CLOSURE),
            dcc.Graph(id=TREND),
            html.Div(id=LEAGUE),
            html.Div(id=PEOPLE),
        ]
    )
