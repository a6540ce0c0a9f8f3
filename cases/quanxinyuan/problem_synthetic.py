"""A simulated month of 微治理 (labelled synthetic): residents upload small problems across
the district, the communities accept and answer most of them themselves, reject a few and,
when the dashboard gives a ``to_case`` maker (the intake), turn a few into cases.

Every step goes through ``Problems`` with the ``SimClock`` set to the step's time, so the
rows, photos-less uploads and events are exactly what the live platform would write.
Rates aim at the article's (1,600+ solved over the platform's years; here 40–80 a month):
about 2.6 uploads a day, of which ~75 % are solved, ~12 % rejected, ~13 % made cases (or
solved when no maker is given), each within 1–5 days of the upload.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from cases.actors import Actor, Role
from cases.quanxinyuan.platform import Places, QxyError, SimClock
from cases.quanxinyuan.problems import CaseMaker, Problems
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.schema import public_people

# Synthetic residents' phones: a range no operator issues (199…), apart from the teams'
# (cases.team_synthetic and the volunteers start at 19900000001).
PHONE_BASE = 19980000000
RESIDENTS = 300
UPLOADS_PER_DAY = 2.6
TEXTS = {
    "sanitation": ["楼下垃圾桶满了没人清", "小区绿化带里有建筑垃圾", "楼道堆放杂物有异味"],
    "facility": ["单元门禁坏了关不上", "小区路灯不亮", "健身器材螺丝松动", "楼道扶手断了"],
    "neighbours": ["楼上装修噪音和漏水，协商不成", "邻居在公共走廊堆放物品"],
    "parking": ["车辆长期占用消防通道", "电动车乱停堵住单元门", "外来车辆占用小区车位"],
    "noise": ["夜间广场舞音响太大", "底商空调外机噪音扰民"],
    "hazard": ["楼道里电动车充电", "井盖松动有人踩空", "阳台花盆有坠落危险"],
    "other": ["希望在小区增设休息座椅", "快递柜前积水"],
}
ANSWERS = ["已联系物业处理完毕", "社区网格员已现场协调解决", "已安排维修，恢复正常", "已清理"]
REASONS = [
    "属于业主私人区域，已告知联系物业",
    "重复上报，已在处理",
    "不属于社区管理范围，已告知渠道",
]


def _residents(problems: Problems, places: Places, rng: random.Random) -> list[PublicPerson]:
    """The synthetic residents (made once; found again on a second run)."""
    communities = sorted(places.communities)
    platform = problems.platform
    people = []
    with platform.engine.begin() as conn:
        for i in range(1, RESIDENTS + 1):
            phone = str(PHONE_BASE + i)
            row = conn.execute(select(public_people).where(public_people.c.phone == phone)).first()
            if row is None:
                community = communities[rng.randrange(len(communities))]
                pid = conn.execute(
                    insert(public_people)
                    .values(
                        phone=phone,
                        name=f"居民{i:03d}",
                        community_code=community,
                        volunteer=False,
                        created_at=platform.now(),
                        synthetic=True,
                    )
                    .returning(public_people.c.id)
                ).scalar_one()
                people.append(PublicPerson(pid, phone, f"居民{i:03d}", community, False, None))
            else:
                people.append(
                    PublicPerson(row.id, phone, row.name, row.community_code, False, None)
                )
    return people


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's: small means only
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def simulate_problems(
    problems: Problems,
    places: Places,
    clock: SimClock,
    rng: random.Random,
    start: datetime,
    days: int,
    to_case: CaseMaker | None = None,
) -> dict[str, int]:
    """Run ``days`` days from ``start`` (UTC); returns the counts of each step."""
    people = _residents(problems, places, rng)
    cells = sorted(places.cells)
    end = start + timedelta(days=days)
    point_in = getattr(problems.locate, "point_in", None)
    if point_in is None:
        raise QxyError("locate", "the simulation needs a locator with point_in (GridLocator)")
    # (time, order, step, args): steps in time order; later steps are planned as we go.
    plan: list[tuple[datetime, int, str, Any]] = []
    order = 0
    for day in range(days):
        for _ in range(_poisson(rng, UPLOADS_PER_DAY)):
            # 7:00–21:00 in Jinan (UTC+8): 23:00–13:00 UTC of the day before/of
            at = start + timedelta(days=day, hours=rng.uniform(-1, 13))
            if start <= at < end:
                order += 1
                heapq.heappush(plan, (at, order, "upload", None))
    counts: Counter[str] = Counter()
    n = 0
    run = f"{rng.getrandbits(32):08x}"  # a run's report ids: another run's never clash
    while plan:
        at, _, step, arg = heapq.heappop(plan)
        clock.set(at)
        try:
            if step == "upload":
                n += 1
                person = people[rng.randrange(len(people))]
                cell = cells[rng.randrange(len(cells))]
                category = rng.choice(list(TEXTS))
                lon, lat = point_in(cell, rng)
                made, _ = problems.upload(
                    person,
                    category=category,
                    text=rng.choice(TEXTS[category]),
                    lon=lon,
                    lat=lat,
                    report_id=f"sim-{start:%Y%m%d}-{run}-{n}",
                    synthetic=True,
                )
                counts["uploaded"] += 1
                roll = rng.random()
                later = at + timedelta(hours=rng.uniform(1, 20))
                order += 1
                if roll < 0.12:
                    heapq.heappush(plan, (later, order, "reject", made))
                elif roll < 0.25 and to_case is not None:
                    heapq.heappush(plan, (later, order, "to_case", made))
                else:
                    heapq.heappush(plan, (later, order, "accept", made))
            else:
                actor = Actor(
                    f"sim-{arg.community_code}",
                    Role.LIAISON,
                    department=f"community_{arg.community_code}",
                )
                order += 1
                if step == "accept":
                    problems.accept(actor, arg.id)
                    counts["accepted"] += 1
                    solve_at = at + timedelta(hours=rng.uniform(4, 100))
                    heapq.heappush(plan, (solve_at, order, "solve", arg))
                elif step == "solve":
                    problems.solve(actor, arg.id, rng.choice(ANSWERS))
                    counts["solved"] += 1
                elif step == "reject":
                    problems.reject(actor, arg.id, rng.choice(REASONS))
                    counts["rejected"] += 1
                elif step == "to_case" and to_case is not None:
                    problems.to_case(actor, arg.id, to_case)
                    counts["to_case"] += 1
        except QxyError:
            counts["refused"] += 1
        # Steps past the end stay undone: those problems are open when the month ends.
        while plan and plan[0][0] >= end:
            heapq.heappop(plan)
            counts["open_at_end"] += 1
    return dict(counts)
