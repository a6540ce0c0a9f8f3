"""Fixtures for 泉心愿's domain: a platform on the store (SQLite and PostgreSQL), a clock
the test moves, and a sender that keeps the codes it was asked to send (the SMS gateway
is the one outside part; everything else is real)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cases.quanxinyuan.platform import Places, Platform
from cases.quanxinyuan.residents import Residents


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class Outbox:
    """The codes as an SMS gateway would have sent them."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))

    def last(self, phone: str) -> str:
        return [c for p, c in self.sent if p == phone][-1]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def platform(store: Any, grid: Any, clock: Clock) -> Iterator[Platform]:
    places = Places(zip(grid.codes, grid.street_names, grid.community_names, strict=True))
    yield Platform(store.engine, places, clock)


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def residents(platform: Platform, outbox: Outbox) -> Residents:
    return Residents(platform, outbox)
