"""The queue intake on a real Redis server and real stores (SQLite and PostgreSQL): every
message is settled once — a case, or a refusal in the dead-letter stream — and is
acknowledged only then; a crash, a store away or a dropped connection loses and
duplicates nothing.

Each test has streams of its own (a uuid in the name) on the database of
GRIDCC_TEST_REDIS_URL, so it may share the server with other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from cases.catalog import Catalog
from cases.db import make_engine
from cases.schema import cases
from cases.store import Store
from feeds.intake import Intake
from feeds.stream import StreamIntake, StreamNames, connect, send
from geo.grid import Grid
from tests.feeds.tcp_proxy import TcpProxy

pytestmark = pytest.mark.redis


@pytest.fixture
def names() -> StreamNames:
    return StreamNames(f"gridcc-test-{uuid.uuid4().hex[:12]}-intake")


@pytest.fixture
def r(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def intake(store: Store, grid: Grid) -> Intake:
    return Intake(store, grid)


def report(grid: Grid, n: int, cell: int = 10, **changes: Any) -> dict[str, Any]:
    lon, lat = grid.geometries[cell].representative_point().coords[0]
    return {
        "category": "SR01",
        "description": f"垃圾堆放 {n}",
        "lon": lon,
        "lat": lat,
        "source": "department",
        "report_id": f"dept-{n}",
        **changes,
    }


def consumer(redis_url: str, intake: Intake, names: StreamNames, **options: Any) -> StreamIntake:
    name = f"c-{uuid.uuid4().hex[:8]}"
    options.setdefault("block_ms", 100)
    return StreamIntake(connect(redis_url, name), intake, names, name, **options)


@contextmanager
def running(intake_consumer: StreamIntake) -> Iterator[None]:
    """The consumer's own loop in a thread, stopped (and its failure raised) afterwards."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            intake_consumer.run(stop)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
        intake_consumer.client.close()
    assert not thread.is_alive(), "the consumer did not stop"
    if failures:
        raise failures[0]


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return value


def cases_per_report(store: Store) -> dict[str, int]:
    with store.read() as conn:
        rows = conn.execute(
            select(cases.c.external_id, func.count()).group_by(cases.c.external_id)
        ).all()
    return {row[0]: row[1] for row in rows}


def pending(r: redis.Redis, names: StreamNames) -> int:
    return int(r.xpending(names.stream, names.group)["pending"])


def results(r: redis.Redis, names: StreamNames) -> list[dict[str, str]]:
    return [
        {k.decode(): v.decode() for k, v in fields.items()}
        for _id, fields in r.xrange(names.results)
    ]


def settled(r: redis.Redis, names: StreamNames, count: int) -> Callable[[], bool]:
    """All ``count`` messages have results, nothing is pending and the stream is empty."""
    return lambda: (
        r.xlen(names.results) >= count and pending(r, names) == 0 and r.xlen(names.stream) == 0
    )


def test_each_message_becomes_one_case_and_is_acknowledged_after_it(
    store: Store, intake: Intake, grid: Grid, redis_url: str, names: StreamNames, r: redis.Redis
) -> None:
    sent = [send(r, names, report(grid, n, cell=n * 7)) for n in range(40)]
    c = consumer(redis_url, intake, names, batch=16)
    with running(c):
        wait_for(settled(r, names, 40), "40 messages settled")
    assert cases_per_report(store) == {f"dept-{n}": 1 for n in range(40)}
    answers = results(r, names)
    assert [a["message_id"] for a in answers] == [m.decode() for m in sent]
    for a in answers:
        case = store.find_by_external_id("department", a["report_id"])
        assert a["outcome"] == "created" and case is not None
        assert json.loads(a["answer"])["case_id"] == case.id
    assert (c.tally.created, c.tally.duplicate, c.tally.dead) == (40, 0, 0)
    assert r.xlen(names.dead) == 0


def test_a_report_sent_twice_is_one_case(
    store: Store, intake: Intake, grid: Grid, redis_url: str, names: StreamNames, r: redis.Redis
) -> None:
    send(r, names, report(grid, 1))
    send(r, names, report(grid, 1))  # a department system sending again after a timeout
    send(r, names, report(grid, 2))
    send(r, names, report(grid, 1, description="另一件事"))  # its id reused for another report
    with running(consumer(redis_url, intake, names)):
        wait_for(settled(r, names, 4), "4 messages settled")
    assert cases_per_report(store) == {"dept-1": 1, "dept-2": 1}
    answers = results(r, names)
    assert [a["outcome"] for a in answers] == ["created", "duplicate", "created", "refused"]
    first, again = (json.loads(a["answer"]) for a in answers[:2])
    assert again["case_id"] == first["case_id"] and again["duplicate"] is True
    [dead] = r.xrange(names.dead)
    assert dead[1][b"dead.reason"] == b"duplicate_mismatch"


