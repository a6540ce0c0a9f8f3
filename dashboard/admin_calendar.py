"""/admin's working calendar: how far it reaches, the warning beside it, and a year's
schedule entered by pasting its file (the same file ``gridcc calendar add`` and
``POST /api/admin/calendar`` take). The callback asks the access policy itself."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from cases import access, clock
from cases.calendar_file import ScheduleRefused, parse_schedule
from dashboard.calendar_api import notice_json
from dashboard.calendar_notice import notice_strip
from dashboard.i18n import labels, pick_lang

TEXT = "admin-calendar-text"
ENTER = "admin-calendar-enter"
RESULT = "admin-calendar-result"
COVERAGE = "admin-calendar-coverage"
NOTICE = "admin-calendar-notice"
LANG = "admin-lang"  # the admin page's own store of the language
SHOWN_YEARS = 5  # the newest covered years listed
EXAMPLE = "year: 2027\n2027-01-01,rest,元旦\n2027-02-20,work,春节调休\n…"


def _allowed(ctx: Any) -> bool:
    return access.may_edit_calendar(ctx.auth.current_actor())


def section(ctx: Any, words: dict[str, str], lang: str) -> html.Section:
    return html.Section(
        className="admin-section admin-calendar",
        children=[
            html.H2(words["calendar_title"]),
            notice_strip(ctx.store, ctx.calendar_warn_days, lang, NOTICE),
            html.Div(id=COVERAGE, children=coverage(ctx, words)),
            html.P(words["calendar_help"], className="admin-help"),
            dcc.Textarea(id=TEXT, placeholder=EXAMPLE, className="admin-calendar-text"),
            html.Div(
                className="admin-form", children=[html.Button(words["calendar_enter"], id=ENTER)]
            ),
            html.Pre(id=RESULT, className="admin-result"),
        ],
    )


def coverage(ctx: Any, words: dict[str, str]) -> list[Any]:
    """How far the calendar reaches from today, and the newest covered years."""
    store = ctx.store
    until = store.work_calendar.covered_until(store.local_today())
    years = store.calendar_coverage()[-SHOWN_YEARS:]
    head = ["calendar_year", "calendar_source", "calendar_entered_at", "calendar_entered_by"]
    rows = [
        html.Tr(
            [
                html.Td(str(y.year)),
                html.Td(y.source),
                html.Td(clock.iso_local(y.entered_at)[:16].replace("T", " ")),
                html.Td(y.entered_by),
                html.Td(str(y.days)),
            ]
        )
        for y in reversed(years)
    ]
    return [
        html.P(
            words["calendar_covered"].format(date=until.isoformat()), className="calendar-until"
        ),
        html.Table(
            className="league calendar-years",
            children=[
                html.Thead(html.Tr([html.Th(words[h]) for h in [*head, "calendar_days"]])),
                html.Tbody(rows),
            ],
        ),
    ]


def enter(ctx: Any, text: Any, lang: str) -> str:
    """Enter the pasted schedule as the signed-in admin; the words to show."""
    words = labels(lang)
    if not isinstance(text, str) or not text.strip():
        return words["calendar_help"]
    try:
        schedule = parse_schedule(text)
    except ScheduleRefused as exc:
        return exc.zh if lang == "zh" else str(exc)
    entered = ctx.store.enter_calendar_year(schedule, ctx.auth.current_actor())
    return words["calendar_entered"].format(
        year=entered.year, days=entered.days, n=entered.recomputed
    )


def register_callbacks(app: Dash, ctx: Any) -> None:
    @app.callback(
        Output(RESULT, "children"),
        Output(COVERAGE, "children"),
        Output(NOTICE, "children"),
        Output(NOTICE, "hidden"),
        Input(ENTER, "n_clicks"),
        State(TEXT, "value"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def entered(_clicks: Any, text: Any, lang: Any) -> Any:
        if not _allowed(ctx):
            raise PreventUpdate  # checked here, on the server, for every click
        lang = pick_lang(lang)
        said = enter(ctx, text, lang)
        notice = notice_json(ctx.store.calendar_notice(ctx.calendar_warn_days), lang)
        text = notice["text"] if notice else ""
        return said, coverage(ctx, labels(lang)), text, notice is None


def skeleton() -> list[Any]:
    """Every id the callback names, for Dash's validation layout."""
    return [
        dcc.Textarea(id=TEXT),
        html.Button(id=ENTER),
        html.Pre(id=RESULT),
        html.Div(id=COVERAGE),
        html.Div(id=NOTICE),
    ]
