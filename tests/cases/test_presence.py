"""The presence books, each against the same expectations: in this process's memory, and in
real Redis (a dedicated database, as every Redis test here) shared by several processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from cases.presence import (
    EDITING,
    VIEWING,
    LocalPresence,
    Person,
    Presence,
    PresenceBook,
    Touched,
    people,
)

ZHANG = Person("zhang", "张三", "operator")
LI = Person("li", "李四", "lead")
WANG = Person("wang", "王五", "liaison", "chengguan")
A, B, C = "370102001001001", "370102001001002", "370102001001003"
TTL = 60.0


class Clock:
    """The books' clock, moved by the test."""

    def __init__(self) -> None:
        self.at = 1_800_000_000.0

    def __call__(self) -> float:
        return self.at


Books = Callable[..., PresenceBook]


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def books(request: pytest.FixtureRequest) -> Iterator[Books]:
    """Make books: ``books()`` another process's view of the same presence (Redis) or the
    one book (in memory, where there is only this process)."""
    clock = Clock()
    made: list[PresenceBook] = []
    if request.param == "local":
        local = LocalPresence(TTL, clock)

        def make(prefix: str = "t") -> PresenceBook:
            return local

    else:
        from cases.presence_redis import RedisPresence, connect

        url = request.getfixturevalue("redis_url")

        def make(prefix: str = "t") -> PresenceBook:
            book = RedisPresence(connect(url), prefix, TTL, clock)
            made.append(book)
            return book

    make.clock = clock  # type: ignore[attr-defined]
    yield make
    for book in made:
        book.close()


def on(book: PresenceBook, case_id: int) -> list[tuple[str, str]]:
    return [(p["user"], p["mode"]) for p in people(book.on_case(case_id))]


def test_a_screen_holds_one_presence_replaced_by_each_announcement(books: Books) -> None:
    book = books()
    assert book.put("s1", Presence(ZHANG, VIEWING, case=7)) == Touched(frozenset({7}))
    assert on(book, 7) == [("zhang", VIEWING)]
    # The same again (a heartbeat) changes nothing for others.
    assert book.put("s1", Presence(ZHANG, VIEWING, case=7)) == Touched()
    assert book.put("s1", Presence(ZHANG, EDITING, case=7)) == Touched(frozenset({7}))
    assert book.put("s1", Presence(ZHANG, VIEWING, case=8)) == Touched(frozenset({7, 8}))
    assert on(book, 7) == [] and on(book, 8) == [("zhang", VIEWING)]
    moved = book.put("s1", Presence(ZHANG, cells=frozenset({A, B})))
    assert moved == Touched(frozenset({8}), frozenset({A, B}))
    assert book.put("s1", Presence(ZHANG, cells=frozenset({B, C}))) == Touched(
        cells=frozenset({A, C})
    )
    found = book.on_cells([A, B, C, "370102001001009"])
    assert {code: len(ps) for code, ps in found.items()} == {
        A: 0,
        B: 1,
        C: 1,
        "370102001001009": 0,
    }
    assert book.drop("s1") == Touched(cells=frozenset({B, C}))
    assert book.drop("s1") == Touched()
    assert book.on_cells([B]) == {B: []} and on(book, 8) == []


def test_people_are_each_listed_once_editors_first(books: Books) -> None:
    book = books()
    book.put("s1", Presence(LI, VIEWING, case=7))
    book.put("s2", Presence(ZHANG, VIEWING, case=7))
    book.put("s3", Presence(ZHANG, EDITING, case=7))  # the same person in a second tab
    book.put("s4", Presence(WANG, VIEWING, case=7))
    listed = people(book.on_case(7))
    assert [(p["name"], p["mode"]) for p in listed] == [
        ("张三", EDITING),
        ("李四", VIEWING),
        ("王五", VIEWING),
    ]
    assert listed[2] == {
        "user": "wang",
        "name": "王五",
        "role": "liaison",
        "department": "chengguan",
        "mode": VIEWING,
    }