def test_a_case_committed_but_never_acknowledged_is_not_made_again(
    store: Store, intake: Intake, grid: Grid, redis_url: str, names: StreamNames, r: redis.Redis
) -> None:
    """The window a crash can hit: the case is committed, the ack never sent. The message
    stays pending with the dead consumer; whoever takes it over finds the case."""
    c = consumer(redis_url, intake, names, min_idle_ms=200)
    c.ensure_group()
    body = report(grid, 7)
    send(r, names, body)
    [[_stream, [(message_id, fields)]]] = r.xreadgroup(names.group, "crashed", {names.stream: ">"})
    intake.accept(json.loads(fields[b"report"]), require_report_id=True)  # committed; no ack
    assert pending(r, names) == 1
    with running(c):
        wait_for(settled(r, names, 1), "the pending message settled")
    assert cases_per_report(store) == {"dept-7": 1}
    [answer] = results(r, names)
    assert answer["message_id"] == message_id.decode() and answer["outcome"] == "duplicate"
    assert c.tally.reclaimed == 1


def test_a_consumer_killed_mid_batch_loses_and_duplicates_nothing(
    store: Store,
    intake: Intake,
    grid: Grid,
    database_url: str,
    redis_url: str,
    names: StreamNames,
    r: redis.Redis,
    tmp_path: Path,
) -> None:
    """`gridcc queue consume` takes 500 messages in one read and is SIGKILLed while it works
    through them; a second consumer takes over what it left and finishes."""
    total = 500
    with r.pipeline(transaction=False) as pipe:
        for n in range(total):
            pipe.xadd(names.stream, {"report": json.dumps(report(grid, n, cell=n))})
        pipe.execute()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "INTAKE_STREAM": names.stream,
        "GRIDCC_ENV": "development",
        "GRID_FILE": "",
    }
    command = [sys.executable, "-m", "cli", "queue", "consume", "--consumer", "doomed"]
    log = (tmp_path / "consumer.log").open("w")
    doomed = subprocess.Popen(
        [*command, "--batch", str(total)], env=env, cwd=tmp_path, stdout=log, stderr=log
    )
    try:

        def started() -> bool:
            assert doomed.poll() is None, (tmp_path / "consumer.log").read_text()
            return sum(cases_per_report(store).values()) >= 10

        wait_for(started, "the first consumer to make 10 cases")
    finally:
        doomed.kill()
        doomed.wait()
        log.close()
    made = sum(cases_per_report(store).values())
    assert made < total, "the consumer finished before it could be killed: send more"
    [doomed_pending] = r.xpending(names.stream, names.group)["consumers"]
    assert doomed_pending["name"] == b"doomed"
    assert doomed_pending["pending"] >= total - made  # read, never settled

    heir = consumer(redis_url, intake, names, min_idle_ms=200, batch=50)
    with running(heir):
        wait_for(settled(r, names, total), "the second consumer to settle the rest")
    assert cases_per_report(store) == {f"dept-{n}": 1 for n in range(total)}
    answers = results(r, names)
    assert sorted(a["report_id"] for a in answers) == sorted(f"dept-{n}" for n in range(total))
    # "duplicate": the kill came between a commit and its ack (one message at a time)
    assert sum(a["outcome"] == "duplicate" for a in answers) <= 1
    assert {a["outcome"] for a in answers} <= {"created", "duplicate"}
    assert heir.tally.reclaimed == doomed_pending["pending"]
    assert r.xlen(names.dead) == 0


def test_poison_messages_are_dead_lettered_with_their_reason_and_recorded(
    store: Store, intake: Intake, grid: Grid, redis_url: str, names: StreamNames, r: redis.Redis
) -> None:
    def raw(**fields: Any) -> bytes:
        return bytes(r.xadd(names.stream, fields))

    ok_first = send(r, names, report(grid, 1))
    poison = {
        raw(report=b"{not json"): "invalid_json",
        raw(report=b"\xff\xfe{}"): "invalid_json",
        raw(text="no report field"): "invalid_message",
        send(r, names, report(grid, 2, category="NOPE")): "invalid_report",
        send(r, names, {k: v for k, v in report(grid, 3).items() if k != "report_id"}): (
            "invalid_report"
        ),
        send(r, names, report(grid, 4, lon=117.30, lat=36.65)): "outside_grid",
        send(r, names, report(grid, 5, description="字" * 9000)): "too_large",
    }
    ok_last = send(r, names, report(grid, 6))
    c = consumer(redis_url, intake, names)
    with running(c):
        wait_for(settled(r, names, 9), "9 messages settled")
    assert cases_per_report(store) == {"dept-1": 1, "dept-6": 1}
    dead = {fields[b"dead.id"]: fields for _id, fields in r.xrange(names.dead)}
    assert {i: f[b"dead.reason"].decode() for i, f in dead.items()} == poison
    assert ok_first not in dead and ok_last not in dead
    assert dead[list(poison)[1]][b"report"] == b"\xff\xfe{}"  # kept as sent, byte for byte
    assert dead[list(poison)[2]][b"text"] == b"no report field"
    assert b"report_id: required" in dead[list(poison)[4]][b"dead.detail"]
    assert json.loads(dead[list(poison)[5]][b"dead.answer"])["nearest_cell"] in grid.codes
    assert all(f[b"dead.deliveries"] == b"1" for f in dead.values())
    refusals = sorted(row["reason"] for row in store.rejections())
    assert refusals == sorted(poison.values())  # recorded as the HTTP intake records them
    assert c.tally.dead == len(poison)


