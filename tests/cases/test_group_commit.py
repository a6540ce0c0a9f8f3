"""Group commit (cases/group_commit.py): reports that arrive while another is being written
are made together in one transaction, each with its own sequence number, and a failing one
takes no other with it. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import event, select

from cases.metrics import WRITE_BATCH
from cases.model import DuplicateMismatch, Event
from cases.schema import cases, events
from cases.store import Store
from tests.cases.test_store import all_seqs, report

WAIT_S = 20.0


@contextmanager
def writers_held(store: Store) -> Iterator[None]:
    """Hold the writers' lock (the events counter's row) from another connection."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sequences SET value = value WHERE name = 'events'")
        yield


def commits(store: Store) -> list[int]:
    """The commits of transactions that opened cases: how many cases each opened."""
    made: list[int] = []

    def executed(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT INTO cases "):
            conn.info["opened"] = conn.info.get("opened", 0) + 1

    def committed(conn: Any) -> None:
        if conn.info.get("opened"):
            made.append(conn.info.pop("opened"))

    event.listen(store.engine, "after_cursor_execute", executed)
    event.listen(store.engine, "commit", committed)
    return made


def batches_of_seven() -> float:
    """Batches of 5-8 reports counted so far (the histogram's bucket ≤ 8 less ≤ 4)."""
    got = {
        s.labels["le"]: s.value
        for metric in WRITE_BATCH.collect()
        for s in metric.samples
        if s.name.endswith("_bucket")
    }
    return got["8.0"] - got["4.0"]


def poll(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_S:.0f} s: {what}")
        time.sleep(0.01)


def in_threads(calls: list[Callable[[], Any]]) -> tuple[list[threading.Thread], list[Any]]:
    """Start every call in a thread of its own; their results (or what they raised)."""
    out: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            out[i] = calls[i]()
        except Exception as exc:
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    return threads, out


def batched(store: Store, calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` while the writers' lock is held elsewhere, so the first leads a batch of
    one (waiting for the lock) and the rest queue for the next batch; then let go."""
    with writers_held(store):
        threads, out = in_threads(calls)
        poll(lambda: store._group.waiting() == len(calls) - 1, "the writes queued")
    for thread in threads:
        thread.join(WAIT_S)
    return out


def test_reports_arriving_together_share_one_commit(store: Store) -> None:
    published: list[Event] = []
    store.publish = published.append
    made = commits(store)
    counted = batches_of_seven()
    out = batched(store, [lambda n=n: store.open_case(report(n)) for n in range(8)])
    assert all(created for _case, created in out), out
    assert made == [1, 7]  # the first alone (it waited for the lock), then the other seven
    assert batches_of_seven() == counted + 1  # counted for /metrics
    assert all_seqs(store) == list(range(1, 9))
    assert [e.seq for e in published] == list(range(1, 9))  # in order, each once
    assert sorted(e.case_id for e in published) == sorted(c.id for c, _ in out)
    with store.engine.connect() as conn:
        pairs = conn.execute(select(events.c.seq, events.c.case_id)).all()
        stored = conn.execute(select(cases.c.description)).scalars().all()
    assert {(e.seq, e.case_id) for e in published} == set(pairs)
    assert sorted(stored) == sorted(f"暴露垃圾 {n}" for n in range(8))


def test_a_duplicate_in_a_batch_takes_no_other_report_with_it(store: Store) -> None:
    published: list[Event] = []
    store.publish = published.append
    same = report(0, external_id="hotline-1")
    clash = replace(report(1, external_id="hotline-1"), description="另一件事")
    calls = [
        lambda: store.open_case(report(9)),  # leads alone
        lambda: store.open_case(same),
        lambda: store.open_case(report(2)),
        lambda: store.open_case(same),  # the same report again: the first's case
        lambda: store.open_case(report(3)),
    ]
    out = batched(store, calls)
    created = [c for c, new in out if new]
    again = [c for c, new in out if not new]
    assert len(created) == 4 and len(again) == 1, out
    assert again[0].id in {c.id for c in created}
    assert all_seqs(store) == [1, 2, 3, 4]  # gap-free: the duplicate took no number
    assert [e.seq for e in published] == [1, 2, 3, 4]
    # A different report under a stored id is refused, in its own thread only.
    out = batched(
        store,
        [lambda: store.open_case(report(5)), lambda: store.open_case(clash)]
        + [lambda n=n: store.open_case(report(n)) for n in (6, 7)],
    )
    assert isinstance(out[1], DuplicateMismatch), out
    assert all(isinstance(o, tuple) and o[1] for i, o in enumerate(out) if i != 1), out
    assert all_seqs(store) == list(range(1, 8))


def test_a_report_alone_is_written_at_once_in_its_own_commit(store: Store) -> None:
    made = commits(store)
    for n in range(3):
        store.open_case(report(n))
        assert made == [1] * (n + 1)  # nothing waits for company
    assert all_seqs(store) == [1, 2, 3]
