"""/admin's people and grid teams: the roster in figures, a cell's 1+6 team (who is on duty
now), the people (found by kind, name or id), one person edited or deactivated, a cell's
team set, shifts added, and a CSV or Excel file imported.

Every callback asks the access policy itself (``access.may_edit_roster``) and changes the
roster through ``cases.people_admin.RosterAdmin``, which checks a form's values as a file's
rows are checked. Dash's requests carry the session's CSRF token (dashboard/guards.py).
Synthetic people are marked so wherever they are listed.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, dcc, html

from cases import access
from cases.people import KINDS, PARTS, Person, Roster, Team
from cases.people_admin import RosterAdmin
from cases.people_file import FILE_KINDS
from cases.table_file import MAX_FILE_BYTES

SUMMARY = "admin-people-summary"
CELL = "admin-people-cell"
TEAM_SHOW = "admin-people-team-show"
TEAM_SAVE = "admin-people-team-save"
BRANCH = "admin-people-branch"
MEMBERS = "admin-people-members"
TEAM_VIEW = "admin-people-team"
TEAM_RESULT = "admin-people-team-result"
KIND_FILTER = "admin-people-kind-filter"
SEARCH = "admin-people-search"
FIND = "admin-people-find"
LIST = "admin-people-list"
PERSON_ID = "admin-person-id"
FIELDS = ("name", "kind", "phone", "unit", "username")
FIELD_IDS = {f: f"admin-person-{f}" for f in FIELDS}
LOAD = "admin-person-load"
SAVE = "admin-person-save"
DEACTIVATE = "admin-person-deactivate"
PERSON_RESULT = "admin-person-result"
SHIFTS = "admin-people-shifts"
ADD_SHIFTS = "admin-people-add-shifts"
SHIFTS_RESULT = "admin-people-shifts-result"
IMPORT_KIND = "admin-people-import-kind"
UPLOAD = "admin-people-upload"
IMPORT_RESULT = "admin-people-import-result"
SHOWN = 25  # people listed at once


def _allowed(ctx: Any) -> bool:
    return access.may_edit_roster(ctx.auth.current_actor())


def _roster(ctx: Any) -> Roster:
    return Roster(ctx.store.engine)


def _admin(ctx: Any) -> RosterAdmin:
    return RosterAdmin(
        _roster(ctx), ctx.grid.codes, lambda name: ctx.auth.users.get(name) is not None
    )


def summary(ctx: Any, words: dict[str, str]) -> str:
    roster = _roster(ctx)
    everyone = roster.people()
    return words["people_summary"].format(
        n=len(everyone),
        synthetic=sum(p.synthetic for p in everyone),
        teams=len(roster.teams(ctx.grid.codes)),
        cells=len(ctx.grid.codes),
        on_duty=len(roster.on_duty(ctx.store.now())),
    )


def team_values(ctx: Any, cell: str) -> tuple[str, str]:
    """The form's values for ``cell``'s team: its branch, its members a line each."""
    found = _roster(ctx).team(cell)
    if found is None:
        return "", ""
    return found.branch, "".join(f"{p.id},{part}\n" for p, part in found.members)


def _input(id_: str, placeholder: str, **more: Any) -> dcc.Input:
    return dcc.Input(id=id_, placeholder=placeholder, maxLength=64, debounce=True, **more)


def section(ctx: Any, words: dict[str, str], lang: str) -> html.Section:
    kinds = [{"label": KINDS[k][0 if lang == "zh" else 1], "value": k} for k in KINDS]
    first = ctx.grid.codes[0]
    branch, members = team_values(ctx, first)
    team_form = [
        html.Div(
            className="admin-form",
            children=[
                _input(CELL, words["people_cell"], value=first),
                html.Button(words["people_show_team"], id=TEAM_SHOW),
            ],
        ),
        html.Div(id=TEAM_VIEW, children=team_table(ctx, first, words, lang)),
        html.Div(
            className="admin-form",
            children=[
                _input(BRANCH, words["people_branch"], value=branch),
                html.Button(words["people_save_team"], id=TEAM_SAVE),
            ],
        ),
        html.Label(words["people_members"], className="admin-help", htmlFor=MEMBERS),
        dcc.Textarea(id=MEMBERS, value=members, className="admin-calendar-text people-text"),
        html.Pre(id=TEAM_RESULT, className="admin-result"),
    ]
    edit = html.Div(
        className="admin-form",
        children=[
            _input(PERSON_ID, words["people_id"]),
            html.Button(words["people_load"], id=LOAD),
            _input(FIELD_IDS["name"], words["people_name"]),
            dcc.Dropdown(id=FIELD_IDS["kind"], options=kinds, placeholder=words["people_kind"]),
            _input(FIELD_IDS["phone"], words["people_phone"]),
            _input(FIELD_IDS["unit"], words["people_unit"]),
            _input(FIELD_IDS["username"], words["people_account"]),
            html.Button(words["people_save"], id=SAVE),
            html.Button(words["people_deactivate"], id=DEACTIVATE, className="danger"),
        ],
    )
    file_kinds = [{"label": words["people_import_auto"], "value": "auto"}] + [
        {"label": words[f"people_import_{k}"], "value": k} for k in FILE_KINDS
    ]
    return html.Section(
        className="admin-section admin-people",
        children=[
            html.H2(words["people_title"]),
            html.P(summary(ctx, words), id=SUMMARY, className="people-summary"),
            html.P(words["people_synthetic_note"], className="admin-help"),
            html.H3(words["people_team_title"]),
            *team_form,
            html.H3(words["people_list_title"]),
            html.Div(
                className="admin-form",
                children=[
                    dcc.Dropdown(
                        id=KIND_FILTER, options=kinds, placeholder=words["people_any_kind"]
                    ),
                    _input(SEARCH, words["people_search"]),
                    html.Button(words["people_find"], id=FIND),
                ],
            ),
            html.Div(id=LIST, children=people_table(ctx, None, "", words, lang)),
            html.H3(words["people_edit_title"]),
            edit,
            html.Pre(id=PERSON_RESULT, className="admin-result"),
            html.H3(words["people_shifts_title"]),
            html.P(words["people_shifts_help"], className="admin-help"),
            dcc.Textarea(
                id=SHIFTS,
                className="admin-calendar-text people-text",
                placeholder=f"gw-{first},2027-01-04 08:00,2027-01-04 18:00",
            ),
            html.Div(
                className="admin-form",
                children=[html.Button(words["people_add_shifts"], id=ADD_SHIFTS)],
            ),
            html.Pre(id=SHIFTS_RESULT, className="admin-result"),
            html.H3(words["people_import_title"]),
            html.P(words["people_import_help"], className="admin-help"),
            html.Div(
                className="admin-form",
                children=[
                    html.Span(words["people_import_kind"]),
                    dcc.Dropdown(id=IMPORT_KIND, options=file_kinds, value="auto", clearable=False),
                ],
            ),
            dcc.Upload(
                id=UPLOAD,
                className="people-upload",
                children=html.Div(words["people_upload"]),
                accept=".csv,.xlsx,text/csv",
                max_size=MAX_FILE_BYTES,
            ),
            html.Pre(id=IMPORT_RESULT, className="admin-result"),
        ],
    )


def _unit_cell(ctx: Any, unit: str, lang: str) -> html.Td:
    """A unit by its name where it is a responsible unit the store knows (its code beside)."""
    names = ctx.store.catalog.department_names().get(unit)
    return html.Td(names[lang] if names else unit, title=unit)


def _name_cell(person: Person, words: dict[str, str]) -> html.Td:
    badge = (
        [html.Span(words["people_synthetic"], className="people-synthetic")]
        if person.synthetic
        else []
    )
    return html.Td([person.name, *badge])  # text: React escapes it, never markup


def team_table(ctx: Any, cell: str, words: dict[str, str], lang: str) -> Any:
    """``cell``'s team with who is on duty now (phones: the admin may see them)."""
    team: Team | None = _roster(ctx).team(cell)
    if team is None or not team.members:
        return html.P(words["people_no_team"].format(cell=cell), className="admin-help")
    duty = _roster(ctx).on_duty(ctx.store.now(), [p.id for p in team.people])
    n = 0 if lang == "zh" else 1
    rows = [
        html.Tr(
            className="people-on-duty" if p.id in duty else "",
            children=[
                html.Td(PARTS[part][n]),
                html.Td(p.id),
                _name_cell(p, words),
                html.Td(KINDS[p.kind][n]),
                html.Td(p.phone),
                _unit_cell(ctx, p.unit, lang),
                html.Td(words["people_on_duty" if p.id in duty else "people_off_duty"]),
            ],
        )
        for p, part in team.members
    ]
    head = ["people_part", "people_id", "people_name", "people_kind", "people_phone"]
    head += ["people_unit", "people_duty"]
    return [
        html.P(f"{cell} · {team.branch or '—'}", className="people-branch"),
        html.Table(
            className="league people-team",
            children=[
                html.Thead(html.Tr([html.Th(words[h]) for h in head])),
                html.Tbody(rows),
            ],
        ),
    ]


