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
        assert other.get(first).deadline == local(2027, 1, 12, 15, 30)
        store.enter_calendar_year(parse_schedule(NEW_YEAR_MAKE_UP_2027), ADMIN)
        # no waiting for a cache to age: the other's next write reads the calendar's version
        second = report(other, start, "DJ01", 2)
        assert other.get(second).deadline == local(2027, 1, 11, 15, 30)
    finally:
        other.engine.dispose()


def test_entering_a_year_recomputes_the_open_cases_each_with_an_event(store: Store) -> None:
    published: list[Event] = []
    store.publish = published.append
    # DJ01: 52 working hours end to end (its stages: 2 + 1 + 2 + 37.5 + 7.5 + 2). From Thu
    # 2026-12-31 16:00: 1 h 30 that day; with 元旦 by law and no make-up day, Jan 4–8 (37 h
    # 30) and Mon Jan 11 (7 h 30), then 3 h 30 and 2 h on Tue Jan 12: due 15:30. Its first
    # stage, 立案 (2 h), is due Mon Jan 4 09:00.
    moving = report(store, local(2026, 12, 31, 16), "DJ01", 1)
    closed = report(store, local(2026, 12, 31, 16), "DJ01", 2)
    close(store, closed, local(2026, 12, 31, 16, 30))
    calendar_hours = report(store, local(2026, 12, 31, 16), "CG01", 3)
    early = report(store, local(2026, 12, 1, 10), "DJ01", 4)  # due long before 2027
    assert not store.catalog.category("CG01").working_hours
    before = {i: store.get(i) for i in (moving, closed, calendar_hours, early)}
    assert before[moving].deadline == local(2027, 1, 12, 15, 30)
    published.clear()
    last_seq = store.last_seq()

    store.now = lambda: local(2026, 12, 31, 17)
    entered = store.enter_calendar_year(parse_schedule(NEW_YEAR_MAKE_UP_2027), ADMIN)

    # With Sat Jan 2 a make-up workday, one working day sooner: Mon Jan 11 15:30; and the
    # 立案 stage under way falls due on that Saturday, 09:00.
    assert entered.recomputed == 1
    after = store.get(moving)
    assert before[moving].stage == after.stage == "file"
    assert before[moving].stage_due_at == local(2027, 1, 4, 9)
    assert after.stage_due_at == local(2027, 1, 2, 9)
    assert after.deadline == local(2027, 1, 11, 15, 30)
    assert after.watch_at == store.sla.deadline(after.created_at, 52 * 0.5, True)
    assert after.at_risk_at == store.sla.deadline(after.created_at, 52 * 0.8, True)
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
    assert ev.data["deadline_before"] == "2027-01-12T15:30:00+08:00"
    assert ev.data["deadline_after"] == "2027-01-11T15:30:00+08:00"
    assert ev.data["deadline"] == "2027-01-11T15:30:00+08:00"  # the summary screens apply
    assert [e.seq for e in published] == [ev.seq]

    rows = rollup_rows(store)
    store.rebuild_rollup()
    assert rollup_rows(store) == rows

    # Counting again on the same calendar moves nothing and writes nothing.
    assert store.recompute_open_deadlines("admin:root", "again") == 0
    assert store.last_seq() == ev.seq
    # Entering the fuller schedule (Jan 2 no make-up day) moves it back.
    assert store.enter_calendar_year(parse_schedule(SCHEDULE_2027), ADMIN).recomputed == 1
    assert store.get(moving).deadline == local(2027, 1, 12, 15, 30)
    with store.read() as conn:
        kinds = conn.execute(select(events.c.kind).where(events.c.case_id == moving)).all()
    assert [k for (k,) in kinds].count("case.recomputed") == 2


def test_a_stage_under_way_is_re_timed_though_the_case_deadline_stands(store: Store) -> None:
    # Reported on Tue 2026-12-01, handled on Thu Dec 31 at 16:00: the case is long overdue
    # (due Dec 9), and its 核查 stage (7 h 30) began at 16:00: 1 h 30 that day, 6 h on the
    # next working day: Mon Jan 4 16:00 by law, Sat Jan 2 16:00 with the make-up day.
    case_id = report(store, local(2026, 12, 1, 10), "DJ01", 1)
    store.now = lambda: local(2026, 12, 31, 16)
    for name, actor in (("file", OP), ("dispatch", OP), ("accept", LIAISON), ("handle", LIAISON)):
        store.apply(case_id, name, actor)
    before = store.get(case_id)
    assert (before.stage, before.stage_due_at) == ("verify", local(2027, 1, 4, 16))

    store.enter_calendar_year(parse_schedule(NEW_YEAR_MAKE_UP_2027), ADMIN)

    after = store.get(case_id)
    assert (after.stage, after.stage_due_at) == ("verify", local(2027, 1, 2, 16))
    assert after.deadline == before.deadline  # the case's own deadline stands
    ev = store.events_since(store.last_seq() - 1)[0]
    assert (ev.kind, ev.case_id) == ("case.recomputed", case_id)
    assert ev.data["deadline_before"] == ev.data["deadline_after"]
    assert ev.data["stage_due"] == int(local(2027, 1, 2, 16).timestamp())
    rows = rollup_rows(store)
    store.rebuild_rollup()
    assert rollup_rows(store) == rows


def test_a_supervision_s_answer_clock_still_waiting_is_re_timed(store: Store) -> None:
    # Overdue since December, 督办 by the lead on Thu Dec 31 at 16:00: the department owes
    # an answer within 2 working hours, 1 h 30 that day and 30 min on the next working day.
    case_id = report(store, local(2026, 12, 1, 10), "DJ01", 1)
    store.now = lambda: local(2026, 12, 1, 10, 5)
    store.apply(case_id, "file", OP)
    store.apply(case_id, "dispatch", OP)
    store.now = lambda: local(2026, 12, 31, 16)
    store.apply(case_id, "supervise", Actor("lead", Role.LEAD), "逾期未处置")
    assert store.get(case_id).supervise_due_at == local(2027, 1, 4, 9)

    store.enter_calendar_year(parse_schedule(NEW_YEAR_MAKE_UP_2027), ADMIN)

    assert store.get(case_id).supervise_due_at == local(2027, 1, 2, 9)
    last = store.events_since(store.last_seq() - 1)[0]
    assert last.kind == "case.recomputed"
    assert last.data["answer_by"] == int(local(2027, 1, 2, 9).timestamp())
