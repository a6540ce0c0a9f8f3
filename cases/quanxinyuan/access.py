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


# -- 微治理 (problems) --------------------------------------------------------------------


# -- 三张清单 (needs, resources, projects) -------------------------------------------------


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
