"""Store.find_cases: the filtered, paged read Open311 lists requests with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cases.clock import LOCAL_TZ
from cases.model import Report, Status
from cases.store import Store
from cases.workflow import Actor, Role

DESK = Actor("op", Role.OPERATOR)
START = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)


def open_at(store: Store, hours: int, category: str = "SR01") -> int:
    store.now = lambda: START + timedelta(hours=hours)
    report = Report("citizen", category, f"r{hours}", 117.03, 36.67, "370102001001001")
    return store.open_case(report)[0].id


def test_filters_combine_and_the_newest_come_first(store: Store) -> None:
    a, b, c, d = (
        open_at(store, h, cat) for h, cat in ((0, "SR01"), (1, "CG05"), (2, "SR01"), (3, "MD03"))
    )
    store.apply(c, "file", DESK)
    store.apply(c, "void", DESK, reason="重复")

    def ids(**filters: object) -> list[int]:
        return [case.id for case in store.find_cases(**filters)]  # type: ignore[arg-type]

    assert ids() == [d, c, b, a]
    assert ids(categories=["SR01", "CG05"]) == [c, b, a]
    assert ids(categories=[]) == []
    assert ids(statuses=[Status.VOID, Status.CLOSED]) == [c]
    assert ids(statuses=[Status.REPORTED], categories=["SR01"]) == [a]
    assert ids(ids=[a, c, 999, 0, -1, 2**40]) == [c, a]
    assert ids(ids=[]) == []
    # Bounds are inclusive and compared as instants, whatever the offset they are given in.
    local = START.astimezone(LOCAL_TZ)
    assert ids(created_from=local + timedelta(hours=1), created_to=local + timedelta(hours=2)) == [
        c,
        b,
    ]
    assert ids(created_from=START + timedelta(minutes=1)) == [d, c, b]
    assert ids(created_to=START) == [a]
    assert ids(limit=2) == [d, c]
    assert ids(limit=2, offset=2) == [b, a]
    assert ids(limit=2, offset=4) == []
