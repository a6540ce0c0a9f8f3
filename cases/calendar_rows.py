"""The working calendar's rows in the store: read whole, seeded, and replaced a year at a time.

Every change bumps the ``calendar`` counter in ``sequences`` (the version a process compares
to know its calendar is stale) and is made under the writers' lock, so a write that follows
it sees the new calendar, and one before it is done before the change is read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, delete, insert, select, update

from cases import clock
from cases.calendar import (
    SOURCE_PACKAGE,
    CalendarDay,
    WorkCalendar,
    YearSchedule,
    package_schedules,
)
from cases.schema import calendar_years, sequences, work_calendar

CALENDAR_VERSION = "calendar"
EVENT_SEQUENCE = "events"  # whose row is the writers' lock (cases.storage)
SEEDED_BY = "system"


@dataclass(frozen=True)
class CoveredYear:
    """A covered year as entered: where its schedule came from, when, by whom, how many
    days it names."""

    year: int
    source: str
    entered_at: datetime
    entered_by: str
    days: int


def load_calendar(conn: Connection) -> WorkCalendar:
    years = [int(y) for (y,) in conn.execute(select(calendar_years.c.year))]
    rows = conn.execute(select(work_calendar.c.day, work_calendar.c.working, work_calendar.c.name))
    return WorkCalendar((CalendarDay(_as_date(d), bool(w), n) for d, w, n in rows), years)


def covered_years(conn: Connection) -> list[CoveredYear]:
    counts = Counter(_as_date(d).year for (d,) in conn.execute(select(work_calendar.c.day)))
    rows = conn.execute(select(calendar_years).order_by(calendar_years.c.year))
    return [
        CoveredYear(r.year, r.source, clock.as_utc(r.entered_at), r.entered_by, counts[r.year])
        for r in rows
    ]


def seed_from_package(conn: Connection, now: datetime) -> int:
    """Add every year ``chinesecalendar`` covers that the store does not (an admin's entry
    of a year is never overwritten); returns how many years were added."""
    have = {int(y) for (y,) in conn.execute(select(calendar_years.c.year))}
    added = [s for s in package_schedules() if s.year not in have]
    for schedule in added:
        _insert_year(conn, schedule, SOURCE_PACKAGE, SEEDED_BY, now)
    if added:
        bump_version(conn)
    return len(added)


def replace_year(
    conn: Connection, schedule: YearSchedule, source: str, entered_by: str, now: datetime
) -> None:
    """Put ``schedule`` in place of whatever the store held for its year (in ``conn``'s
    transaction: the year is replaced whole or not at all)."""
    take_writers_lock(conn)
    first, last = date(schedule.year, 1, 1), date(schedule.year, 12, 31)
    conn.execute(delete(work_calendar).where(work_calendar.c.day.between(first, last)))
    conn.execute(delete(calendar_years).where(calendar_years.c.year == schedule.year))
    _insert_year(conn, schedule, source, entered_by, now)
    bump_version(conn)


def take_writers_lock(conn: Connection) -> None:
    # SQLite: the transaction's BEGIN IMMEDIATE holds it already; PostgreSQL: the row lock
    # on the events sequence, which every write takes first.
    conn.execute(
        select(sequences.c.value).where(sequences.c.name == EVENT_SEQUENCE).with_for_update()
    )


def bump_version(conn: Connection) -> None:
    conn.execute(
        update(sequences)
        .where(sequences.c.name == CALENDAR_VERSION)
        .values(value=sequences.c.value + 1)
    )


def _insert_year(
    conn: Connection, schedule: YearSchedule, source: str, entered_by: str, now: datetime
) -> None:
    conn.execute(
        insert(calendar_years).values(
            year=schedule.year, source=source, entered_at=now, entered_by=entered_by
        )
    )
    if schedule.days:
        conn.execute(
            insert(work_calendar),
            [
                {
                    "day": d.day,
                    "working": d.working,
                    "name": d.name,
                    "source": source,
                    "entered_at": now,
                    "entered_by": entered_by,
                }
                for d in schedule.days
            ],
        )


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
