"""Synthetic volunteer teams and volunteers, and a simulated run of 微志愿, for the bundled
district (labelled synthetic; volunteers' phones in a range no operator issues,
``19920000000`` up).

- ``synthetic_teams``: ~320 teams over the district's communities (three or four each),
  each with six to twelve volunteers (members of the public with ``volunteer`` set and
  their consent recorded as synthetic), every team and every join an event.
- ``simulate_calls``: ``days`` days of calls from ``start``, every step through the
  ``Calls`` API at its simulated time (``clock.set`` first): about 1.5 calls a day from
  communities with volunteers; their volunteers (and a few from the same street) sign up
  over the following hours — some find the call full, a few withdraw; on the day most
  check in and many report what they did; a few calls are cancelled; each ends when its
  time is over. The counts returned are read from the audit log.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, select

from cases.actors import Actor, Role
from cases.quanxinyuan.calls import Calls
from cases.quanxinyuan.platform import Places, QxyError, SimClock
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.schema import public_people, qxy_events
from cases.quanxinyuan.volunteers import Volunteers

PHONE_BASE = 19920000000
TEAMS_PER_COMMUNITY = (3, 4, 4)  # ~3.7 a community: ~320 teams over 88
MEMBERS_PER_TEAM = (6, 12)
CONSENT = "synthetic"
TEAM_KINDS = (
    "青年志愿服务队",
    "银发志愿服务队",
    "党员先锋队",
    "巾帼志愿服务队",
    "文明实践队",
    "平安志愿巡逻队",
    "环保志愿队",
    "助老志愿队",
    "法律服务志愿队",
    "红色物业志愿队",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
TASKS = (
    ("网格走访", "入户走访独居老人，登记需求"),
    ("垃圾分类宣传", "在小区门口宣传垃圾分类，发放资料"),
    ("文明交通劝导", "路口劝导行人和电动车遵守信号灯"),
    ("环境清洁", "清理楼道杂物和小广告"),
    ("防诈骗宣传", "在社区广场讲解防范电信诈骗"),
    ("助老理发", "为高龄老人上门理发"),
    ("平安巡逻", "夜间在小区内巡逻，检查消防通道"),
    ("义务植树", "在社区绿地补种树苗"),
)
REPORTS = (
    "完成走访，登记了需求",
    "发放资料并解答居民问题",
    "清理完毕，拍照留存",
    "按时到岗，劝导顺利",
    "服务了几位老人，反响很好",
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def synthetic_teams(volunteers: Volunteers, places: Places, rng: random.Random) -> int:
    """Add ~320 synthetic teams (three or four a community) with their volunteers; teams
    already there by id are kept as they are. Returns how many teams were new."""
    platform = volunteers.platform
    now = platform.now()
    existing = {t.id for t in volunteers.teams()}
    with platform.reading() as conn:
        phones = {r.phone for r in conn.execute(select(public_people.c.phone))}
    plan: list[tuple[str, str, str, list[tuple[str, str]]]] = []  # team, name, community
    serial = 0
    for code in sorted(places.communities):
        place = places.communities[code]
        kinds = rng.sample(TEAM_KINDS, rng.choice(TEAMS_PER_COMMUNITY))
        for i, kind in enumerate(kinds):
            team_id = f"syn-{code}-{i}"
            # Drawn whether or not the team is there: a second run draws the same.
            members = []
            for _ in range(rng.randint(*MEMBERS_PER_TEAM)):
                members.append((str(PHONE_BASE + serial), _name(rng)))
                serial += 1
            if team_id not in existing:
                plan.append((team_id, f"{place.community_name}{kind}", code, members))
    if not plan:
        return 0
    with platform.writing() as step:
        for team_id, team_name, code, members in plan:
            team = volunteers._put(step, team_id, team_name, code, None, "system:synthetic", True)
            for phone, name in members:
                if phone in phones:
                    continue
                pid = step.conn.execute(
                    insert(public_people)
                    .values(
                        phone=phone,
                        name=name,
                        community_code=code,
                        team_id=team_id,
                        volunteer=True,
                        consent_at=now,
                        consent_version=CONSENT,
                        created_at=now,
                        synthetic=True,
                    )
                    .returning(public_people.c.id)
                ).scalar_one()
                step.record(
                    kind="team.join",
                    item_kind="team",
                    item_id=team.item_no,
                    community_code=code,
                    actor=f"public:{pid}",
                    from_state="active",
                    to_state="active",
                    data={"team": team_id},
                )
    return len(plan)


def _volunteers_by_community(volunteers: Volunteers) -> dict[str, list[PublicPerson]]:
    with volunteers.platform.reading() as conn:
        rows = conn.execute(select(public_people).where(public_people.c.volunteer.is_(True))).all()
    out: dict[str, list[PublicPerson]] = {}
    for r in rows:
        if r.community_code:
            out.setdefault(r.community_code, []).append(
                PublicPerson(r.id, r.phone, r.name, r.community_code, True, r.team_id)
            )
    return out


def simulate_calls(
    calls: Calls,
    volunteers: Volunteers,
    places: Places,
    clock: SimClock,
    rng: random.Random,
    start: datetime,
    days: float,
    per_day: float = 1.5,
) -> dict[str, int]:
    """Run ``days`` of calls from ``start``; the counts of each step in that span from the
    log (published, full, signed_up, withdrawn, checked_in, reported, closed, cancelled,
    ended) and the sign-ups refused (refused_full: the call had filled)."""
    end = start + timedelta(days=days)
    people = _volunteers_by_community(volunteers)
    if not people:
        raise QxyError("volunteers", "no volunteers to sign up: add teams first")
    by_street: dict[str, list[PublicPerson]] = {}
    for code, group in people.items():
        by_street.setdefault(code[:9], []).extend(group)
    communities = sorted(people)
    queue: list[tuple[datetime, int, str, tuple[Any, ...]]] = []
    serial = 0

    def later(at: datetime, what: str, *args: Any) -> None:
        nonlocal serial
        if at < end:
            serial += 1
            heapq.heappush(queue, (at, serial, what, args))

    t = start
    while True:
        t += timedelta(hours=rng.expovariate(per_day / 24.0))
        if t >= end:
            break
        later(t, "publish")
    refused: Counter[str] = Counter()
    while queue:
        at, _n, what, args = heapq.heappop(queue)
        clock.set(at)
        try:
            if what == "publish":
                _publish(calls, places, rng, at, communities, people, by_street, later)
            elif what == "sign_up":
                calls.sign_up(args[0], args[1])
                if rng.random() < 0.06:
                    later(at + timedelta(hours=rng.uniform(1, 20)), "withdraw", *args)
            elif what == "withdraw":
                calls.withdraw(args[0], args[1])
            elif what == "check_in":
                calls.check_in(args[0], args[1])
                if rng.random() < 0.7:
                    later(args[2] + timedelta(hours=rng.uniform(0.1, 24)), "report", *args)
            elif what == "report":
                calls.report(args[0], args[1], rng.choice(REPORTS))
            elif what == "cancel":
                calls.cancel(args[0], args[1], "天气原因，活动取消")
            elif what == "day_of":
                _day_of(calls, rng, args[0], later)
            elif what == "finish":
                calls.finish_due()
        except QxyError as exc:
            refused[exc.problem] += 1
    return {
        **_counts(calls, start, end),
        "refused_full": refused["full"],
        "refused_other": sum(refused.values()) - refused["full"],
    }


def _publish(
    calls: Calls,
    places: Places,
    rng: random.Random,
    at: datetime,
    communities: list[str],
    people: dict[str, list[PublicPerson]],
    by_street: dict[str, list[PublicPerson]],
    later: Any,
) -> None:
    code = rng.choice(communities)
    actor = Actor(f"community-{code}", Role.LIAISON, f"community_{code}")
    task, text = rng.choice(TASKS)
    local_day = (at + timedelta(hours=8)).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = local_day + timedelta(days=rng.randint(1, 4), hours=rng.choice((9, 14, 15, 19)))
    starts -= timedelta(hours=8)  # local hour → UTC
    ends = starts + timedelta(hours=rng.choice((2, 3, 4)))
    wanted = rng.choice((3, 5, 5, 8, 10, 10, 12, 15))
    cells = places.cells_of(code)
    found = calls.publish(
        actor,
        code,
        task=task,
        text=text,
        place=f"{places.communities[code].community_name}党群服务中心",
        cell_code=rng.choice(cells) if cells else None,
        starts_at=starts,
        ends_at=ends,
        wanted=wanted,
        synthetic=True,
    )
    local = people[code]
    nearby = [p for p in by_street[code[:9]] if p.community_code != code]
    tries = max(1, round(wanted * rng.uniform(0.6, 1.4)))
    chosen = rng.sample(local, min(len(local), tries))
    if nearby and len(chosen) < tries:
        chosen += rng.sample(nearby, min(len(nearby), tries - len(chosen)))
    window = (starts - at).total_seconds() / 3600
    for person in chosen:
        later(
            at + timedelta(hours=min(window * 0.95, rng.expovariate(1 / 10))),
            "sign_up",
            person,
            found.id,
        )
    if rng.random() < 0.03:
        later(at + timedelta(hours=rng.uniform(1, window)), "cancel", actor, found.id)
    later(starts - timedelta(minutes=50), "day_of", found.id)
    later(ends + timedelta(minutes=1), "finish")


def _day_of(calls: Calls, rng: random.Random, call_id: int, later: Any) -> None:
    """On the day: most of the standing sign-ups check in, between 50 minutes before the
    start and half an hour after it."""
    found = calls.get(call_id)
    if found.state not in ("open", "full"):
        return
    from cases.quanxinyuan.schema import call_signups

    with calls.platform.reading() as conn:
        rows = conn.execute(
            select(call_signups.c.person_id, public_people)
            .join(public_people, public_people.c.id == call_signups.c.person_id)
            .where(and_(call_signups.c.call_id == call_id, call_signups.c.cancelled_at.is_(None)))
        ).all()
    for r in rows:
        if rng.random() < 0.85:
            person = PublicPerson(r.id, r.phone, r.name, r.community_code, True, r.team_id)
            at = found.starts_at + timedelta(minutes=rng.uniform(-50, 30))
            later(at, "check_in", person, call_id, found.ends_at)


STEP_KINDS = {
    "published": "call.publish",
    "full": "call.full",
    "signed_up": "signup.sign_up",
    "withdrawn": "signup.withdraw",
    "checked_in": "signup.check_in",
    "reported": "signup.report",
    "closed": "call.close",
    "cancelled": "call.cancel",
    "ended": "call.end",
}


def _counts(calls: Calls, start: datetime, end: datetime) -> dict[str, int]:
    with calls.platform.reading() as conn:
        rows = conn.execute(
            select(qxy_events.c.kind, func.count())
            .where(
                qxy_events.c.at >= start,
                qxy_events.c.at < end,
                qxy_events.c.item_kind.in_(("call", "signup")),
            )
            .group_by(qxy_events.c.kind)
        ).all()
    found = {kind: int(n) for kind, n in rows}
    return {name: found.get(kind, 0) for name, kind in STEP_KINDS.items()}
