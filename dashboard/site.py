"""The Dash side of one gridcc instance: its pages and the router between them.

Each page module owns its ``layout(ctx, lang, **query)`` and its callbacks; the router is
one callback of this app (no process-wide page registry, so tests may build several apps
in one process). Every layout asks the access policy before it reads any data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from dash import Dash, Input, Output, dcc, html
from flask import Flask

from cases import access
from dashboard import admin_page, dept_page, desk_page, kpi_page, lead_page, wall
from dashboard.i18n import LANGS, labels, pick_lang

LOCATION = "page-location"
CONTENT = "page-content"
TITLE = "历下区网格化管理指挥中心"


PageContext = wall.WallContext  # what a page reads: the store, the grid and who is asking
Layout = Callable[..., Any]


def pages() -> dict[str, tuple[Layout, Callable[[Dash, Any], None] | None]]:
    """Path → (layout, callback registration) for every page."""
    return {
        "/": (wall.layout, None),
        "/desk": (desk_page.layout, None),
        "/kpi": (kpi_page.layout, kpi_page.register_callbacks),
        "/admin": (admin_page.layout, admin_page.register_callbacks),
        "/lead": (lead_page.layout, None),
        "/dept": (dept_page.layout, None),
    }


def render(ctx: PageContext, pathname: str | None, search: str | None) -> Any:
    """The page at ``pathname`` with the query string's values (?lang=en&map=risk)."""
    # Dash's endpoint takes whatever a client posts: a location that is not text is "/".
    pathname = pathname if isinstance(pathname, str) else None
    search = search if isinstance(search, str) else None
    found = pages().get(pathname or "/")
    # The query's names become a layout's keywords: never its own ``ctx``.
    query = {k: v for k, v in parse_qsl((search or "").lstrip("?")) if k != "ctx"}
    query = remembered_lang(ctx, query)
    if found is None:
        lang = pick_lang(query.get("lang"))
        words = labels(lang)
        return html.Div(
            className="wall-denied",
            lang="zh-CN" if lang == "zh" else "en",
            children=[
                html.H1(words["title"]),
                html.P(words["not_found"]),
                html.A(words["nav_wall"], href=f"/?lang={lang}"),
            ],
        )
    return found[0](ctx, **query)


def remembered_lang(ctx: PageContext, query: dict[str, str]) -> dict[str, str]:
    """A person's language is remembered: a page asked in a language keeps it as theirs,
    a page asked without one opens in the one they chose last."""
    identity = ctx.auth.identify()
    actor = identity.actor
    if actor is None or not identity.by_cookie or not access.is_person(actor):
        return query  # a wall, a key: the address says the language
    asked = query.get("lang")
    if asked in LANGS:
        if ctx.auth.users.lang_of(actor.name) != asked:
            ctx.auth.users.remember_lang(actor.name, asked)
        return query
    chosen = ctx.auth.users.lang_of(actor.name)
    return {**query, "lang": chosen} if chosen else query


def build_dash(server: Flask, ctx: PageContext, assets: Path) -> Dash:
    app = Dash(
        "gridcc",
        server=server,  # type: ignore[arg-type]  # Dash's stubs miss Flask
        assets_folder=str(assets),
        compress=True,
        title=TITLE,
        update_title=None,  # type: ignore[arg-type]
        serve_locally=True,
        # The phone's patrol page is a plain page with its own few scripts (patrol_page.py):
        # Dash pages do not load them.
        assets_ignore=r"^patrol",
    )
    app.layout = html.Div([dcc.Location(id=LOCATION), html.Div(id=CONTENT)])

    @app.callback(
        Output(CONTENT, "children"), Input(LOCATION, "pathname"), Input(LOCATION, "search")
    )
    def route(pathname: str | None, search: str | None) -> Any:
        return render(ctx, pathname, search)

    for _layout, register in pages().values():
        if register is not None:
            register(app, ctx)
    # Dash checks callbacks against this; the real layouts need a request and a snapshot.
    app.validation_layout = html.Div(  # type: ignore[assignment]
        [
            app.layout,
            wall.skeleton(),
            desk_page.skeleton(),
            kpi_page.skeleton(),
            admin_page.skeleton(),
        ]
    )
    return app
