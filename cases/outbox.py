"""The outbox: the event log itself, published in order by one process of the deployment.

A request commits its event and returns; it never waits on Redis. The publisher, a thread
in every server process, publishes only while its process holds the deployment's lease
(``cases.lease``): it reads the events after the published mark, hands them, in order and
in batches, to ``deliver`` (the screens' fan-out), and moves the mark forward. The mark is
the ``sequences`` row ``published`` in the store, so events committed before a crash, or
by a process that has no publisher (the simulator, the queue's consumer, a command), are
published by whoever holds the lease next.

A delivery that fails with one of ``retry_on`` (Redis away) is tried again, the same
events from the same mark, until it goes through: nothing is skipped, and a screen may get
an event twice, which it knows by its sequence number. The writers wake the publisher
(``wake``) so a report made in this process goes out at once; others' are found by polling
the log every ``poll`` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from cases import metrics
from cases.lease import Lease
from cases.schema import sequences


class Logged(Protocol):
    """An entry of a gap-free log: a case event, or one of 泉心愿's."""

    seq: int
    at: datetime


log = logging.getLogger(__name__)

HANDED_MAX = 10_000
PUBLISHED = "published"  # the sequences row: the last case event published
EVENTS = "events"  # the sequences row: the last case event committed


class Outbox:
    """Publishes the log that ``read(after, limit)`` reads, whose last entry committed is
    the ``sequences`` row ``committed``, keeping its mark in the row ``marked``."""

    def __init__(
        self,
        engine: Engine,
        read: Callable[[int, int], Sequence[Any]],
        deliver: Callable[[list[Any]], None],
        lease: Lease,
        *,
        committed: str = EVENTS,
        marked: str = PUBLISHED,
        poll: float = 0.02,
        gather: float = 0.002,
        batch: int = 500,
        retry_on: tuple[type[BaseException], ...] = (Exception,),
        max_backoff: float = 1.0,
        mark_every: float = 0.25,
    ) -> None:
        self.engine = engine
        self.read = read
        self.deliver = deliver
        self.committed = committed
        self.marked = marked
        self.lease = lease
        self.poll = poll
        self.gather = gather  # wait this long after a wake: a burst goes out as one batch
        self.batch = batch
        self.retry_on = retry_on
        self.max_backoff = max_backoff
        self.mark: int | None = None  # the last event published (None: read it first)
        # The mark is stored at most this often while events flow, and at once when they
        # stop: a crash makes the next holder publish again at most this much (screens know
        # an event again by its sequence number).
        self.mark_every = mark_every
        self._stored_mark: int | None = None
        self._stored_at = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False
        self._one_at_a_time = threading.Lock()  # the thread's step and drain()
        # Events this process committed, handed over by their writers: while they follow the
        # mark without a gap they go out as they are, with no read of the log.
        self._handed: dict[int, Any] = {}
        self._handed_lock = threading.Lock()

    # -- the writers' side ------------------------------------------------------------------
    def wake(self, event: object = None) -> None:
        """An event was committed in this process (after its commit, never before): publish
        without waiting for the poll."""
        seq = getattr(event, "seq", None)
        if isinstance(seq, int):
            with self._handed_lock:
                if len(self._handed) >= HANDED_MAX:  # not ours to publish, or far behind
                    self._handed.clear()
                self._handed[seq] = event
        self._wake.set()

    def _forget_through(self, seq: int) -> None:
        with self._handed_lock:
            for old in [s for s in self._handed if s <= seq]:
                del self._handed[old]

    def _handed_run(self, after: int) -> list[Any]:
        """This process's own events that follow ``after`` without a gap (taken)."""
        self._forget_through(after)
        run: list[Any] = []
        with self._handed_lock:
            while len(run) < self.batch and (after + len(run) + 1) in self._handed:
                run.append(self._handed.pop(after + len(run) + 1))
        return run

    # -- the publisher ----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="gridcc-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._one_at_a_time:
            self._store_mark(force=True)  # the next holder goes on from here
        self.lease.release()
        metrics.OUTBOX_LEASE.set(0)

    def _run(self) -> None:
        backoff = 0.05
        while not self._stop.is_set():
            try:
                sent = self.step()
                backoff = 0.05
            except self.retry_on as exc:
                if not self._failing:
                    log.warning("outbox: publishing paused, will retry: %s", exc)
                self._failing = True
                self._stop.wait(backoff)
                backoff = min(self.max_backoff, backoff * 2)
                continue
            if self._failing and sent >= 0:
                log.info("outbox: publishing again from event %s", self.mark)
                self._failing = False
            if sent > 0:
                continue  # more may wait behind this batch
            # Nothing waiting (or not ours to publish): sleep until woken or the poll.
            if self._wake.wait(self.poll if sent == 0 else self.poll * 5):
                self._wake.clear()
                self._stop.wait(self.gather)

    def drain(self) -> None:
        """Publish, before returning, every event committed so far (when this process holds
        the lease): for a caller that must know its screens have been told."""
        while self.step() > 0:
            pass

    def step(self) -> int:
        """Publish what is waiting, one batch: the number of events published, or -1 when
        this process does not hold the lease."""
        with self._one_at_a_time:
            return self._step()

    def _step(self) -> int:
        if not self.lease.hold():
            metrics.OUTBOX_LEASE.set(0)
            self.mark = self._stored_mark = None  # another moves it now: read it when ours
            with self._handed_lock:
                self._handed.clear()  # the holder reads them from the log
            return -1
        metrics.OUTBOX_LEASE.set(1)
        if self.mark is None:
            self.mark = self._read_mark()
        own = self._handed_run(self.mark)
        if own:  # the fast path: events committed here, right after the mark
            self.deliver(own)
            self._published(own)
            return len(own)
        head = self._committed()
        if head < self.mark:  # the store was put back to an earlier copy: follow it
            log.warning("outbox: the log ends at %d, before the published mark %d", head, self.mark)
            self.mark = head
        metrics.OUTBOX_LAG.set(head - self.mark)
        if head == self.mark:
            self._store_mark(force=True)
            return 0
        pending = list(self.read(self.mark, self.batch))
        if not pending:
            return 0
        self._forget_through(pending[-1].seq)  # read from the log: not to be sent again
        self.deliver(pending)
        self._published(pending)
        metrics.OUTBOX_LAG.set(max(0, head - self.mark))
        return len(pending)

    def _published(self, sent: Sequence[Logged]) -> None:
        self.mark = sent[-1].seq
        metrics.EVENTS_PUBLISHED.inc(len(sent))
        now = time.time()
        for ev in sent:
            age = now - ev.at.replace(tzinfo=ev.at.tzinfo or UTC).timestamp()
            if 0 <= age < 3600:  # a simulated clock's events tell nothing of latency
                metrics.ACCEPTED_TO_PUBLISHED.observe(age)
        self._store_mark(force=False)

    def _store_mark(self, force: bool) -> None:
        if self.mark is None or self.mark == self._stored_mark:
            return
        moment = time.monotonic()
        if not force and moment - self._stored_at < self.mark_every:
            return
        try:
            self._write_mark(self.mark)
        except SQLAlchemyError as exc:  # the store is away: the mark in memory stands
            log.warning("outbox: published mark %d not stored yet: %s", self.mark, exc)
            return
        self._stored_mark, self._stored_at = self.mark, moment

    # -- the published mark, in the store ---------------------------------------------------
    def _read_mark(self) -> int:
        engine = self.engine
        with engine.begin() as conn:
            found = conn.execute(
                select(sequences.c.value).where(sequences.c.name == self.marked)
            ).scalar()
            if found is not None:
                return int(found)
            # A store older than the outbox: what is in its log now was shown long ago.
            head = int(
                conn.execute(
                    select(sequences.c.value).where(sequences.c.name == self.committed)
                ).scalar_one()
            )
        try:
            with engine.begin() as conn:
                conn.execute(insert(sequences).values(name=self.marked, value=head))
        except IntegrityError:
            return self._read_mark()  # another process wrote it first
        return head

    def _write_mark(self, mark: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(sequences)
                .where(sequences.c.name == self.marked, sequences.c.value < mark)
                .values(value=mark)
            )

    def _committed(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(sequences.c.value).where(sequences.c.name == self.committed)
                ).scalar_one()
            )