def people_table(
    ctx: Any, kind: str | None, search: str, words: dict[str, str], lang: str
) -> list[Any]:
    """The people of ``kind`` whose name or id holds ``search`` (the first ``SHOWN``)."""
    found = [
        p
        for p in _roster(ctx).people(kind if kind in KINDS else None, with_inactive=True)
        if not search or search in p.name or search in p.id
    ]
    n = 0 if lang == "zh" else 1
    rows = [
        html.Tr(
            [
                html.Td(p.id),
                _name_cell(p, words),
                html.Td(KINDS[p.kind][n]),
                html.Td(p.phone),
                _unit_cell(ctx, p.unit, lang),
                html.Td(p.username or "—"),
                html.Td(words["people_active" if p.active else "people_inactive"]),
            ]
        )
        for p in found[:SHOWN]
    ]
    head = ["people_id", "people_name", "people_kind", "people_phone", "people_unit"]
    head += ["people_account", "people_state"]
    return [
        html.P(words["people_shown"].format(shown=len(rows), n=len(found)), className="admin-help"),
        html.Table(
            className="league people-list",
            children=[
                html.Thead(html.Tr([html.Th(words[h]) for h in head])),
                html.Tbody(rows),
            ],
        ),
    ]


def register_callbacks(app: Dash, ctx: Any) -> None:
    from dashboard import admin_people_callbacks

    admin_people_callbacks.register(app, ctx)


def skeleton() -> list[Any]:
    """Every id the callbacks name, for Dash's validation layout."""
    inputs = [CELL, BRANCH, SEARCH, PERSON_ID, *(FIELD_IDS[f] for f in FIELDS if f != "kind")]
    return [
        *(dcc.Input(id=i) for i in inputs),
        dcc.Dropdown(id=FIELD_IDS["kind"]),
        dcc.Dropdown(id=KIND_FILTER),
        dcc.Dropdown(id=IMPORT_KIND),
        dcc.Textarea(id=MEMBERS),
        dcc.Textarea(id=SHIFTS),
        dcc.Upload(id=UPLOAD),
        *(html.Button(id=b) for b in (TEAM_SHOW, TEAM_SAVE, FIND, LOAD, SAVE, DEACTIVATE)),
        html.Button(id=ADD_SHIFTS),
        *(html.Div(id=d) for d in (SUMMARY, TEAM_VIEW, LIST)),
        *(html.Pre(id=p) for p in (TEAM_RESULT, PERSON_RESULT, SHIFTS_RESULT, IMPORT_RESULT)),
    ]
