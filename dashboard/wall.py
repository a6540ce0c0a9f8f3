"""The wall display: live map, headline counters and the ticker of newest reports.

The page is rendered from one store snapshot; from then on the browser (assets/gridcc/)
applies every event exactly once (by sequence number) and recolours the map in batches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from dash import html

from cases import access, clock, sla
from cases.actors import Role
from cases.calendar import WARN_DAYS
from cases.kpi import compute_kpis, definitions
from cases.model import CLOSED_STATES, Status
from cases.rollup import DISTRICT
from cases.store import Store
from dashboard import ids, people_map, qxy_wall, rates
from dashboard.api import LEVELS, MAX_EVENTS
from dashboard.auth import Auth
from dashboard.calendar_notice import notice_strip, notice_url
from dashboard.figures import RISK_LEVELS, map_look, risk_color, risk_word
from dashboard.i18n import labels, pick_lang
from dashboard.signed_in import denied, who
from dashboard.urgent_page import urgent_node
from geo.grid import Grid

WALL_KPIS = ("closed_3d", "closed_7d", "satisfaction_strict", "satisfaction")
KPI_DAYS = 30  # the strip's period: the last 30 local days, today included
# The KPI page's section of every KPI's definition and formula (/kpi#definitions).
DEFINITIONS_ANCHOR = "definitions"
OUTLINE_URL = "/geo/outline.geojson"
LABELLED = {"cell": "street"}  # a level whose own shapes are too small to name: whose names
# How the browser paces itself (milliseconds unless named otherwise).
BROWSER_TIMING = {
    "heartbeatMs": 10_000,  # ask /api/seq: catches events lost while the socket was down
    "staleMs": 30_000,  # no word from the server this long: the status pill turns red
    "riskTickMs": 30_000,  # risk colours and counters move with time, not only with events
    "kpiRefreshMs": 60_000,  # the KPI strip, from /api/kpis
    "calendarRefreshMs": 300_000,  # whether the working calendar runs out soon
    "paintWatchdogMs": 10_000,  # a map paint that never settles is abandoned
    "retryMs": 2_000,  # a failed catch-up or snapshot is asked again
    "requestMs": 30_000,  # a request unanswered this long has failed (then it is retried)
    "resyncGap": 20 * MAX_EVENTS,  # more events missing than this: a snapshot, not pages
    "tickerRows": 60,
    "alertRows": 20,  # the alert list's most rows (fewer when they don't fit), then "+N more"
}
# The alert list holds the open cases at this risk level or worse.
ALERT_FROM = "at_risk"


@dataclass(frozen=True)
class WallContext:
    store: Store
    grid: Grid
    auth: Auth
    tile_url: str = ""  # raster tiles under the map ({z}/{x}/{y}); empty: none
    calendar_warn_days: int = WARN_DAYS  # warn this long before the calendar runs out
    position_roles: frozenset[Role] = access.POSITION_ROLES  # who sees the people on patrol


def may_view(auth: Auth, page_name: str = "wall") -> bool:
    """Checked on the server for every page: its data never reaches an unentitled browser."""
    return access.may_view_page(auth.current_actor(), page_name)


def page(
    lang: str,
    class_name: str,
    title: list[Any],
    right: Any,
    body: list[Any],
    middle: Any = None,
) -> html.Div:
    """A screen: the header (title on the left, ``middle`` between, ``right`` on the right),
    then ``body``."""
    head = [html.Div(className="wall-title", children=title), middle, right]
    return html.Div(
        className=class_name,
        lang="zh-CN" if lang == "zh" else "en",
        children=[
            html.Header(className="wall-header", children=[c for c in head if c is not None]),
            *body,
        ],
    )


def _button(label: str, attribute: str, value: str) -> html.Button:
    """A button carrying one data-* attribute (Dash's stubs do not know data-*)."""
    return html.Button(label, **{attribute: value})  # type: ignore[arg-type]


def _counter(
    counter_id: str, label: str, value: int | str, tone: str = "", style: Any = None
) -> html.Div:
    """A headline counter; ``tone``: the class that colours its number."""
    return html.Div(
        className=f"counter {tone}".strip(),
        style=style,
        children=[
            html.Div(label, className="counter-label"),
            html.Div(str(value), id=counter_id, className="counter-value"),
        ],
    )


def _risk_counter(counter_id: str, level: str, words: dict[str, str]) -> html.Div:
    """A counter of the open cases at a risk level: the level's word and colour, as the map
    and its legend show them (dashboard/figures.py); the browser fills in the number."""
    style = {"--risk": risk_color(level)}
    return _counter(counter_id, risk_word(words, level), "—", "risk", style)


def _kpi_label(name: str) -> list[Any] | str:
    """A KPI's whole name, its qualifier in smaller type ("满意率" + "（满意+基本满意）"), so
    the wall says exactly what the KPI page says without the strip outgrowing the screen."""
    for mark in ("（", " ("):
        at = name.find(mark)
        if at > 0:
            return [html.Span(name[:at]), html.Span(name[at:], className="kpi-label-sub")]
    return name


def kpi_strip(ctx: WallContext, lang: str) -> list[Any]:
    """The article's targets, live: last 30 days, district-wide, with each definition and
    formula. A rate is shown from its ``tenths`` (rounded toward worse, exactly) and toned
    from its ``meets`` (decided on the exact fraction), through dashboard/rates.py: never
    rounded up to a target it misses. (The header links every KPI's definition.)"""
    words = labels(lang)
    today = clock.as_utc(ctx.store.now()).astimezone(clock.LOCAL_TZ).date()
    result = compute_kpis(ctx.store, "district", today - timedelta(days=KPI_DAYS - 1), today)
    values = result.get(DISTRICT, {})
    cells: list[Any] = []
    for d in definitions(lang):
        if d["code"] not in WALL_KPIS:
            continue
        v = values.get(d["code"], {"value": None, "n": 0, "d": 0, "tenths": None, "meets": None})
        target = f"{words['target']} {d['target'] * 100:g}% · " if d["target"] else ""
        cells.append(
            html.Div(
                className=f"kpi {rates.tone(v)}".strip(),
                title=f"{d['definition']}\n{words['formula']}: {d['formula']}",
                **{
                    "data-kpi": d["code"],
                    "data-higher": "1" if d["higher_is_better"] else "0",
                },
                children=[
                    html.Div(_kpi_label(d["name"]), className="kpi-label"),
                    html.Div(rates.percent(v), className="kpi-value"),
                    html.Div(f"{target}{v['n']}/{v['d'] or 0}", className="kpi-target"),
                ],
            )
        )
    return cells


def browser_rules() -> dict[str, Any]:
    """The server's rules the browser applies, so that it never keeps copies of its own."""
    return {
        "ids": ids.browser_ids(),
        "district": DISTRICT,
        "timeZone": clock.LOCAL_TZ.key,
        "closedStates": sorted(s.value for s in CLOSED_STATES),
        "closedStatus": Status.CLOSED.value,  # "closed today" counts this one (void is no close)
        # 挂账: open, its clocks standing still (ok at any time, as Case.risk), counted apart
        "suspendedStatus": Status.SUSPENDED.value,
        # a department's view drops a case in these states (cases.access.holds)
        "releasedStates": sorted(s.value for s in access.RELEASED_BY_DEPARTMENT),
        # A risk-map value is an index in riskLevels (0: no open case). An open case is
        # riskOpen until the instants of its risk_at (watch_at, at_risk_at, deadline, in the
        # order of cases.records.case_summary) move it to each level of riskAt in turn.
        "riskLevels": list(RISK_LEVELS),
        "riskOpen": sla.RISK_LEVELS[0],
        "riskAt": list(sla.RISK_LEVELS[1:]),
        "alertFrom": ALERT_FROM,
        "timing": dict(BROWSER_TIMING),
    }


def attribution(grid: Grid, lang: str) -> str:
    words = labels(lang)
    return grid.attribution if lang == "zh" else f"{words['synthetic']} · {grid.attribution}"


def map_config(grid: Grid, lang: str, tile_url: str = "") -> dict[str, Any]:
    """What the map view draws (assets/gridcc/mapview.js): look, extent, levels, tiles."""
    return {
        **map_look(labels(lang)),
        "bounds": list(grid.bounds),
        "outlineUrl": OUTLINE_URL,
        "tileUrl": tile_url,
        "attribution": attribution(grid, lang),
    }


def browser_config(ctx: WallContext, lang: str) -> dict[str, Any]:
    """What the browser needs besides the snapshot: rules, words, categories, the cells."""
    return {
        **browser_rules(),
        "lang": lang,
        "labels": labels(lang),
        "categories": ctx.store.catalog.public(),
        "departments": ctx.store.catalog.department_names(),
        "codes": ctx.grid.codes,
        "map": map_config(ctx.grid, lang, ctx.tile_url),
        "levels": {
            level: {
                "url": f"/geo/{level}.geojson",
                "codes": ctx.grid.level_codes(level),
                "names": ctx.grid.level_names(level),
                # index of each cell's community / street in "codes" (None: cells themselves)
                "ofCell": None if level == "cell" else ctx.grid.cell_level_index(level).tolist(),
                # [name, lon, lat, room] per shape, drawn where they fit; over the cells,
                # their streets' names
                "labels": ctx.grid.level_labels(LABELLED.get(level, level)),
            }
            for level in LEVELS
        },
        "kpisUrl": "/api/kpis?dim=district",
        "calendarUrl": notice_url(lang),
        "eventsUrl": "/api/events",
        "snapshotUrl": "/api/snapshot",
        "seqUrl": "/api/seq",
    }


def header_status(ctx: WallContext, words: dict[str, str], lang: str) -> html.Div:
    """Clock, link pill, language and the pages one may open (each link once: the signed-in
    block holds them when there is one)."""
    other = "en" if lang == "zh" else "zh"
    signed_in = who(ctx.auth, words, lang, here="wall")
    links = [
        # every KPI's definition in words and its formula (the KPI page's section)
        html.A(words["kpi_definitions_link"], href=f"/kpi?lang={lang}#{DEFINITIONS_ANCHOR}"),
        html.A(words["other_lang"], href=f"?lang={other}"),
    ]
    if signed_in is None:
        links.insert(0, html.A(words["nav_kpi"], href=f"/kpi?lang={lang}"))
    return html.Div(
        className="wall-status",
        children=[
            html.Div(
                className="wall-status-row",
                children=[
                    html.Div(words["connecting"], id=ids.LINK, className="link-status connecting"),
                    html.Div(id=ids.CLOCK, className="wall-clock"),
                ],
            ),
            html.Div(
                className="wall-status-row",
                children=[html.Div(className="nav-links", children=links), signed_in],
            ),
        ],
    )


def suspended_count(open_cases: list[list[Any]]) -> int:
    """The open cases 挂账, from the snapshot's rows (their last field is the status), as
    the browser counts them from then on (assets/gridcc/state.js)."""
    return sum(1 for row in open_cases if row[-1] == Status.SUSPENDED.value)


def stats_bar(
    ctx: WallContext, snapshot: dict[str, Any], words: dict[str, str], lang: str
) -> html.Div:
    """The headline counters (挂账 apart: open, but their clocks stand still) and the KPI
    strip."""
    counters, snapshot_rows = snapshot["counters"], snapshot["open_cases"]
    return html.Div(
        className="stats-bar",
        children=[
            html.Div(
                className="counters",
                children=[
                    _counter(ids.COUNTER_OPEN, words["open"], counters["open"]),
                    _counter(ids.COUNTER_TODAY, words["today"], counters["today"]),
                    _counter(
                        ids.COUNTER_CLOSED, words["closed_today"], counters["closed_today"], "good"
                    ),
                    _risk_counter(ids.COUNTER_AT_RISK, "at_risk", words),
                    _risk_counter(ids.COUNTER_OVERDUE, "overdue", words),
                    _counter(
                        ids.COUNTER_SUSPENDED,
                        words["suspended"],
                        suspended_count(snapshot_rows),
                        "suspended",
                    ),
                ],
            ),
            html.Div(id=ids.KPI_STRIP, className="kpi-strip", children=kpi_strip(ctx, lang)),
        ],
    )


def map_panel(words: dict[str, str], coverage: bool = False, qxy: bool = False) -> html.Section:
    """The map under its own toolbar: the buttons sit above the map, never on it
    (``coverage``: with the mode 巡查覆盖, dashboard/people_map.py; ``qxy``: with the mode
    泉心愿, dashboard/qxy_wall.py)."""
    return html.Section(
        className="map-panel",
        children=[
            html.Div(
                className="map-toolbar",
                children=[
                    # the mode's title (assets/gridcc/map.js sets it when the mode changes)
                    html.H2(words["map_title_load"], id=ids.MAP_TITLE, className="panel-title"),
                    html.Div(
                        id=ids.MAP_MODE,
                        className="map-mode",
                        children=[
                            html.Div(
                                className="button-group",
                                children=[
                                    _button(words["mode_load"], "data-mode", "load"),
                                    _button(words["mode_risk"], "data-mode", "risk"),
                                    *(
                                        [_button(words["mode_patrol"], "data-mode", "patrol")]
                                        if coverage
                                        else []
                                    ),
                                    *(
                                        [_button(words["mode_qxy"], "data-mode", "qxy")]
                                        if qxy
                                        else []
                                    ),
                                ],
                            ),
                            html.Div(
                                className="button-group",
                                children=[
                                    _button(words[f"level_{lv}"], "data-level", lv) for lv in LEVELS
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            # Drawn by the map view (MapLibre), not by Dash: no plotly.js here.
            html.Div(id=ids.MAP, className="live-map"),
        ],
    )


def alert_panel(words: dict[str, str]) -> html.Aside:
    """Open cases overdue and at risk, worst first (assets/gridcc/alerts.js draws them)."""
    return html.Aside(
        className="alert-panel",
        children=[
            html.Div(
                className="panel-head",
                children=[
                    html.H2(words["alerts"], className="panel-title"),
                    html.Span(id=ids.ALERT_COUNT, className="panel-count"),
                ],
            ),
            html.Ol(id=ids.ALERTS, className="alerts"),
            html.Div(id=ids.ALERTS_MORE, className="alerts-more", hidden=True),
        ],
    )


def layout(ctx: WallContext, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    if not may_view(ctx.auth):
        return denied(ctx.auth, words, lang, words["title"], "/")
    snapshot = ctx.store.snapshot()
    actor = ctx.auth.current_actor()
    config = people_map.with_people(browser_config(ctx, lang), actor, lang, ctx.position_roles)
    config = qxy_wall.with_qxy(config, actor, words)
    return page(
        lang,
        "wall",
        [html.H1(words["title"]), html.Span(words["site"], className="wall-site")],
        header_status(ctx, words, lang),
        [
            stats_bar(ctx, snapshot, words, lang),
            html.Main(
                className="wall-body",
                children=[
                    alert_panel(words),
                    map_panel(words, people_map.shows_coverage(actor), qxy_wall.shows(actor)),
                    html.Aside(
                        className="ticker-panel",
                        children=[
                            html.Div(
                                className="panel-head",
                                children=[html.H2(words["ticker"], className="panel-title")],
                            ),
                            html.Ol(id=ids.TICKER, className="ticker"),
                            qxy_wall.panel(actor, words),  # 泉心愿's counts, under the ticker
                        ],
                    ),
                ],
            ),
            html.Div(
                id=ids.CONFIG,
                hidden=True,
                **{  # type: ignore[arg-type]  # data-* attributes are not in Dash's stubs
                    "data-config": json.dumps(config, ensure_ascii=False),
                    "data-snapshot": json.dumps(snapshot, ensure_ascii=False),
                },
            ),
            urgent_node(ctx.auth.current_actor(), lang, panel=True),
        ],
        # In the header, so the map keeps its room (and the wall its rows of alerts).
        middle=notice_strip(ctx.store, ctx.calendar_warn_days, lang),
    )


def skeleton() -> html.Div:
    """A light stand-in for Dash's validation layout (the real one holds a snapshot)."""
    return html.Div(
        [
            html.Div(id=ids.MAP),
            html.Ol(id=ids.TICKER),
            html.Ol(id=ids.ALERTS),
            html.Div(id=ids.CONFIG),
        ]
    )