def test_a_message_delivered_too_often_is_dead_lettered_unread(
    store: Store, intake: Intake, grid: Grid, redis_url: str, names: StreamNames, r: redis.Redis
) -> None:
    """Consumers that died on a message, again and again: past ``max_deliveries`` it goes
    to the dead letters instead of killing the next one (up to it, it is tried)."""
    c = consumer(redis_url, intake, names, min_idle_ms=0, max_deliveries=3)
    c.ensure_group()
    cursed = send(r, names, report(grid, 1))
    unlucky = send(r, names, report(grid, 2))
    r.xreadgroup(names.group, "died-1", {names.stream: ">"})
    r.xclaim(names.stream, names.group, "died-2", 0, [cursed, unlucky])
    r.xclaim(names.stream, names.group, "died-3", 0, [cursed])
    # the next claim is delivery 4 for the cursed one, 3 for the unlucky one
    with running(c):
        wait_for(settled(r, names, 2), "both messages settled")
    assert cases_per_report(store) == {"dept-2": 1}
    [(_id, dead)] = r.xrange(names.dead)
    assert dead[b"dead.id"] == cursed and dead[b"dead.reason"] == b"too_many_deliveries"
    assert dead[b"dead.deliveries"] == b"4"
    assert [row["reason"] for row in store.rejections()] == ["too_many_deliveries"]


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    from tests.conftest import POSTGRES_URL

    url = make_url(POSTGRES_URL)
    p = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    yield p
    p.cut()


def test_a_store_that_goes_away_leaves_the_message_pending_until_it_is_back(
    postgres_url: str,
    catalog: Catalog,
    grid: Grid,
    redis_url: str,
    names: StreamNames,
    r: redis.Redis,
    proxy: TcpProxy,
) -> None:
    """PostgreSQL behind a proxy the test cuts: the consumer's writes fail with
    OperationalError, for real. Nothing is dead-lettered or acknowledged meanwhile."""
    direct = Store(make_engine(postgres_url), catalog)
    direct.create_schema()
    url = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port)
    through = Store(make_engine(url.render_as_string(hide_password=False)), catalog)
    c = consumer(redis_url, Intake(through, grid), names, max_backoff=0.2, max_deliveries=2)
    try:
        with running(c):
            send(r, names, report(grid, 1))
            wait_for(settled(r, names, 1), "the first message settled")
            proxy.cut()
            send(r, names, report(grid, 2))
            wait_for(lambda: c.tally.transient >= 5, "five failed attempts")
            assert pending(r, names) == 1 and r.xlen(names.dead) == 0
            [waiting] = r.xpending_range(names.stream, names.group, "-", "+", 10)
            assert waiting["times_delivered"] == 1  # tried again in hand, not redelivered
            assert cases_per_report(direct) == {"dept-1": 1}
            proxy.restore()
            wait_for(settled(r, names, 2), "the second message settled once the store is back")
        assert cases_per_report(direct) == {"dept-1": 1, "dept-2": 1}
        assert [a["outcome"] for a in results(r, names)] == ["created", "created"]
        assert direct.rejections() == []
    finally:
        through.engine.dispose()
        direct.engine.dispose()


def test_a_dropped_redis_connection_is_survived(
    store: Store, intake: Intake, grid: Grid, redis_url: str, names: StreamNames, r: redis.Redis
) -> None:
    c = consumer(redis_url, intake, names, max_backoff=0.2)
    own = f"gridcc-intake:{c.consumer}"

    def blocked_reading() -> list[dict[str, Any]]:
        return [
            x for x in r.client_list() if x["name"] == own and "b" in x["flags"]
        ]  # blocked in XREADGROUP

    with running(c):
        for n in range(3):
            [conn] = wait_for(blocked_reading, "the consumer waiting for messages")
            assert r.client_kill_filter(_id=conn["id"]) == 1  # only our consumer's connection
            wait_for(lambda n=n: c.tally.transient > n, "the consumer to notice")
            send(r, names, report(grid, n, cell=n))
            wait_for(settled(r, names, n + 1), f"message {n} settled after the drop")
    assert cases_per_report(store) == {f"dept-{n}": 1 for n in range(3)}
