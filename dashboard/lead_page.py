"""/lead: the shift lead's map (值班长). The district's live map; a click (or a box) on cells,
communities or streets lists their open cases beside it, server-paged and filtered; the
lead ticks cases and reassigns them to another department with a reason in one request,
then may undo it within the server's window. The browser side is assets/gridcc/leadmap.js.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from cases import access
from dashboard import desk_map, ids, people_map
from dashboard.i18n import labels, pick_lang
from dashboard.signed_in import denied
from dashboard.urgent_page import urgent_node
from dashboard.wall import WallContext, may_view, page

PAGE = "lead"


def filters(ctx: WallContext, lang: str, words: dict[str, str]) -> list[Any]:
    config_departments = ctx.store.catalog.units()
    en = lang == "en"
    return [
        desk_map.select("category", words["all_categories"], desk_map.category_options(ctx, lang)),
        desk_map.select(
            "department",
            words["all_departments"],
            [(d.code, d.name_en if en else d.name_zh) for d in config_departments],
        ),
        desk_map.select("status", words["all_states"], desk_map.status_options(lang)),
        desk_map.select("risk", words["all_risks"], desk_map.risk_options(lang)),
    ]


def reassign_bar(ctx: WallContext, lang: str, words: dict[str, str]) -> html.Div:
    """The selected cases' action: to which department, why; hidden until a case is ticked."""
    departments = ctx.store.catalog.units()
    en = lang == "en"
    return html.Div(
        id=ids.CASE_ACTIONS,
        className="case-actions",
        hidden=True,
        children=[
            html.Span(className="case-selected-count"),
            html.Label(
                className="case-action-field",
                children=[
                    html.Span(words["reassign_to"]),
                    desk_map.select(
                        "to_department",
                        "—",
                        [(d.code, d.name_en if en else d.name_zh) for d in departments],
                    ),
                ],
            ),
            dcc.Input(
                type="text",
                name="reason",
                className="case-reason",
                placeholder=words["reassign_reason"],
                maxLength=500,
            ),
            html.Button(words["reassign"], className="case-reassign primary"),
        ],
    )


def layout(ctx: WallContext, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    if not may_view(ctx.auth, PAGE):
        return denied(ctx.auth, words, lang, words["lead_page"], "/lead")
    actor = ctx.auth.current_actor()
    assert actor is not None  # may_view let us in
    view = access.live_view(actor)
    config = people_map.with_people(
        desk_map.desk_config(ctx, lang, actor, PAGE), actor, lang, ctx.position_roles
    )
    snapshot = ctx.store.snapshot(view=view)
    status = desk_map.header_status(ctx.auth, lang, words, here="lead")
    return page(
        lang,
        "wall md-page lead-page",
        [html.H1(words["lead_page"]), html.Span(words["title"], className="wall-site")],
        html.Div(
            className="md-header-right",
            children=[desk_map.counters(words, words["open"]), status],
        ),
        [
            html.Main(
                className="md-body",
                children=[
                    desk_map.map_panel(words, words["lead_hint"], people_map.shows_coverage(actor)),
                    desk_map.case_panel(
                        words["cases_panel"],
                        filters(ctx, lang, words),
                        [
                            reassign_bar(ctx, lang, words),
                            html.Div(id=ids.UNDO_BAR, className="undo-bar", hidden=True),
                        ],
                    ),
                    desk_map.case_view_host(),
                ],
            ),
            desk_map.config_node(config, snapshot),
            urgent_node(actor, lang),
        ],
    )
