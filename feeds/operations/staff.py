"""The people who work the cases: the desk, departments' liaisons and crews, grid workers
and shift leads.

Who is on duty when (shifts, office hours, patrols and follow-up calls, local time), how
many work at once (a pool whose capacity follows the clock), and which person takes a
step, under a believable name for the audit log.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable

from cases import clock
from cases.calendar import WorkingDays
from cases.catalog import Catalog
from cases.workflow import Actor, Role
from feeds.operations.arrivals import working_day
from feeds.operations.parameters import DepartmentOps, OpsParams

Window = Callable[[int], tuple[float, float] | None]  # day -> (open, close) hours, or closed
Job = Callable[[], None]

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN_NAMES = (
    "伟/芳/娜/敏/静/磊/洋/艳/勇/军/杰/娟/涛/明/超/秀英/桂英/建华/志强/晓东/海燕/丽/强/鹏/"
    "婷/雪/浩/宇/欣怡/子涵/文博/俊杰/晓红/建国/玉兰/春梅/国庆/立新/红霞/志刚"
)
_GIVEN = tuple(_GIVEN_NAMES.split("/"))


def person(i: int) -> str:
    """The ``i``-th name of the district's staff (the same name for the same ``i``)."""
    return _SURNAMES[(i * 7 + 3) % len(_SURNAMES)] + _GIVEN[(i * 11 + i // 5) % len(_GIVEN)]


def next_open(t: float, window: Window) -> float:
    """``t`` if ``window`` is open then, else when it next opens (within 60 days)."""
    day = clock.local_day_number(t)
    for d in range(day, day + 60):
        hours = window(d)
        if hours is None:
            continue
        midnight = clock.local_midnight_epoch(d)
        begin, end = midnight + hours[0] * clock.HOUR_S, midnight + hours[1] * clock.HOUR_S
        if t < end:
            return max(t, begin)
    return t


class Pool:
    """Servers (operators, crews) whose number on duty follows the clock, and their queue.

    A job waits in the queue by its key (urgent first, then the earliest deadline) and
    starts when someone is free; whoever finishes calls ``release``.
    """

    __slots__ = ("busy", "capacity", "queue")

    def __init__(self, capacity: Callable[[float], int]) -> None:
        self.capacity = capacity
        self.busy = 0
        self.queue: list[tuple[tuple[int, float], int, Job]] = []

    def submit(self, key: tuple[int, float], serial: int, job: Job, t: float) -> None:
        heapq.heappush(self.queue, (key, serial, job))
        self.fill(t)

    def fill(self, t: float) -> None:
        if not self.queue:
            return
        capacity = self.capacity(t)
        while self.queue and self.busy < capacity:
            _, _, job = heapq.heappop(self.queue)
            self.busy += 1
            job()

    def release(self, t: float) -> None:
        self.busy -= 1
        self.fill(t)


class Staff:
    """Everyone on the district's payroll, their shifts, and who takes which step."""

    def __init__(
        self, params: OpsParams, catalog: Catalog, rng: random.Random, days: WorkingDays
    ) -> None:
        self.p = params
        self.rng = rng
        self.days = days  # which days are working days (the store's calendar)
        self.operators = [Actor(person(i), Role.OPERATOR) for i in range(12)]
        self.leads = [Actor(person(40 + i), Role.LEAD) for i in range(4)]
        self.liaisons = {
            code: [
                Actor(f"{dept.name_zh}·{person(100 + 3 * k + j)}", Role.LIAISON, code)
                for j in range(2)
            ]
            for k, (code, dept) in enumerate(sorted(catalog.departments.items()))
        }
        self.workers: dict[str, Actor] = {}
        # the desk, and per department its office crews and its duty crews
        self.desk = Pool(self._desk_capacity)
        self.office = {code: Pool(lambda _t: 0) for code in catalog.departments}
        self.duty = {code: Pool(lambda _t: 0) for code in catalog.departments}
        self.pools = [self.desk, *self.office.values(), *self.duty.values()]
        self.rescale(params)

    def rescale(self, params: OpsParams) -> None:
        """Staff as ``params`` say from now on (crews on a job finish it)."""
        self.p = params
        for code, pool in self.office.items():
            pool.capacity = self._office_capacity(params.department(code))
        for code, pool in self.duty.items():
            pool.capacity = self._duty_capacity(params.department(code))

    def crews(self, department: str, duty: bool) -> Pool:
        """Who works a case: the duty crews for round-the-clock cases, if there are any."""
        dept = self.p.department(department)
        on_duty = duty and dept.duty_crews > 0
        pools = self.duty if on_duty else self.office
        pool = pools.get(department)
        if pool is None:  # a department an admin added while the district runs
            capacity = self._duty_capacity(dept) if on_duty else self._office_capacity(dept)
            pool = pools[department] = Pool(capacity)
            self.pools.append(pool)
        return pool

    # -- shifts ---------------------------------------------------------------------------
    def day_time(self, t: float) -> bool:
        """Whether the desk works its day shift at ``t``."""
        begin, end = self.p.desk_day_hours
        return begin <= clock.local_hour(t) < end

    def _scaled(self, n: float) -> int:
        return max(1, round(n * self.p.capacity_scale)) if n > 0 else 0

    def _desk_capacity(self, t: float) -> int:
        return self._scaled(self.p.desk_day if self.day_time(t) else self.p.desk_night)

    def _office_capacity(self, dept: DepartmentOps) -> Callable[[float], int]:
        weekday = self._scaled(dept.crews)
        weekend = (
            max(1, math.ceil(dept.crews * dept.weekend_share * self.p.capacity_scale))
            if dept.crews and dept.weekend_share > 0
            else 0
        )
        office, rest_day = self.p.office_hours, self.p.rest_day_hours

        def capacity(t: float) -> int:
            hour = clock.local_hour(t)
            if working_day(self.days, clock.local_day_number(t)):
                return weekday if office[0] <= hour < office[1] else 0
            return weekend if rest_day[0] <= hour < rest_day[1] else 0

        return capacity

    def _duty_capacity(self, dept: DepartmentOps) -> Callable[[float], int]:
        n = self._scaled(dept.duty_crews)
        return lambda _t: n

    def liaison_window(self, department: str) -> Window:
        """When the department's liaison reads the dispatches (rest days if it works them)."""
        dept = self.p.department(department)

        def window(day: int) -> tuple[float, float] | None:
            if working_day(self.days, day) or dept.weekend_share > 0:
                return self.p.liaison_hours
            return None

        return window

    def patrol_window(self, _day: int) -> tuple[float, float]:
        return self.p.patrol_hours

    def call_window(self, _day: int) -> tuple[float, float]:
        return self.p.call_hours

    # -- people ---------------------------------------------------------------------------
    def operator(self, t: float) -> Actor:
        if self.day_time(t):
            return self.operators[self.rng.randrange(8)]
        return self.operators[8 + self.rng.randrange(4)]

    def lead(self, t: float) -> Actor:
        """The lead of the shift day (08:00 to 08:00) at ``t``."""
        return self.leads[clock.local_day_number(t - 8 * clock.HOUR_S) % len(self.leads)]

    def liaison(self, department: str) -> Actor:
        people = self.liaisons.get(department)
        if not people:
            return Actor(f"{department}·联络员", Role.LIAISON, department)
        return people[self.rng.randrange(len(people))]

    def worker(self, cell: str) -> Actor:
        """The grid worker of ``cell`` (one per cell, always the same)."""
        actor = self.workers.get(cell)
        if actor is None:
            actor = self.workers[cell] = Actor(person(int(cell[-6:])), Role.WORKER)
        return actor
