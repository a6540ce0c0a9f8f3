"""The audit log of 泉心愿 and the three lists: every step of every item is an event, with
a gap-free sequence number of its own, written in the same transaction as the step.

A step is written through ``Platform.writing()``: the transaction's first statement bumps
this log's counter (its row lock queues the writers, so numbers follow commit order, as
the case log's do), the step changes its rows, ``record`` adds the event, and once the
transaction has committed the platform publishes the event to its subscribers (the
dashboard's hub, which sends it to the rooms allowed to see it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from cases.quanxinyuan.schema import qxy_events
from cases.schema import sequences

SEQUENCE = "quanxinyuan"
# What an event is about (``item_kind``): each is a table of its own.
ITEM_KINDS = ("wish", "call", "signup", "problem", "need", "resource", "project", "unit", "team")


@dataclass(frozen=True)
class QxyEvent:
    seq: int
    kind: str  # "<item_kind>.<step>", e.g. wish.claim
    item_kind: str
    item_id: int
    community_code: str
    at: datetime
    actor: str
    to_state: str
    from_state: str | None = None
    unit_id: str | None = None
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        """As it goes to a screen: no personal data is ever put in an event's ``data``."""
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


def next_seq(conn: Connection) -> int:
    """Bump the log's counter: the first statement of every write (the writers' lock)."""
    return int(
        conn.execute(
            update(sequences)
            .where(sequences.c.name == SEQUENCE)
            .values(value=sequences.c.value + 1)
            .returning(sequences.c.value)
        ).scalar_one()
    )


def record(conn: Connection, seq: int, event_fields: dict[str, Any]) -> QxyEvent:
    """Write one event with ``seq`` (from ``next_seq`` in this transaction)."""
    event = QxyEvent(seq=seq, **event_fields)
    row = asdict(event)
    conn.execute(insert(qxy_events).values(**row))
    return event


def _event(row: Any) -> QxyEvent:
    return QxyEvent(**dict(row._mapping))


def of_item(conn: Connection, item_kind: str, item_id: int) -> list[QxyEvent]:
    """An item's history, oldest first."""
    rows = conn.execute(
        select(qxy_events)
        .where(qxy_events.c.item_kind == item_kind, qxy_events.c.item_id == item_id)
        .order_by(qxy_events.c.seq)
    )
    return [_event(r) for r in rows]


def since(conn: Connection, after: int, limit: int = 500) -> list[QxyEvent]:
    rows = conn.execute(
        select(qxy_events).where(qxy_events.c.seq > after).order_by(qxy_events.c.seq).limit(limit)
    )
    return [_event(r) for r in rows]
