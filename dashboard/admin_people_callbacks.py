"""The callbacks of /admin's people section (dashboard/admin_people.py). Each one asks the
access policy on the server before anything else: a click sent straight to Dash's endpoint
by anyone but an admin changes nothing (and answers 204, as the page's other callbacks)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from dash import Dash, Input, Output, State, no_update
from dash import ctx as dash_ctx
from dash.exceptions import PreventUpdate

from cases.model import storable
from cases.people_admin import FileRefused, text_rows
from cases.people_file import FILE_KINDS
from cases.table_file import MAX_FILE_BYTES
from dashboard import admin_people as ap
from dashboard.admin_calendar import LANG
from dashboard.i18n import labels, pick_lang


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) and storable(value) else ""


def _refused(exc: FileRefused, lang: str) -> str:
    return "\n".join(exc.lines(lang))


def _guard(ctx: Any) -> None:
    if not ap._allowed(ctx):
        raise PreventUpdate  # checked here, on the server, for every click


def team(ctx: Any, trigger: Any, cell: str, branch: str, members: str, lang: str) -> Any:
    """(team view, result, branch, members text) after showing or saving ``cell``'s team."""
    words = labels(lang)
    if cell not in set(ctx.grid.codes):
        return no_update, f"「{cell}」？" if lang == "zh" else f"{cell!r}?", no_update, no_update
    said = ""
    if trigger == ap.TEAM_SAVE:
        try:
            rows = text_rows("teams", members, ("person_id", "part"))
            pairs = [(r.get("person_id", ""), r.get("part", "")) for r in rows]
            saved = ap._admin(ctx).set_team(ctx.auth.current_actor(), cell, branch, pairs)
        except FileRefused as exc:
            return no_update, _refused(exc, lang), no_update, no_update
        said = words["people_team_saved"].format(cell=cell, n=len(saved.members) if saved else 0)
    branch, text = ap.team_values(ctx, cell)
    return ap.team_table(ctx, cell, words, lang), said, branch, text


def person(ctx: Any, trigger: Any, person_id: str, fields: dict[str, str], lang: str) -> Any:
    """(result, field values) after loading, saving or deactivating ``person_id``."""
    words = labels(lang)
    unchanged = [no_update] * len(ap.FIELDS)
    if not person_id:
        return words["people_id"] + "?", unchanged
    if trigger == ap.LOAD:
        found = ap._roster(ctx).person(person_id)
        if found is None:
            return words["people_unknown"].format(id=person_id), unchanged
        values = [getattr(found, f) or "" for f in ap.FIELDS]
        state = "" if found.active else f" ({words['people_inactive']})"
        return f"{person_id}{state}", values
    actor = ctx.auth.current_actor()
    if trigger == ap.DEACTIVATE:
        done = ap._admin(ctx).deactivate(actor, person_id)
        key = "people_deactivated" if done else "people_unknown"
        return words[key].format(id=person_id), unchanged
    try:
        ap._admin(ctx).save_person(actor, person_id, fields)
    except FileRefused as exc:
        return _refused(exc, lang), unchanged
    return words["people_saved"].format(id=person_id), unchanged


def imported(ctx: Any, contents: Any, filename: Any, kind: Any, lang: str) -> str:
    words = labels(lang)
    name = _text(filename)[:80] or "?"
    if not isinstance(contents, str) or "," not in contents:
        raise PreventUpdate
    try:
        data = base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return f"{name}: ?"
    if len(data) > MAX_FILE_BYTES:
        return f"{name}: > {MAX_FILE_BYTES // 1024} KB"
    asked = kind if kind in FILE_KINDS else None
    try:
        done = ap._admin(ctx).import_file(ctx.auth.current_actor(), data, asked)
    except FileRefused as exc:
        head = words["people_refused"].format(file=name, n=len(exc.problems) + exc.more)
        return head + "\n" + _refused(exc, lang)
    return words["people_imported"].format(
        file=name, rows=done.rows, people=done.people, teams=done.teams, shifts=done.shifts
    )


def register(app: Dash, ctx: Any) -> None:
    @app.callback(
        Output(ap.TEAM_VIEW, "children"),
        Output(ap.TEAM_RESULT, "children"),
        Output(ap.BRANCH, "value"),
        Output(ap.MEMBERS, "value"),
        Input(ap.TEAM_SHOW, "n_clicks"),
        Input(ap.TEAM_SAVE, "n_clicks"),
        State(ap.CELL, "value"),
        State(ap.BRANCH, "value"),
        State(ap.MEMBERS, "value"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def team_clicked(
        _show: Any, _save: Any, cell: Any, branch: Any, members: Any, lang: Any
    ) -> Any:
        _guard(ctx)
        return team(
            ctx,
            dash_ctx.triggered_id,
            _text(cell),
            _text(branch),
            members if isinstance(members, str) and storable(members) else "",
            pick_lang(lang),
        )

    @app.callback(
        Output(ap.LIST, "children"),
        Output(ap.PERSON_RESULT, "children"),
        *(Output(ap.FIELD_IDS[f], "value") for f in ap.FIELDS),
        Input(ap.FIND, "n_clicks"),
        Input(ap.LOAD, "n_clicks"),
        Input(ap.SAVE, "n_clicks"),
        Input(ap.DEACTIVATE, "n_clicks"),
        State(ap.KIND_FILTER, "value"),
        State(ap.SEARCH, "value"),
        State(ap.PERSON_ID, "value"),
        *(State(ap.FIELD_IDS[f], "value") for f in ap.FIELDS),
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def person_clicked(*args: Any) -> Any:
        _guard(ctx)
        kind, search, person_id = args[4:7]
        fields = {f: _text(v) for f, v in zip(ap.FIELDS, args[7:-1], strict=True)}
        lang = pick_lang(args[-1])
        trigger = dash_ctx.triggered_id
        said, values = "", [no_update] * len(ap.FIELDS)
        if trigger != ap.FIND:
            said, values = person(ctx, trigger, _text(person_id), fields, lang)
        listed = ap.people_table(ctx, kind, _text(search), labels(lang), lang)
        return listed, said, *values

    @app.callback(
        Output(ap.SHIFTS_RESULT, "children"),
        Input(ap.ADD_SHIFTS, "n_clicks"),
        State(ap.SHIFTS, "value"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def shifts_added(_clicks: Any, text: Any, lang: Any) -> str:
        _guard(ctx)
        lang = pick_lang(lang)
        if not isinstance(text, str) or not storable(text):
            return labels(lang)["people_shifts_help"]
        try:
            added = ap._admin(ctx).add_shifts(ctx.auth.current_actor(), text_rows("shifts", text))
        except FileRefused as exc:
            return _refused(exc, lang)
        return labels(lang)["people_shifts_added"].format(n=added)

    @app.callback(
        Output(ap.IMPORT_RESULT, "children"),
        Output(ap.SUMMARY, "children"),
        Input(ap.UPLOAD, "contents"),
        State(ap.UPLOAD, "filename"),
        State(ap.IMPORT_KIND, "value"),
        State(LANG, "data"),
        prevent_initial_call=True,
    )
    def uploaded(contents: Any, filename: Any, kind: Any, lang: Any) -> Any:
        _guard(ctx)
        lang = pick_lang(lang)
        said = imported(ctx, contents, filename, kind, lang)
        return said, ap.summary(ctx, labels(lang))
