"""Synthetic 双报到 units and a simulated run of 微心愿, for the bundled district (labelled
synthetic; contact phones in a range no operator issues, ``19910000000`` up).

- ``synthetic_units``: ~1,200 units over the district's communities (11–17 each), of four
  levels, each offering one to three categories.
- ``simulate_wishes``: ``days`` days of wishes from ``start``, every step through the
  ``Wishes`` API at its simulated time (``clock.set`` first): communities publish about
  eight a day; units claim most within a few days (a unit registered nearby, offering the
  category, first); most claimants fulfil with a photo before their claim expires, some
  let it expire (the wish then goes back to open, and its community withdraws it once its
  date has passed); communities confirm with the resident a day or so later. The counts
  returned are read from the audit log, not kept on the side.
"""

from __future__ import annotations

import heapq
import io
import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

from cases.actors import Actor, Role
from cases.quanxinyuan.categories import CATEGORIES
from cases.quanxinyuan.platform import Places, QxyError, SimClock
from cases.quanxinyuan.schema import qxy_events
from cases.quanxinyuan.units import Unit, Units
from cases.quanxinyuan.wishes import Wishes, local_today

PHONE_BASE = 19910000000
PER_COMMUNITY = (11, 17)
LEVEL_WEIGHTS = {"province": 0.18, "city": 0.32, "district": 0.34, "enterprise": 0.16}
BODIES = {
    "province": (
        "山东省",
        ("财政厅", "教育厅", "卫生健康委", "住房城乡建设厅", "民政厅", "司法厅"),
    ),
    "city": ("济南市", ("市场监管局", "城管局", "公安局", "人社局", "文旅局", "水务局", "团市委")),
    "district": ("历下区", ("教体局", "卫健局", "应急局", "退役军人事务局", "妇联", "司法局")),
    "enterprise": ("", ("泉城电力", "历山燃气", "明湖银行", "趵突物业", "千佛山医院", "舜耕建设")),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
WISH_TITLES = {
    "elder": ("陪独居老人聊天读报", "为高龄老人理发", "帮老人代购药品"),
    "child": ("为困难家庭孩子辅导功课", "捐赠课外读物", "送一套新书包文具"),
    "health": ("陪行动不便的居民复诊", "上门测量血压血糖", "讲一次健康知识课"),
    "repair": ("修理漏水的水龙头", "更换楼道灯泡", "维修老人家的门锁"),
    "environment": ("清理楼前杂物", "修剪小区绿化", "粉刷单元门斑驳墙面"),
    "culture": ("为社区合唱队添置音响", "组织一次书法交流", "送一副象棋给活动室"),
    "legal": ("帮居民咨询赡养纠纷", "讲解租房合同条款", "协助写一份法律援助申请"),
    "jobs": ("帮失业居民写简历", "推荐一个保洁岗位", "介绍技能培训课程"),
    "safety": ("检查老旧燃气管线", "安装烟雾报警器", "更换老化电线"),
    "goods": ("送一台二手洗衣机", "捐赠冬衣棉被", "送一辆助行轮椅"),
}


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def synthetic_units(units: Units, places: Places, rng: random.Random) -> int:
    """Add (or replace, by id) ~1,200 synthetic units; returns how many were new."""
    made: list[Unit] = []
    levels, weights = list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values())
    codes = sorted(places.communities)
    for c, code in enumerate(codes):
        place = places.communities[code]
        for i in range(rng.randint(*PER_COMMUNITY)):
            level = rng.choices(levels, weights)[0]
            prefix, bodies = BODIES[level]
            body = rng.choice(bodies)
            name = f"{prefix}{body}" + ("有限公司" if level == "enterprise" else "")
            made.append(
                Unit(
                    id=f"syn-{code}-{i:02d}",
                    name=f"{name}（{place.community_name}报到）",
                    level=level,
                    community_code=code,
                    contact_name=_person(rng),
                    contact_phone=str(PHONE_BASE + c * 100 + i),
                    offers=rng.sample(list(CATEGORIES), rng.randint(1, 3)),
                    offers_text="",
                    synthetic=True,
                )
            )
    before = {u.id for u in units.list()}
    units.put_many(made, "system:synthetic")
    return sum(1 for u in made if u.id not in before)


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), "#5b8c5a")
    ImageDraw.Draw(image).rectangle((160, 120, 480, 360), fill="#f4f1ee")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def simulate_wishes(
    wishes: Wishes,
    units: Units,
    places: Places,
    clock: SimClock,
    rng: random.Random,
    start: datetime,
    days: float,
    per_day: float = 8.0,
) -> dict[str, int]:
    """Run ``days`` of wishes from ``start``; the counts of each step in that span, from
    the log (published, claimed, fulfilled, confirmed, claims_expired, released,
    withdrawn) and the steps refused (refused: taken by another unit, past due…)."""
    end = start + timedelta(days=days)
    everyone = units.list()
    if not everyone:
        raise QxyError("units", "no units to claim wishes: add units first")
    by_community: dict[str, list[Unit]] = {}
    by_street: dict[str, list[Unit]] = {}
    for u in everyone:
        by_community.setdefault(u.community_code, []).append(u)
        by_street.setdefault(u.community_code[:9], []).append(u)
    codes = sorted(places.communities)
    picture = _photo()
    queue: list[tuple[datetime, int, str, int, str]] = []
    order = 0

    def later(at: datetime, action: str, wish_id: int = 0, who: str = "") -> None:
        nonlocal order
        if at < end:
            order += 1
            heapq.heappush(queue, (at, order, action, wish_id, who))

    def community_actor(code: str) -> Actor:
        return Actor(f"sq-{code}", Role.LIAISON, f"community_{code}")

    def unit_actor(unit_id: str) -> Actor:
        return Actor(unit_id, Role.UNIT, unit_id)

    def claimant(code: str, category: str) -> Unit:
        pool = by_community.get(code) if rng.random() < 0.6 else by_street.get(code[:9])
        pool = pool or everyone
        offering = [u for u in pool if category in u.offers]
        return rng.choice(offering or pool)

    t = start
    while True:  # the publications, a Poisson process by day
        t += timedelta(days=rng.expovariate(per_day))
        if t >= end:
            break
        later(t, "publish")
    refused = 0
    while queue:
        at, _n, action, wish_id, who = heapq.heappop(queue)
        clock.set(at)
        try:
            if action == "publish":
                code = rng.choice(codes)
                category = rng.choice(list(CATEGORIES))
                wish = wishes.publish(
                    community_actor(code),
                    title=rng.choice(WISH_TITLES[category]),
                    category=category,
                    cell_code=rng.choice(places.cells_of(code)),
                    resident_name=_person(rng),
                    due=local_today(at) + timedelta(days=rng.randint(2, 10)),
                    synthetic=True,
                )
                if rng.random() < 0.03:
                    later(at + timedelta(hours=rng.uniform(2, 48)), "withdraw", wish.id)
                elif rng.random() < 0.93:
                    unit = claimant(code, category)
                    later(at + timedelta(hours=rng.uniform(1, 60)), "claim", wish.id, unit.id)
            elif action == "claim":
                wish = wishes.claim(wish_id, unit_actor(who))
                # Most finish in time; some not (the claim expires at the end of the due day).
                assert wish.claim_expires_at is not None
                left = (wish.claim_expires_at - at).total_seconds() / 3600
                hours = rng.uniform(2, left * 0.9) if rng.random() < 0.9 else left + 1
                later(at + timedelta(hours=max(hours, 0.5)), "fulfil", wish_id, who)
            elif action == "fulfil":
                try:
                    wishes.fulfil(wish_id, unit_actor(who), note="已完成", photos=[picture])
                except QxyError as exc:
                    if exc.problem != "not_claimed":
                        raise
                    refused += 1  # too late: the claim had expired; the community withdraws it
                    later(at + timedelta(hours=rng.uniform(4, 30)), "withdraw", wish_id)
                else:
                    later(at + timedelta(hours=rng.uniform(3, 48)), "confirm", wish_id)
            elif action == "confirm":
                wish = wishes.load(wish_id)
                wishes.confirm(wish_id, community_actor(wish.community_code), note="居民满意")
            elif action == "withdraw":
                wish = wishes.load(wish_id)
                wishes.withdraw(
                    wish_id, community_actor(wish.community_code), reason="居民已自行解决"
                )
        except QxyError:
            refused += 1
    clock.set(end)
    wishes.expire_claims()
    return {**_counts(wishes, start, end), "refused": refused}


def _counts(wishes: Wishes, start: datetime, end: datetime) -> dict[str, int]:
    names = {
        "wish.publish": "published",
        "wish.claim": "claimed",
        "wish.fulfil": "fulfilled",
        "wish.confirm": "confirmed",
        "wish.claim_expired": "claims_expired",
        "wish.release": "released",
        "wish.withdraw": "withdrawn",
    }
    with wishes.platform.reading() as conn:
        rows = conn.execute(
            select(qxy_events.c.kind, func.count())
            .where(
                qxy_events.c.item_kind == "wish",
                qxy_events.c.at >= start,
                qxy_events.c.at <= end,
            )
            .group_by(qxy_events.c.kind)
        )
        found: Counter[str] = Counter({r[0]: int(r[1]) for r in rows})
    return {label: found.get(kind, 0) for kind, label in names.items()}


__all__ = ["simulate_wishes", "synthetic_units"]
