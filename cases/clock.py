"""Time as the command center counts it: stored in UTC, shown and bucketed in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
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
