"""The suggested matches, rule by rule, on hand-made needs and resources (pure: no store)."""

from __future__ import annotations

import pytest

from cases.quanxinyuan.matching import (
    CAPACITY,
    SAME_CATEGORY,
    SAME_COMMUNITY,
    SAME_STREET,
    UNIT_OFFERS,
    UNIT_OFFERS_CATEGORY,
    Asked,
    Candidate,
    Suggestion,
    suggest,
)
from cases.quanxinyuan.platform import Places

HOME = "370102009001"  # 姚家街道 · 甲社区
NEIGHBOUR = "370102009002"  # same street, another community
AWAY = "370102010001"  # another street

PLACES = Places(
    [
        (HOME + "001", "姚家街道", "甲社区"),
        (NEIGHBOUR + "001", "姚家街道", "乙社区"),
        (AWAY + "001", "文东街道", "丙社区"),
    ]
)


def res(
    rid: int,
    category: str = "elder",
    remaining: int = 10,
    where: str = HOME,
    offers: tuple[str, ...] = (),
) -> Candidate:
    return Candidate(rid, f"u{rid}", category, remaining, where, tuple(offers))


def codes(s: Suggestion) -> list[str]:
    return [r.code for r in s.reasons]


def test_a_resource_of_the_needs_category_is_suggested_with_its_reasons() -> None:
    [s] = suggest(Asked("elder", 6, HOME), [res(1)], PLACES)
    assert codes(s) == ["same_category", "same_community", "capacity_enough"]
    assert s.score == SAME_CATEGORY + SAME_COMMUNITY + CAPACITY
    assert s.take == 6 and not s.partial
    assert s.data()["reasons"][0] == {
        "code": "same_category",
        "points": SAME_CATEGORY,
        "values": {"category": "elder"},
    }
    assert s.data()["reasons"][2]["values"] == {"capacity": 10, "quantity": 6}
    assert s.data()["reasons"][1]["values"] == {"community": "甲社区"}


def test_category_is_required_unless_the_unit_offers_the_needs_category() -> None:
    found = suggest(
        Asked("elder", 1, HOME),
        [res(1, "legal"), res(2, "legal", offers=("elder",)), res(3, "elder", where=AWAY)],
        PLACES,
    )
    assert [s.resource_id for s in found] == [3, 2]  # 1 is never suggested
    by_id = {s.resource_id: s for s in found}
    assert codes(by_id[2])[0] == "unit_offers_category"
    assert by_id[2].reasons[0].values == {"category": "elder", "resource_category": "legal"}
    # The same category far away still beats another category next door.
    assert by_id[3].score > by_id[2].score
    assert by_id[2].score == UNIT_OFFERS_CATEGORY + SAME_COMMUNITY + CAPACITY


def test_the_units_offers_add_to_a_resource_of_the_category() -> None:
    plain, offered = suggest(
        Asked("elder", 1, HOME), [res(1), res(2, offers=("elder", "goods"))], PLACES
    )[::-1]
    assert offered.resource_id == 2 and plain.resource_id == 1
    assert codes(offered) == ["same_category", "unit_offers", "same_community", "capacity_enough"]
    assert offered.score - plain.score == UNIT_OFFERS


def test_place_same_community_then_same_street_then_elsewhere() -> None:
    found = suggest(
        Asked("elder", 1, HOME),
        [res(1, where=AWAY), res(2, where=NEIGHBOUR), res(3, where=HOME)],
        PLACES,
    )
    assert [s.resource_id for s in found] == [3, 2, 1]
    assert [s.reasons[1].code for s in found] == ["same_community", "same_street", "elsewhere"]
    assert [s.reasons[1].points for s in found] == [SAME_COMMUNITY, SAME_STREET, 0]
    assert found[1].reasons[1].values == {"street": "姚家街道", "community": "乙社区"}
    assert found[2].reasons[1].values == {"street": "文东街道", "community": "丙社区"}


def test_capacity_short_of_the_quantity_is_a_partial_match_scored_in_proportion() -> None:
    full, part = suggest(
        Asked("elder", 6, HOME), [res(1, remaining=3), res(2, remaining=6)], PLACES
    )
    assert (full.resource_id, full.partial, full.take) == (2, False, 6)
    assert (part.resource_id, part.partial, part.take) == (1, True, 3)
    assert part.reasons[-1].code == "capacity_partial"
    assert part.reasons[-1].points == CAPACITY * 3 // 6
    assert part.reasons[-1].values == {"capacity": 3, "quantity": 6}


def test_nothing_left_is_never_suggested() -> None:
    assert suggest(Asked("elder", 1, HOME), [res(1, remaining=0)], PLACES) == []


def test_the_order_is_deterministic_ties_by_resource_id_and_limited() -> None:
    same = [res(rid) for rid in (9, 4, 7, 1, 5, 3)]
    first = suggest(Asked("elder", 1, HOME), same, PLACES, limit=4)
    again = suggest(Asked("elder", 1, HOME), list(reversed(same)), PLACES, limit=4)
    assert [s.resource_id for s in first] == [1, 3, 4, 5] == [s.resource_id for s in again]


def test_a_need_asks_for_something() -> None:
    with pytest.raises(ValueError):
        suggest(Asked("elder", 0, HOME), [res(1)], PLACES)
