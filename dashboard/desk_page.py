"""The operators' desk (/desk, 值班员): the queue of reports to file or refuse and of filed
or returned cases to dispatch, oldest first; the case view beside it; the duplicates nearby.

The page is a frame and a config: the browser (assets/gridcc/desk.js) reads the queue and
the case from the desks' API, acts through the actions each case's sheet offers, and
re-reads when an event says something changed. A key names a workflow action; whether it
applies is the sheet's to say, never the page's.
"""

from __future__ import annotations

import json
from typing import Any

from dash import html

from cases import clock
from dashboard import ids
from dashboard.case_view import case_view_config
from dashboard.i18n import labels, pick_lang
from dashboard.signed_in import denied, who
from dashboard.urgent_page import urgent_node
from dashboard.wall import WallContext, may_view, page

QUEUE_URL = "/api/queue"
QUEUE_ROWS = 200  # the oldest this many (the API's page); the header says when there are more
# A key → the workflow action it asks the selected case's sheet for; what it fills into the
# action's form (a parameter ← a field of the queue's row, or the selected duplicate); and
# whether it sends the form at once when nothing is left to ask. Whether the action applies
# is the sheet's to say: a key whose action the sheet does not offer does nothing.
ACTION_KEYS: dict[str, dict[str, Any]] = {
    "f": {"action": "file", "direct": True},
    "d": {"action": "dispatch", "direct": True, "fill": {"department": "suggested_department"}},
    "v": {"action": "void", "direct": False},  # asks a reason
    "m": {"action": "merge", "direct": False, "fill": {"into": "duplicate"}},  # Enter confirms
}
DESK_TIMING = {
    "queueDebounceMs": 300,  # a burst of events costs one re-read of the queue
    "caseDebounceMs": 300,
    "heartbeatMs": 10_000,  # ask /api/seq: a silently broken socket makes the desk re-read
    "toastMs": 4_000,
}
# The keys the help shows, in order, with their words' keys.
HELP = (
    ("↑ ↓  j k", "key_move"),
    ("Enter", "key_open"),
    ("f", "key_file"),
    ("d", "key_dispatch"),
    ("v", "key_void"),
    ("m", "key_merge"),
    ("[  ]", "key_dups"),
    ("/", "key_filter"),
    ("Esc", "key_escape"),
    ("Enter", "key_submit"),
    ("?", "key_help"),
)


def desk_config(ctx: WallContext, lang: str, actor: Any) -> dict[str, Any]:
    return {
        **case_view_config(ctx.store, ctx.grid, lang, ctx.tile_url),
        "deskIds": ids.desk_ids(),
        "queueUrl": QUEUE_URL,
        "queueRows": QUEUE_ROWS,
        "actionKeys": ACTION_KEYS,
        "deskTiming": dict(DESK_TIMING),
        "now": clock.epoch(ctx.store.now()),  # the server's clock: waiting times follow it
        "me": {"name": actor.name, "role": actor.role.value},
    }


def help_panel(words: dict[str, str]) -> html.Div:
    rows = [html.Tr([html.Td(html.Kbd(key)), html.Td(words[word])]) for key, word in HELP]
    return html.Div(
        id=ids.DESK_HELP,
        className="desk-help",
        hidden=True,
        children=[html.H2(words["desk_keys_title"]), html.Table(html.Tbody(rows))],
    )


def layout(ctx: WallContext, lang: str | None = None, **_query: str) -> html.Div:
    lang = pick_lang(lang)
    words = labels(lang)
    if not may_view(ctx.auth, "desk"):
        return denied(ctx.auth, words, lang, words["desk_page"], "/desk")
    actor = ctx.auth.current_actor()
    other = "en" if lang == "zh" else "zh"
    status = html.Div(
        className="wall-status desk-head-status",
        children=[
            html.Div(
                className="desk-status-line",
                children=[
                    html.Div(words["connecting"], id=ids.DESK_LINK, className="link-status"),
                    html.Div(id=ids.DESK_CLOCK, className="wall-clock"),
                ],
            ),
            html.Div(
                className="nav-links",
                children=[
                    html.Span(words["help_hint"], className="desk-hint"),
                    html.A(words["other_lang"], href=f"?lang={other}"),
                ],
            ),
            who(ctx.auth, words, lang, here="desk"),
        ],
    )
    # The browser fills these; Dash renders them empty, so React never owns their children.
    body = html.Main(
        className="desk-body",
        children=[
            html.Section(
                className="desk-queue-panel",
                children=[
                    html.Div(id=ids.DESK_FILTER, className="desk-queue-head"),
                    html.Ol(id=ids.DESK_QUEUE, className="desk-rows"),
                ],
            ),
            html.Section(id=ids.DESK_CASE, className="desk-case"),
        ],
    )
    return page(
        lang,
        "wall desk",
        [html.H1(words["desk_page"]), html.Span(words["site"], className="wall-site")],
        html.Div(
            className="desk-header-right",
            children=[html.Div(id=ids.DESK_COUNTS, className="desk-counts"), status],
        ),
        [
            body,
            help_panel(words),
            html.Div(id=ids.DESK_TOAST, className="desk-toast", role="status"),
            urgent_node(actor, lang),
            html.Div(
                id=ids.DESK_CONFIG,
                hidden=True,
                **{  # type: ignore[arg-type]  # data-* attributes are not in Dash's stubs
                    "data-desk-config": json.dumps(
                        desk_config(ctx, lang, actor), ensure_ascii=False
                    )
                },
            ),
        ],
    )


def skeleton() -> html.Div:
    """A light stand-in for Dash's validation layout (the real one needs a signed-in desk)."""
    return html.Div(
        [
            html.Ol(id=ids.DESK_QUEUE),
            html.Section(id=ids.DESK_CASE),
            html.Div(id=ids.DESK_CONFIG),
            html.Div(id=ids.DESK_HELP),
        ]
    )
