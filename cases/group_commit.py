"""Group commit: writes that arrive together are made in one transaction, one commit.

Writes queue on the writers' lock anyway (cases/storage.py), and each paid for its own
commit (on PostgreSQL a flush of the log to disk). Here the first writer to arrive leads:
it takes every write waiting (its own first), runs them one after another in one
transaction, each with its own sequence number, and commits once; the writes that came
meanwhile wait and are led by the next of them. A writer alone is led at once, as before:
nothing waits for company.

A write that fails (a duplicate caught by a unique constraint, a refusal) must not take the
others with it: the batch is rolled back and each of its writes is made again alone, so
each gets its own outcome. A store that is away fails them all at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from cases.metrics import WRITE_BATCH
from cases.model import Event

T = TypeVar("T")
MAX_BATCH = 64  # writes per transaction: a bound on how long the writers' lock is held

# One write inside the batch's transaction, given its sequence number: (result, its event).
Work = Callable[[Connection, int], tuple[T, Event]]
# Runs writes in one transaction and commits: the first sequence number is taken first.
RunBatch = Callable[[list[Work[Any]]], list[tuple[Any, Event]]]


@dataclass
class _Job(Generic[T]):
    work: Work[T]
    wake: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    result: tuple[T, Event] | None = None
    error: BaseException | None = None


class GroupCommit:
    """Leads concurrent writes into shared transactions; ``publish`` gets each committed
    event, in sequence order, after its batch's commit."""

    def __init__(self, run_batch: RunBatch, publish: Callable[[Event], None]) -> None:
        self._run_batch = run_batch
        self._publish = publish
        self._lock = threading.Lock()
        self._waiting: list[_Job[Any]] = []
        self._leading = False

    def write(self, work: Work[T]) -> T:
        """Make ``work`` (in a batch or alone); returns its result once committed and
        published, or raises what it raised."""
        job: _Job[T] = _Job(work)
        with self._lock:
            self._waiting.append(job)
            lead = not self._leading
            self._leading = True
        if not lead:
            job.wake.wait()
        if not job.finished:  # first in, or handed the lead by the batch before
            self._lead()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result[0]

    def waiting(self) -> int:
        """How many writes wait for a batch (not counting one being made)."""
        with self._lock:
            return len(self._waiting)

    def _lead(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
        try:
            self._make(batch)
        finally:
            with self._lock:
                after = self._waiting[0] if self._waiting else None
                self._leading = after is not None
            for job in batch:
                if job.result is None and job.error is None:  # the leader was interrupted
                    job.error = RuntimeError("the write's batch was not made")
                job.finished = True
                job.wake.set()
            if after is not None:
                after.wake.set()  # not finished: it leads the next batch

    def _make(self, batch: list[_Job[Any]]) -> None:
        try:
            results = self._run_batch([job.work for job in batch])
        except OperationalError as exc:  # the store is away: no write can be made
            for job in batch:
                job.error = exc
            return
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
            for job in batch:  # each alone: only the one that failed fails
                self._make([job])
            return
        WRITE_BATCH.observe(len(batch))
        for job, result in zip(batch, results, strict=True):
            job.result = result
        for _result, event in results:
            self._publish(event)