def test_a_presence_runs_out_unless_announced_again(books: Books) -> None:
    book, clock = books(), books.clock  # type: ignore[attr-defined]
    book.put("s1", Presence(ZHANG, VIEWING, case=7))
    book.put("s2", Presence(LI, cells=frozenset({A})))
    clock.at += TTL * 0.6
    book.put("s1", Presence(ZHANG, VIEWING, case=7))  # s1's heartbeat; s2 has none
    clock.at += TTL * 0.6
    assert on(book, 7) == [("zhang", VIEWING)]
    assert book.on_cells([A]) == {A: []}  # already not shown, even before expire()
    assert book.expire() == Touched(cells=frozenset({A}))
    assert book.expire() == Touched()  # told once
    clock.at += TTL
    assert on(book, 7) == []
    assert book.expire() == Touched(frozenset({7}))


def test_a_screen_that_comes_back_after_running_out_is_news_again(books: Books) -> None:
    book, clock = books(), books.clock  # type: ignore[attr-defined]
    book.put("s1", Presence(ZHANG, VIEWING, case=7))
    clock.at += TTL + 1
    book.expire()
    assert book.put("s1", Presence(ZHANG, VIEWING, case=7)) == Touched(frozenset({7}))
    assert on(book, 7) == [("zhang", VIEWING)]


@pytest.mark.redis
def test_processes_share_presence_in_redis_and_a_crashed_ones_runs_out(
    redis_url: str,
) -> None:
    import redis

    from cases.presence_redis import RedisPresence, connect

    clock = Clock()
    first = RedisPresence(connect(redis_url), "deploy-1", TTL, clock)
    second = RedisPresence(connect(redis_url), "deploy-1", TTL, clock)
    elsewhere = RedisPresence(connect(redis_url), "deploy-2", TTL, clock)
    try:
        first.put("s1", Presence(ZHANG, EDITING, case=7))
        second.put("s2", Presence(LI, VIEWING, case=7))
        second.put("s3", Presence(LI, cells=frozenset({A})))
        assert on(first, 7) == on(second, 7) == [("zhang", EDITING), ("li", VIEWING)]
        assert len(first.on_cells([A])[A]) == 1
        # Another deployment on the same Redis server sees none of it.
        assert on(elsewhere, 7) == [] and elsewhere.on_cells([A]) == {A: []}
        # Every key carries a Redis TTL: what no process expires is collected anyway.
        raw = redis.Redis.from_url(redis_url)
        keys = [k.decode() for k in raw.keys("deploy-1:*")]
        assert {k.split(":")[1] for k in keys} == {"screen", "case", "cell", "live"}
        assert all(raw.ttl(k) > 0 for k in keys if not k.endswith(":live"))
        raw.close()
        # The first process crashes (no disconnect, no heartbeat); the second keeps going.
        first.close()
        clock.at += TTL * 0.6
        second.put("s2", Presence(LI, VIEWING, case=7))
        second.put("s3", Presence(LI, cells=frozenset({A})))
        clock.at += TTL * 0.6
        assert on(second, 7) == [("li", VIEWING)]
        # Exactly one process tells that zhang has gone.
        assert second.expire() == Touched(frozenset({7}))
        assert elsewhere.expire() == Touched()
    finally:
        for book in (second, elsewhere):
            book.close()


def test_expiry_is_claimed_once_among_processes(books: Books) -> None:
    one, two = books(), books()
    clock = books.clock  # type: ignore[attr-defined]
    for n in range(30):
        one.put(f"s{n}", Presence(ZHANG, VIEWING, case=n + 1))
    clock.at += TTL + 1
    told: list[Any] = [one.expire(), two.expire()]
    cases = [c for t in told for c in t.cases]
    assert sorted(cases) == list(range(1, 31))
