"""Who may see and do what in 泉心愿 and the three lists: the one policy, asked by every
API route, page and socket room of the platform (``cases.access`` keeps the cases').

The viewers:
- a **community** (社区): the liaison of a community unit (department ``community_<12
  digits>``, see ``cases.routing``). It runs its own items: publishes wishes and calls,
  handles problems, keeps its needs, confirms; it alone sees their personal data (a
  resident's name and phone, a volunteer's phone).
- a **unit** (双报到单位): an account of role ``unit`` whose ``department`` is the unit's
  id. It sees wishes open to claim and its own claims, never another unit's; it keeps its
  resources and its projects.
- the **center** (wall, operators, leads, admins): reads every item without personal data,
  and the counts.
- the **public** (a resident or volunteer signed in by a verified phone,
  ``residents.PublicPerson``): sees open calls and only their own wishes, sign-ups and
  uploads.

Rooms (Socket.IO): ``qxy:community:<code>``, ``qxy:unit:<id>``, ``qxy:units`` (every unit:
told that the open wishes changed, nothing more), ``qxy:center``. An event's ``data``
never carries personal data, so a room's payload is the event itself (or, for the units'
room, a bare notice).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cases.actors import Actor, Role
from cases.quanxinyuan.log import QxyEvent

if TYPE_CHECKING:
    from cases.quanxinyuan.residents import PublicPerson


COMMUNITY_PREFIX = "community_"
CENTER_ROLES = frozenset({Role.WALL, Role.OPERATOR, Role.LEAD, Role.ADMIN})
CENTER_ROOM = "qxy:center"
UNITS_ROOM = "qxy:units"


def community_of(actor: object) -> str | None:
    """The community (12 digits) ``actor`` runs, if they are a community's liaison."""
    if not isinstance(actor, Actor) or actor.role is not Role.LIAISON:
        return None
    dept = actor.department or ""
    code = dept[len(COMMUNITY_PREFIX) :] if dept.startswith(COMMUNITY_PREFIX) else ""
    return code if len(code) == 12 and code.isdigit() else None


def unit_of(actor: object) -> str | None:
    """The 双报到 unit ``actor`` acts for, if their account is a unit's."""
    if not isinstance(actor, Actor) or actor.role is not Role.UNIT:
        return None
    return actor.department or None


def is_center(actor: object) -> bool:
    return isinstance(actor, Actor) and actor.role in CENTER_ROLES


def public_of(viewer: object) -> PublicPerson | None:
    from cases.quanxinyuan.residents import PublicPerson

    return viewer if isinstance(viewer, PublicPerson) else None


def runs(actor: object, community_code: str) -> bool:
    """Whether ``actor`` runs ``community_code``'s items (publish, handle, confirm)."""
    return community_of(actor) == community_code


def may_see_personal(viewer: object, community_code: str) -> bool:
    """A resident's name and phone, a volunteer's phone: only the organising community."""
    return runs(viewer, community_code)


def may_read_platform(viewer: object) -> bool:
    """The platform's pages and lists at all (each list then filters by the rules below)."""
    return community_of(viewer) is not None or unit_of(viewer) is not None or is_center(viewer)


# -- rooms -------------------------------------------------------------------------------
def community_room(code: str) -> str:
    return f"qxy:community:{code}"


def unit_room(unit_id: str) -> str:
    return f"qxy:unit:{unit_id}"


def rooms(actor: Actor | None) -> list[str]:
    """The platform's rooms a staff socket of ``actor`` joins."""
    if (code := community_of(actor)) is not None:
        return [community_room(code)]
    if (unit := unit_of(actor)) is not None:
        return [unit_room(unit), UNITS_ROOM]
    return [CENTER_ROOM] if is_center(actor) else []


def deliveries(event: QxyEvent) -> list[tuple[str, dict[str, Any]]]:
    """Where ``event`` goes and what each room is sent: the community that runs the item
    and the center get the event; the unit it concerns gets it too; every unit is told
    (without who or what) when the wishes open to claim may have changed."""
    wire = event.wire()
    out = [(community_room(event.community_code), wire), (CENTER_ROOM, wire)]
    if event.unit_id:
        out.append((unit_room(event.unit_id), wire))
    if event.item_kind == "wish":
        out.append((UNITS_ROOM, {"seq": event.seq, "item_kind": "wish", "kind": "changed"}))
    return out


# -- 微心愿 (wishes) ----------------------------------------------------------------------
# A wish as each viewer sees it (``wish_view``): the community that runs it, whole, with the
# resident's name and phone; the center, everything but those; a unit, the wishes open to
# claim (anywhere in the district) and its own claims, never another unit's nor who claimed
# one; the resident, their own wishes' state (their phone is the wish's resident phone).
WISH_OPEN = "open"


def may_publish_wish(actor: object, community_code: str) -> bool:
    return runs(actor, community_code)


def may_claim_wish(actor: object) -> bool:
    return unit_of(actor) is not None


def wish_view(viewer: object, wish: Any) -> str | None:
    """Which view of ``wish`` (community_code, state, unit_id, resident_phone) ``viewer``
    gets: "community", "center", "unit", "resident", or None (not theirs to see)."""
    if runs(viewer, wish.community_code):
        return "community"
    if is_center(viewer):
        return "center"
    if (unit := unit_of(viewer)) is not None:
        if wish.state == WISH_OPEN or wish.unit_id == unit:
            return "unit"
        return None
    person = public_of(viewer)
    if person is not None and wish.resident_phone and person.phone == wish.resident_phone:
        return "resident"
    return None


def may_see_wish_photos(viewer: object, wish: Any) -> bool:
    """A wish's photos: to whoever sees the wish, but its resident (who sees its state)."""
    return wish_view(viewer, wish) in ("community", "center", "unit")


