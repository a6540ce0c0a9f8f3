"""Who may see what: the one access policy, asked by the hub, every API, the Dash callbacks
and the pages alike. Screens never decide visibility themselves.

Two kinds of view exist today. The district view (the wall, the desk, leads, grid workers,
admins) sees every case and event. A department liaison's view sees the cases of their
own department: the events that name it as the case's department, and the events that
take a case away from it (a reassign or a dispatch elsewhere names it as
``from_department``), so a screen never keeps a case that has left it.

An *audience* is the name of a view that events are delivered to: ``district`` or
``dept:<code>``. The hub uses audiences as Socket.IO rooms; the store keeps, per
department audience, the sequence number of its previous event (``prev`` in each event),
so a filtered screen can tell a real gap from events it was never meant to see.

Presence (who has a case or grid cells open now) follows the same views: a case's presence
goes to the audiences that may see the case (``case_audiences``), the cells' to the
district's; only people at a desk announce themselves (``may_announce_presence``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cases.catalog import Category
from cases.model import Case, Event, Status
from cases.workflow import ACTIONS, Actor, Role

DISTRICT = "district"
DISTRICT_ROLES = frozenset({Role.WALL, Role.OPERATOR, Role.LEAD, Role.ADMIN, Role.WORKER})
# A 双报到 unit works in 泉心愿 only (cases.quanxinyuan.access): it sees no case.
VIEWER_ROLES = frozenset(Role) - {Role.SYSTEM, Role.UNIT}
# Anyone who appears in the workflow's table may ask to take actions (the table then says
# which); roles it never names (admins, walls) are refused at the door.
ACTING_ROLES = frozenset(r for a in ACTIONS.values() for r in a.roles) - {Role.SYSTEM}


# What an API key may do is its scope (one per key): send reports (the hotline, the patrol
# app, 泉心愿), read one department's cases (a department's own system), show the wall, or
# read the running figures (Prometheus's scraper: ``/metrics``, no case, no person).
# A key acts as a system, never as a person: it takes no workflow action.
INTAKE_SCOPE = "intake"
DEPARTMENT_SCOPE = "department"
WALL_SCOPE = "wall"
METRICS_SCOPE = "metrics"
KEY_SCOPES: dict[str, Role] = {
    INTAKE_SCOPE: Role.SYSTEM,
    DEPARTMENT_SCOPE: Role.LIAISON,
    WALL_SCOPE: Role.WALL,
    METRICS_SCOPE: Role.SYSTEM,
}

# Who may read a reporter's name and phone: the desks that call back, and the department
# that holds the case. Never the wall (it is seen by everyone in the room), a grid worker
# or an admin (who keeps the system, not the cases).
PERSONAL_DATA_ROLES = frozenset({Role.OPERATOR, Role.LEAD})


# The people on the grid (cases/people.py): who may read their phone numbers (the desks
# that call them out to a case, and the admins who keep the roster), and who may see where
# the people on patrol are (settable: ``POSITION_ROLES``). A person always sees their own.
PHONE_ROLES = frozenset({Role.OPERATOR, Role.LEAD, Role.ADMIN})
POSITION_ROLES = frozenset({Role.OPERATOR, Role.LEAD, Role.WALL})


# Patrols from a phone (cases/patrols.py): a grid worker signed in as a person, whose
# account is linked to a person of the roster who walks the grid (kind ``grid_worker``).
PATROL_ROLES = frozenset({Role.WORKER})
PATROL_KINDS = frozenset({"grid_worker"})


def may_patrol(actor: Actor | None, person_kind: str | None) -> bool:
    """Whether ``actor`` may patrol (start, share positions, report from the phone page);
    ``person_kind``: the kind of the roster's person linked to them (None: none)."""
    return (
        is_person(actor)
        and actor is not None
        and actor.role in PATROL_ROLES
        and person_kind in PATROL_KINDS
    )


def may_see_phones(actor: Actor | None) -> bool:
    return actor is not None and is_person(actor) and actor.role in PHONE_ROLES


