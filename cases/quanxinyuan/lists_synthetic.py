"""Synthetic three lists for the bundled district, labelled ``synthetic``: each registered
unit offers a resource or two of what it offers, and a simulated month of communities'
needs, suggestions accepted and projects reported to done — all through ``Lists``' own
steps (so every step is an event), at the simulated clock's time.

Units are read from the ``units`` table (the units' own module writes them); actors are
the community's liaison and the unit's account as the store knows them by role.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from cases.actors import Actor, Role
from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.lists import Lists
from cases.quanxinyuan.platform import Places, QxyError, SimClock
from cases.quanxinyuan.schema import units as units_table

# What a resource or a need of each category is called (titles only; no one's name).
TITLES = {
    "elder": ("助老陪护", "老年人助餐", "独居老人探访"),
    "child": ("课后辅导", "暑期托管", "青少年心理讲座"),
    "health": ("义诊进社区", "健康讲座", "免费测血压"),
    "repair": ("家电义修", "水电维修", "楼道灯更换"),
    "environment": ("楼道清理", "垃圾分类宣传", "绿地补植"),
    "culture": ("文艺演出", "健身指导", "书法培训"),
    "legal": ("法律咨询", "调解服务", "普法讲座"),
    "jobs": ("招聘对接", "技能培训", "创业指导"),
    "safety": ("消防演练", "燃气安全检查", "防诈骗宣传"),
    "goods": ("过冬物资", "图书捐赠", "爱心衣物"),
}
NEEDS_PER_DAY = 3  # across the district, on average
ACCEPT_SHARE = 0.8  # of needs with a suggestion, accepted
STEP_DAYS = (1, 4)  # between a project's progress reports


def _community(code: str) -> Actor:
    return Actor(f"sim-{code}", Role.LIAISON, f"community_{code}")


def _unit(unit_id: str) -> Actor:
    return Actor(f"sim-{unit_id}", Role.UNIT, unit_id)


def _active_units(lists: Lists) -> list[Any]:
    with lists.platform.reading() as conn:
        q = select(units_table.c.id, units_table.c.offers).where(units_table.c.active.is_(True))
        return list(conn.execute(q.order_by(units_table.c.id)))


def synthetic_resources(lists: Lists, units: Any, places: Places, rng: random.Random) -> int:
    """Each active unit offers 1–2 resources of its offers (``units``, the units' module,
    is not needed: the rows are read from the table). Returns how many were offered."""
    del units, places  # the table and the unit's own community say all
    made = 0
    for row in _active_units(lists):
        offers = [c for c in (row.offers or []) if c in CATEGORIES] or [
            rng.choice(list(CATEGORIES))
        ]
        for category in rng.sample(offers, k=min(len(offers), rng.choice((1, 1, 2)))):
            title = rng.choice(TITLES[category])
            capacity = rng.choice((2, 4, 5, 6, 8, 10, 12, 20))
            lists.add_resource(_unit(row.id), category, title, "", capacity, synthetic=True)
            made += 1
    return made


def simulate_lists(
    lists: Lists,
    places: Places,
    clock: SimClock,
    rng: random.Random,
    start: datetime,
    days: int,
) -> dict[str, int]:
    """``days`` of needs from random communities; a need's best suggestion is accepted a
    day or two later (most of the time), and its project reported on every few days
    until 100%. The clock is set before each step, in time order."""
    counts = dict.fromkeys(
        ("needs", "suggested", "projects", "partial", "progress_reports", "done", "refused"), 0
    )
    communities = sorted(places.communities)
    if not communities:
        return counts
    steps: list[tuple[datetime, int, str, Any]] = []  # (when, order, what, with)
    order = 0
    for day in range(days):
        for _ in range(_poisson(rng, NEEDS_PER_DAY)):
            at = start + timedelta(days=day, hours=rng.uniform(8, 18))
            steps.append((at, order, "need", rng.choice(communities)))
            order += 1
    end = start + timedelta(days=days)
    while steps:
        steps.sort(key=lambda s: (s[0], s[1]))
        at, _, what, arg = steps.pop(0)
        if at >= end:
            continue
        clock.set(at)
        try:
            for follow in _step(lists, places, rng, at, what, arg, counts):
                steps.append((follow[0], order, follow[1], follow[2]))
                order += 1
        except QxyError:
            counts["refused"] += 1  # e.g. the resource was used up meanwhile
    return counts


def _step(
    lists: Lists,
    places: Places,
    rng: random.Random,
    at: datetime,
    what: str,
    arg: Any,
    counts: dict[str, int],
) -> list[tuple[datetime, str, Any]]:
    if what == "need":
        category = rng.choice(list(CATEGORIES))
        cells = places.cells_of(arg)
        need = lists.add_need(
            _community(arg),
            category,
            rng.choice(TITLES[category]),
            "",
            rng.choice((1, 2, 3, 4, 5, 6, 8, 10)),
            rng.choice(cells) if cells and rng.random() < 0.6 else None,
            synthetic=True,
        )
        counts["needs"] += 1
        return [(at + timedelta(hours=rng.uniform(4, 48)), "accept", need.id)]
    if what == "accept":
        need = lists.need(arg)
        found = lists.suggestions(need.id)
        if not found:
            return []
        counts["suggested"] += 1
        if rng.random() >= ACCEPT_SHARE:
            return []
        project = lists.accept(_community(need.community_code), need.id, found[0].resource_id)
        counts["projects"] += 1
        counts["partial"] += int(bool(project.why.get("partial")))
        return [(at + timedelta(days=rng.uniform(*STEP_DAYS)), "progress", project.id)]
    project = lists.project(arg)
    if project.state != "active":
        return []
    value = min(100, project.progress + rng.choice((25, 25, 50)))
    actor = _unit(project.unit_id) if rng.random() < 0.7 else _community(project.community_code)
    done = lists.report_progress(actor, project.id, value, "")
    counts["progress_reports"] += 1
    if done.state == "done":
        counts["done"] += 1
        return []
    return [(at + timedelta(days=rng.uniform(*STEP_DAYS)), "progress", project.id)]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's: small means only.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
