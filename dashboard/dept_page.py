"""/dept: a department's desk (部门联络员). Only the department's cases and cells: its live
map (the department's snapshot and events, ``cases.access.live_view``) and a server-paged,
sortable table of its open cases, filtered by category, state, street / community, at
risk and overdue. A case opens in the shared case view, whose buttons are the workflow's
(签收, 退回, 处置反馈). The browser side is assets/gridcc/deptdesk.js.
"""

from __future__ import annotations

from typing import Any

from dash import html

from cases import access
from dashboard import desk_map
from dashboard.figures import risk_word
from dashboard.i18n import labels, pick_lang
from dashboard.signed_in import denied
from dashboard.urgent_page import urgent_node
from dashboard.wall import WallContext, may_view, page

PAGE = "dept"


def place_filter(ctx: WallContext, words: dict[str, str]) -> html.Select:
    """Streets, each followed by its communities: value "street:<code>" or "community:…"."""
    grid = ctx.grid
    streets = list(zip(grid.level_codes("street"), grid.level_names("street"), strict=True))
    communities = list(
        zip(grid.level_codes("community"), grid.level_names("community"), strict=True)
    )
    groups: list[Any] = []
    for code, name in streets:
        inside = [(c, n) for c, n in communities if c.startswith(code)]
        groups.append(
            html.Optgroup(
                label=name,
                children=[
                    html.Option(name, value=f"street:{code}"),
                    *(html.Option(f"· {n}", value=f"community:{c}") for c, n in inside),
                ],
            )
        )
    return html.Select(
        name="place",
        className="case-filter",
        children=[html.Option(words["all_places"], value=""), *groups],
    )


def filters(ctx: WallContext, lang: str, words: dict[str, str]) -> list[Any]:
    return [
        desk_map.select("category", words["all_categories"], desk_map.category_options(ctx, lang)),
        desk_map.select(
            "status", words["all_states"], desk_map.status_options(lang, access.HELD_STATES)
        ),
        place_filter(ctx, words),
        desk_map.select(
            "risk",
            words["all_risks"],
            [
                (
                    "at_risk,overdue",
                    f"{risk_word(words, 'at_risk')} + {risk_word(words, 'overdue')}",
                ),
                ("at_risk", words["only_at_risk"]),
                ("overdue", words["only_overdue"]),
            ],
        ),
    ]


def layout(ctx: WallContext, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    if not may_view(ctx.auth, PAGE):
        return denied(ctx.auth, words, lang, words["dept_page"], "/dept")
    actor = ctx.auth.current_actor()
    view = access.live_view(actor)
    assert actor is not None and view is not None and view.department  # may_view let us in
    department = ctx.store.catalog.departments.get(view.department)
    name = (
        (department.name_en if lang == "en" else department.name_zh)
        if department
        else view.department
    )
    config = desk_map.desk_config(ctx, lang, actor, PAGE)
    snapshot = ctx.store.snapshot(view=view)
    status = desk_map.header_status(ctx.auth, lang, words, here="dept")
    return page(
        lang,
        "wall md-page dept-page",
        [
            html.H1(f"{name} · {words['dept_page']}"),
            html.Span(words["title"], className="wall-site"),
        ],
        html.Div(
            className="md-header-right",
            children=[desk_map.counters(words, words["cases_held"]), status],
        ),
        [
            html.Main(
                className="md-body",
                children=[
                    desk_map.map_panel(words, words["dept_hint"]),
                    desk_map.case_panel(words["cases_panel"], filters(ctx, lang, words), []),
                    desk_map.case_view_host(),
                ],
            ),
            desk_map.config_node(config, snapshot),
            urgent_node(actor, lang),
        ],
    )