def may_see_phone_of(actor: Actor | None, username: str | None) -> bool:
    """One person's phone: ``may_see_phones``, or the person themself (their account)."""
    own = actor is not None and is_person(actor) and username is not None
    return may_see_phones(actor) or (own and actor is not None and actor.name == username)


def may_read_roster(actor: Actor | None) -> bool:
    """Who is on the grid's teams and on duty (names, kinds, units; phones apart): every
    viewer, keys included (a department's system, the wall)."""
    return actor is not None and actor.role in VIEWER_ROLES


def may_edit_roster(actor: Actor | None) -> bool:
    """People, teams and duty shifts entered or changed: an admin, signed in as a person."""
    return is_person(actor) and actor is not None and actor.role is Role.ADMIN


def position_roles(setting: str) -> frozenset[Role]:
    """The roles a ``POSITION_ROLES`` setting names ("operator,lead"): among
    ``POSITION_ROLES`` only (a setting narrows who sees positions, never widens it)."""
    names = [n.strip() for n in setting.split(",") if n.strip()]
    allowed = {r.value for r in POSITION_ROLES}
    wrong = [n for n in names if n not in allowed]
    if wrong:
        raise ValueError(f"{', '.join(wrong)} may not see positions (only {sorted(allowed)})")
    return frozenset(Role(n) for n in names)


def may_see_positions(actor: Actor | None, roles: frozenset[Role] = POSITION_ROLES) -> bool:
    """Whether ``actor`` may see where the people on patrol are (``roles``: the setting)."""
    return actor is not None and actor.role in roles & POSITION_ROLES


def may_see_nearest(actor: Actor | None, roles: frozenset[Role] = POSITION_ROLES) -> bool:
    """The nearest people on patrol to a case, in the case view: one who may see positions
    and opens cases (never the wall, which opens none, nor a liaison or a grid worker)."""
    return may_see_positions(actor, roles) and may_read_case_detail(actor)


def may_see_patrol_coverage(actor: Actor | None) -> bool:
    """Which cells a patrol passed today (no one's position, only cells): the district's
    view, as the map's other modes."""
    return sees_district(actor)


def key_actor(name: str, scope: str, department: str | None = None) -> Actor:
    """The actor an API key of ``scope`` acts as."""
    return Actor(f"key:{name}", KEY_SCOPES[scope], department, scope=scope)


def is_person(actor: Actor | None) -> bool:
    return actor is not None and actor.scope is None


# Open311 opens the district to the public: reports about shared space (streets, rubbish,
# hazards). Matters about people — disputes, party work, care for residents, enquiries —
# are neither offered nor listed there: a case's place and text would tell on a household.
PRIVATE_CLASSES = frozenset({"党建", "矛盾纠纷"})
PRIVATE_CATEGORIES = frozenset({"MS07", "MS08", "MS09"})  # 老人帮扶, 特殊人群关爱, 政策咨询


# A department hands a case back with 退回 (return): from then until it is dispatched again
# the case waits at the center's desk, not in the department's queue.
RELEASED_BY_DEPARTMENT = frozenset({Status.RETURNED})
# The states in which a case is in its department's live view (its open work).
HELD_STATES = frozenset(s for s in Status if s.is_open) - RELEASED_BY_DEPARTMENT


def department_audience(department: str) -> str:
    return f"dept:{department}"


def sees_district(actor: Actor | None) -> bool:
    """Whether ``actor`` sees the whole district (every case, event, cell and KPI)."""
    return actor is not None and actor.role in DISTRICT_ROLES


def audience_of(actor: Actor | None) -> str | None:
    """The one view ``actor`` watches live (None: no live view)."""
    if actor is None:
        return None
    if actor.role in DISTRICT_ROLES:
        return DISTRICT
    if actor.role is Role.LIAISON and actor.department:
        return department_audience(actor.department)
    return None


def event_departments(data: Mapping[str, Any]) -> list[str]:
    """The departments whose view an event (its ``data``) belongs to, in a fixed order."""
    named = [data.get("department"), data.get("from_department")]
    return sorted({d for d in named if isinstance(d, str) and d})


