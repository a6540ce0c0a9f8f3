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


# -- 三张清单 (needs, resources, projects) -------------------------------------------------


# -- units, teams and the counts ---------------------------------------------------------
