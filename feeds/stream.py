"""The queue intake: department systems add reports to a Redis stream, and ``StreamIntake``,
one consumer of a consumer group, turns each into a case through the same ``Intake`` as
POST /api/reports.

Delivery is at least once and a report becomes one case, once: a message is acknowledged
only after its case is committed (or after it is refused and dead-lettered), and a message
delivered again finds its case by the sender's ``report_id``, which the queue requires.

Keys, for a stream named ``S`` (the INTAKE_STREAM setting; Redis 7 or later):

- ``S``: messages waiting, each a field ``report`` holding the report as JSON (the body of
  POST /api/reports); a settled message is deleted from it.
- ``S:results``: one entry per settled message: ``report_id``, ``message_id``,
  ``outcome`` (created, duplicate or refused) and ``answer``, the JSON the HTTP intake
  would have answered (with ``case_id``, or the refusal's ``error``).
- ``S:dead``: refused messages: their own fields, and ``dead.reason``, ``dead.detail``,
  ``dead.answer``, ``dead.id``, ``dead.deliveries``, ``dead.consumer``.
- group ``gridcc`` of ``S``: the consumers. A group lives inside its stream's key, so it
  is as much this deployment's as the stream is.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

import redis
from sqlalchemy.exc import DBAPIError

from feeds.intake import Accepted, Intake, Rejection
from feeds.stream_wire import (
    GROUP,
    KEEP_ENTRIES,
    REPORT_FIELD,
    Message,
    StreamNames,
    brief,
    connect,
    dead_letters,
    default_consumer,
    detail,
    is_transient,
    kept,
    report_of,
    result_fields,
    send,
    text,
)

__all__ = [
    "GROUP",
    "REPORT_FIELD",
    "StreamIntake",
    "StreamNames",
    "Tally",
    "connect",
    "dead_letters",
    "default_consumer",
    "send",
]

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """What a consumer did since it started."""

    created: int = 0
    duplicate: int = 0
    dead: int = 0
    failed: int = 0  # unexpected errors: left pending, claimed again after the min-idle time
    transient: int = 0  # the store or Redis away: backed off and tried again
    reclaimed: int = 0


class StreamIntake:
    """Reads a stream as one consumer of its group and settles each message: a case (or
    the case it already is), or a refusal recorded and dead-lettered; then acknowledges it.

    ``min_idle_ms``: how long a message stays with a consumer that went silent before
    another takes it over. ``max_deliveries``: a message delivered more often than this
    (each consumer that took it died or failed on it) is dead-lettered unread.
    """

    def __init__(
        self,
        client: redis.Redis,
        intake: Intake,
        names: StreamNames,
        consumer: str | None = None,
        *,
        batch: int = 50,
        min_idle_ms: int = 60_000,
        max_deliveries: int = 5,
        block_ms: int = 1000,
        max_backoff: float = 5.0,
    ) -> None:
        self.client = client
        self.intake = intake
        self.names = names
        self.consumer = consumer or default_consumer()
        self.batch = batch
        self.min_idle_ms = min_idle_ms
        self.max_deliveries = max_deliveries
        self.block_ms = block_ms
        self.max_backoff = max_backoff
        self.tally = Tally()
        self._in_hand: list[Message] = []
        self._claim_cursor: bytes | str = "0-0"
        self._group_ready = False

    def run(self, stop: threading.Event | None = None) -> Tally:
        """Consume until ``stop`` is set; transient failures back off (up to
        ``max_backoff`` seconds) and are tried again, with the messages kept in hand."""
        stop = stop or threading.Event()
        backoff = 0.0
        while not stop.is_set():
            try:
                self.step()
                backoff = 0.0
            except (redis.RedisError, DBAPIError) as exc:
                if isinstance(exc, redis.ResponseError) and "NOGROUP" in str(exc):
                    self._group_ready = False  # the stream was deleted: make it again
                    continue
                if not is_transient(exc):
                    raise
                self.tally.transient += 1
                backoff = min(self.max_backoff, max(0.05, backoff * 2))
                log.warning("intake queue: %s; again in %.2f s", brief(exc), backoff)
                stop.wait(backoff)
                self._keep_in_hand()
        return self.tally

    def step(self) -> int:
        """Settle the messages in hand, or else those idle too long with any consumer, or
        else new ones (waiting up to ``block_ms``); returns how many were taken."""
        if not self._group_ready:
            self.ensure_group()
        if not self._in_hand:
            self._in_hand = self._reclaim() or self._read_new()
        taken = 0
        while self._in_hand:
            self._handle(self._in_hand[0])  # a transient failure leaves it first in hand
            self._in_hand.pop(0)
            taken += 1
        return taken

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.names.stream, self.names.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    # -- reading ------------------------------------------------------------------------
    def _read_new(self) -> list[Message]:
        reply: Any = self.client.xreadgroup(
            self.names.group,
            self.consumer,
            {self.names.stream: ">"},
            count=self.batch,
            block=self.block_ms,
        )
        return [Message(i, f, 1) for _stream, entries in reply or [] for i, f in entries]

    def _reclaim(self) -> list[Message]:
        """Messages left pending longer than the min-idle time (by a consumer that died,
        or by this one after an unexpected error), with their delivery counts."""
        cursor, claimed, *_deleted = self.client.xautoclaim(
            self.names.stream,
            self.names.group,
            self.consumer,
            self.min_idle_ms,
            start_id=self._claim_cursor,
            count=self.batch,
        )
        self._claim_cursor = cursor
        if not claimed:
            return []
        with self.client.pipeline(transaction=False) as pipe:
            for message_id, _fields in claimed:
                pipe.xpending_range(
                    self.names.stream, self.names.group, message_id, message_id, 1, self.consumer
                )
            pending = pipe.execute()
        counts = {p[0]["message_id"]: int(p[0]["times_delivered"]) for p in pending if p}
        # One no longer pending with this consumer was settled by another meanwhile.
        taken = [Message(i, f, counts[i]) for i, f in claimed if i in counts]
        self.tally.reclaimed += len(taken)
        return taken

    def _keep_in_hand(self) -> None:
        """While backing off, claim the messages in hand again (JUSTID: their delivery
        count stays) so that no other consumer takes them as abandoned; drop those
        someone else settled meanwhile."""
        if not self._in_hand:
            return
        try:
            still_ours = set(
                self.client.xclaim(
                    self.names.stream,
                    self.names.group,
                    self.consumer,
                    0,
                    [m.id for m in self._in_hand],
                    justid=True,
                )
            )
        except redis.RedisError:
            return  # Redis is away as well: nobody can take them meanwhile
        self._in_hand = [m for m in self._in_hand if m.id in still_ours]

    # -- settling -----------------------------------------------------------------------
    def _handle(self, message: Message) -> None:
        if message.deliveries > self.max_deliveries:
            too_many = Rejection(
                422,
                "too_many_deliveries",
                f"delivered {message.deliveries} times and never settled: every consumer "
                "that took it died or failed on it",
            )
            self.intake.refuse(too_many, kept(message.fields))
            self._dead_letter(message, too_many, "")
            return
        try:
            body, raw = report_of(message.fields)
        except Rejection as rejection:
            self.intake.refuse(rejection, kept(message.fields))
            self._dead_letter(message, rejection, "")
            return
        said = body.get("report_id") if isinstance(body, dict) else None
        report_id = said[:128] if isinstance(said, str) else ""
        try:
            accepted = self.intake.accept(
                body, raw, require_report_id=True, sender=f"queue:{self.consumer}"
            )
        except Rejection as rejection:  # recorded by the intake
            self._dead_letter(message, rejection, report_id)
            return
        except Exception as exc:
            if is_transient(exc):
                raise
            self.tally.failed += 1
            log.exception("intake queue: message %s failed; left pending", text(message.id))
            return
        self._settle(message, report_id, accepted)

    def _settle(self, message: Message, report_id: str, accepted: Accepted) -> None:
        outcome = "created" if accepted.created else "duplicate"
        self._finish(message, result_fields(message, report_id, outcome, accepted.body()))
        if accepted.created:
            self.tally.created += 1
        else:
            self.tally.duplicate += 1

    def _dead_letter(self, message: Message, rejection: Rejection, report_id: str) -> None:
        answer = json.dumps(rejection.body(), ensure_ascii=False)
        dead: dict[Any, Any] = {
            **message.fields,
            b"dead.reason": rejection.error,
            b"dead.detail": detail(rejection),
            b"dead.answer": answer,
            b"dead.id": message.id,
            b"dead.deliveries": message.deliveries,
            b"dead.consumer": self.consumer,
        }
        result = result_fields(message, report_id, "refused", rejection.body())
        self._finish(message, result, dead)
        self.tally.dead += 1
        log.info("intake queue: message %s refused: %s", text(message.id), rejection.message)

    def _finish(
        self, message: Message, result: dict[Any, Any], dead: dict[Any, Any] | None = None
    ) -> None:
        """Dead letter, result, acknowledgement and deletion in one transaction: a message
        is settled with all of them or stays pending with none."""
        names = self.names
        with self.client.pipeline(transaction=True) as pipe:
            if dead is not None:
                pipe.xadd(names.dead, dead, maxlen=KEEP_ENTRIES, approximate=True)
            pipe.xadd(names.results, result, maxlen=KEEP_ENTRIES, approximate=True)
            pipe.xack(names.stream, names.group, message.id)
            pipe.xdel(names.stream, message.id)
            pipe.execute()
