"""Suggested matches of the three lists (三张清单): for a community's need, the units'
available resources ranked, each with its score and the reasons it got it.

Pure: no store, no clock. The rules, each a reason with its points:

- **category** (required): a resource of the need's category (``same_category``), or one
  of another category from a unit registered as offering the need's category
  (``unit_offers_category``, weaker); a resource with neither is never suggested.
- **the unit's offers**: a unit registered as offering the need's category adds a little
  (``unit_offers``) to a resource of that category.
- **place**: the need's community (``same_community``) > its street (``same_street``) >
  elsewhere in the district (``elsewhere``, no points).
- **capacity**: what is left of the resource covers the need's quantity
  (``capacity_enough``), or covers part of it (``capacity_partial``: points in proportion,
  the suggestion is ``partial`` and takes what is left).

Reasons are data (``code``, ``points``, ``values``), so each screen says them in its own
words (``dashboard/words_lists.py``: ``lists_why_<code>``). The order is deterministic:
score, then the resource's id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cases.quanxinyuan.platform import Places

SAME_CATEGORY = 100
UNIT_OFFERS_CATEGORY = 40  # another category, but the unit offers the need's
UNIT_OFFERS = 10
SAME_COMMUNITY = 30
SAME_STREET = 15
CAPACITY = 30  # all of it when what is left covers the quantity, in proportion otherwise
LIMIT = 5


@dataclass(frozen=True)
class Asked:
    """What a need asks: its category, how much, and where."""

    category: str
    quantity: int
    community_code: str


@dataclass(frozen=True)
class Candidate:
    """An available resource as matching sees it: what is left of it, its unit's place
    (the community the unit is registered with) and the categories the unit offers."""

    resource_id: int
    unit_id: str
    category: str
    remaining: int
    community_code: str
    unit_offers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    code: str
    points: int
    values: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return {"code": self.code, "points": self.points, "values": dict(self.values)}


@dataclass(frozen=True)
class Suggestion:
    resource_id: int
    unit_id: str
    score: int
    take: int  # what accepting it takes of the resource: min(quantity, remaining)
    partial: bool
    reasons: tuple[Reason, ...]

    def data(self) -> dict[str, Any]:
        return {
            "resource_id": self.resource_id,
            "unit_id": self.unit_id,
            "score": self.score,
            "take": self.take,
            "partial": self.partial,
            "reasons": [r.data() for r in self.reasons],
        }


def _category(asked: Asked, c: Candidate) -> list[Reason] | None:
    offers = asked.category in c.unit_offers
    if c.category == asked.category:
        out = [Reason("same_category", SAME_CATEGORY, {"category": c.category})]
        if offers:
            out.append(Reason("unit_offers", UNIT_OFFERS, {"category": asked.category}))
        return out
    if offers:
        values = {"category": asked.category, "resource_category": c.category}
        return [Reason("unit_offers_category", UNIT_OFFERS_CATEGORY, values)]
    return None


def _place(asked: Asked, c: Candidate, places: Places) -> Reason:
    here = places.communities.get(asked.community_code)
    there = places.communities.get(c.community_code)
    if c.community_code == asked.community_code:
        name = here.community_name if here else asked.community_code
        return Reason("same_community", SAME_COMMUNITY, {"community": name})
    if c.community_code[:9] == asked.community_code[:9]:
        street = places.streets.get(c.community_code[:9], c.community_code[:9])
        community = there.community_name if there else c.community_code
        return Reason("same_street", SAME_STREET, {"street": street, "community": community})
    street = there.street_name if there else c.community_code[:9]
    community = there.community_name if there else c.community_code
    return Reason("elsewhere", 0, {"street": street, "community": community})


def _capacity(asked: Asked, c: Candidate) -> Reason:
    values = {"capacity": c.remaining, "quantity": asked.quantity}
    if c.remaining >= asked.quantity:
        return Reason("capacity_enough", CAPACITY, values)
    return Reason("capacity_partial", CAPACITY * c.remaining // asked.quantity, values)


def suggest(
    asked: Asked, candidates: Iterable[Candidate], places: Places, limit: int = LIMIT
) -> list[Suggestion]:
    """The best ``limit`` resources for ``asked``, best first (score, then resource id)."""
    if asked.quantity < 1:
        raise ValueError("a need asks for at least 1")
    out = []
    for c in candidates:
        if c.remaining < 1:
            continue
        category = _category(asked, c)
        if category is None:
            continue
        reasons = (*category, _place(asked, c, places), _capacity(asked, c))
        take = min(asked.quantity, c.remaining)
        score = sum(r.points for r in reasons)
        out.append(
            Suggestion(c.resource_id, c.unit_id, score, take, take < asked.quantity, reasons)
        )
    out.sort(key=lambda s: (-s.score, s.resource_id))
    return out[:limit]
