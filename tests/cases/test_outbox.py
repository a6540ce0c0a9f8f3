"""The outbox on both stores: the log published in order, once per deployment, from a mark
kept in the store; a failing delivery tried again; the lease handed over in real Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from cases.lease import LocalLease, RedisLease
from cases.model import Event
from cases.outbox import Outbox
from cases.store import Store
from tests.cases.test_store import report


def opened(store: Store, n: int, start: int = 0) -> list[int]:
    return [store.open_case(report(start + i))[0].id for i in range(n)]


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class Screens:
    """What a deployment's screens were handed: every batch, in the order it came."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.lock = threading.Lock()
        self.fail_next = 0  # deliveries to refuse, as a Redis that is away does

    def __call__(self, batch: list[Event]) -> None:
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                raise ConnectionError("Redis away")
            self.batches.append([e.seq for e in batch])

    @property
    def seqs(self) -> list[int]:
        with self.lock:
            return [s for b in self.batches for s in b]


def test_the_log_is_published_in_order_in_batches_from_the_stored_mark(store: Store) -> None:
    screens = Screens()
    outbox = Outbox(store.engine, store.events_since, screens, LocalLease(), batch=4)
    opened(store, 3)  # before the first publisher: a store older than the outbox
    outbox.drain()
    assert screens.seqs == [], "what was in the log before any publisher is not sent again"
    opened(store, 10, start=3)
    outbox.drain()
    assert screens.seqs == list(range(4, 14))
    assert [len(b) for b in screens.batches] == [4, 4, 2]
    # A publisher that starts again (a crash, a new release) goes on from the stored mark.
    opened(store, 2, start=13)  # committed while no publisher ran
    again = Screens()
    Outbox(store.engine, store.events_since, again, LocalLease()).drain()
    assert again.seqs == [14, 15]


def test_a_failing_delivery_is_tried_again_from_the_same_event(store: Store) -> None:
    screens = Screens()
    outbox = Outbox(store.engine, store.events_since, screens, LocalLease(), max_backoff=0.05)
    outbox.drain()
    screens.fail_next = 3
    outbox.start()
    try:
        opened(store, 5)
        outbox.wake()
        wait_for(lambda: len(screens.seqs) == 5, "the five events after three refusals")
        opened(store, 1, start=5)
        outbox.wake()
        wait_for(lambda: len(screens.seqs) == 6, "the next event")
    finally:
        outbox.stop()
    assert screens.seqs == [1, 2, 3, 4, 5, 6]  # nothing skipped, nothing twice


def test_the_thread_publishes_a_commit_of_this_process_when_woken(store: Store) -> None:
    screens = Screens()
    # A poll so slow that only the wake can explain a prompt delivery.
    outbox = Outbox(store.engine, store.events_since, screens, LocalLease(), poll=600)
    store.publish = outbox.wake
    outbox.drain()
    outbox.start()
    try:
        opened(store, 1)
        wait_for(lambda: screens.seqs == [1], "the woken publisher", timeout=30)
    finally:
        outbox.stop()


def test_this_process_s_own_events_go_out_as_handed_and_others_from_the_log(
    store: Store, catalog: Any
) -> None:
    from cases.records import event_payload

    reads: list[int] = []

    def read(after: int, limit: int) -> list[Event]:
        reads.append(after)
        return store.events_since(after, limit)

    sent: list[Event] = []
    outbox = Outbox(store.engine, read, sent.extend, LocalLease())
    outbox.drain()
    store.publish = outbox.wake
    opened(store, 3)
    outbox.drain()
    assert [e.seq for e in sent] == [1, 2, 3] and reads == [], "no read of the log"
    # As the log has them: the screens get the same frames either way.
    assert [event_payload(e) for e in sent] == [event_payload(e) for e in store.events_since(0)]
    # Another process's commit (a store that does not wake this outbox) leaves a gap: the
    # log fills it, and this process's next event is not sent twice.
    other = Store(store.engine, catalog)
    other.open_case(report(50))
    opened(store, 1, start=51)
    outbox.drain()
    assert [e.seq for e in sent] == [1, 2, 3, 4, 5] and reads == [3]


@pytest.fixture
def lease_key(redis_url: str) -> Iterator[tuple[redis.Redis, str]]:
    client = redis.Redis.from_url(redis_url)
    yield client, f"test-{uuid.uuid4().hex}-outbox"
    client.close()


@pytest.mark.redis
def test_one_publisher_holds_the_lease_and_another_takes_over_when_it_dies(
    store: Store, lease_key: tuple[redis.Redis, str]
) -> None:
    client, key = lease_key
    first, second = Screens(), Screens()
    # mark_every=0: a stores its mark after every batch (see the next test for the window).
    a = Outbox(
        store.engine, store.events_since, first, RedisLease(client, key, ttl=0.6), mark_every=0
    )
    b = Outbox(store.engine, store.events_since, second, RedisLease(client, key, ttl=0.6))
    assert a.step() == 0 and b.step() == -1  # a holds it; b may not publish
    opened(store, 3)
    assert b.step() == -1 and a.step() == 3
    assert first.seqs == [1, 2, 3] and second.seqs == []
    # a dies without a word (no release); what is committed meanwhile waits in the log.
    opened(store, 2, start=3)
    wait_for(lambda: b.step() >= 0, "the lease to run out and pass to b")
    b.drain()
    assert second.seqs == [4, 5], "b goes on from the mark a left, and sends nothing twice"
    # a comes back from its freeze: it finds the lease taken and publishes nothing.
    assert a.step() == -1
    assert first.seqs == [1, 2, 3]


def test_a_publisher_that_dies_between_stores_of_its_mark_is_followed_without_a_gap(
    store: Store,
) -> None:
    """The mark is stored at most every ``mark_every`` while events flow: the next publisher
    may send again what the dead one sent since (a screen knows it by its sequence number),
    never skip anything."""
    first, second = Screens(), Screens()
    dead = Outbox(store.engine, store.events_since, first, LocalLease(), mark_every=3600)
    dead.drain()  # idle: the mark (0) is stored at once
    opened(store, 3)
    assert dead.step() == 3  # sent; its mark not stored yet (the last store was just now)
    opened(store, 2, start=3)
    Outbox(store.engine, store.events_since, second, LocalLease()).drain()
    assert first.seqs == [1, 2, 3] and second.seqs == [1, 2, 3, 4, 5]


@pytest.mark.redis
def test_a_clean_stop_hands_the_lease_over_at_once(
    store: Store, lease_key: tuple[redis.Redis, str]
) -> None:
    client, key = lease_key
    a = Outbox(store.engine, store.events_since, Screens(), RedisLease(client, key, ttl=3600))
    b = Outbox(store.engine, store.events_since, Screens(), RedisLease(client, key, ttl=3600))
    assert a.step() == 0 and b.step() == -1
    a.stop()
    assert b.step() == 0  # no hour's wait