def event_audiences(event: Event) -> list[str]:
    """Every view ``event`` is delivered to: the district, and each department it names."""
    return [DISTRICT, *(department_audience(d) for d in event_departments(event.data))]


def may_see_event(actor: Actor | None, event: Event) -> bool:
    audience = audience_of(actor)
    return audience is not None and audience in event_audiences(event)


@dataclass(frozen=True)
class CaseView:
    """The cases one actor may read: every case of the district (``department`` None), or
    the cases of one department. A store read filters by it; ``may_see_case`` asks it."""

    department: str | None = None

    def includes(self, case: Case) -> bool:
        return self.department is None or case.department == self.department


def case_view(actor: Actor | None) -> CaseView | None:
    """The cases ``actor`` may read (None: none at all)."""
    if sees_district(actor):
        return CaseView()
    if actor is not None and actor.role is Role.LIAISON and actor.department:
        return CaseView(actor.department)
    return None


def may_see_case(actor: Actor | None, case: Case) -> bool:
    view = case_view(actor)
    return view is not None and view.includes(case)


def may_see_reporters(actor: Actor | None) -> bool:
    """Whether ``actor`` sees the reporter (name, phone: personal data, 个人信息) of every
    case in their view: the desks that call back (the whole district) and a department
    (its own cases). Never the wall (visitors see it), a grid worker or an admin. Asked
    for a whole export file; ``may_see_personal_data`` asks it for one case."""
    view = case_view(actor)
    if view is None or actor is None:
        return False
    return actor.role in PERSONAL_DATA_ROLES or (
        actor.role is Role.LIAISON and view.department == actor.department
    )


def may_export(actor: Actor | None) -> bool:
    """Files of the cases one may see (CSV, Excel, GeoJSON): every role with a case view but
    the wall, a screen that shows and never hands anything out. What a file holds is the
    actor's ``case_view``, and the reporter only where ``may_see_reporters`` says so."""
    return case_view(actor) is not None and actor is not None and actor.role is not Role.WALL


def holds(department: str, case: Case) -> bool:
    """Whether ``case`` is in ``department``'s live view (its open work): open, with that
    department, and not handed back. The department may still read a case it handed back
    or that was closed (``may_see_case``); its screen just stops listing it."""
    return case.department == department and case.status in HELD_STATES


def may_see_personal_data(actor: Actor | None, case: Case) -> bool:
    """A case's reporter: for those who see reporters, on a case they may see."""
    return may_see_reporters(actor) and may_see_case(actor, case)


def may_read_case_detail(actor: Actor | None) -> bool:
    """One case in full: every live view but the wall, which shows the district and never
    opens a case (whoever stands in front of it)."""
    return audience_of(actor) is not None and actor is not None and actor.role is not Role.WALL


def may_list_cases(actor: Actor | None) -> bool:
    """A desk's lists of cases (its ``case_view``): the people who work cases, and a
    department's own system; not the wall, which shows the district and opens no case."""
    return may_read_case_detail(actor)


# The center's desk: sorting new reports (立案, 作废, 合并) and dispatching them.
DESK_ROLES = frozenset({Role.OPERATOR, Role.LEAD})


def may_work_desk(actor: Actor | None) -> bool:
    """The operators' queue and the duplicates of a report: the center's desk, in person."""
    return is_person(actor) and actor is not None and actor.role in DESK_ROLES


def may_see_photos(actor: Actor | None, case: Case) -> bool:
    """A case's photos (they may show people, faces, number plates): whoever may see the
    case, but never the wall, which everyone in the room sees."""
    return may_see_case(actor, case) and actor is not None and actor.role is not Role.WALL


def may_attach_photo(actor: Actor | None, case: Case) -> bool:
    """Attaching a photo to a case: a person (never a key) whose role acts on cases
    (operator, lead, grid worker; a liaison on their own department's case, the only
    cases a liaison sees) and who may see the case's photos."""
    return (
        is_person(actor)
        and actor is not None
        and actor.role in ACTING_ROLES
        and may_see_photos(actor, case)
    )


