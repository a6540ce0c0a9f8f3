"""Readiness checks answer within their bound, however the part fails, and a hung part is
checked by one thread, not one more per probe."""

from __future__ import annotations

import threading
import time

from cases.db import make_engine
from cases.readiness import Check, Readiness, store_check
from tests.feeds.tcp_proxy import TcpProxy


def test_a_hung_part_is_reported_within_the_bound_and_checked_once() -> None:
    release, calls = threading.Event(), []

    def hangs() -> None:
        calls.append(1)
        release.wait(30)

    check = Check("store", hangs, bound_s=0.2)
    for _ in range(3):
        began = time.monotonic()
        assert check.run().error == "timeout"
        assert time.monotonic() - began < 1.5
    assert len(calls) == 1  # still the first one running
    release.set()
    deadline = time.monotonic() + 5
    while not check.run().ok:  # the hung one ends with the part's answer
        assert time.monotonic() < deadline
    assert check.run().ok and len(calls) == 2  # the next probe asks anew


def test_a_failure_names_its_kind_never_its_message() -> None:
    def refuses() -> None:
        raise ConnectionRefusedError("postgresql://u:secret@db.internal:5432")

    finding = Check("redis", refuses).run()
    assert (finding.part, finding.ok, finding.error) == ("redis", False, "ConnectionRefusedError")


def test_parts_are_checked_together_within_one_bound() -> None:
    release = threading.Event()
    slow = [Check(f"p{i}", lambda: release.wait(30), bound_s=0.3) for i in range(3)]
    began = time.monotonic()
    assert [f.error for f in Readiness(slow).findings()] == ["timeout"] * 3
    assert time.monotonic() - began < 1.5  # one bound, not three
    release.set()


def test_the_store_answers_and_then_does_not(database_url: str, store: object) -> None:
    engine = make_engine(database_url)
    assert store_check(engine).run().ok
    engine.dispose()
    if database_url.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        link = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
        cut_engine = make_engine(url.set(port=link.port).render_as_string(hide_password=False))
        check = store_check(cut_engine)
        assert check.run().ok
        link.cut()
        began = time.monotonic()
        assert not check.run().ok
        assert time.monotonic() - began < 1.5
        link.restore()
        cut_engine.dispose()