# The 双报到 units (area A, beside its wishes).
def may_see_unit_contact(viewer: object, community_code: str, unit_id: str) -> bool:
    """A unit's contact (a person's name and phone): the community it is registered with,
    and the unit itself."""
    return may_see_personal(viewer, community_code) or unit_of(viewer) == unit_id


# -- 微志愿 (calls and sign-ups) ----------------------------------------------------------
def may_publish_call(actor: object, community_code: str) -> bool:
    """A call is published by the community that runs it, nobody else."""
    return runs(actor, community_code)


def may_run_call(actor: object, community_code: str) -> bool:
    """Close or cancel a call, see its sign-up list: the organising community."""
    return runs(actor, community_code)


def may_see_call_people(viewer: object, community_code: str) -> bool:
    """The volunteers' names and phones on a call: the organising community only (never
    the center, a unit or another volunteer)."""
    return may_see_personal(viewer, community_code)


def may_read_all_calls(viewer: object) -> bool:
    """Every call of the district, as counts: the center."""
    return is_center(viewer)


def may_read_calls(viewer: object) -> bool:
    """The calls list at all: a community (its own, with people) or the center (counts)."""
    return community_of(viewer) is not None or is_center(viewer)


def may_sign_up(viewer: object) -> bool:
    """Sign up, check in, report: a signed-in member of the public who is a volunteer."""
    person = public_of(viewer)
    return person is not None and person.volunteer


def may_see_signup_photo(viewer: object, community_code: str, person_id: int) -> bool:
    """A volunteer's report photo: the organising community and the volunteer."""
    person = public_of(viewer)
    if person is not None:
        return person.id == person_id
    return runs(viewer, community_code)


def may_keep_teams(actor: object, community_code: str | None) -> bool:
    """Put or import volunteer teams: the community for its own teams; an admin for any."""
    if isinstance(actor, Actor) and actor.role is Role.ADMIN:
        return True
    return community_code is not None and runs(actor, community_code)


def may_read_teams(viewer: object) -> bool:
    """The teams (no person in them): staff of the platform and the public (to join one)."""
    return may_read_platform(viewer) or public_of(viewer) is not None


# -- 微治理 (problems) --------------------------------------------------------------------
def may_handle_problem(actor: object, community_code: str) -> bool:
    """Accept, solve, reject, turn into a case: the community of the problem's cell."""
    return runs(actor, community_code)


def may_read_problem(viewer: object, community_code: str, person_id: int | None) -> bool:
    """The community of its cell, the center (without personal data), and the one who
    uploaded it; never a unit, never another member of the public."""
    if runs(viewer, community_code) or is_center(viewer):
        return True
    person = public_of(viewer)
    return person is not None and person_id is not None and person.id == person_id


def may_list_problems(viewer: object) -> bool:
    """The staff's list of problems: a community (its own) and the center (all)."""
    return community_of(viewer) is not None or is_center(viewer)


def may_see_problem_reporter(viewer: object, community_code: str) -> bool:
    """Who uploaded it (name and phone): only the community that handles it."""
    return may_see_personal(viewer, community_code)


# -- 三张清单 (needs, resources, projects) -------------------------------------------------
# Nobody reads a unit's contact (name, phone) through the lists: a community sees the unit's
# name and place in a suggestion, and reaches it through the project.
def may_keep_need(actor: object, community_code: str) -> bool:
    """Add, withdraw, accept a suggestion for, finish: the community that runs the need."""
    return runs(actor, community_code)


def may_see_need(viewer: object, community_code: str, served_by: frozenset[str]) -> bool:
    """The center, the need's community, and the units whose projects serve it
    (``served_by``: their ids)."""
    if is_center(viewer) or runs(viewer, community_code):
        return True
    unit = unit_of(viewer)
    return unit is not None and unit in served_by


def may_see_suggestions(viewer: object, community_code: str) -> bool:
    return is_center(viewer) or runs(viewer, community_code)


def may_keep_resource(actor: object, unit_id: str) -> bool:
    return bool(unit_id) and unit_of(actor) == unit_id


def may_see_resource(viewer: object, unit_id: str, available: bool, serves: bool) -> bool:
    """The center; its unit; a community while it is available (the pool suggestions
    come from) or when it serves one of the community's projects (``serves``)."""
    if is_center(viewer) or may_keep_resource(viewer, unit_id):
        return True
    return community_of(viewer) is not None and (available or serves)


def may_see_project(viewer: object, community_code: str, unit_id: str) -> bool:
    return is_center(viewer) or runs(viewer, community_code) or unit_of(viewer) == unit_id


def may_report_progress(actor: object, community_code: str, unit_id: str) -> bool:
    """A project's progress: the community it serves or the unit that serves it."""
    return runs(actor, community_code) or (bool(unit_id) and unit_of(actor) == unit_id)


def may_finish_project(actor: object, community_code: str) -> bool:
    """Done before 100%: the community says so."""
    return runs(actor, community_code)


# -- units, teams and the counts ---------------------------------------------------------
def may_read_counts(viewer: object) -> bool:
    """The platform's counts (no personal data in them): the center, and a community for
    its own community (``counts_scope``)."""
    return is_center(viewer) or community_of(viewer) is not None


def counts_scope(viewer: object) -> str | None:
    """Which community's counts ``viewer`` reads: ``None`` for the center (every one),
    else its own community's code."""
    return None if is_center(viewer) else community_of(viewer)


def may_see_platform_map(viewer: object) -> bool:
    """The wall's 泉心愿 panel and map layer (counts per cell): the center."""
    return is_center(viewer)
