"""The positions books, each against the same expectations: in this process's memory, and in
real Redis (a dedicated database) shared by several processes' books."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from cases.positions import MAX_AGE_S, LocalPositions, Position, PositionBook, distance_m

TTL = 300.0
LON, LAT = 117.05, 36.66


class Clock:
    def __init__(self) -> None:
        self.at = 1_800_000_000.0

    def __call__(self) -> float:
        return self.at


Books = Callable[..., PositionBook]


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.redis)])
def books(request: pytest.FixtureRequest) -> Iterator[Books]:
    """``books(prefix)``: another process's view of the same positions (Redis), or the one
    book (in memory)."""
    clock = Clock()
    made: list[PositionBook] = []
    if request.param == "local":
        local = LocalPositions(TTL, clock)

        def make(prefix: str = "t") -> PositionBook:
            return local

    else:
        from cases.positions_redis import RedisPositions
        from cases.presence_redis import connect

        url = request.getfixturevalue("redis_url")

        def make(prefix: str = "t") -> PositionBook:
            book = RedisPositions(connect(url), prefix, TTL, clock)
            made.append(book)
            return book

    make.clock = clock  # type: ignore[attr-defined]
    yield make
    for book in made:
        book.close()


def at(books: Books, ago: float = 0.0) -> float:
    return float(books.clock.at - ago)  # type: ignore[attr-defined]


def pos(person: str, when: float, dlon: float = 0.0, name: str = "") -> Position:
    return Position(person, name or person, LON + dlon, LAT, when, 5.0, 1, "370102001001001")


def test_a_persons_last_position_wins_by_its_time(books: Books) -> None:
    one, other = books(), books()
    one.put(pos("gw-1", at(books, 10), 0.001))
    other.put(pos("gw-1", at(books, 2), 0.002))
    # A late retry of an older fix, heard by either process, does not move them back.
    one.put(pos("gw-1", at(books, 20), 0.003))
    for book in (one, other):
        [held] = book.all()
        assert (held.lon, held.at) == (LON + 0.002, at(books, 2))
        assert held == pos("gw-1", at(books, 2), 0.002)  # every field kept


def test_recent_leaves_out_positions_older_than_max_age_and_ttl_forgets_them(
    books: Books,
) -> None:
    book = books()
    book.put(pos("fresh", at(books, 1)))
    book.put(pos("edge", at(books, MAX_AGE_S)))
    book.put(pos("stale", at(books, MAX_AGE_S + 1)))
    book.put(pos("ancient", at(books, TTL + 1)))
    assert sorted(p.person_id for p in book.recent()) == ["edge", "fresh"]
    assert sorted(p.person_id for p in book.all()) == ["edge", "fresh", "stale"]
    books.clock.at += 10  # type: ignore[attr-defined]
    assert [p.person_id for p in book.recent()] == ["fresh"]


def test_drop_takes_a_person_off_at_once_for_every_process(books: Books) -> None:
    one, other = books(), books()
    one.put(pos("gw-1", at(books)))
    one.put(pos("gw-2", at(books)))
    other.drop("gw-1")
    other.drop("nobody")  # dropping someone absent is no error
    assert [p.person_id for p in one.recent()] == ["gw-2"]


def test_near_sorts_fresh_positions_by_distance(books: Books) -> None:
    book = books()
    book.put(pos("far", at(books), 0.01))
    book.put(pos("near", at(books), 0.001))
    book.put(pos("stale-but-closest", at(books, MAX_AGE_S + 5), 0.0))
    found = book.near(LON, LAT, k=5)
    assert [p.person_id for p, _ in found] == ["near", "far"]
    assert found[0][1] == pytest.approx(distance_m(LON, LAT, LON + 0.001, LAT))
    assert 80 < found[0][1] < 100  # 0.001° of longitude at 36.66° N ≈ 89 m
    assert [p.person_id for p, _ in book.near(LON, LAT, k=1)] == ["near"]


def test_names_and_ids_in_any_script_are_kept_as_text(books: Books) -> None:
    book = books()
    book.put(pos("gw-370102009", at(books), name="<b>王 网格员</b>"))
    assert [p.name for p in book.recent()] == ["<b>王 网格员</b>"]


@pytest.mark.redis
def test_two_deployments_on_one_redis_never_see_each_others_people(redis_url: str) -> None:
    from cases.positions_redis import RedisPositions
    from cases.presence_redis import connect

    clock = Clock()
    first = RedisPositions(connect(redis_url), "dep-a", TTL, clock)
    second = RedisPositions(connect(redis_url), "dep-b", TTL, clock)
    try:
        first.put(pos("gw-1", clock.at))
        assert [p.person_id for p in first.recent()] == ["gw-1"]
        assert second.recent() == [] and second.all() == []
        # Both keys expire by themselves if the deployment stops (a Redis TTL on each).
        for key in first.keys:
            assert 0 < first.client.ttl(key) <= 2 * TTL
    finally:
        first.close()
        second.close()


def test_the_web_instance_uses_redis_when_the_deployment_has_one(redis_url: str) -> None:
    from app import Settings
    from cases.positions_redis import RedisPositions
    from dashboard.web import position_book

    local = position_book(Settings.from_env({}))
    assert isinstance(local, LocalPositions)
    one = position_book(Settings.from_env({}, redis_url=redis_url, database_url="sqlite:///a"))
    two = position_book(Settings.from_env({}, redis_url=redis_url, database_url="sqlite:///b"))
    assert isinstance(one, RedisPositions) and isinstance(two, RedisPositions)
    assert one.prefix != two.prefix  # named after the store, as the fan-out channel is
    one.close()
    two.close()


def test_a_book_read_again_sees_what_moved_since(books: Books) -> None:
    """The Redis book keeps what it parsed last time: a move must still be read."""
    one, other = books(), books()
    one.put(pos("gw-1", at(books, 5), 0.001))
    one.put(pos("gw-2", at(books, 5), 0.002))
    assert [p.lon for p in one.recent()] == [LON + 0.001, LON + 0.002]
    other.put(pos("gw-1", at(books, 1), 0.005))
    other.drop("gw-2")
    assert [(p.person_id, p.lon) for p in one.recent()] == [("gw-1", LON + 0.005)]
    other.put(pos("gw-2", at(books, 0), 0.002))
    assert sorted(p.person_id for p in one.recent()) == ["gw-1", "gw-2"]
