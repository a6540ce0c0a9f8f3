"""The statements every write runs, built once with named parameters.

Building a statement per report (``insert(cases).values(**row)``: 50 columns coerced, a
cache key computed over all of them) cost more than running it. Built once, a statement's
cache key is kept on it and its compiled form in the engine's cache: a write only binds
its values (bench/ingest.py). Parameters that name a column the statement also sets are
spelled ``b_<column>`` (SQLAlchemy keeps a column's own name for its new value).
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select, update

from cases.schema import (
    audience_heads,
    case_stages,
    cases,
    event_audiences,
    events,
    rejected_reports,
    sequences,
)

# The next value of a counter (the writers' lock when it is the events' one), and a read.
NEXT_VALUE = (
    update(sequences)
    .where(sequences.c.name == bindparam("b_name"))
    .values(value=sequences.c.value + 1)
    .returning(sequences.c.value)
)
COUNTER = select(sequences.c.value).where(sequences.c.name == bindparam("name"))

INSERT_CASE = insert(cases).returning(cases.c.id)
# Every column but the id, from the row's values; only the version the writer read.
UPDATE_CASE = update(cases).where(
    cases.c.id == bindparam("b_id"), cases.c.version == bindparam("b_version")
)
CASE_BY_ID = select(cases).where(cases.c.id == bindparam("id"))
CASE_BY_EXTERNAL_ID = select(cases).where(
    cases.c.source == bindparam("source"), cases.c.external_id == bindparam("external_id")
)

INSERT_STAGE = insert(case_stages)
UPDATE_STAGE = update(case_stages).where(
    case_stages.c.case_id == bindparam("b_case_id"), case_stages.c.n == bindparam("b_n")
)
DELETE_STAGES_AFTER = delete(case_stages).where(
    case_stages.c.case_id == bindparam("case_id"), case_stages.c.n > bindparam("n")
)
STAGES_OF = (
    select(case_stages)
    .where(case_stages.c.case_id == bindparam("case_id"))
    .order_by(case_stages.c.n)
)

INSERT_EVENT = insert(events)
EVENTS_OF = select(events).where(events.c.case_id == bindparam("case_id")).order_by(events.c.seq)
LAST_EVENT_OF = (
    select(events)
    .where(events.c.case_id == bindparam("case_id"))
    .order_by(events.c.seq.desc())
    .limit(1)
)

INSERT_MEMBER = insert(event_audiences)
HEAD = select(audience_heads.c.seq).where(audience_heads.c.audience == bindparam("audience"))
INSERT_HEAD = insert(audience_heads)
SET_HEAD = update(audience_heads).where(audience_heads.c.audience == bindparam("b_audience"))
# PostgreSQL: move a head and say where it was, in one round trip (the FROM's copy of the
# row is the one the statement's snapshot sees: heads move only under the writers' lock,
# which this transaction holds, so it is the latest).
_was = audience_heads.alias("was")
MOVE_HEAD = (
    update(audience_heads)
    .where(
        audience_heads.c.audience == bindparam("b_audience"),
        _was.c.audience == audience_heads.c.audience,
    )
    .values(seq=bindparam("seq"))
    .returning(_was.c.seq)
)

INSERT_REJECTION = insert(rejected_reports).returning(rejected_reports.c.id)
