"""What the shift lead's map (/lead) and a department's desk (/dept) share: the page's
config (the wall's rules, words and map, plus the desks' lists and actions), the live map
panel, the status block and the case list's frame.

Both pages run the wall's browser core (assets/gridcc/core.js, state.js, mapview.js) on the
snapshot of the asker's live view (``cases.access.live_view``): the district for a lead,
the cases a department holds for its liaison. The lists are read from /api/cases, inside
the asker's view, by the browser (assets/gridcc/caselist.js).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from dash import html

from cases import access
from cases.model import Status
from cases.sla import RISK_LEVELS
from cases.workflow import UNDO_WINDOW, Actor
from dashboard import ids
from dashboard.api import LEVELS
from dashboard.case_view import case_view_config
from dashboard.desk_api import MAX_LIST_VALUES
from dashboard.figures import risk_color, risk_word
from dashboard.i18n import labels
from dashboard.signed_in import who
from dashboard.wall import WallContext, browser_config

PAGE_SIZE = 50


def _data(**attributes: str) -> dict[str, str]:
    """data-* attributes for a Dash component (its stubs do not know them)."""
    return {f"data-{k.replace('_', '-')}": v for k, v in attributes.items()}


def desk_config(ctx: WallContext, lang: str, actor: Actor, page: str) -> dict[str, Any]:
    """The wall's config and the case view's (dashboard/case_view.py: words, departments,
    statuses, roles), plus what a desk's list and actions need: the ids, the asker's
    department (None: the district), the undo window and the list's limits."""
    view = access.live_view(actor)
    department = view.department if view is not None else None
    return {
        **browser_config(ctx, lang),
        **case_view_config(ctx.store, ctx.grid, lang, ctx.tile_url),
        "page": page,
        "mapDeskIds": ids.map_desk_ids(),
        "department": department,
        # What a department's list holds by default: the cases it holds (its map's too).
        "heldStates": sorted(s.value for s in access.HELD_STATES) if department else None,
        # The risk levels a case can be at, in the wall's words and colours.
        "risks": [
            {"code": level, "name": word, "color": risk_color(level)}
            for level, word in risk_options(lang)
        ],
        "casesUrl": "/api/cases",
        "actionsUrl": "/api/cases/actions/",
        "photosUrl": "/api/cases/{id}/photos",
        "pageSize": PAGE_SIZE,
        "maxPlaceCodes": MAX_LIST_VALUES,  # shapes one list may be of (/api/cases)
        # The server's window for undoing a reassign (cases.effects.UNDO_WINDOW), in ms.
        "undoWindowMs": int(UNDO_WINDOW.total_seconds() * 1000),
        "debounceMs": 300,
        "me": {"name": actor.name, "role": actor.role.value},
    }


def config_node(config: dict[str, Any], snapshot: dict[str, Any]) -> html.Div:
    return html.Div(
        id=ids.MAP_DESK_CONFIG,
        hidden=True,
        **_data(  # type: ignore[arg-type]
            md_page=config["page"],
            md_config=json.dumps(config, ensure_ascii=False),
            md_snapshot=json.dumps(snapshot, ensure_ascii=False),
        ),
    )


def status_block(right: list[Any], words: dict[str, str]) -> html.Div:
    """The header's right side: the clock, the link pill, then ``right``."""
    return html.Div(
        className="wall-status md-status",
        children=[
            html.Div(
                className="md-status-row",
                children=[
                    html.Div(id=ids.MAP_DESK_CLOCK, className="wall-clock"),
                    html.Div(
                        words["connecting"],
                        id=ids.MAP_DESK_LINK,
                        className="link-status connecting",
                    ),
                ],
            ),
            *right,
        ],
    )


def header_status(auth: Any, lang: str, words: dict[str, str], here: str) -> html.Div:
    """The map desks' header status: clock, link pill, the other language, who is signed in
    (with links to the pages their role may open, not to ``here``)."""
    links = html.Div(
        className="md-links", children=[lang_link(lang, words), who(auth, words, lang, here)]
    )
    return status_block([links], words)


def lang_link(lang: str, words: dict[str, str]) -> html.A:
    other = "en" if lang == "zh" else "zh"
    return html.A(words["other_lang"], href=f"?lang={other}", className="lang-switch")


