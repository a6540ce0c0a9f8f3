"""/admin: API keys (made, shown once, revoked), people's sessions (ended, deactivated) and
the working calendar (dashboard/admin_calendar.py).

Every callback asks the access policy itself; the page's buttons are no protection. The
rules live where the HTTP routes find them too (``cases.keys``, ``cases.sessions``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dash import ALL, Dash, Input, Output, State, dcc, html
from dash import ctx as dash_ctx
from dash.exceptions import PreventUpdate

from cases import access, clock
from cases.keys import KeyRefused
from cases.model import storable
from dashboard import admin_calendar, admin_people
from dashboard.i18n import labels, pick_lang
from dashboard.signed_in import denied, who
from dashboard.wall import page

KEYS_TABLE = "admin-keys"
KEY_NAME = "admin-key-name"
KEY_SCOPE = "admin-key-scope"
KEY_DEPARTMENT = "admin-key-department"
KEY_CREATE = "admin-key-create"
KEY_RESULT = "admin-key-result"
REVOKE = "admin-key-revoke"
USERNAME = "admin-username"
END_SESSIONS = "admin-end-sessions"
DEACTIVATE = "admin-deactivate"
USER_RESULT = "admin-user-result"
LANG = admin_calendar.LANG


def _allowed(ctx: Any) -> bool:
    return access.may_manage_access(ctx.auth.current_actor())


def layout(ctx: Any, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    if not _allowed(ctx):
        return denied(ctx.auth, words, lang, words["admin_page"], "/admin")
    departments = ctx.store.catalog.units()
    create = html.Div(
        className="admin-form",
        children=[
            dcc.Input(id=KEY_NAME, placeholder="hotline-12345", maxLength=64),
            dcc.Dropdown(
                id=KEY_SCOPE,
                options=[{"label": words[f"scope_{s}"], "value": s} for s in access.KEY_SCOPES],
                value=access.INTAKE_SCOPE,
                clearable=False,
            ),
            dcc.Dropdown(
                id=KEY_DEPARTMENT,
                options=[{"label": d.name_zh, "value": d.code} for d in departments],
                placeholder=words["key_department"],
            ),
            html.Button(words["key_create"], id=KEY_CREATE),
        ],
    )
    users = html.Div(
        className="admin-form",
        children=[
            dcc.Input(id=USERNAME, placeholder=words["username"], maxLength=64),
            html.Button(words["end_sessions"], id=END_SESSIONS),
            html.Button(words["deactivate"], id=DEACTIVATE, className="danger"),
        ],
    )
    return page(
        lang,
        "admin-page",
        [html.H1(f"{words['title']} · {words['admin_page']}")],
        who(ctx.auth, words, lang, here="admin"),
        [
            dcc.Store(id=LANG, data=lang),
            html.Section(
                className="admin-section",
                children=[
                    html.H2(words["keys_title"]),
                    create,
                    html.Pre(id=KEY_RESULT, className="admin-result"),
                    html.Div(id=KEYS_TABLE, children=keys_table(ctx, words)),
                ],
            ),
            html.Section(
                className="admin-section",
                children=[
                    html.H2(words["users_title"]),
                    users,
                    html.P(id=USER_RESULT, className="admin-result"),
                ],
            ),
            admin_calendar.section(ctx, words, lang),
            admin_people.section(ctx, words, lang),
        ],
    )


def keys_table(ctx: Any, words: dict[str, str]) -> html.Table:
    head = ["key_name", "key_scope", "key_department", "key_created", "key_state", ""]
    rows = []
    for key in ctx.auth.keys.all():
        created = datetime.fromtimestamp(key.created_at, UTC)
        action: Any = (
            html.Button(words["key_revoke"], id={"type": REVOKE, "name": key.name})
            if key.active
            else ""
        )
        rows.append(
            html.Tr(
                [
                    html.Td(key.name),
                    html.Td(words[f"scope_{key.scope}"]),
                    html.Td(key.department or "—"),
                    html.Td(clock.iso_local(created)[:16].replace("T", " ")),
                    html.Td(words["state_active" if key.active else "state_revoked"]),
                    html.Td(action),
                ]
            )
        )
    return html.Table(
        className="league",
        children=[
            html.Thead(html.Tr([html.Th(words[h] if h else "") for h in head])),
            html.Tbody(rows),
        ],
    )


def create_key(ctx: Any, name: Any, scope: Any, department: Any, words: dict[str, str]) -> str:
    """Make a key as the signed-in admin; the text to show (the key, once)."""
    if not _allowed(ctx):
        raise PreventUpdate
    texts = [v for v in (name, scope, department) if v is not None]
    if not all(isinstance(v, str) and storable(v) for v in texts):
        return "?"
    actor = ctx.auth.current_actor()
    dept = department if scope == access.DEPARTMENT_SCOPE else None
    try:
        key = ctx.auth.keys.create(str(name or "").strip(), str(scope), dept, created_by=actor.name)
    except KeyRefused as exc:
        return str(exc)
    shown = f"{words['key_shown_once']}\n{key}"
    if scope == access.WALL_SCOPE:
        shown += f"\n{words['kiosk_link']} /kiosk#{key}"
    return shown


def register_callbacks(app: Dash, ctx: Any) -> None:
    @app.callback(
        Output(KEY_RESULT, "children"),
        Output(KEYS_TABLE, "children"),
        Input(KEY_CREATE, "n_clicks"),
        Input({"type": REVOKE, "name": ALL}, "n_clicks"),
        State(KEY_NAME, "value"),
        State(KEY_SCOPE, "value"),
        State(KEY_DEPARTMENT, "value"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def keys(_create: Any, _revokes: Any, name: Any, scope: Any, dept: Any, lang: Any) -> Any:
        if not _allowed(ctx):
            raise PreventUpdate  # checked here, on the server, for every click
        words = labels(pick_lang(lang))
        trigger = dash_ctx.triggered_id
        if isinstance(trigger, dict) and trigger.get("type") == REVOKE:
            if not any(t.get("value") for t in dash_ctx.triggered):
                raise PreventUpdate  # a table redrawn, not a click
            ctx.auth.keys.revoke(str(trigger.get("name")))
            return "", keys_table(ctx, words)
        return create_key(ctx, name, scope, dept, words), keys_table(ctx, words)

    @app.callback(
        Output(USER_RESULT, "children"),
        Input(END_SESSIONS, "n_clicks"),
        Input(DEACTIVATE, "n_clicks"),
        State(USERNAME, "value"),
        prevent_initial_call=True,
    )
    def users(_end: Any, _deactivate: Any, username: Any) -> str:
        if not _allowed(ctx):
            raise PreventUpdate
        if not isinstance(username, str) or not storable(username) or not username.strip():
            return "?"
        username = username.strip()
        if dash_ctx.triggered_id == DEACTIVATE:
            if ctx.auth.users.get(username) is None:
                return f"{username}: —"
            ctx.auth.users.deactivate(username)
        ended = ctx.auth.sessions.revoke_user(username, "ended_by_admin")
        return f"{username}: {ended}"

    admin_calendar.register_callbacks(app, ctx)
    admin_people.register_callbacks(app, ctx)


def skeleton() -> html.Div:
    """Every id the callbacks name, for Dash's validation layout."""
    return html.Div(
        [
            dcc.Store(id=LANG),
            dcc.Input(id=KEY_NAME),
            dcc.Dropdown(id=KEY_SCOPE),
            dcc.Dropdown(id=KEY_DEPARTMENT),
            html.Button(id=KEY_CREATE),
            html.Pre(id=KEY_RESULT),
            html.Div(id=KEYS_TABLE),
            dcc.Input(id=USERNAME),
            html.Button(id=END_SESSIONS),
            html.Button(id=DEACTIVATE),
            html.P(id=USER_RESULT),
            *admin_calendar.skeleton(),
            *admin_people.skeleton(),
        ]
    )