# Presence (who has a case, or a part of the map, open now) is shown to the views that may
# see what it is about, and announced only by people at a desk: never a wall (it opens no
# case) or a key (a system, not someone who could collide with a colleague).
def case_audiences(case: Case) -> list[str]:
    """Every view that may see ``case``, and so receive who has it open: the district and
    the case's department (as it is now)."""
    return [DISTRICT, department_audience(case.department)] if case.department else [DISTRICT]


def cell_audiences() -> list[str]:
    """The views that receive who is watching grid cells: the district only (a department's
    view is its cases, not the map's cells)."""
    return [DISTRICT]


def may_see_case_presence(actor: Actor | None, case: Case) -> bool:
    audience = audience_of(actor)
    return audience is not None and audience in case_audiences(case)


def may_see_cell_presence(actor: Actor | None) -> bool:
    audience = audience_of(actor)
    return audience is not None and audience in cell_audiences()


def may_announce_presence(actor: Actor | None) -> bool:
    """Whether ``actor`` shows up as present at all: a person who may open cases."""
    return is_person(actor) and may_read_case_detail(actor)


def may_be_present_on_case(actor: Actor | None, case: Case) -> bool:
    return may_announce_presence(actor) and may_see_case(actor, case)


def may_be_present_on_cells(actor: Actor | None) -> bool:
    return may_announce_presence(actor) and may_see_cell_presence(actor)


def may_see_district_state(actor: Actor | None) -> bool:
    """The snapshot of the whole district: open cases by cell, counters, recent reports."""
    return sees_district(actor)


def live_view(actor: Actor | None) -> CaseView | None:
    """The live state ``actor``'s screen starts from (a snapshot, then the events of
    ``audience_of``): the district's open cases (``CaseView()``), or the cases one
    department ``holds`` (``CaseView(department)``) for its liaison or its own system;
    None: no live state at all. Whatever a department's snapshot holds, its events would
    have shown it too: nothing of another department's cases."""
    if may_see_district_state(actor):
        return CaseView()
    if actor is not None and actor.role is Role.LIAISON and actor.department:
        return CaseView(actor.department)
    return None


def may_see_kpis(actor: Actor | None, dim: str = "district") -> bool:
    """KPIs of any dimension; liaisons have no KPI view yet (their desk will bring one)."""
    return sees_district(actor)


# Each page and the roles that may open it. The wall and the KPI page show the district;
# the desks are where people work cases, so they are opened by a person, not a key.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "wall": DISTRICT_ROLES,
    "kpi": DISTRICT_ROLES,
    "desk": DESK_ROLES,  # the operators' desk (值班员; leads sort reports too)
    "lead": frozenset({Role.LEAD}),  # the shift lead's map (值班长)
    "dept": frozenset({Role.LIAISON}),  # a department's desk (部门联络员)
    "admin": frozenset({Role.ADMIN}),
    "patrol": PATROL_ROLES,  # the phone page of a grid worker on patrol (巡查)
    "community": frozenset({Role.LIAISON}),  # a community's 泉心愿 desk (a community unit's)
    "unit": frozenset({Role.UNIT}),  # a 双报到 unit's page: wishes to claim, its resources
}
PERSONAL_PAGES = frozenset({"desk", "lead", "dept", "admin", "patrol", "community", "unit"})
# Where each role lands after signing in: its own page.
HOME_PAGE: dict[Role, str] = {
    Role.WALL: "wall",
    Role.OPERATOR: "desk",
    Role.LEAD: "lead",
    Role.LIAISON: "dept",
    Role.ADMIN: "admin",
    Role.WORKER: "patrol",
    Role.UNIT: "unit",
}


def may_view_page(actor: Actor | None, page: str) -> bool:
    """Whether ``actor`` may open ``page`` (a name of ``PAGE_ROLES``)."""
    if actor is None or actor.role not in PAGE_ROLES.get(page, frozenset()):
        return False
    if page in PERSONAL_PAGES and not is_person(actor):
        return False
    if page == "community":
        from cases.quanxinyuan.access import community_of

        return community_of(actor) is not None
    return page not in ("dept", "unit") or bool(actor.department)