def counters(words: dict[str, str], first_label: str) -> html.Div:
    """Open, at risk, overdue: of the asker's live view, kept by the browser's state."""
    boxes = []
    for name, label, tone in (
        ("open", first_label, ""),
        ("at_risk", risk_word(words, "at_risk"), "warn"),
        ("overdue", risk_word(words, "overdue"), "bad"),
    ):
        color = risk_color(name) if name != "open" else None
        boxes.append(
            html.Div(
                className=f"md-counter {tone}".strip(),
                children=[
                    html.Span(label, className="md-counter-label"),
                    html.Span(
                        "—",
                        id=ids.MAP_DESK_COUNTERS[name],
                        className="md-counter-value",
                        style={"color": color} if color else None,
                    ),
                ],
            )
        )
    return html.Div(className="md-counters", children=boxes)


def map_panel(words: dict[str, str], hint: str, coverage: bool = False) -> html.Section:
    """The live map under its own toolbar, as the wall's (its title follows the mode; the
    mode and level buttons are bound by assets/gridcc/map.js); the hint sits on the map
    (``coverage``: with the mode 巡查覆盖, dashboard/people_map.py)."""
    groups: list[Any] = [
        html.Div(
            className="button-group",
            children=[
                html.Button(words["mode_load"], **_data(mode="load")),  # type: ignore[arg-type]
                html.Button(words["mode_risk"], **_data(mode="risk")),  # type: ignore[arg-type]
                *(
                    [html.Button(words["mode_patrol"], **_data(mode="patrol"))]  # type: ignore[arg-type]
                    if coverage
                    else []
                ),
            ],
        ),
        html.Div(
            className="button-group",
            children=[
                html.Button(words[f"level_{lv}"], **_data(level=lv))  # type: ignore[arg-type]
                for lv in LEVELS
            ],
        ),
    ]
    return html.Section(
        className="map-panel md-map-panel",
        children=[
            html.Div(
                className="map-toolbar",
                children=[
                    html.H2(
                        words["map_title_load"], id=ids.MAP_DESK_TITLE, className="panel-title"
                    ),
                    html.Div(id=ids.MAP_DESK_MODE, className="map-mode", children=groups),
                ],
            ),
            html.Div(
                className="md-map-holder",
                children=[
                    html.Div(hint, className="md-map-hint"),
                    html.Div(id=ids.MAP_DESK_MAP, className="live-map"),
                ],
            ),
        ],
    )


def case_panel(title: str, filters: list[Any], extra: list[Any]) -> html.Aside:
    """The list's frame: the place it is of, its filters, the table, its pager, then
    ``extra`` (the lead's reassign and undo bars); the browser fills them."""
    return html.Aside(
        className="case-panel",
        children=[
            html.Div(
                className="case-panel-head",
                children=[html.H2(title), html.Div(id=ids.CASE_PLACE, className="case-place")],
            ),
            html.Div(id=ids.CASE_FILTERS, className="case-filters", children=filters),
            html.Div(id=ids.CASE_MESSAGE, className="case-message", role="status"),
            html.Div(id=ids.CASE_TABLE, className="case-table"),
            html.Div(id=ids.CASE_PAGER, className="case-pager"),
            *extra,
        ],
    )


def select(name: str, first: str, options: list[tuple[str, str]]) -> html.Select:
    """A filter: ``first`` (no filter, value "") then each (value, label)."""
    return html.Select(
        name=name,
        className="case-filter",
        children=[html.Option(first, value=""), *(html.Option(lb, value=v) for v, lb in options)],
    )


def category_options(ctx: WallContext, lang: str) -> list[tuple[str, str]]:
    cats = sorted(ctx.store.catalog.categories.values(), key=lambda c: c.code)
    return [(c.code, f"{c.code} {c.name_en if lang == 'en' else c.name_zh}") for c in cats]


def status_options(lang: str, states: Collection[Status] | None = None) -> list[tuple[str, str]]:
    """The open states (or ``states``), in the workflow's order, as the case rows word them."""
    wanted = states if states is not None else [s for s in Status if s.is_open]
    return [(s.value, s.value if lang == "en" else s.label_zh) for s in Status if s in wanted]


def risk_options(lang: str) -> list[tuple[str, str]]:
    """The risk levels of open cases, in the wall's words (figures.risk_word)."""
    words = labels(lang)
    return [(level, risk_word(words, level)) for level in RISK_LEVELS]


def case_view_host() -> html.Div:
    """Where a case opens (assets/gridcc/caseview.js), over the map beside the list; the
    browser fills it, so Dash renders it empty and React never owns its children."""
    return html.Div(id=ids.CASE_VIEW, className="case-view-host")
