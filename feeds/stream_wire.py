"""The intake queue's wire: its keys, what a message carries and how it is read, the
client the consumer uses, and what a department system (or ``gridcc queue send``) does.
The consumer itself is ``feeds.stream``; the README's queue section describes the keys."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.exc import DBAPIError, OperationalError

from feeds.intake import MAX_REPORT_BYTES, Rejection

REPORT_FIELD = b"report"
GROUP = "gridcc"
KEEP_ENTRIES = 100_000  # :results and :dead are trimmed to about this many entries


@dataclass(frozen=True)
class StreamNames:
    """The keys of one deployment's intake queue."""

    stream: str
    group: str = GROUP

    @property
    def dead(self) -> str:
        return f"{self.stream}:dead"

    @property
    def results(self) -> str:
        return f"{self.stream}:results"


@dataclass(frozen=True)
class Message:
    id: bytes
    fields: dict[bytes, bytes]
    deliveries: int  # as Redis counts them: 1 for a first read, +1 for each claim


def is_transient(exc: BaseException) -> bool:
    """A failure that passes (the store or Redis unreachable, a lock or serialization
    conflict): the message stays pending and is tried again, never dead-lettered."""
    if isinstance(exc, redis.ConnectionError | redis.TimeoutError | OperationalError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def connect(url: str, consumer: str, block_ms: int = 1000) -> redis.Redis:
    """A client whose connections carry the consumer's name (CLIENT LIST shows whose they
    are) and that does not retry by itself: the consumer's loop backs off and reconnects,
    and a retried EXEC could write a result twice."""
    return redis.Redis.from_url(
        url,
        client_name=f"gridcc-intake:{consumer}",
        retry=Retry(NoBackoff(), 0),
        socket_timeout=block_ms / 1000 + 10,  # a silent server is a dropped connection
        socket_connect_timeout=5,
        health_check_interval=30,
    )


def default_consumer() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def send(client: redis.Redis, names: StreamNames, report: dict[str, Any]) -> bytes:
    """Queue one report, as a department system does; returns the message id."""
    data = json.dumps(report, ensure_ascii=False)
    message_id: Any = client.xadd(names.stream, {REPORT_FIELD: data.encode("utf-8")})
    return bytes(message_id)


def dead_letters(client: redis.Redis, names: StreamNames, count: int = 20) -> list[dict[str, str]]:
    """The newest dead letters first, fields as text."""
    entries: Any = client.xrevrange(names.dead, count=count)
    return [{"id": text(i), **{text(k): text(v) for k, v in f.items()}} for i, f in entries]


def report_of(fields: dict[bytes, bytes]) -> tuple[Any, str]:
    """The report a message carries, decoded, and its JSON text; a Rejection if none."""
    data = fields.get(REPORT_FIELD)
    if data is None:
        raise Rejection(400, "invalid_message", "no 'report' field (the report as JSON)")
    if len(data) > MAX_REPORT_BYTES:
        raise Rejection(
            413, "too_large", f"a report is at most {MAX_REPORT_BYTES} bytes ({len(data)})"
        )
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejection(400, "invalid_json", "the report is not UTF-8") from None
    try:
        return json.loads(raw), raw
    except (ValueError, RecursionError) as exc:
        raise Rejection(400, "invalid_json", f"the report is not JSON: {exc}") from None


def result_fields(
    message: Message, report_id: str, outcome: str, answer: dict[str, Any]
) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "message_id": message.id,
        "outcome": outcome,
        "answer": json.dumps(answer, ensure_ascii=False),
    }


def kept(fields: dict[bytes, bytes]) -> str:
    """What a message said, as text, for the refusal's record."""
    data = fields.get(REPORT_FIELD)
    if data is not None:
        return data[:MAX_REPORT_BYTES].decode("utf-8", "backslashreplace")
    return json.dumps({text(k): text(v)[:1024] for k, v in fields.items()}, ensure_ascii=False)


def detail(rejection: Rejection) -> str:
    named = "; ".join(f"{name}: {problem}" for name, problem in rejection.fields.items())
    return f"{rejection.message} ({named})" if named else rejection.message


def text(value: bytes | str) -> str:
    return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value


def brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
