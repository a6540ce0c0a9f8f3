"""A case as the desks show it: a row of a list, and the full sheet of the case view.

Names come from the catalog (category, department) and the grid (cell, community,
street); who may read the reporter is the access policy's (``may_see_personal_data``);
the actions offered are the workflow's (``available``) for this actor and this state.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cases import access, clock, routing
from cases.model import Case, Event, Status
from cases.records import case_summary
from cases.stages import CENTER, STAGE_EN, STAGE_ZH
from cases.store import Store
from cases.users import UserDirectory
from cases.workflow import ACTIONS, ROLE_ZH, Actor, Role, available
from dashboard.i18n import labels
from dashboard.photos_api import photo_json
from dashboard.urgent_page import urgent_sheet
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
    summary = case_summary(case)
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
        "urgent": case.urgent,  # on the fast path (its item, or a flag: cases/urgent.py)
        "drill": case.drill,  # a drill of it: 演练, counted nowhere
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
        # The stage under way and its clock, and by when a 督办 must be answered (epoch
        # seconds; None: none waiting), as the event payload says them (case_summary).
        **{k: summary[k] for k in ROW_CLOCKS},
        # 延期申请: the hours the department asked for, awaiting a shift lead (None: none).
        "extension_requested": case.extension_requested,
    }


ROW_CLOCKS = ("stage", "stage_holder", "stage_due", "stage_late", "answer_by")
TICK_PROBE = timedelta(minutes=1)


def _hours_left(store: Store, case: Case, due: datetime, now: datetime) -> float:
    """Hours from ``now`` to ``due`` on the case's own calendar; negative once past it."""
    if now < due:
        return store.sla.elapsed_hours(now, due, case.working_hours)
    return -store.sla.elapsed_hours(due, now, case.working_hours)


def _runs(store: Store, case: Case, now: datetime) -> bool:
    """Whether the case's calendar runs now (a working-hours clock stands still at night,
    at weekends and on holidays) and the case's clocks are not stopped (closed, 挂账)."""
    if not case.status.is_open or case.status is Status.SUSPENDED:
        return False
    return store.sla.elapsed_hours(now, now + TICK_PROBE, case.working_hours) > 0


def sla_clock(store: Store, case: Case, now: datetime) -> dict[str, Any]:
    """The case's clock: its deadline, the time left on its own calendar (working hours
    where its category says so; negative once overdue), and its risk. While 挂账 the clock
    stands still: the time left is what was left when it stopped."""
    sla = store.sla
    stopped_at = case.suspended_at if case.status is Status.SUSPENDED else None
    at = stopped_at or now
    left = _hours_left(store, case, case.deadline, at)
    used = sla.elapsed_hours(case.created_at, at, case.working_hours) - case.paused_hours
    # A screen counts ``left_hours`` down between reads only while the clock runs.
    ticking = _runs(store, case, now)
    return {
        "deadline": clock.iso_local(case.deadline),
        "working_hours": case.working_hours,
        "allowed_hours": case.allowed_hours,
        "used_hours": round(max(used, 0.0), 2),
        "left_hours": round(left, 2),
        "risk": case.risk(now),
        "open": case.status.is_open,
        "ticking": ticking,
        "stopped": stopped_at is not None,
    }


def stage_clock(store: Store, case: Case, now: datetime, lang: str) -> dict[str, Any] | None:
    """The stage under way (立案, 派遣, 签收, 处置, 核查, 结案), who holds it and its own
    clock: when it falls due, the time left on the case's calendar (negative once past),
    and from when it counts as late (its due, or earlier: the moment it ran out before an
    extension or a 挂账 stopped it). None when no stage is under way."""
    if not case.stage:
        return None
    en = lang == "en"
    words = labels(lang)
    if case.stage_holder == CENTER:
        holder_name = words["center"]
    else:
        department = store.catalog.departments.get(case.stage_holder)
        holder_name = (
            (department.name_en if en else department.name_zh) if department else case.stage_holder
        )
    due, late_at = case.stage_due_at, case.stage_late_at
    return {
        "stage": case.stage,
        "label": (STAGE_EN if en else STAGE_ZH).get(case.stage, case.stage),
        "holder": case.stage_holder,
        "holder_name": holder_name,
        "due": clock.iso_local(due) if due else None,
        "late_at": clock.iso_local(late_at) if late_at else None,
        # None while the stage's clock stands still (挂账)
        "left_hours": round(_hours_left(store, case, due, now), 2) if due else None,
        "late": late_at is not None and now > late_at,
        "working_hours": case.working_hours,
        "ticking": due is not None and _runs(store, case, now),
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
    "answer_by",  # 督办: by when the department must answer
    "review",  # 挂账: when it is to be looked at again
    "stood_hours",  # 恢复办理: how long the clock stood still
)
TIMELINE_INSTANTS = ("answer_by", "review")


def _local(instant: str) -> str:
    """An ISO instant as the view reads every time: local (Asia/Shanghai), with its offset."""
    try:
        return clock.iso_local(datetime.fromisoformat(instant))
    except (TypeError, ValueError):
        return instant


# Steps that are not the workflow's actions, by event kind (the words' key).
OTHER_STEPS = {
    "case.reported": "ev_reported",
    "case.photo": "ev_photo",
    "case.recomputed": "ev_recomputed",  # cases/recompute.py: a new working calendar
}


def step_label(kind: str, lang: str) -> str:
    """What an event did, in the page's language: the workflow's label of its action
    (督办 / press the department, …), or the words for a report or a photo."""
    if kind in OTHER_STEPS:
        return labels(lang)[OTHER_STEPS[kind]]
    action = ACTIONS.get(kind.removeprefix("case."))
    if action is None:
        return kind
    return action.label_en if lang == "en" else action.label_zh


def timeline_entry(event: Event, names: ActorNames, lang: str) -> dict[str, Any]:
    en = lang == "en"
    data = event.data or {}
    return {
        "seq": event.seq,
        "kind": event.kind,
        "step": step_label(event.kind, lang),
        "at": clock.iso_local(event.at),
        "actor": names(event.actor),
        "from": (event.from_status.value if en else event.from_status.label_zh)
        if event.from_status
        else None,
        "to": event.to_status.value if en else event.to_status.label_zh,
        "reason": event.reason,
        **{k: data[k] for k in TIMELINE_DATA if k in data and k != "department"},
        # instants an event keeps (in UTC), as every time the view shows: local
        **{k: _local(data[k]) for k in TIMELINE_INSTANTS if data.get(k)},
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
    sheet["stage_clock"] = stage_clock(store, case, now, lang)
    sheet["supervision"] = supervision(case)
    sheet["review_at"] = clock.iso_local(case.review_at) if case.review_at else None
    if access.may_see_photos(actor, case):
        sheet["photos"] = [photo_json(p) for p in store.photos_of(case.id)]
    sheet["may_attach_photo"] = access.may_attach_photo(actor, case)
    sheet["actions"] = [a.as_json(lang) for a in available(actor, case, now)]
    sheet["urgent"] = urgent_sheet(store, case, actor, now, lang)
    return sheet


def supervision(case: Case) -> dict[str, Any] | None:
    """督办 on the case, if any: when the lead pressed, by when the department must answer
    and whether it has (None: never pressed)."""
    if case.supervised_at is None:
        return None
    due, answered = case.supervise_due_at, case.supervise_answered_at
    return {
        "at": clock.iso_local(case.supervised_at),
        "answer_by": clock.iso_local(due) if due else None,
        "answered_at": clock.iso_local(answered) if answered else None,
    }


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
