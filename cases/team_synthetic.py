"""A synthetic 1+6 team for every cell of a grid, labelled synthetic like the grid itself.

The article's district has about 1,000 full-time grid workers for its 1,000-odd cells and a
grid party branch in each. Here each cell gets its branch and secretary (the 1) and six
members: its grid worker (one worker serves two neighbouring cells in every eleventh pair,
so the district has a little fewer workers than cells), the community's 城管, 环保 and
公安 members sent down from their departments, the community's property manager and the
street's staff on duty. Names are made up from common surnames and given-name characters;
phone numbers are in a range no operator issues (``19900000000`` up), so none reaches a
real person. The same grid and seed give the same people.

Duty: grid workers patrol 08:00-18:00 local (one in six 14:00-22:00, one in twelve the night,
22:00-08:00); property managers 08:00-20:00; department
members 08:30-17:30 on working days; the street keeps one person on duty round the clock
in two shifts. ``roll_shifts`` adds the coming days' shifts (and forgets old ones) while a
demo runs for days; ``keep_rolling`` does it on a timer.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from cases import clock
from cases.people import Person, Roster

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文玉兰红梅鹏辉玲丹萍宁飞"
    "斌波志国海燕春晓东亮新凤琳瑞雪婷慧莉成林凯浩宇峰"
)
# The members each community sends to its cells' teams, by department.
COMMUNITY_MEMBERS = ("chengguan", "huanbao", "gongan")
SHARED_EVERY = 11  # every 11th cell shares the grid worker of the cell before it
PHONE_BASE = 19900000000


@dataclass(frozen=True)
class SyntheticTeams:
    people: list[Person]
    # cell code -> (party branch name, [(person id, part)])
    teams: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)

    def shifts(self, day: date, working_day: bool) -> list[tuple[str, datetime, datetime]]:
        """The duty shifts of local ``day`` (department members only on a working day)."""
        out: list[tuple[str, datetime, datetime]] = []
        for person in self.people:
            for start, end in _shift_hours(person, working_day):
                out.append((person.id, _local(day, start), _local(day, end)))
        return out


def synthetic_teams(cells: Sequence[tuple[str, str, str]], seed: int = 0) -> SyntheticTeams:
    """Teams for ``cells`` ((cell code, street name, community name) each, in grid order)."""
    rng = random.Random(seed)
    used: set[str] = set()
    phones = iter(range(PHONE_BASE + 1, PHONE_BASE + 10_000_000))

    def person(pid: str, kind: str, unit: str) -> Person:
        return Person(pid, _name(rng, used), kind, str(next(phones)), unit, synthetic=True)

    persons: dict[str, Person] = {}
    teams: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    seq_in_community: dict[str, int] = {}
    previous_worker: str | None = None
    for n, (code, _street_name, community_name) in enumerate(cells):
        street, community = code[:9], code[:12]
        k = seq_in_community[community] = seq_in_community.get(community, 0) + 1
        branch = f"{community_name}第{k}网格党支部"
        secretary = person(f"sec-{code}", "branch_secretary", f"community_{community}")
        if previous_worker is not None and n % SHARED_EVERY == SHARED_EVERY - 1:
            worker_id = previous_worker  # one worker serves this cell and the one before
        else:
            worker = person(f"gw-{code}", "grid_worker", f"community_{community}")
            persons[worker.id] = worker
            worker_id = worker.id
        previous_worker = worker_id
        members = [(secretary.id, "secretary"), (worker_id, "worker")]
        for department in COMMUNITY_MEMBERS:
            pid = f"dm-{department}-{community}"
            if pid not in persons:
                persons[pid] = person(pid, "dept_member", department)
            members.append((pid, "member"))
        pm = f"pm-{community}"
        if pm not in persons:
            persons[pm] = person(pm, "property_manager", f"community_{community}")
        members.append((pm, "member"))
        for half in ("day", "night"):
            sid = f"ss-{half}-{street}"
            if sid not in persons:
                persons[sid] = person(sid, "street_staff", f"street_{street}")
        members.append((f"ss-day-{street}", "member"))  # the night's is found by duty
        persons[secretary.id] = secretary
        teams[code] = (branch, members)
    return SyntheticTeams(list(persons.values()), teams)


def patrol_turn(person_id: str) -> str:
    """A synthetic grid worker's shift: most walk the day, one in six the late shift, one in
    twelve the night, so someone is out on the grid at every hour (spread by the id's hash,
    the same on every run)."""
    turn = int(hashlib.sha256(person_id.encode()).hexdigest(), 16) % 12
    return "night" if turn == 0 else "late" if turn in (1, 2) else "day"


def _shift_hours(person: Person, working_day: bool) -> Iterable[tuple[time, time]]:
    if person.kind == "grid_worker":
        turn = patrol_turn(person.id)
        if turn == "night":
            yield time(0), time(8)
            yield time(22), time(23, 59, 59)
        elif turn == "late":
            yield time(14), time(22)
        else:
            yield time(8), time(18)
    elif person.kind == "property_manager":
        yield time(8), time(20)
    elif person.kind == "dept_member" and working_day:
        yield time(8, 30), time(17, 30)
    elif person.kind == "street_staff":
        if person.id.startswith("ss-day-"):
            yield time(8), time(20)
        else:
            yield time(0), time(8)
            yield time(20), time(23, 59, 59)
    elif person.kind == "branch_secretary" and working_day:
        yield time(9), time(17)


def _local(day: date, at: time) -> datetime:
    return clock.as_utc(datetime.combine(day, at, tzinfo=clock.LOCAL_TZ))


def _name(rng: random.Random, used: set[str]) -> str:
    for _ in range(50):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(3))
    used.add(name)
    return name


def seed_synthetic(
    roster: Roster, cells: Sequence[tuple[str, str, str]], days: Iterable[tuple[date, bool]]
) -> int:
    """Fill an empty roster with ``cells``' synthetic teams and their shifts on ``days``
    ((local day, whether it is a working day) each); returns how many people (0: the roster
    had people already, and is left as it is)."""
    if roster.count():
        return 0
    made = synthetic_teams(cells)
    roster.put_people(made.people)
    roster.put_teams(made.teams)
    for day, working in days:
        roster.add_shifts(made.shifts(day, working))
    return len(made.people)


KEEP_DAYS = 7  # shifts ended longer ago than this are forgotten by ``roll_shifts``
ROLL_EVERY_S = 600.0
log = logging.getLogger(__name__)


def roll_shifts(
    roster: Roster, today: date, is_working_day: Callable[[date], bool], ahead: int = 1
) -> int:
    """Give the synthetic people their shifts from local ``today`` to ``ahead`` days on
    (the ones they have already are kept, not doubled) and forget shifts that ended over
    ``KEEP_DAYS`` ago; returns how many shifts were added."""
    synthetic = [p for p in roster.people() if p.synthetic]
    if not synthetic:
        return 0
    made = SyntheticTeams(synthetic)
    added = 0
    for n in range(ahead + 1):
        day = today + timedelta(days=n)
        added += roster.add_shifts(made.shifts(day, is_working_day(day)))
    roster.clear_shifts(_local(today - timedelta(days=KEEP_DAYS), time(0)))
    return added


def keep_rolling(
    roster: Roster,
    now: Callable[[], datetime],
    is_working_day: Callable[[date], bool],
    stop: threading.Event,
    every_s: float = ROLL_EVERY_S,
) -> None:
    """Roll the synthetic shifts on (``roll_shifts`` for the local day of ``now()``) at
    once and every ``every_s`` seconds until ``stop`` is set: a demo running for days keeps
    a team on duty each day. A failed round is logged and tried again at the next."""
    while True:
        try:
            today = clock.as_utc(now()).astimezone(clock.LOCAL_TZ).date()
            added = roll_shifts(roster, today, is_working_day)
            if added:
                log.info("synthetic duty shifts: %d added from %s on", added, today)
        except Exception:  # the store away a moment: the next round tries again
            log.exception("rolling the synthetic duty shifts on failed")
        if stop.wait(every_s):
            return