def home_page(actor: Actor | None) -> str | None:
    """The page ``actor`` lands on (None: none they may open)."""
    if actor is None:
        return None
    page = HOME_PAGE.get(actor.role)
    return page if page is not None and may_view_page(actor, page) else None


def may_read_catalog(actor: Actor | None) -> bool:
    return actor is not None and actor.role in VIEWER_ROLES


def may_edit_catalog(actor: Actor | None) -> bool:
    return is_person(actor) and actor is not None and actor.role is Role.ADMIN


def may_read_calendar_notice(actor: Actor | None) -> bool:
    """Whether the working calendar runs out soon: every screen may show it (the wall too)."""
    return actor is not None and actor.role in VIEWER_ROLES


def may_edit_calendar(actor: Actor | None) -> bool:
    """Entering a year's working calendar (which moves open cases' deadlines): an admin,
    signed in as a person."""
    return is_person(actor) and actor is not None and actor.role is Role.ADMIN


def may_manage_access(actor: Actor | None) -> bool:
    """API keys, users' sessions and accounts: an admin, signed in as a person."""
    return is_person(actor) and actor is not None and actor.role is Role.ADMIN


def may_report(actor: Actor | None) -> bool:
    """Sending reports: any known person but a wall display, and intake keys."""
    if actor is None:
        return False
    if actor.scope is not None:
        return actor.scope == INTAKE_SCOPE
    return actor.role is not Role.WALL


def may_read_metrics(actor: Actor | None) -> bool:
    """The running figures (``/metrics``): a metrics key (the scraper), or an admin signed
    in as a person. They carry no case and no person, but tell how busy the center is."""
    if actor is None:
        return False
    if actor.scope is not None:
        return actor.scope == METRICS_SCOPE
    return actor.role is Role.ADMIN


def may_ask_actions(actor: Actor | None) -> bool:
    """Workflow actions are taken by people; a key never acts on a case."""
    return is_person(actor) and actor is not None and actor.role in ACTING_ROLES


def may_see_sequence(actor: Actor | None) -> bool:
    """The log's head (for heartbeats): every viewer today."""
    return actor is not None and actor.role in VIEWER_ROLES


def is_public_category(category: Category) -> bool:
    """Whether the public (Open311, anyone without an account) may report cases of
    ``category`` and read them: what they say, where, and how far they have come."""
    return category.class_zh not in PRIVATE_CLASSES and category.code not in PRIVATE_CATEGORIES


# The urgent fast path's alerts (cases/urgent.py). The center's screens that watch — the
# wall and the desks — receive every urgent case in one room; each person signed in has a
# room of their own, where only the alerts addressed to them arrive, and only for a case
# they may see (a liaison's is their department's). Anyone else receives no alert.
URGENT_CENTER = "urgent:center"
URGENT_CENTER_ROLES = frozenset({Role.WALL, Role.OPERATOR, Role.LEAD})


def person_room(username: str) -> str:
    return f"person:{username}"


def alert_rooms(actor: Actor | None) -> list[str]:
    """The alert rooms a socket of ``actor`` joins (beside its live view's)."""
    if actor is None:
        return []
    # A wall (the open development wall too, "anonymous") is a screen, never a person.
    personal = is_person(actor) and actor.name and actor.role is not Role.WALL
    rooms = [person_room(actor.name)] if personal else []
    if actor.role in URGENT_CENTER_ROLES:
        rooms.append(URGENT_CENTER)
    return rooms


def may_watch_urgent(actor: Actor | None) -> bool:
    """Every urgent case of the district and its response clock: the center's screens."""
    return actor is not None and actor.role in URGENT_CENTER_ROLES


def may_receive_alert(actor: Actor | None, case: Case) -> bool:
    """A personal alert for ``case``: a person (never a key or a wall) who may see it."""
    return (
        is_person(actor)
        and actor is not None
        and actor.role is not Role.WALL
        and may_see_case(actor, case)
    )


def may_start_drill(actor: Actor | None) -> bool:
    """Opening a drill of the urgent fast path: the shift lead, in person."""
    return is_person(actor) and actor is not None and actor.role is Role.LEAD
