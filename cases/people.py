"""The people on the grid: who walks and serves each cell, and who is on duty when.

The district's method is the "1+6" team: each grid cell's party branch secretary (the 1)
leads members drawn from the grid workers, the departments (环保, 城管, …), property
management and the street's staff (the 6). A ``Person`` is one of them; a person who signs
in (a grid worker on patrol, a member who acknowledges an urgent alert) is linked to their
account by ``username``. Phones are personal data: who may read one is the access policy's
question (``cases.access.may_see_phones``), never a screen's.

``Roster`` keeps people, teams and duty shifts in the store (tables ``people``,
``team_members``, ``party_branches``, ``duty_shifts``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select, update

from cases import clock
from cases.db import reading
from cases.model import storable
from cases.schema import duty_shifts, party_branches, people, team_members

# What a person is on the grid (their part of the work, not their account's role).
KINDS = {
    "grid_worker": ("网格员", "Grid worker"),
    "branch_secretary": ("网格党支部书记", "Grid party branch secretary"),
    "dept_member": ("部门下沉人员", "Department member"),
    "property_manager": ("物业管理人员", "Property manager"),
    "street_staff": ("街道值班人员", "Street staff on duty"),
}
# A person's part in a cell's team: the secretary leads (the 1), the rest are its members.
PARTS = {
    "secretary": ("书记", "Secretary"),
    "worker": ("网格员", "Grid worker"),
    "member": ("成员", "Member"),
}
TEAM_SIZE = 7  # 1 + 6


class RosterError(ValueError):
    """A person, team or shift the roster refuses; the message says which and why."""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    kind: str
    phone: str = ""
    unit: str = ""
    username: str | None = None
    synthetic: bool = False
    active: bool = True

    def row(self, with_phone: bool) -> dict[str, object]:
        """As a screen receives it: the phone only when the reader may see it."""
        out = asdict(self)
        if not with_phone:
            out.pop("phone")
        return out


@dataclass(frozen=True)
class Team:
    """One cell's team: its party branch and its people, each with their part."""

    cell_code: str
    branch: str
    members: tuple[tuple[Person, str], ...] = field(default_factory=tuple)

    @property
    def secretary(self) -> Person | None:
        return next((p for p, part in self.members if part == "secretary"), None)

    @property
    def people(self) -> list[Person]:
        return [p for p, _part in self.members]


def check_person(person: Person) -> None:
    if not person.id or len(person.id) > 64:
        raise RosterError(f"person id {person.id!r}: 1-64 characters")
    if not person.name.strip() or len(person.name) > 64:
        raise RosterError(f"person {person.id}: a name of 1-64 characters")
    if person.kind not in KINDS:
        raise RosterError(f"person {person.id}: kind {person.kind!r} is not one of {list(KINDS)}")
    if len(person.phone) > 32 or any(c not in "0123456789+- " for c in person.phone):
        raise RosterError(f"person {person.id}: phone {person.phone!r} is not a phone number")
    if len(person.unit) > 64:
        raise RosterError(f"person {person.id}: a unit of at most 64 characters")
    if person.username is not None and not 0 < len(person.username) <= 64:
        raise RosterError(f"person {person.id}: an account name of 1-64 characters")
    texts = (person.id, person.name, person.unit, person.username or "")
    if not all(storable(t) and t.isprintable() for t in texts):
        raise RosterError(f"person {person.id!r}: a control character in a field")


