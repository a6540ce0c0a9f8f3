"""Who is signed in, on every page's header: their name and role, the pages their role may
open, and a sign-out (a form posted with the session's CSRF token). A wall opened with its
kiosk key shows none of it: nobody in front of a wall signs it out by accident."""

from __future__ import annotations

from typing import Any

from dash import dcc, html
from flask_wtf.csrf import generate_csrf

from cases import access
from cases.workflow import ROLE_ZH
from dashboard import ids

WHO = "signed-in"


def pages_for(
    actor: Any, words: dict[str, str], lang: str, here: str | None = None
) -> list[html.A]:
    """Links to the pages ``actor`` may open (the access policy decides, not this list),
    but not to the page ``here`` they are on."""
    return [
        html.A(words[ids.PAGE_LABELS[page]], href=f"{path}?lang={lang}")
        for page, path in ids.PAGE_PATHS.items()
        if page != here and access.may_view_page(actor, page)
    ]


def who(auth: Any, words: dict[str, str], lang: str, here: str | None = None) -> html.Div | None:
    """The header's block for a person signed in with a session (None otherwise): with the
    links to their pages, so a page shows its own links to others only without it."""
    identity = auth.identify()
    actor = identity.actor
    if actor is None or not identity.by_cookie or not access.is_person(actor):
        return None
    role = ROLE_ZH.get(actor.role, actor.role.value) if lang == "zh" else actor.role.value
    user = auth.users.get(actor.name)
    shown = user.display_name if user is not None and user.display_name else actor.name
    sign_out = html.Form(
        action="/logout",
        method="post",
        className="sign-out",
        children=[
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button(words["sign_out"], type="submit"),
        ],
    )
    return html.Div(
        id=WHO,
        className="signed-in",
        children=[
            html.Span(f"{shown} · {role}", className="signed-in-name", title=actor.name),
            *pages_for(actor, words, lang, here),
            sign_out,
        ],
    )


def denied(auth: Any, words: dict[str, str], lang: str, title: str, path: str) -> html.Div:
    """A page this browser may not open: in words, for who is asking. A signed-in person
    whose role may not open it is told so (never asked to log in again)."""
    actor = auth.current_actor()
    if actor is None:
        reason: list[Any] = [
            html.P(words["login_needed"]),
            html.A(words["login"], href=f"/login?next={path}"),
        ]
    else:
        links = pages_for(actor, words, lang)
        reason = [html.P(words["not_for_role"]), html.Div(className="nav-links", children=links)]
    return html.Div(className="wall-denied", children=[html.H1(title), *reason])
