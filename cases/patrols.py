"""A grid worker's patrols: started and ended from the phone, the positions it shares on
the way, and the cells each patrol passed through (patrol coverage).

A person has at most one open patrol (a ``patrols`` row whose ``ended_at`` is NULL):
starting again while one is open returns the open one. While on patrol the phone shares
its position every ~15 s; each one is located to its cell, put into the positions book
(``cases.positions``: where the people on patrol are now) and, the first time the patrol
passes a cell, adds a row to ``patrol_cells`` (when it first got there). A position
outside every cell is kept in the book (someone on their way) but adds no cell; nor does
one too coarse to tell which cell it is in (``COVERAGE_ACCURACY_M``). A position that
cannot be on the grid's side of the world (outside China, not a number) is refused.

Positions are WGS-84: a phone's browser gives WGS-84; an app that sends GCJ-02 or BD-09
is converted at the API (``geo.coords.to_wgs84``) before it reaches here.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from cases import clock
from cases.db import reading
from cases.effects import as_number
from cases.model import CaseError
from cases.positions import Position, PositionBook
from cases.schema import patrol_cells, patrols, people
from geo.coords import out_of_china

Locate = Callable[[float, float], str | None]  # (lon, lat) WGS-84 → cell code, None outside
MAX_ACCURACY_M = 10_000.0  # a fix vaguer than this tells nothing about where someone is
COVERAGE_ACCURACY_M = 100.0  # a cell counts as patrolled only from a fix at least this good


class PatrolError(CaseError):
    """A patrol request the domain refuses (the message in English, ``zh`` in Chinese)."""


class NotOnPatrol(PatrolError):
    def __init__(self, person_id: str) -> None:
        super().__init__(
            f"{person_id} is not on patrol; start one first", "未在巡查中，请先开始巡查"
        )


@dataclass(frozen=True)
class Patrol:
    id: int
    person_id: str
    started_at: datetime
    ended_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class Recorded:
    """A position as recorded: where it was put, and whether it was the patrol's first
    time in its cell."""

    position: Position
    new_cell: bool


def check_position(lon: object, lat: object, accuracy: object = 0.0) -> tuple[float, float, float]:
    """(lon, lat, accuracy in m) as numbers a patrol can use; PatrolError names what is wrong."""
    x, y = as_number(lon), as_number(lat)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise PatrolError("lon, lat: numbers (degrees, WGS-84)", "经纬度应为数值")
    if bool(out_of_china(x, y)):
        raise PatrolError(
            f"the position ({x:.6f}, {y:.6f}) is not in China: check the phone's location",
            "位置不在中国境内，请检查手机定位",
        )
    acc = 0.0 if accuracy is None else as_number(accuracy)
    if not (math.isfinite(acc) and 0.0 <= acc <= MAX_ACCURACY_M):
        raise PatrolError(
            f"accuracy: 0 to {MAX_ACCURACY_M:g} metres",
            f"定位精度应在 0 到 {MAX_ACCURACY_M:g} 米之间",
        )
    return x, y, acc


def _patrol(row: object) -> Patrol:
    ended = row.ended_at  # type: ignore[attr-defined]
    return Patrol(
        row.id,  # type: ignore[attr-defined]
        row.person_id,  # type: ignore[attr-defined]
        clock.as_utc(row.started_at),  # type: ignore[attr-defined]
        clock.as_utc(ended) if ended is not None else None,
    )


class Patrols:
    """Patrols in the store (``patrols``, ``patrol_cells``), positions into ``book``.

    ``locate`` finds a WGS-84 point's cell; ``now`` is the clock (the store's)."""

    def __init__(
        self,
        engine: Engine,
        locate: Locate,
        book: PositionBook,
        now: Callable[[], datetime] = clock.utcnow,
    ) -> None:
        self.engine = engine
        self.locate = locate
        self.book = book
        self.now = now
        # The cells each open patrol is known to have passed (saves a write per position
        # while someone walks about one cell; another process simply finds the row there).
        self._seen: dict[int, set[str]] = {}
        self._lock = threading.Lock()

    # -- a patrol ---------------------------------------------------------------------------
    def open_patrol(self, person_id: str) -> Patrol | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(patrols).where(
                    patrols.c.person_id == person_id, patrols.c.ended_at.is_(None)
                )
            ).first()
        return _patrol(row) if row else None

    def start(self, person_id: str) -> tuple[Patrol, bool]:
        """The person's open patrol, started now unless one is open: (patrol, started)."""
        with self.engine.begin() as conn:
            # One writer per person at a time: the person's row is locked on PostgreSQL
            # (SQLite's BEGIN IMMEDIATE already lets one writer in), so two phones (or a
            # double tap) starting together make one patrol.
            conn.execute(select(people.c.id).where(people.c.id == person_id).with_for_update())
            row = conn.execute(
                select(patrols).where(
                    patrols.c.person_id == person_id, patrols.c.ended_at.is_(None)
                )
            ).first()
            if row is not None:
                return _patrol(row), False
            now = clock.as_utc(self.now())
            new_id = conn.execute(
                insert(patrols).values(person_id=person_id, started_at=now).returning(patrols.c.id)
            ).scalar_one()
        return Patrol(new_id, person_id, now), True

    def end(self, person_id: str) -> Patrol | None:
        """End the person's open patrol (None: none was open) and take them off the book."""
        now = clock.as_utc(self.now())
        with self.engine.begin() as conn:
            row = conn.execute(
                select(patrols).where(
                    patrols.c.person_id == person_id, patrols.c.ended_at.is_(None)
                )
            ).first()
            if row is not None:
                conn.execute(update(patrols).where(patrols.c.id == row.id).values(ended_at=now))
        self.book.drop(person_id)
        if row is None:
            return None
        with self._lock:
            self._seen.pop(row.id, None)
        return Patrol(row.id, person_id, clock.as_utc(row.started_at), now)

    def on_patrol(self) -> set[str]:
        """Who is on patrol now: the people with an open patrol."""
        with reading(self.engine) as conn:
            return set(
                conn.execute(
                    select(patrols.c.person_id).where(patrols.c.ended_at.is_(None))
                ).scalars()
            )

    # -- positions --------------------------------------------------------------------------
    def record(
        self, person_id: str, name: str, lon: object, lat: object, accuracy: object = 0.0
    ) -> Recorded:
        """Record where ``person_id`` (on patrol) is now; raises PatrolError for a position
        that cannot be right and NotOnPatrol without an open patrol."""
        x, y, acc = check_position(lon, lat, accuracy)
        patrol = self.open_patrol(person_id)
        if patrol is None:
            raise NotOnPatrol(person_id)
        now = clock.as_utc(self.now())
        cell = self.locate(x, y) or ""
        new_cell = bool(cell) and acc <= COVERAGE_ACCURACY_M and self._passed(patrol.id, cell, now)
        position = Position(person_id, name, x, y, clock.epoch(now), acc, patrol.id, cell)
        self.book.put(position)
        return Recorded(position, new_cell)

    def _passed(self, patrol_id: int, cell: str, at: datetime) -> bool:
        """Note that patrol ``patrol_id`` is in ``cell``; True the first time."""
        with self._lock:
            if cell in self._seen.get(patrol_id, ()):
                return False
        first = False
        try:
            with self.engine.begin() as conn:
                known = conn.execute(
                    select(patrol_cells.c.cell_code).where(
                        patrol_cells.c.patrol_id == patrol_id, patrol_cells.c.cell_code == cell
                    )
                ).first()
                if known is None:
                    conn.execute(
                        insert(patrol_cells).values(
                            patrol_id=patrol_id, cell_code=cell, first_at=at
                        )
                    )
                    first = True
        except IntegrityError:  # another process wrote it first
            first = False
        with self._lock:
            self._seen.setdefault(patrol_id, set()).add(cell)
        return first

    def write_past(self, rows: list[tuple[str, datetime, datetime, dict[str, datetime]]]) -> None:
        """Write finished patrols of the past at once ((person, started, ended, {cell: first
        there}) each): the simulated district's history, not a phone's day."""
        with self.engine.begin() as conn:
            for person_id, started, ended, passed in rows:
                new_id = conn.execute(
                    insert(patrols)
                    .values(
                        person_id=person_id,
                        started_at=clock.as_utc(started),
                        ended_at=clock.as_utc(ended),
                    )
                    .returning(patrols.c.id)
                ).scalar_one()
                if passed:
                    conn.execute(
                        insert(patrol_cells),
                        [
                            {"patrol_id": new_id, "cell_code": c, "first_at": clock.as_utc(t)}
                            for c, t in passed.items()
                        ],
                    )

    # -- coverage ---------------------------------------------------------------------------
    def cells_of(self, patrol_id: int) -> dict[str, datetime]:
        """The cells a patrol passed, each with when it first got there."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(patrol_cells.c.cell_code, patrol_cells.c.first_at).where(
                    patrol_cells.c.patrol_id == patrol_id
                )
            ).all()
        return {code: clock.as_utc(at) for code, at in rows}

    def cells_on(self, day: date) -> dict[str, datetime]:
        """The cells patrolled on the local (Asia/Shanghai) ``day``, each with the first time
        a patrol got there that day (a patrol over midnight counts a cell on the day it first
        passed it)."""
        start = datetime.combine(day, time(0), tzinfo=clock.LOCAL_TZ).astimezone(UTC)
        end = start + timedelta(days=1)
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(patrol_cells.c.cell_code, patrol_cells.c.first_at).where(
                    patrol_cells.c.first_at >= start, patrol_cells.c.first_at < end
                )
            ).all()
        first: dict[str, datetime] = {}
        for code, at in rows:
            at = clock.as_utc(at)
            if code not in first or at < first[code]:
                first[code] = at
        return first

    def today(self) -> date:
        return clock.as_utc(self.now()).astimezone(clock.LOCAL_TZ).date()
