"""Time as the command center counts it: stored in UTC, shown and bucketed in Asia/Shanghai."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Read a stored timestamp: naive values (SQLite) are UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_day_start(moment: datetime) -> datetime:
    """Midnight in Asia/Shanghai of the day ``moment`` falls on, as a UTC datetime."""
    local = as_utc(moment).astimezone(LOCAL_TZ)
    start = datetime.combine(local.date(), time(0), tzinfo=LOCAL_TZ)
    return start.astimezone(UTC)


def local_day_end(moment: datetime) -> datetime:
    return local_day_start(local_day_start(moment) + timedelta(hours=36))


def iso_local(moment: datetime) -> str:
    """ISO 8601 with the +08:00 offset, to the second."""
    return as_utc(moment).astimezone(LOCAL_TZ).isoformat(timespec="seconds")


# -- epoch seconds ----------------------------------------------------------------------------
# Simulations keep time as epoch seconds (floats) and ask for the local day or hour ~10^5
# times a simulated month. Asia/Shanghai has kept UTC+8 without daylight saving since 1991,
# so for any instant they meet, local time is a fixed shift of UTC: no zone lookup each time.
LOCAL_OFFSET_S = (LOCAL_TZ.utcoffset(datetime(2000, 1, 1)) or timedelta(hours=8)).total_seconds()
HOUR_S = 3600.0
DAY_S = 86400.0
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def epoch(moment: datetime) -> float:
    """Epoch seconds of a stored or aware timestamp (naive values are UTC)."""
    return as_utc(moment).timestamp()


def local_day_number(epoch_s: float) -> int:
    """The local (Asia/Shanghai) calendar day of ``epoch_s``, as days since 1970-01-01."""
    return int((epoch_s + LOCAL_OFFSET_S) // DAY_S)


def local_hour(epoch_s: float) -> float:
    """Local (Asia/Shanghai) hours since midnight at ``epoch_s``: 0 <= hour < 24, fractional."""
    return ((epoch_s + LOCAL_OFFSET_S) % DAY_S) / HOUR_S


def local_midnight_epoch(day_number: int) -> float:
    """Epoch seconds of local midnight starting day ``day_number`` (see local_day_number)."""
    return day_number * DAY_S - LOCAL_OFFSET_S


def day_number_date(day_number: int) -> date:
    """The local calendar date of day ``day_number`` (see local_day_number)."""
    return date.fromordinal(day_number + _EPOCH_ORDINAL)


def next_local_step(epoch_s: float, step_s: float) -> float:
    """The first instant after ``epoch_s`` that is a whole number of ``step_s`` after local
    midnight (``HOUR_S``: the next full local hour; 1800: the next half hour)."""
    midnight = local_midnight_epoch(local_day_number(epoch_s))
    return midnight + (math.floor((epoch_s - midnight) / step_s) + 1) * step_s
