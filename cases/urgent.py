"""The urgent fast path (紧急): who is alerted for an urgent case, and its response clock.

A case is urgent from its report when its item says so (``Catalog.urgent_at_report``), or
from an operator's or lead's flag (the workflow's ``flag_urgent``); a drill is urgent too
and counts nowhere. At once, without waiting for the desk, these are alerted (``alerted``):

- the members of the cell's 1+6 team on duty now (``team``);
- the grid workers on patrol nearest the case, within ``NEAR_RADIUS_M`` (``nearest``);
- the community's property manager on duty (``property``);
- the street's staff on duty (``street``).

Each one is addressed with why (a person may have several reasons, and is alerted once).
The response clock runs from the report (or the flag): first acknowledged → first on site
(a check-in at the case's place) → hazard removed → closed, each against its target in the
catalog (``cases.urgent_targets``) and met or not.

The functions here are pure; ``gather`` reads the roster and the positions book for them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from cases import clock
from cases.model import Case
from cases.people import Person, Team
from cases.positions import Position
from cases.urgent_targets import STEPS, UrgentTarget

WHY = ("team", "nearest", "property", "street")
NEAREST_K = 3  # the nearest workers on patrol alerted
NEAR_RADIUS_M = 2000.0  # and only those this close to the case
POSITION_AGE_S = 30.0  # where someone was longer ago than this is not where they are


@dataclass(frozen=True)
class Addressee:
    """One person alerted for an urgent case, and why (``WHY``, in that order)."""

    person: Person
    why: tuple[str, ...]
    part: str = ""  # their part in the cell's team, when ``team`` is among the reasons
    distance_m: float | None = None  # from the case, when ``nearest`` is

    def row(self, with_phone: bool) -> dict[str, Any]:
        """As a screen receives it: the phone only when the reader may see it."""
        out: dict[str, Any] = {
            "id": self.person.id,
            "name": self.person.name,
            "kind": self.person.kind,
            "why": list(self.why),
            "part": self.part,
            "distance_m": round(self.distance_m) if self.distance_m is not None else None,
            "signed_in": self.person.username is not None,
        }
        if with_phone:
            out["phone"] = self.person.phone
        return out


def addressees(
    case: Case,
    team: Team | None,
    on_duty: Collection[str],
    nearby: Sequence[tuple[Position, float]],
    people_by_id: dict[str, Person],
    property_managers: Iterable[Person],
    street_staff: Iterable[Person],
    on_patrol: Collection[str] | None = None,
) -> list[Addressee]:
    """Who is alerted for ``case``: ``team`` members in ``on_duty``; the workers in
    ``nearby`` (positions, nearest first, with their distance) that are fresh, on patrol
    (``on_patrol``; None: everyone in the positions book is), active and within
    ``NEAR_RADIUS_M`` (at most ``NEAREST_K``); the property managers of the case's community
    and the staff of its street, on duty. Each person once, with every reason."""
    found: dict[str, Addressee] = {}

    def add(person: Person, why: str, part: str = "", distance: float | None = None) -> None:
        if not person.active:
            return
        had = found.get(person.id)
        if had is None:
            found[person.id] = Addressee(person, (why,), part, distance)
        elif why not in had.why:
            found[person.id] = Addressee(
                person,
                (*had.why, why),
                had.part or part,
                had.distance_m if had.distance_m is not None else distance,
            )

    if team is not None:
        for person, part in team.members:
            if person.id in on_duty:
                add(person, "team", part=part)
    near = 0
    for position, distance in sorted(nearby, key=lambda pd: (pd[1], pd[0].person_id)):
        if near >= NEAREST_K or distance > NEAR_RADIUS_M:
            break
        if on_patrol is not None and position.person_id not in on_patrol:
            continue
        walker = people_by_id.get(position.person_id)
        if walker is None or not walker.active:
            continue
        add(walker, "nearest", distance=distance)
        near += 1
    community, street = f"community_{case.community_code}", f"street_{case.street_code}"
    for person in property_managers:
        if person.unit == community and person.id in on_duty:
            add(person, "property")
    for person in street_staff:
        if person.unit == street and person.id in on_duty:
            add(person, "street")
    return sorted(found.values(), key=lambda a: WHY.index(a.why[0]))


# -- the response clock ----------------------------------------------------------------------
@dataclass(frozen=True)
class ClockStep:
    """One step of the response clock: when it happened (None: not yet), by when it was
    due, and whether it met its target (None: not yet and not yet late)."""

    step: str  # cases.urgent_targets.STEPS
    at: datetime | None
    due: datetime
    met: bool | None

    @property
    def late(self) -> bool:
        return self.met is False


@dataclass(frozen=True)
class ResponseClock:
    start: datetime
    started_by: str  # "report" | "flag"
    steps: tuple[ClockStep, ...]
    drill: bool = False

    def step(self, name: str) -> ClockStep:
        return next(s for s in self.steps if s.step == name)

    @property
    def next_step(self) -> ClockStep | None:
        """The first step not yet taken (None: every step done)."""
        return next((s for s in self.steps if s.at is None), None)

    def as_json(self) -> dict[str, Any]:
        """For a screen: epoch seconds, so it ticks without asking again."""
        return {
            "start": _epoch(self.start),
            "started_by": self.started_by,
            "drill": self.drill,
            "steps": [
                {"step": s.step, "at": _epoch(s.at), "due": _epoch(s.due), "met": s.met}
                for s in self.steps
            ],
        }


def _epoch(moment: datetime | None) -> int | None:
    return int(clock.as_utc(moment).timestamp()) if moment is not None else None


def step_times(case: Case) -> dict[str, datetime | None]:
    """When each step of the clock happened on ``case`` (None: not yet)."""
    return {
        "acknowledged": case.acknowledged_at,
        "on_site": case.on_site_at,
        "hazard_removed": case.hazard_removed_at,
        "closed": case.closed_at if not case.status.is_open else None,
    }


def response_clock(case: Case, target: UrgentTarget, now: datetime) -> ResponseClock | None:
    """``case``'s response clock at ``now`` against ``target`` (None: not urgent)."""
    if not case.urgent:
        return None
    start = case.urgent_at or case.created_at
    started_by = "report" if start == case.created_at else "flag"
    times = step_times(case)
    steps = []
    for name in STEPS:
        due = start + timedelta(minutes=target.minutes(name))
        at = times[name]
        met = (at <= due) if at is not None else (False if now > due else None)
        steps.append(ClockStep(name, at, due, met))
    return ResponseClock(start, started_by, tuple(steps), case.drill)


