"""The district on the real clock: visibly live at any hour, stoppable, exactly N reports."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from cases import clock
from cases.model import Event, Status
from cases.store import Store
from feeds.operations import LiveDistrict, OpsSummary, run_live, run_operations
from geo.grid import Grid
from tests.feeds.operations.conftest import MONDAY, SUNDAY_3AM, FakeClock, event_log

DEMO_PER_MINUTE = 3  # what `gridcc demo` runs (SIMULATE_RATE)


def reported(store: Store) -> int:
    return sum(e.kind == "case.reported" for e in store.events_since(0, 100_000))


def test_the_demo_is_visibly_live_at_three_in_the_morning(store: Store, grid: Grid) -> None:
    """At 03:00 on a Sunday the district's own rhythm is ~7% of its mean: 4 minutes at 3 a
    minute would bring about one report. Live, the rate is a minimum."""
    fake = FakeClock(SUNDAY_3AM)
    store.now = fake.now
    live = run_live(
        store, grid, DEMO_PER_MINUTE, seconds=240, seed=1, now=fake.now, wait=fake.sleep
    )
    assert abs((fake.moment - SUNDAY_3AM).total_seconds() - 240) < 1e-3
    assert live.reports == reported(store) >= 8  # about 12 expected
    times = [clock.as_utc(e.at) for e in store.events_since(0, 100_000)]
    assert min(times) >= SUNDAY_3AM and max(times) <= fake.moment
    # The same four minutes of the district without the floor: nearly nothing.
    fake = FakeClock(SUNDAY_3AM + timedelta(days=7))
    store.now = fake.now
    quiet = run_live(
        store, grid, DEMO_PER_MINUTE, seconds=240, seed=1, live_floor=0.0,
        now=fake.now, wait=fake.sleep,
    )  # fmt: skip
    assert quiet.reports <= 3 < live.reports


def test_run_live_stops_at_exactly_count_reports(store: Store, grid: Grid) -> None:
    first = run_live(store, grid, 6000, count=5, seed=2)
    assert first.sent == first.reports == reported(store) == 5
    again = run_live(store, grid, 6000, count=3, seed=2)  # a second run is no duplicate
    assert again.sent == again.reports == 3 and reported(store) == 8
    assert run_live(store, grid, 6000, count=0).sent == 0 and reported(store) == 8
    # One district, run again: it picks up where the limit stopped it.
    district = LiveDistrict(store, grid, live_reports_per_day=6000 * 24 * 60, history_days=0)
    assert district.run(count=2).sent == 2
    assert district.run(count=3).sent == 5 and reported(store) == 13


def test_run_live_stops_after_seconds_or_when_told(store: Store, grid: Grid) -> None:
    fake = FakeClock(MONDAY + timedelta(hours=10))
    store.now = fake.now
    run_live(store, grid, 60, seconds=30, now=fake.now, wait=fake.sleep)
    assert abs(fake.slept - 30) < 1e-3
    stop = threading.Event()
    fake = FakeClock(MONDAY + timedelta(hours=11))
    store.now = fake.now

    def sleep_then_stop(seconds: float) -> bool:
        fake.sleep(seconds)
        if fake.slept >= 5:
            stop.set()
        return stop.is_set()

    run_live(store, grid, 60, now=fake.now, wait=sleep_then_stop, stop=stop)
    assert 5 <= fake.slept < 6


def test_history_then_live_with_staff_for_the_live_rate(store: Store, grid: Grid) -> None:
    fake = FakeClock(MONDAY + timedelta(days=1, hours=10))  # Tuesday 10:00
    district = LiveDistrict(
        store,
        grid,
        reports_per_day=45,
        live_reports_per_day=DEMO_PER_MINUTE * 24 * 60,
        history_days=1,
        seed=3,
        now=fake.now,
        wait=fake.sleep,
    )
    written = district.catch_up()
    assert written == len(event_log(store)) > 100
    times = [clock.as_utc(e.at) for e in store.events_since(0, 100_000)]
    assert min(times) >= MONDAY and max(times) <= fake.moment  # Monday 00:00 to now
    staff = district.district.staff
    t = fake.moment.timestamp()
    desk, crews = staff.desk.capacity(t), staff.office["chengguan"].capacity(t)
    store.now = fake.now
    before = reported(store)
    summary = district.run(seconds=600)
    # 10 minutes at 3 a minute or more (twice that at 10:00), on staff scaled up to match
    assert reported(store) - before >= 30
    assert staff.desk.capacity(t) > 50 * desk and staff.office["chengguan"].capacity(t) > 50 * crews
    assert summary.reports == reported(store)


def test_a_restarted_district_takes_over_the_open_cases(store: Store, grid: Grid) -> None:
    run_operations(store, grid, days=1, reports_per_day=60, seed=5, start=MONDAY)
    waiting = {c.id: c.status for c in store.open_cases()}
    assert len(waiting) > 10 and len(set(waiting.values())) > 2
    fake = FakeClock(MONDAY + timedelta(days=1, hours=9))  # Tuesday 09:00
    store.now = fake.now

    def restart(**options: Any) -> tuple[OpsSummary, list[Event]]:
        last = store.last_seq()
        summary = run_live(
            store, grid, 0.01, seconds=24 * 3600, now=fake.now, wait=fake.sleep, **options
        )
        return summary, [e for e in store.events_since(last, 100_000) if e.case_id in waiting]

    # Restarted as it was, the district works only its own new reports.
    _, touched = restart()
    assert touched == []
    # Taking the open cases over, a day later every case that waited for the desk, a
    # liaison or a verifier has moved on, each from where the store had it; of those in
    # the crews' hands (limits of up to ten working days) some are done.
    summary, touched = restart(resume_open=True)
    assert summary.conflicts == 0
    moved = {e.case_id for e in touched}
    in_work = {i for i, status in waiting.items() if status is Status.ACCEPTED}
    assert set(waiting) - in_work <= moved and moved & in_work
    first = {}
    for e in touched:
        first.setdefault(e.case_id, e)
    assert all(e.from_status is waiting[e.case_id] for e in first.values())
