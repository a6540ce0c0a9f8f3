"""A case as the desks show it: a row of a list, and the full sheet of the case view.

Names come from the catalog (category, department) and the grid (cell, community,
street); who may read the reporter is the access policy's (``may_see_personal_data``);
the actions offered are the workflow's (``available``) for this actor and this state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cases import access, clock, routing
from cases.model import Case, Event
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import ROLE_ZH, Actor, Role, available
from dashboard.photos_api import photo_json
from geo.grid import Grid


def _names(grid: Grid, code: str) -> dict[str, str]:
    try:
        i = grid.index_of(code)
    except (KeyError, ValueError):
        return {"cell_name": code, "community_name": "", "street_name": ""}
    return {
        "cell_name": grid.names[i],
        "community_name": grid.community_names[i],
        "street_name": grid.street_names[i],
    }


def case_row(store: Store, grid: Grid, case: Case, now: datetime, lang: str) -> dict[str, Any]:
    """One line of a desk's list: what the case is, where, whose, how urgent."""
    catalog = store.catalog
    category = catalog.categories.get(case.category_code)
    department = catalog.departments.get(case.department)
    en = lang == "en"
    return {
        "id": case.id,
        "version": case.version,
        "status": case.status.value,
        "status_label": case.status.value if en else case.status.label_zh,
        "category": case.category_code,
        "category_name": (category.name_en if en else category.name_zh) if category else "",
        # where a case of its category reported in its cell goes (the desk's `d` key)
        "suggested_department": routing.responsible_unit(catalog, category, case.cell_code)
        if category
        else case.department,
        "department": case.department,
        "department_name": (department.name_en if en else department.name_zh)
        if department
        else case.department,
        "priority": case.priority,
        "cell": case.cell_code,
        **_names(grid, case.cell_code),
        "place": case.place,
        "description": case.description[:140],
        "source": case.source,
        "lon": case.lon,
        "lat": case.lat,
        "created_at": clock.iso_local(case.created_at),
        "updated_at": clock.iso_local(case.updated_at),
        "deadline": clock.iso_local(case.deadline),
        "risk": case.risk(now),
        # when the case turns watch / at-risk / overdue (epoch seconds): a screen recolours
        # its rows as time passes without asking again
        "risk_at": [
            int(clock.as_utc(t).timestamp()) if t else None
            for t in (case.watch_at, case.at_risk_at, case.deadline)
        ],
    }


TICK_PROBE = timedelta(minutes=1)


def sla_clock(store: Store, case: Case, now: datetime) -> dict[str, Any]:
    """The case's clock: its deadline, the time left on its own calendar (working hours
    where its category says so; negative once overdue), and its risk."""
    sla = store.sla
    if now < case.deadline:
        left = sla.elapsed_hours(now, case.deadline, case.working_hours)
    else:
        left = -sla.elapsed_hours(case.deadline, now, case.working_hours)
    used = sla.elapsed_hours(case.created_at, now, case.working_hours)
    # Whether the clock runs now (a working-hours clock stands still at night, at weekends
    # and on holidays): a screen counts ``left_hours`` down between reads only while it does.
    ticking = sla.elapsed_hours(now, now + TICK_PROBE, case.working_hours) > 0
    return {
        "deadline": clock.iso_local(case.deadline),
        "working_hours": case.working_hours,
        "allowed_hours": case.allowed_hours,
        "used_hours": round(used, 2),
        "left_hours": round(left, 2),
        "risk": case.risk(now),
        "open": case.status.is_open,
        "ticking": ticking and case.status.is_open,
    }


class ActorNames:
    """Audit labels (``operator:alice``) as people read them (``张三 · 值班员``)."""

    def __init__(self, users: UserDirectory | None, lang: str) -> None:
        self.users = users
        self.lang = lang
        self._seen: dict[str, str] = {}

    def __call__(self, label: str) -> str:
        if label not in self._seen:
            self._seen[label] = self._name(label)
        return self._seen[label]

    def _name(self, label: str) -> str:
        role_text, _, name = label.partition(":")
        try:
            role = Role(role_text)
        except ValueError:
            return label  # intake:hotline via ..., key:..., system names
        user = self.users.get(name) if self.users is not None and name else None
        shown = user.display_name if user is not None else name
        return f"{shown} · {role.value if self.lang == 'en' else ROLE_ZH[role]}"


# What of an event's data the timeline shows (the rest is the case summary for screens).
TIMELINE_DATA = (
    "department",
    "from_department",
    "hours",
    "rating",
    "merged_into",
    "undoes",
    "photo_id",
    "deadline_before",  # a recount on a new working calendar (cases/recompute.py)
    "deadline_after",
)


def timeline_entry(event: Event, names: ActorNames, lang: str) -> dict[str, Any]:
    en = lang == "en"
    data = event.data or {}
    return {
        "seq": event.seq,
        "kind": event.kind,
        "at": clock.iso_local(event.at),
        "actor": names(event.actor),
        "from": (event.from_status.value if en else event.from_status.label_zh)
        if event.from_status
        else None,
        "to": event.to_status.value if en else event.to_status.label_zh,
        "reason": event.reason,
        **{k: data[k] for k in TIMELINE_DATA if k in data and k != "department"},
        # the department after this step (a reassign names both)
        "department": data.get("department"),
    }


def case_sheet(
    store: Store, grid: Grid, case: Case, actor: Actor, now: datetime, lang: str
) -> dict[str, Any]:
    """The case view: the case in full (the reporter where the policy allows), its place,
    its clock and the actions this actor may take now, with their parameters."""
    sheet = case_row(store, grid, case, now, lang)
    sheet["description"] = case.description
    sheet["external_id"] = case.external_id
    sheet["closed_at"] = clock.iso_local(case.closed_at) if case.closed_at else None
    sheet["rating"] = case.rating
    sheet["counts"] = {
        "dispatch": case.dispatch_count,
        "return": case.return_count,
        "rework": case.rework_count,
        "extension": case.extension_count,
    }
    if access.may_see_personal_data(actor, case):
        sheet["reporter"] = case.reporter
    sheet["sla"] = sla_clock(store, case, now)
    if access.may_see_photos(actor, case):
        sheet["photos"] = [photo_json(p) for p in store.photos_of(case.id)]
    sheet["may_attach_photo"] = access.may_attach_photo(actor, case)
    sheet["actions"] = [a.as_json(lang) for a in available(actor, case, now)]
    return sheet


def conflict_detail(
    store: Store, users: UserDirectory | None, case_id: int, lang: str
) -> dict[str, Any]:
    """Who changed the case last, when, and what it is now: a 409 says so, so the desk can
    show it and offer to reload rather than overwrite."""
    last = store.last_event(case_id)
    if last is None:
        return {}
    case = store.get(case_id)
    return {
        "current_status": case.status.value,
        "current_version": case.version,
        "changed_by": ActorNames(users, lang)(last.actor),
        "changed_at": timeline_entry(last, ActorNames(None, lang), lang)["at"],
        "last_step": last.kind,
    }
