"""The store, on SQLite and on PostgreSQL (the ``store`` fixture runs each test on both)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cases.model import Conflict, InvalidTransition, Report, Status, UnknownCase
from cases.schema import events
from cases.store import Store


def report(n: int = 0, external_id: str | None = None, cell: str = "370102001001001") -> Report:
    return Report(
        source="patrol",
        category_code="SR01",
        description=f"暴露垃圾 {n}",
        lon=117.05,
        lat=36.66,
        cell_code=cell,
        place="姚家街道",
        external_id=external_id,
    )


def all_seqs(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return [r.seq for r in conn.execute(select(events.c.seq).order_by(events.c.seq))]


def test_open_case_writes_case_and_event_in_one_go(store: Store) -> None:
    published = []
    store.publish = published.append
    case, created = store.open_case(report(1))
    assert created
    assert case.status is Status.REPORTED
    assert case.department == "chengguan"
    assert case.deadline - case.created_at == timedelta(hours=24)
    assert store.get(case.id) == case
    [ev] = store.events_since(0)
    assert (ev.seq, ev.kind, ev.case_id, ev.to_status) == (
        1,
        "case.reported",
        case.id,
        Status.REPORTED,
    )
    assert ev.data["cell"] == "370102001001001"
    assert published == [ev]
    assert store.last_seq() == 1


def test_duplicate_external_id_is_one_case_and_leaves_no_gap(store: Store) -> None:
    first, created = store.open_case(report(1, external_id="w-1"))
    again, created_again = store.open_case(report(2, external_id="w-1"))
    assert created and not created_again
    assert again.id == first.id and again.description == "暴露垃圾 1"
    store.open_case(report(3, external_id="w-2"))
    assert all_seqs(store) == [1, 2]


def test_transitions_follow_the_lifecycle_and_are_logged(store: Store) -> None:
    case, _ = store.open_case(report())
    for to in (Status.FILED, Status.DISPATCHED, Status.HANDLED, Status.CLOSED):
        store.transition(case.id, to, actor="op-1", reason="ok")
    done = store.get(case.id)
    assert done.status is Status.CLOSED and done.closed_at is not None and done.version == 5
    log = store.events_since(1)
    assert [(e.from_status, e.to_status) for e in log] == [
        (Status.REPORTED, Status.FILED),
        (Status.FILED, Status.DISPATCHED),
        (Status.DISPATCHED, Status.HANDLED),
        (Status.HANDLED, Status.CLOSED),
    ]
    assert {e.actor for e in log} == {"op-1"}


def test_refused_transition_writes_nothing(store: Store) -> None:
    case, _ = store.open_case(report())
    with pytest.raises(InvalidTransition):
        store.transition(case.id, Status.CLOSED, actor="op")
    with pytest.raises(UnknownCase):
        store.transition(999, Status.FILED, actor="op")
    assert store.get(case.id).status is Status.REPORTED
    assert all_seqs(store) == [1]


def test_stale_version_is_a_conflict_naming_the_current_state(store: Store) -> None:
    case, _ = store.open_case(report())
    store.transition(case.id, Status.FILED, actor="lead-a", expected_version=case.version)
    with pytest.raises(Conflict) as err:
        store.transition(case.id, Status.VOID, actor="lead-b", expected_version=case.version)
    assert err.value.current is Status.FILED
    assert all_seqs(store) == [1, 2]


def test_sequence_is_gap_free_and_increasing_under_concurrent_writers(store: Store) -> None:
    writers, each = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(w: int) -> None:
        try:
            start.wait()
            for i in range(each):
                case, _ = store.open_case(report(w * 100 + i, external_id=f"c-{w}-{i}"))
                if i % 3 == 0:
                    store.transition(case.id, Status.FILED, actor=f"w{w}")
                if i % 5 == 0:  # a duplicate submission in the middle of the storm
                    store.open_case(report(0, external_id=f"c-{w}-{i}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    filed = writers * len(range(0, each, 3))
    expected = writers * each + filed
    assert all_seqs(store) == list(range(1, expected + 1))
    assert store.last_seq() == expected
    # Commit order is sequence order: every case's own events are in order too.
    seen: dict[int, list[str]] = {}
    for ev in store.events_since(0, limit=10_000):
        seen.setdefault(ev.case_id, []).append(ev.kind)
    assert all(kinds[0] == "case.reported" for kinds in seen.values())


def test_snapshot_counts_open_cases_by_cell_and_today(store: Store) -> None:
    # 2026-11-25 01:00 in Shanghai is 2026-11-24 17:00 UTC: "today" starts at 16:00 UTC.
    store.now = lambda: datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # yesterday, local time
    old, _ = store.open_case(report(0, cell="370102001001002"))
    store.now = lambda: datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    a, _ = store.open_case(report(1))
    b, _ = store.open_case(report(2))
    for to in (Status.FILED, Status.DISPATCHED, Status.HANDLED, Status.CLOSED):
        store.transition(b.id, to, actor="op")
    store.transition(old.id, Status.VOID, actor="op")
    snap = store.snapshot()
    assert snap["seq"] == store.last_seq() == 8
    assert snap["open_by_cell"] == {"370102001001001": 1}
    assert snap["counters"] == {"open": 1, "today": 2, "closed_today": 1}
    assert snap["day_start"] == "2026-11-25T00:00:00+08:00"
    assert [e["case_id"] for e in snap["recent"]] == [old.id, a.id, b.id]


def test_rejections_are_kept(store: Store) -> None:
    rid = store.record_rejection("outside_grid", "far away", '{"lon": 1}')
    [row] = store.rejections()
    assert row["id"] == rid and row["reason"] == "outside_grid" and row["body"] == '{"lon": 1}'
