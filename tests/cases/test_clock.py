"""Epoch-second helpers of cases.clock agree with the time-zone database."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from cases import clock


def test_local_day_and_hour_of_an_epoch_second_agree_with_zoneinfo() -> None:
    rng = random.Random(1)
    start = datetime(2004, 1, 1, tzinfo=UTC).timestamp()
    for _ in range(2000):
        t = start + rng.uniform(0, 30 * 365 * 86400)
        local = datetime.fromtimestamp(t, clock.LOCAL_TZ)
        day = clock.local_day_number(t)
        assert clock.day_number_date(day) == local.date()
        hours = local.hour + local.minute / 60 + (local.second + local.microsecond / 1e6) / 3600
        assert abs(clock.local_hour(t) - hours) < 1e-6
        midnight = clock.local_midnight_epoch(day)
        assert datetime.fromtimestamp(midnight, clock.LOCAL_TZ) == datetime.combine(
            local.date(), datetime.min.time(), tzinfo=clock.LOCAL_TZ
        )
        assert midnight == clock.local_day_start(local).timestamp()


def test_day_numbers_count_from_1970() -> None:
    assert clock.day_number_date(0) == date(1970, 1, 1)
    shanghai_new_year = datetime(2026, 1, 1, tzinfo=clock.LOCAL_TZ)
    assert (
        clock.local_day_number(shanghai_new_year.timestamp())
        == (date(2026, 1, 1) - date(1970, 1, 1)).days
    )
    # 23:59:59 on 31 December is still the old year, although it is 15:59:59 UTC
    assert (
        clock.local_day_number(shanghai_new_year.timestamp() - 1)
        == (date(2025, 12, 31) - date(1970, 1, 1)).days
    )


def test_next_local_step_is_the_next_whole_step_after_local_midnight() -> None:
    at = datetime(2026, 11, 25, 9, 40, 12, tzinfo=clock.LOCAL_TZ)
    assert (
        clock.next_local_step(at.timestamp(), clock.HOUR_S)
        == at.replace(minute=0, second=0).timestamp() + clock.HOUR_S
    )
    quarter_past = at.replace(minute=15, second=0).timestamp()
    assert clock.next_local_step(quarter_past, 1800) == at.replace(minute=30, second=0).timestamp()
    on_the_hour = at.replace(minute=0, second=0).timestamp()
    assert clock.next_local_step(on_the_hour, clock.HOUR_S) == on_the_hour + clock.HOUR_S
    late = datetime(2026, 11, 25, 23, 10, tzinfo=clock.LOCAL_TZ)
    assert datetime.fromtimestamp(
        clock.next_local_step(late.timestamp(), clock.HOUR_S), clock.LOCAL_TZ
    ) == datetime(2026, 11, 26, tzinfo=clock.LOCAL_TZ)


def test_epoch_reads_stored_naive_times_as_utc() -> None:
    aware = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert clock.epoch(aware.replace(tzinfo=None)) == aware.timestamp()
    assert clock.epoch(aware.astimezone(clock.LOCAL_TZ)) == aware.timestamp()
    assert clock.epoch(aware + timedelta(microseconds=1)) - aware.timestamp() > 0
