"""The working calendar in the store (SQLite and PostgreSQL): seeded from the package, a year
entered by an admin in one transaction, every process's clock following it, and the open
cases' deadlines recomputed, each with one audited event."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from cases import clock
from cases.calendar_file import parse_schedule
from cases.db import make_engine
from cases.model import Event, Forbidden, Report, Status
from cases.schema import calendar_years, events, kpi_rollup, sequences, work_calendar
from cases.store import Store
from cases.workflow import Actor, Role
from tests.cases.calendar_samples import NEW_YEAR_MAKE_UP_2027, SCHEDULE_2027

ADMIN = Actor("root", Role.ADMIN)
OP = Actor("op", Role.OPERATOR)
WORKER = Actor("gw", Role.WORKER)
LIAISON = Actor("li-dj", Role.LIAISON, "dangjian")
CELL = "370102003002001"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=clock.LOCAL_TZ).astimezone(clock.UTC)


def report(store: Store, when: datetime, category: str, n: int) -> int:
    store.now = lambda: when
    case, _ = store.open_case(
        Report("patrol", category, f"案件 {n}", 117.0, 36.65, CELL, external_id=str(n))
    )
    return case.id


def close(store: Store, case_id: int, when: datetime) -> None:
    store.now = lambda: when
    for name, actor in (
        ("file", OP),
        ("dispatch", OP),
        ("accept", LIAISON),
        ("handle", LIAISON),
        ("verify", WORKER),
        ("close", OP),
    ):
        store.apply(case_id, name, actor)


def rollup_rows(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as conn:
        return sorted(tuple(r) for r in conn.execute(select(kpi_rollup)) if any(r[3:]))


def calendar_version(store: Store) -> int:
    with store.read() as conn:
        return int(
            conn.execute(select(sequences.c.value).where(sequences.c.name == "calendar")).scalar()
        )


def test_the_package_years_are_seeded_once(store: Store) -> None:
    years = store.calendar_coverage()
    assert [y.year for y in years] == list(range(2004, 2027))
    assert {y.source for y in years} == {"chinesecalendar"}
    y2026 = years[-1]
    assert y2026.days == 25 and y2026.entered_by == "system"
    version = calendar_version(store)
    store.create_schema()  # a restart adds nothing and changes nothing
    assert len(store.calendar_coverage()) == len(years)
    assert calendar_version(store) == version
    assert store.work_calendar.first_uncovered(date(2026, 11, 30)) == date(2027, 1, 1)
    assert store.is_working_day(date(2026, 10, 10)) is True  # 国庆节调休, a Saturday
    assert store.is_working_day(date(2027, 1, 1)) is False  # the law's 元旦


def test_an_admin_enters_a_year_and_entering_it_again_replaces_it(store: Store) -> None:
    entered = store.enter_calendar_year(parse_schedule(SCHEDULE_2027), ADMIN, "2027.txt")
    assert (entered.year, entered.days, entered.replaced, entered.recomputed) == (
        2027,
        21,
        None,
        0,
    )
    year = store.calendar_coverage()[-1]
    assert (year.year, year.source, year.entered_by, year.days) == (
        2027,
        "2027.txt",
        "admin:root",
        21,
    )
    assert store.is_working_day(date(2027, 2, 20)) is True
    assert store.calendar_schedule(2027) == parse_schedule(SCHEDULE_2027)
    again = store.enter_calendar_year(parse_schedule(NEW_YEAR_MAKE_UP_2027), ADMIN)
    assert again.replaced == "2027.txt" and again.days == 2
    assert store.is_working_day(date(2027, 2, 20)) is False  # gone with the old schedule
    assert store.is_working_day(date(2027, 1, 2)) is True
    with store.read() as conn:
        days = conn.execute(select(work_calendar.c.day).order_by(work_calendar.c.day)).all()
        rows_2027 = [d for (d,) in days if str(d).startswith("2027")]
        assert len(rows_2027) == 2
        assert conn.execute(select(calendar_years).where(calendar_years.c.year == 2027)).one()


@pytest.mark.parametrize(
    "actor",
    [
        Actor("op", Role.OPERATOR),
        Actor("lead", Role.LEAD),
        Actor("wall", Role.WALL),
        Actor("key", Role.ADMIN, scope="department"),
    ],
)
def test_no_one_but_an_admin_enters_a_year(store: Store, actor: Actor) -> None:
    version = calendar_version(store)
    with pytest.raises(Forbidden):
        store.enter_calendar_year(parse_schedule(SCHEDULE_2027), actor)
    assert calendar_version(store) == version
    assert 2027 not in store.work_calendar.years


def test_a_write_in_another_process_counts_on_the_new_calendar_at_once(
    store: Store, database_url: str
) -> None:
    other = Store(make_engine(database_url), store._seed)
    try:
        start = local(2026, 12, 31, 16)
        first = report(other, start, "DJ01", 1)  # the other process has read the calendar
        assert other.get(first).deadline == local(2027, 1, 11, 9, 30)
        store.enter_calendar_year(parse_schedule(NEW_YEAR_MAKE_UP_2027), ADMIN)
        # no waiting for a cache to age: the other's next write reads the calendar's version
        second = report(other, start, "DJ01", 2)
        assert other.get(second).deadline == local(2027, 1, 8, 9, 30)
    finally:
        other.engine.dispose()


def test_entering_a_year_recomputes_the_open_cases_each_with_an_event(store: Store) -> None:
    published: list[Event] = []
    store.publish = published.append
    # DJ01: 40 working hours. From Thu 2026-12-31 16:00: 1 h 30 that day, then with 元旦 by
    # law and no make-up day 5 days of 7 h 30 (Jan 4–8) and 1 h: Mon Jan 11 09:30.
    moving = report(store, local(2026, 12, 31, 16), "DJ01", 1)
    closed = report(store, local(2026, 12, 31, 16), "DJ01", 2)
    close(store, closed, local(2026, 12, 31, 16, 30))
    calendar_hours = report(store, local(2026, 12, 31, 16), "CG01", 3)
    early = report(store, local(2026, 12, 1, 10), "DJ01", 4)  # due long before 2027
    assert not store.catalog.category("CG01").working_hours
    before = {i: store.get(i) for i in (moving, closed, calendar_hours, early)}
    assert before[moving].deadline == local(2027, 1, 11, 9, 30)
    published.clear()
    last_seq = store.last_seq()

    store.now = lambda: local(2026, 12, 31, 17)
    entered = store.enter_calendar_year(parse_schedule(NEW_YEAR_MAKE_UP_2027), ADMIN)

    # With Sat Jan 2 a make-up workday: 1 h 30 + 7 h 30 + Jan 4–7 (30 h) + 1 h: Fri 09:30.
    assert entered.recomputed == 1
    after = store.get(moving)
    assert after.deadline == local(2027, 1, 8, 9, 30)
    assert after.watch_at == store.sla.deadline(after.created_at, 20, True)
    assert after.at_risk_at == store.sla.deadline(after.created_at, 32, True)
    assert after.version == before[moving].version + 1
    assert after.status is before[moving].status is Status.REPORTED
    assert after.updated_at == before[moving].updated_at  # not a step of its handling
    for untouched in (closed, calendar_hours, early):
        assert store.get(untouched) == before[untouched]
    new = store.events_since(last_seq)
    assert [(e.kind, e.case_id) for e in new] == [("case.recomputed", moving)]
    ev = new[0]
    assert ev.seq == last_seq + 1  # gap-free: the unchanged cases took no number
    assert (ev.from_status, ev.to_status, ev.actor) == (
        Status.REPORTED,
        Status.REPORTED,
        "admin:root",
    )
    assert "2027" in ev.reason
    assert ev.data["deadline_before"] == "2027-01-11T09:30:00+08:00"
    assert ev.data["deadline_after"] == "2027-01-08T09:30:00+08:00"
    assert ev.data["deadline"] == "2027-01-08T09:30:00+08:00"  # the summary screens apply
    assert [e.seq for e in published] == [ev.seq]

    rows = rollup_rows(store)
    store.rebuild_rollup()
    assert rollup_rows(store) == rows

    # Counting again on the same calendar moves nothing and writes nothing.
    assert store.recompute_open_deadlines("admin:root", "again") == 0
    assert store.last_seq() == ev.seq
    # Entering the fuller schedule (Jan 2 no make-up day) moves it back.
    assert store.enter_calendar_year(parse_schedule(SCHEDULE_2027), ADMIN).recomputed == 1
    assert store.get(moving).deadline == local(2027, 1, 11, 9, 30)
    with store.read() as conn:
        kinds = conn.execute(select(events.c.kind).where(events.c.case_id == moving)).all()
    assert [k for (k,) in kinds].count("case.recomputed") == 2