class Roster:
    """People, each cell's team and the duty shifts, in the store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- people -----------------------------------------------------------------------------
    def put_people(self, persons: Iterable[Person]) -> int:
        """Add or replace people (by id); returns how many."""
        with self.engine.begin() as conn:
            return _put_people(conn, persons)

    def import_all(
        self,
        persons: Iterable[Person] = (),
        teams: dict[str, tuple[str, list[tuple[str, str]]]] | None = None,
        shifts: Iterable[tuple[str, datetime, datetime]] = (),
    ) -> tuple[int, int, int]:
        """Put people, teams and shifts in ONE transaction: all of it or, on a refusal,
        none of it. Returns (people, teams, shifts added)."""
        with self.engine.begin() as conn:
            n_people = _put_people(conn, persons)
            _put_teams(conn, teams or {})
            n_shifts = _add_shifts(conn, shifts)
        return n_people, len(teams or {}), n_shifts

    def known_ids(self, ids: Collection[str]) -> set[str]:
        """Which of ``ids`` are people of the roster (active or not)."""
        found: set[str] = set()
        with reading(self.engine) as conn:
            for chunk in _chunks(list(ids)):
                found |= {
                    r[0] for r in conn.execute(select(people.c.id).where(people.c.id.in_(chunk)))
                }
        return found

    def count(self) -> int:
        with reading(self.engine) as conn:
            return int(conn.execute(select(func.count()).select_from(people)).scalar_one())

    def person(self, person_id: str) -> Person | None:
        with reading(self.engine) as conn:
            row = conn.execute(select(people).where(people.c.id == person_id)).first()
        return _person(row) if row else None

    def by_username(self, username: str) -> Person | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(people).where(people.c.username == username, people.c.active.is_(True))
            ).first()
        return _person(row) if row else None

    def people(
        self,
        kind: str | None = None,
        ids: Collection[str] | None = None,
        with_inactive: bool = False,
    ) -> list[Person]:
        query = select(people).order_by(people.c.id)
        if not with_inactive:
            query = query.where(people.c.active.is_(True))
        if kind is not None:
            query = query.where(people.c.kind == kind)
        if ids is not None:
            if not ids:
                return []
            query = query.where(people.c.id.in_(list(ids)))
        with reading(self.engine) as conn:
            return [_person(r) for r in conn.execute(query)]

    def link(self, person_id: str, username: str | None) -> None:
        """Make ``username`` the account ``person_id`` signs in with (None: none); an
        account is one person's, so whoever had it before loses it."""
        with self.engine.begin() as conn:
            if username is not None:
                conn.execute(
                    update(people).where(people.c.username == username).values(username=None)
                )
            found = conn.execute(
                update(people).where(people.c.id == person_id).values(username=username)
            ).rowcount
        if not found:
            raise RosterError(f"no such person {person_id}")

    def deactivate(self, person_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(people).where(people.c.id == person_id).values(active=False))

    # -- teams ------------------------------------------------------------------------------
    def put_team(self, cell_code: str, branch: str, members: Iterable[tuple[str, str]]) -> None:
        """Make ``cell_code``'s team ``members`` ((person id, part) pairs), led by
        ``branch``'s secretary; replaces the team it had."""
        with self.engine.begin() as conn:
            _put_team(conn, cell_code, branch, members)

    def put_teams(self, teams: dict[str, tuple[str, list[tuple[str, str]]]]) -> None:
        """Make many cells' teams at once (cell code -> (branch, [(person id, part)])), in
        one transaction."""
        with self.engine.begin() as conn:
            _put_teams(conn, teams)

    def teams(self, cells: Collection[str]) -> dict[str, Team]:
        """The teams of ``cells`` (a cell without a team or branch is absent)."""
        wanted = list(cells)
        found: dict[str, Team] = {}
        with reading(self.engine) as conn:
            for chunk in _chunks(wanted):
                branches = dict(
                    conn.execute(
                        select(party_branches.c.cell_code, party_branches.c.name).where(
                            party_branches.c.cell_code.in_(chunk)
                        )
                    ).all()
                )
                members: dict[str, list[tuple[Person, str]]] = {}
                for row in conn.execute(
                    select(team_members.c.cell_code, team_members.c.part, people)
                    .join(people, people.c.id == team_members.c.person_id)
                    .where(team_members.c.cell_code.in_(chunk), people.c.active.is_(True))
                    .order_by(team_members.c.cell_code, people.c.id)
                ):
                    members.setdefault(row.cell_code, []).append((_person(row), row.part))
                for code in chunk:
                    if code in branches or code in members:
                        ranked = sorted(members.get(code, []), key=lambda m: _PART_ORDER[m[1]])
                        found[code] = Team(code, branches.get(code, ""), tuple(ranked))
        return found

    def team(self, cell_code: str) -> Team | None:
        return self.teams([cell_code]).get(cell_code)

    def cells_of(self, person_id: str) -> list[str]:
        """The cells whose team ``person_id`` is in."""
        with reading(self.engine) as conn:
            return [
                r[0]
                for r in conn.execute(
                    select(team_members.c.cell_code)
                    .where(team_members.c.person_id == person_id)
                    .order_by(team_members.c.cell_code)
                )
            ]

    # -- duty -------------------------------------------------------------------------------
    def add_shifts(self, shifts: Iterable[tuple[str, datetime, datetime]]) -> int:
        """Add duty shifts ((person id, starts, ends), any timezone-aware times); a shift
        the roster has already (same person, start and end) is not added twice. Returns how
        many were added."""
        with self.engine.begin() as conn:
            return _add_shifts(conn, shifts)

    def shifts(
        self, since: datetime, until: datetime, ids: Collection[str] | None = None
    ) -> list[tuple[str, datetime, datetime]]:
        """The shifts overlapping [since, until) (of ``ids``, or all), by person and start."""
        query = (
            select(duty_shifts.c.person_id, duty_shifts.c.starts_at, duty_shifts.c.ends_at)
            .where(
                duty_shifts.c.starts_at < clock.as_utc(until),
                duty_shifts.c.ends_at > clock.as_utc(since),
            )
            .order_by(duty_shifts.c.person_id, duty_shifts.c.starts_at)
        )
        with reading(self.engine) as conn:
            if ids is None:
                rows = list(conn.execute(query))
            else:
                rows = []
                for chunk in _chunks(list(ids)):
                    rows += conn.execute(query.where(duty_shifts.c.person_id.in_(chunk))).all()
        return [(r[0], clock.as_utc(r[1]), clock.as_utc(r[2])) for r in rows]

    def on_duty(self, at: datetime, ids: Collection[str] | None = None) -> set[str]:
        """The people (of ``ids``, or all) on a shift at ``at``."""
        at = clock.as_utc(at)
        query = select(duty_shifts.c.person_id).where(
            and_(duty_shifts.c.starts_at <= at, duty_shifts.c.ends_at > at)
        )
        with reading(self.engine) as conn:
            if ids is None:
                return {r[0] for r in conn.execute(query)}
            found: set[str] = set()
            for chunk in _chunks(list(ids)):
                found |= {
                    r[0] for r in conn.execute(query.where(duty_shifts.c.person_id.in_(chunk)))
                }
            return found

    def clear_shifts(self, before: datetime) -> int:
        """Forget the shifts that ended before ``before``; returns how many."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    delete(duty_shifts).where(duty_shifts.c.ends_at < clock.as_utc(before))
                ).rowcount
            )


_PART_ORDER = {part: n for n, part in enumerate(PARTS)}


def _put_people(conn: Connection, persons: Iterable[Person]) -> int:
    rows = []
    for person in persons:
        check_person(person)
        rows.append(asdict(person))
    if not rows:
        return 0
    ids = [r["id"] for r in rows]
    # An account is one person's: whoever else had a username now given loses it.
    names = [r["username"] for r in rows if r["username"]]
    if len(set(names)) < len(names):
        raise RosterError("one account (username) is linked to two people")
    for chunk in _chunks(names):
        conn.execute(update(people).where(people.c.username.in_(chunk)).values(username=None))
    for chunk in _chunks(ids):
        conn.execute(delete(people).where(people.c.id.in_(chunk)))
    conn.execute(insert(people), rows)
    return len(rows)


def _put_team(
    conn: Connection, cell_code: str, branch: str, members: Iterable[tuple[str, str]]
) -> None:
    _put_teams(conn, {cell_code: (branch, list(members))})


def _put_teams(conn: Connection, teams: dict[str, tuple[str, list[tuple[str, str]]]]) -> None:
    """Replace each of ``teams``' cells' team and branch (checked first, then in bulk)."""
    rows: list[dict[str, str]] = []
    branches: list[dict[str, str]] = []
    for cell_code, (branch, members) in teams.items():
        pairs = list(dict(members).items())
        for _person_id, part in pairs:
            if part not in PARTS:
                raise RosterError(f"cell {cell_code}: part {part!r} is not one of {list(PARTS)}")
        if sum(part == "secretary" for _p, part in pairs) > 1:
            raise RosterError(f"cell {cell_code}: a team has one secretary")
        if len(branch) > 64:
            raise RosterError(f"cell {cell_code}: a branch name of at most 64 characters")
        rows += [{"cell_code": cell_code, "person_id": p, "part": part} for p, part in pairs]
        if branch:
            branches.append({"cell_code": cell_code, "name": branch})
    wanted = sorted({r["person_id"] for r in rows})
    known: set[str] = set()
    for chunk in _chunks(wanted):
        known |= {r[0] for r in conn.execute(select(people.c.id).where(people.c.id.in_(chunk)))}
    unknown = [r for r in rows if r["person_id"] not in known]
    if unknown:
        names = ", ".join(sorted({r["person_id"] for r in unknown}))
        raise RosterError(f"cell {unknown[0]['cell_code']}: no such person {names}")
    for chunk in _chunks(list(teams)):
        conn.execute(delete(team_members).where(team_members.c.cell_code.in_(chunk)))
        conn.execute(delete(party_branches).where(party_branches.c.cell_code.in_(chunk)))
    if branches:
        conn.execute(insert(party_branches), branches)
    if rows:
        conn.execute(insert(team_members), rows)


def _add_shifts(conn: Connection, shifts: Iterable[tuple[str, datetime, datetime]]) -> int:
    wanted: dict[tuple[str, datetime, datetime], None] = {}
    for person_id, starts, ends in shifts:
        starts, ends = clock.as_utc(starts), clock.as_utc(ends)
        if ends <= starts:
            raise RosterError(f"shift of {person_id}: it ends before it starts")
        wanted[(person_id, starts, ends)] = None
    if not wanted:
        return 0
    first = min(k[1] for k in wanted)
    last = max(k[1] for k in wanted)
    for chunk in _chunks(sorted({k[0] for k in wanted})):
        for row in conn.execute(
            select(duty_shifts.c.person_id, duty_shifts.c.starts_at, duty_shifts.c.ends_at).where(
                duty_shifts.c.person_id.in_(chunk),
                duty_shifts.c.starts_at >= first,
                duty_shifts.c.starts_at <= last,
            )
        ):
            wanted.pop((row[0], clock.as_utc(row[1]), clock.as_utc(row[2])), None)
    rows = [{"person_id": p, "starts_at": s, "ends_at": e} for p, s, e in wanted]
    if rows:
        conn.execute(insert(duty_shifts), rows)
    return len(rows)


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _person(row: object) -> Person:
    return Person(
        id=row.id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        kind=row.kind,  # type: ignore[attr-defined]
        phone=row.phone,  # type: ignore[attr-defined]
        unit=row.unit,  # type: ignore[attr-defined]
        username=row.username,  # type: ignore[attr-defined]
        synthetic=bool(row.synthetic),  # type: ignore[attr-defined]
        active=bool(row.active),  # type: ignore[attr-defined]
    )
