"""The raw floor of bench/ingest.py: the rows one report writes, written with the plain
driver (sqlite3 or psycopg) in one transaction and committed, then one Redis publish.

The rows are the store's own: one report goes through the store first, and its rows (the
case, its stages, its event, the view's head and member, its KPI counters) are read back
as the driver returns them and written again per report with the new case's id, sequence
number, description and report id. No validation, no location, no objects: what any
implementation must do at least, at the same durability (the store's commit, one publish).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import redis
from psycopg.types.json import Json
from sqlalchemy.engine import make_url

from cases.schema import KPI_COUNTERS


@dataclass(frozen=True)
class Template:
    """The rows the store wrote for case 1 (seq 1), as the driver reads them."""

    case_columns: list[str]
    case_row: list[Any]
    stage_columns: list[str]
    stage_rows: list[list[Any]]
    event_columns: list[str]
    event_row: list[Any]
    audiences: list[str]
    kpi_keys: list[tuple[str, str, str]]


def connect(database_url: str) -> Any:
    """A plain driver connection to the store at ``database_url`` (as the store sets it)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(
            str(url.database), timeout=30, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
    options = url.query.get("options")
    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        dbname=url.database,
        options=options if isinstance(options, str) else "",
    )


def read_template(database_url: str) -> Template:
    conn = connect(database_url)
    try:
        cur = conn.cursor()

        def rows(sql: str) -> tuple[list[str], list[list[Any]]]:
            cur.execute(sql)
            return [d[0] for d in cur.description], [list(r) for r in cur.fetchall()]

        case_columns, case_rows = rows("SELECT * FROM cases WHERE id = 1")
        stage_columns, stage_rows = rows("SELECT * FROM case_stages WHERE case_id = 1")
        event_columns, event_rows = rows("SELECT * FROM events WHERE seq = 1")
        _, audiences = rows("SELECT audience FROM event_audiences WHERE seq = 1")
        _, keys = rows("SELECT dim, key, day FROM kpi_rollup")
    finally:
        conn.close()
    drop = case_columns.index("id")
    return Template(
        [c for i, c in enumerate(case_columns) if i != drop],
        [v for i, v in enumerate(case_rows[0]) if i != drop],
        stage_columns,
        stage_rows,
        event_columns,
        event_rows[0],
        [a[0] for a in audiences],
        [(k[0], k[1], k[2]) for k in keys],
    )


class Floor:
    """Writes reports' rows with the plain driver; one instance per client thread."""

    def __init__(self, database_url: str, redis_url: str, template: Template) -> None:
        self.conn = connect(database_url)
        self.sqlite = isinstance(self.conn, sqlite3.Connection)
        self.redis = redis.Redis.from_url(redis_url)
        self.t = template
        p = "?" if self.sqlite else "%s"

        def insert(table: str, columns: Sequence[str], rows: int = 1) -> str:
            one = "(" + ", ".join([p] * len(columns)) + ")"
            return f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([one] * rows)

        t = template
        self.next_seq = f"UPDATE sequences SET value = value + 1 WHERE name = {p} RETURNING value"
        self.insert_case = insert("cases", t.case_columns) + " RETURNING id"
        self.insert_stage = insert("case_stages", t.stage_columns)
        self.insert_event = insert("events", t.event_columns)
        self.head = f"UPDATE audience_heads SET seq = {p} WHERE audience = {p}"
        self.member = insert("event_audiences", ["audience", "seq"])
        counters = ["dim", "key", "day", *KPI_COUNTERS]
        self.kpi = (
            insert("kpi_rollup", counters, len(t.kpi_keys))
            + " ON CONFLICT (dim, key, day) DO UPDATE SET "
            + ", ".join(f"{c} = kpi_rollup.{c} + excluded.{c}" for c in KPI_COUNTERS)
        )
        self.kpi_args = [
            v for key in t.kpi_keys for v in (*key, *(int(c == "collected") for c in KPI_COUNTERS))
        ]
        self.columns = {name: i for i, name in enumerate(t.case_columns)}
        event_data = t.event_row[t.event_columns.index("data")]
        self.event_data = event_data if isinstance(event_data, dict) else json.loads(event_data)

    def report(self, body: dict[str, Any], channel: str) -> None:
        cur = self.conn.cursor()
        if self.sqlite:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(self.next_seq, ("events",))
        seq = cur.fetchone()[0]
        case = list(self.t.case_row)
        case[self.columns["description"]] = body["description"]
        case[self.columns["external_id"]] = body["report_id"]
        cur.execute(self.insert_case, case)
        case_id = cur.fetchone()[0]
        case_at = self.t.stage_columns.index("case_id")
        for stage in self.t.stage_rows:
            cur.execute(
                self.insert_stage, [case_id if i == case_at else v for i, v in enumerate(stage)]
            )
        cur.execute(self.kpi, self.kpi_args)
        for audience in self.t.audiences:
            cur.execute(self.head, (seq, audience))
            cur.execute(self.member, (audience, seq))
        data = {**self.event_data, "description": body["description"]}
        event = dict(zip(self.t.event_columns, self.t.event_row, strict=True))
        event.update(seq=seq, case_id=case_id, data=json.dumps(data) if self.sqlite else Json(data))
        cur.execute(self.insert_event, list(event.values()))
        self.conn.commit() if not self.sqlite else cur.execute("COMMIT")
        self.redis.publish(channel, json.dumps({**data, "seq": seq, "case_id": case_id}))

    def report_sender(self, channel: str) -> Callable[[dict[str, Any]], None]:
        return lambda body: self.report(body, channel)

    def close(self) -> None:
        self.conn.close()
        self.redis.close()


def run_clients(
    bodies: list[dict[str, Any]], clients: int, make: Callable[[], Callable[[dict[str, Any]], None]]
) -> float:
    """Send ``bodies`` from ``clients`` threads (each with its own sender from ``make``);
    returns the seconds from the first send to the last answer."""
    senders = [make() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    failed: list[BaseException] = []

    def work(i: int) -> None:
        start.wait()
        try:
            for body in bodies[i::clients]:
                senders[i](body)
        except BaseException as exc:  # reported by the caller
            failed.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - began
    if failed:
        raise RuntimeError(f"a client failed: {failed[0]!r}") from failed[0]
    return took