# -- reading who is where --------------------------------------------------------------------
class RosterReads(Protocol):
    """What ``gather`` needs of the roster (cases.people.Roster)."""

    def team(self, cell_code: str) -> Team | None: ...

    def on_duty(self, at: datetime, ids: Collection[str] | None = None) -> set[str]: ...

    def people(
        self, kind: str | None = None, ids: Collection[str] | None = None
    ) -> list[Person]: ...


class Nearby(Protocol):
    def near(
        self, lon: float, lat: float, k: int = 5, max_age: float = 30.0
    ) -> list[tuple[Position, float]]: ...


def gather(
    case: Case,
    roster: RosterReads,
    positions: Nearby | None,
    now: datetime,
    on_patrol: Callable[[], Collection[str]] | None = None,
) -> list[Addressee]:
    """Who is alerted for ``case`` now, read from the roster and the positions book."""
    team = roster.team(case.cell_code)
    nearby = (
        positions.near(case.lon, case.lat, k=NEAREST_K * 3, max_age=POSITION_AGE_S)
        if positions is not None
        else []
    )
    managers = roster.people(kind="property_manager")
    staff = roster.people(kind="street_staff")
    wanted = {p.id for p in team.people} if team is not None else set()
    wanted |= {p.id for p in (*managers, *staff)}
    on_duty = roster.on_duty(now, wanted)
    people_by_id = {p.id: p for p in roster.people(ids=[pos.person_id for pos, _d in nearby])}
    patrolling = on_patrol() if on_patrol is not None else None
    return addressees(case, team, on_duty, nearby, people_by_id, managers, staff, patrolling)


def open_urgent(store: Any, unacknowledged: bool = False) -> list[Case]:
    """The open urgent cases (drills among them), oldest clock first; ``unacknowledged``:
    only those nobody has acknowledged yet (their alerts still stand)."""
    from sqlalchemy import select

    from cases.model import CLOSED_STATES
    from cases.records import case_from_row
    from cases.schema import cases

    c = cases.c
    query = select(cases).where(
        c.urgent.is_(True), c.status.not_in([s.value for s in CLOSED_STATES])
    )
    if unacknowledged:
        query = query.where(c.acknowledged_at.is_(None))
    with store.read() as conn:
        rows = conn.execute(query.order_by(c.id)).all()
    found = [case_from_row(r) for r in rows]
    return sorted(found, key=lambda case: (case.urgent_at or case.created_at, case.id))
