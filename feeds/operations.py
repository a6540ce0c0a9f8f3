"""A simulator of operations: the center and its departments working cases, fast.

A discrete-event simulation on a virtual clock. Reports arrive as a Poisson process
shaped by the hour of the day and by working days versus rest days; the desk (operators,
24/7 but thinner at night) files, voids duplicates and dispatches; each department's
liaison accepts or returns the case; its crews work it (a queue of cases on a number of
crews, handling times drawn from a lognormal); grid workers verify and sometimes order
rework; operators close; most closed cases get a follow-up call (回访) whose rating
depends on how long the case took. Leads approve an extension for some cases that reach
the at-risk line (80% of their allowed time) still unhandled.

Every step goes through the real ``Store.apply`` with the simulated time as the store's
clock, so the event log, the SLA fields and the KPI rollup are exactly what a real month
would leave. The article's figures (most cases closed within 3 days, high satisfaction)
are not written anywhere here: they come out of the parameters (staffing, handling
times, probabilities), and a higher report rate on the same staff shows what overload
does to them.
"""

from __future__ import annotations

import csv
import heapq
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select

from cases import clock
from cases.catalog import Category
from cases.model import CaseError, Event, Report, Status
from cases.schema import KPI_COUNTERS, kpi_rollup
from cases.sla import is_working_day
from cases.store import Store
from cases.workflow import Actor, Role
from feeds.simulator import Simulator
from geo.grid import Grid

DATA = Path(__file__).resolve().parent / "data"
DEPARTMENTS_OPS = DATA / "departments_ops.csv"

_HOUR = 3600.0
log = logging.getLogger(__name__)
_DAY = 86400.0
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Asia/Shanghai has kept UTC+8 without daylight saving since 1991: local time is a shift.
_OFFSET = (clock.LOCAL_TZ.utcoffset(datetime(2000, 1, 1)) or timedelta(hours=8)).total_seconds()
_TICK = 1800.0  # crews and shifts change on the half hour
_REFERENCE_LIMIT_H = 16.0  # a category with this limit takes a department's median time


# -- parameters -----------------------------------------------------------------------------
@dataclass(frozen=True)
class DepartmentOps:
    """How one department works (a row of feeds/data/departments_ops.csv).

    ``crews`` work in parallel during office hours of working days, ``weekend_share`` of
    them on rest days; ``duty_crews`` are on call round the clock for urgent cases and
    cases whose limit runs on calendar hours. Handling takes a lognormal time with median
    ``handle_median_h`` (for a category with a 16-hour limit) and shape ``handle_sigma``.
    ``return_p``: the liaison returns a dispatched case as not theirs; ``rework_p``: the
    verifier finds the work not done; ``extend_p``: a case that reaches the at-risk line
    unhandled gets an extension (asked by the department, approved by a lead).
    """

    code: str
    crews: int
    duty_crews: int
    weekend_share: float
    handle_median_h: float
    handle_sigma: float
    accept_median_min: float
    return_p: float
    rework_p: float
    extend_p: float
    alternates: tuple[str, ...] = ()


def load_department_ops(path: Path | str | None = None) -> dict[str, DepartmentOps]:
    """The department table: the bundled CSV, or one of the same shape."""
    text = Path(path or DEPARTMENTS_OPS).read_text(encoding="utf-8")
    table: dict[str, DepartmentOps] = {}
    for row in csv.DictReader(text.splitlines()):
        dept = DepartmentOps(
            code=row["code"].strip(),
            crews=int(row["crews"]),
            duty_crews=int(row["duty_crews"]),
            weekend_share=float(row["weekend_share"]),
            handle_median_h=float(row["handle_median_h"]),
            handle_sigma=float(row["handle_sigma"]),
            accept_median_min=float(row["accept_median_min"]),
            return_p=float(row["return_p"]),
            rework_p=float(row["rework_p"]),
            extend_p=float(row["extend_p"]),
            alternates=tuple(a.strip() for a in row.get("alternates", "").split(";") if a.strip()),
        )
        if dept.crews < 0 or dept.duty_crews < 0 or dept.handle_median_h <= 0:
            raise ValueError(f"departments_ops: bad row for {dept.code}")
        table[dept.code] = dept
    return table


# A department the table does not know (an admin added it) works like this.
FALLBACK_DEPARTMENT = DepartmentOps("", 2, 1, 0.3, 3.0, 0.8, 30.0, 0.04, 0.03, 0.4)


@dataclass(frozen=True)
class OpsParams:
    """Everything the outcome depends on, besides the report rate and the seed.

    Times are local (Asia/Shanghai) hours of the day; medians are of lognormal draws.
    """

    departments: Mapping[str, DepartmentOps] = field(default_factory=load_department_ops)
    capacity_scale: float = 1.0  # multiplies crews and desk staff (load tests staff up)
    weekend_rate: float = 0.6  # reports on a rest day, relative to a working day
    # the desk (受理/派遣/结案), 24/7
    desk_day: int = 6
    desk_night: int = 2
    desk_day_hours: tuple[float, float] = (8.0, 20.0)
    file_median_min_day: float = 3.0
    file_median_min_night: float = 8.0
    dispatch_median_min: float = 2.0
    redispatch_median_min: float = 12.0
    close_median_min: float = 6.0
    desk_sigma: float = 0.6
    void_p: float = 0.02  # duplicates and non-cases, voided at filing
    redirect_p: float = 0.6  # a returned case goes to another plausible department
    # departments
    office_hours: tuple[float, float] = (8.0, 18.0)
    rest_day_hours: tuple[float, float] = (9.0, 17.0)
    liaison_hours: tuple[float, float] = (8.5, 17.5)
    limit_exponent: float = 0.3  # handling time grows with the category's limit
    # work starts after this share (median) of the category's limit has run since
    # acceptance, on the category's own clock: travel, scheduling, materials
    start_lag_share: float = 0.08
    start_lag_sigma: float = 1.0
    report_back_median_min: float = 15.0
    rework_work_factor: float = 0.5  # rework takes this share of a first handling
    repeat_return_factor: float = 0.3  # a second department returns less often
    repeat_rework_factor: float = 0.3  # a second rework is rarer
    return_scale: float = 1.0  # multiply every department's return_p (what-if)
    rework_scale: float = 1.0
    extend_scale: float = 1.0
    max_extensions: int = 2
    extension_share: tuple[float, float] = (0.5, 1.0)  # of the category's limit
    # verification by grid workers on patrol; photo check by an operator at night
    patrol_hours: tuple[float, float] = (8.0, 18.0)
    verify_median_h: float = 1.5
    verify_sigma: float = 0.8
    rest_day_verify_factor: float = 1.5
    night_verify_median_min: float = 30.0
    # follow-up calls (回访)
    rate_p: float = 0.9
    call_hours: tuple[float, float] = (9.0, 20.0)
    rating_delay_median_h: float = 20.0
    # rating: P(unsatisfied) and P(basic) grow with how long and how late the case was
    unsat_base: float = 0.002
    unsat_per_day: float = 0.004
    unsat_overdue: float = 0.03
    unsat_per_rework: float = 0.03
    unsat_per_return: float = 0.01
    basic_base: float = 0.05
    basic_per_day: float = 0.03
    basic_overdue: float = 0.1

    def department(self, code: str) -> DepartmentOps:
        return self.departments.get(code, FALLBACK_DEPARTMENT)


# -- outcome --------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpsSummary:
    """What a run did. Counts of actions are events (a case returned twice counts 2)."""

    start: datetime
    end: datetime
    days: float
    reports_per_day: float
    seed: int
    reports: int
    filed: int
    voided: int
    dispatched: int
    returned: int
    reworked: int
    extended: int
    handled: int
    closed: int
    rated: int
    satisfied: int
    open_at_end: int
    conflicts: int  # actions the store refused (someone else acted on the case)
    events: int
    wall_seconds: float

    @property
    def per_day(self) -> float:
        return self.reports / self.days if self.days else 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.wall_seconds if self.wall_seconds else 0.0

    def counts(self) -> dict[str, Any]:
        """Everything but the wall time: equal for two runs with the same seed."""
        out = asdict(self)
        out.pop("wall_seconds")
        return out

    def lines(self) -> list[str]:
        return [
            f"simulated {self.days:g} days from {clock.iso_local(self.start)} "
            f"at {self.reports_per_day:g} reports/day (seed {self.seed})",
            f"reports {self.reports} ({self.per_day:.1f}/day), closed {self.closed}, "
            f"voided {self.voided}, open at end {self.open_at_end}",
            f"returned {self.returned}, reworked {self.reworked}, extended {self.extended}, "
            f"rated {self.rated} (satisfied {self.satisfied})",
            f"events {self.events} in {self.wall_seconds:.1f} s "
            f"({self.events_per_second:.0f} events/s)",
        ]


def district_kpis(store: Store) -> dict[str, float]:
    """The district's KPI counters summed over all days (from kpi_rollup), and rates.

    ``closed_3d_rate`` is of closed cases; ``closed_3d_of_all`` counts every non-void
    case, so a case still open counts as not closed within 3 days.
    """
    with store.read() as conn:
        row = conn.execute(
            select(*(func.coalesce(func.sum(kpi_rollup.c[n]), 0) for n in KPI_COUNTERS)).where(
                kpi_rollup.c.dim == "district"
            )
        ).one()
    out: dict[str, float] = {n: float(v) for n, v in zip(KPI_COUNTERS, row, strict=True)}

    def ratio(a: float, b: float) -> float:
        return a / b if b else 0.0

    valid = out.get("collected", 0.0) - out.get("void", 0.0)
    out["closed_3d_rate"] = ratio(out.get("closed_3d", 0.0), out.get("closed", 0.0))
    out["closed_7d_rate"] = ratio(out.get("closed_7d", 0.0), out.get("closed", 0.0))
    out["closed_3d_of_all"] = ratio(out.get("closed_3d", 0.0), valid)
    out["closed_7d_of_all"] = ratio(out.get("closed_7d", 0.0), valid)
    out["satisfaction"] = ratio(out.get("satisfied", 0.0), out.get("rated", 0.0))
    return out


# -- time of day ----------------------------------------------------------------------------
_WORKING: dict[int, bool] = {}


def _local_day(t: float) -> int:
    """Local (Asia/Shanghai) day number since 1970-01-01 of epoch second ``t``."""
    return int((t + _OFFSET) // _DAY)


def _local_hour(t: float) -> float:
    return ((t + _OFFSET) % _DAY) / _HOUR


def _day_start(day: int) -> float:
    """Epoch second of local midnight of day number ``day``."""
    return day * _DAY - _OFFSET


def _working(day: int) -> bool:
    known = _WORKING.get(day)
    if known is None:
        known = _WORKING[day] = is_working_day(date.fromordinal(day + _EPOCH_ORDINAL))
    return known


Window = Callable[[int], tuple[float, float] | None]  # day -> (open, close) hours, or closed


def _next_open(t: float, window: Window) -> float:
    """``t`` if ``window`` is open then, else when it next opens (within 60 days)."""
    day = _local_day(t)
    for d in range(day, day + 60):
        hours = window(d)
        if hours is None:
            continue
        begin, end = _day_start(d) + hours[0] * _HOUR, _day_start(d) + hours[1] * _HOUR
        if t < end:
            return max(t, begin)
    return t


def arrival_times(
    start: float,
    days: float,
    reports_per_day: float,
    rhythm: Callable[[datetime], float],
    rng: np.random.Generator,
    weekend_rate: float = 0.6,
) -> np.ndarray:
    """Report instants (epoch seconds, sorted) of a Poisson process over ``days``.

    The rate is piecewise constant per hour: ``reports_per_day / 24`` times ``rhythm``
    (mean 1 over a day) times the day factor (1 on working days, ``weekend_rate`` on rest
    days), the day factors scaled so that an ordinary week averages ``reports_per_day``.
    """
    end = start + days * _DAY
    norm = (5 + 2 * weekend_rate) / 7
    out: list[np.ndarray] = []
    t = start
    while t < end:
        hour_end = min(end, (math.floor((t + _OFFSET) / _HOUR) + 1) * _HOUR - _OFFSET)
        span = hour_end - t
        day_factor = (1.0 if _working(_local_day(t)) else weekend_rate) / norm
        rate = reports_per_day / _DAY * rhythm(datetime.fromtimestamp(t, UTC)) * day_factor
        n = int(rng.poisson(rate * span))
        if n:
            out.append(np.sort(rng.uniform(t, hour_end, n)))
        t = hour_end
    return np.concatenate(out) if out else np.empty(0)


# -- people and words -----------------------------------------------------------------------
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN_NAMES = (
    "伟/芳/娜/敏/静/磊/洋/艳/勇/军/杰/娟/涛/明/超/秀英/桂英/建华/志强/晓东/海燕/丽/强/鹏/"
    "婷/雪/浩/宇/欣怡/子涵/文博/俊杰/晓红/建国/玉兰/春梅/国庆/立新/红霞/志刚"
)
_GIVEN = tuple(_GIVEN_NAMES.split("/"))


def _person(i: int) -> str:
    return _SURNAMES[(i * 7 + 3) % len(_SURNAMES)] + _GIVEN[(i * 11 + i // 5) % len(_GIVEN)]


VOID_REASONS = (
    "重复上报，已并入在办案件",
    "重复上报，同一点位已立案",
    "不属于网格化管理事项",
    "现场核实问题不存在",
    "上报信息不全，联系不上报人",
)
RETURN_REASONS = (
    "不属于本部门职责，请重新派遣",
    "权属不清，需指挥中心协调",
    "点位不在本部门管辖范围",
    "该事项已由其他单位办理",
    "派遣类别有误，建议改派",
)
REDIRECT_REASON = "按退回意见改派至{dept}"
RESEND_REASON = "经核实属原部门职责，重新派遣"
REWORK_REASONS = (
    "现场复核未整改到位",
    "处置照片与现场不符",
    "问题反弹，需再次处置",
    "群众反映仍未解决",
    "只处理了部分点位",
)
EXTEND_REASONS = (
    "需协调产权单位，申请延期",
    "需等待材料和设备到位",
    "天气原因无法作业",
    "需多部门联合处置",
    "涉及施工审批，办理周期较长",
)
RATING_REASON = {
    "satisfied": "回访：满意",
    "basic": "回访：基本满意",
    "unsatisfied": "回访：不满意",
}


# -- the simulation -------------------------------------------------------------------------
class _Pool:
    """Servers (operators, crews) with a capacity that varies with the time of day."""

    __slots__ = ("busy", "capacity", "queue")

    def __init__(self, capacity: Callable[[float], int]) -> None:
        self.capacity = capacity
        self.busy = 0
        self.queue: list[tuple[tuple[int, float], int, Callable[[], None]]] = []


@dataclass(slots=True, eq=False)
class _Case:
    id: int
    category: Category
    department: str
    duty: bool  # worked round the clock (urgent, or the limit runs on calendar hours)
    cell: str
    created: float
    at_risk: float
    deadline: float
    status: Status = Status.REPORTED
    dispatches: int = 0
    returns: int = 0
    reworks: int = 0
    extensions: int = 0
    closed: float = 0.0


class _Operations:
    def __init__(
        self,
        store: Store,
        grid: Grid,
        params: OpsParams,
        seed: int,
        start: float,
        end: float,
        progress: Callable[[float], None] | None,
    ) -> None:
        self.store = store
        self.grid = grid
        self.p = params
        self.seed = seed
        self.start = start
        self.end = end
        self.progress = progress
        self.rng = random.Random(seed)
        self.t = start
        self.moment = datetime.fromtimestamp(start, UTC)
        self.heap: list[tuple[float, int, Callable[[Any], None], Any]] = []
        self.serial = 0
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "reports",
                "filed",
                "voided",
                "dispatched",
                "returned",
                "reworked",
                "extended",
                "handled",
                "closed",
                "rated",
                "satisfied",
                "conflicts",
            ),
            0,
        )
        self.cases: dict[int, _Case] = {}
        catalog = store.catalog
        self.catalog = catalog
        self.sim = Simulator(grid, catalog, seed=seed)
        self.bodies: list[dict[str, Any]] = []
        self.arrivals: np.ndarray = np.empty(0)
        self.next_arrival = 0
        # people
        self.operators = [Actor(_person(i), Role.OPERATOR) for i in range(12)]
        self.leads = [Actor(_person(40 + i), Role.LEAD) for i in range(4)]
        self.liaisons = {
            code: [
                Actor(f"{dept.name_zh}·{_person(100 + 3 * k + j)}", Role.LIAISON, code)
                for j in range(2)
            ]
            for k, (code, dept) in enumerate(sorted(catalog.departments.items()))
        }
        self.workers: dict[str, Actor] = {}
        # pools: the desk, and per department its office crews and its duty crews
        self.desk = _Pool(self._desk_capacity)
        self.office: dict[str, _Pool] = {}
        self.duty: dict[str, _Pool] = {}
        for code in catalog.departments:
            dept = params.department(code)
            self.office[code] = _Pool(self._office_capacity(dept))
            self.duty[code] = _Pool(self._duty_capacity(dept))
        self.pools = [self.desk, *self.office.values(), *self.duty.values()]

    # -- scheduling ---------------------------------------------------------------------
    def at(self, when: float, fn: Callable[[Any], None], arg: Any = None) -> None:
        self.serial += 1
        heapq.heappush(self.heap, (when, self.serial, fn, arg))

    def after(self, seconds: float, fn: Callable[[Any], None], arg: Any = None) -> None:
        self.at(self.t + seconds, fn, arg)

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(sigma * self.rng.gauss(0.0, 1.0))

    def minutes(self, median_min: float, sigma: float | None = None) -> float:
        return 60.0 * self.lognormal(median_min, self.p.desk_sigma if sigma is None else sigma)

    def run(self, reports_per_day: float) -> None:
        self.prepare(reports_per_day)
        self.step_until(self.end)
        if self.progress is not None:
            self.progress(1.0)

    def prepare(self, reports_per_day: float) -> None:
        """Draw the arrivals of the whole span and schedule the first of everything."""
        self.arrivals = arrival_times(
            self.start,
            (self.end - self.start) / _DAY,
            reports_per_day,
            self.sim.rhythm,
            np.random.default_rng([self.seed, 1]),
            self.p.weekend_rate,
        )
        self._schedule_arrival()
        self.at(self.start + _TICK - (self.start + _OFFSET) % _TICK, self._tick)

    def retune(self, reports_per_day: float, capacity_scale: float) -> None:
        """From now on: a new report rate, and staff scaled to it."""
        self.p = replace(self.p, capacity_scale=capacity_scale)
        fresh = arrival_times(
            self.t,
            (self.end - self.t) / _DAY,
            reports_per_day,
            self.sim.rhythm,
            np.random.default_rng([self.seed, 2]),
            self.p.weekend_rate,
        )
        self.arrivals = np.concatenate([self.arrivals[: self.next_arrival], fresh])
        # The next arrival already waiting was drawn at the old rate; start the new stream
        # now beside it (both draw indices from one counter, so the order stays sorted).
        self._schedule_arrival()

    def step_until(self, until: float) -> float | None:
        """Do everything due by ``until`` (epoch s); returns when the next thing is due."""
        heap = self.heap
        limit = min(until, self.end)
        while heap and heap[0][0] <= limit:
            when, _, fn, arg = heapq.heappop(heap)
            if when != self.t:
                self.t = when
                self.moment = datetime.fromtimestamp(when, UTC)
            fn(arg)
        return heap[0][0] if heap and heap[0][0] <= self.end else None

    def _tick(self, _: Any) -> None:
        for pool in self.pools:
            if pool.queue:
                self._fill(pool)
        if self.progress is not None:
            self.progress(min(1.0, (self.t - self.start) / (self.end - self.start)))
        self.after(_TICK, self._tick)

    # -- pools --------------------------------------------------------------------------
    def _submit(self, pool: _Pool, case: _Case, job: Callable[[], None]) -> None:
        # Urgent first, then the earliest deadline: what the desk's colours ask for.
        key = (0 if case.category.priority == "urgent" else 1, case.deadline)
        self.serial += 1
        heapq.heappush(pool.queue, (key, self.serial, job))
        self._fill(pool)

    def _fill(self, pool: _Pool) -> None:
        if not pool.queue:
            return
        capacity = pool.capacity(self.t)
        while pool.queue and pool.busy < capacity:
            _, _, job = heapq.heappop(pool.queue)
            pool.busy += 1
            job()

    def _release(self, pool: _Pool) -> None:
        pool.busy -= 1
        self._fill(pool)

    def _scaled(self, n: float) -> int:
        return max(1, round(n * self.p.capacity_scale)) if n > 0 else 0

    def _day_time(self, t: float) -> bool:
        begin, end = self.p.desk_day_hours
        return begin <= _local_hour(t) < end

    def _desk_capacity(self, t: float) -> int:
        return self._scaled(self.p.desk_day if self._day_time(t) else self.p.desk_night)

    def _office_window(self, dept: DepartmentOps) -> Window:
        def window(day: int) -> tuple[float, float] | None:
            if _working(day):
                return self.p.office_hours
            return self.p.rest_day_hours if dept.weekend_share > 0 else None

        return window

    def _office_capacity(self, dept: DepartmentOps) -> Callable[[float], int]:
        weekday = self._scaled(dept.crews)
        weekend = (
            max(1, math.ceil(dept.crews * dept.weekend_share * self.p.capacity_scale))
            if dept.crews and dept.weekend_share > 0
            else 0
        )

        def capacity(t: float) -> int:
            day, hour = _local_day(t), _local_hour(t)
            if _working(day):
                begin, end = self.p.office_hours
                return weekday if begin <= hour < end else 0
            begin, end = self.p.rest_day_hours
            return weekend if begin <= hour < end else 0

        return capacity

    def _duty_capacity(self, dept: DepartmentOps) -> Callable[[float], int]:
        n = self._scaled(dept.duty_crews)
        return lambda _t: n

    def _liaison_window(self, dept: DepartmentOps) -> Window:
        def window(day: int) -> tuple[float, float] | None:
            if _working(day) or dept.weekend_share > 0:
                return self.p.liaison_hours
            return None

        return window

    def _patrol_window(self, _day: int) -> tuple[float, float]:
        return self.p.patrol_hours

    def _call_window(self, _day: int) -> tuple[float, float]:
        return self.p.call_hours

    # -- actors -------------------------------------------------------------------------
    def operator(self) -> Actor:
        if self._day_time(self.t):
            return self.operators[self.rng.randrange(8)]
        return self.operators[8 + self.rng.randrange(4)]

    def lead(self) -> Actor:
        return self.leads[_local_day(self.t - 8 * _HOUR) % len(self.leads)]  # one per shift day

    def liaison(self, case: _Case) -> Actor:
        people = self.liaisons.get(case.department)
        if not people:
            return Actor(f"{case.department}·联络员", Role.LIAISON, case.department)
        return people[self.rng.randrange(len(people))]

    def worker(self, cell: str) -> Actor:
        actor = self.workers.get(cell)
        if actor is None:
            actor = self.workers[cell] = Actor(_person(int(cell[-6:])), Role.WORKER)
        return actor

    # -- the store ----------------------------------------------------------------------
    def apply(
        self, case: _Case, name: str, actor: Actor, reason: str = "", **params: Any
    ) -> Event | None:
        if case.id not in self.cases:
            return None  # given up after a refusal
        try:
            return self.store.apply(case.id, name, actor, reason, **params)
        except CaseError:
            # Someone outside the simulation acted on this case: leave it to them.
            self.counts["conflicts"] += 1
            self.cases.pop(case.id, None)
            return None

    # -- arrivals -----------------------------------------------------------------------
    def _schedule_arrival(self) -> None:
        if self.next_arrival < len(self.arrivals):
            self.at(float(self.arrivals[self.next_arrival]), self._arrive, self.next_arrival)
            self.next_arrival += 1

    def _arrive(self, index: int) -> None:
        self._schedule_arrival()
        if not self.bodies:
            self.bodies = self.sim.reports(64)
            self.bodies.reverse()
        body = self.bodies.pop()
        where = self.grid.locate(body["lon"], body["lat"])
        if where.cell_code is None:
            return
        category = self.catalog.categories[body["category"]]
        report = Report(
            source=body["source"],
            category_code=category.code,
            description=body["description"],
            lon=body["lon"],
            lat=body["lat"],
            cell_code=where.cell_code,
            place=self.grid.names[where.index],
            # one id per (seed, start, arrival): a run repeated on the same store adds nothing
            external_id=f"ops-{self.seed}-{int(self.start)}-{index + 1}",
        )
        stored, created = self.store.open_case(report, actor=f"intake:{report.source}")
        if not created:
            return
        self.counts["reports"] += 1
        case = _Case(
            id=stored.id,
            category=category,
            department=stored.department,
            duty=not category.working_hours or category.priority == "urgent",
            cell=stored.cell_code,
            created=self.t,
            at_risk=_epoch(stored.at_risk_at) if stored.at_risk_at else _epoch(stored.deadline),
            deadline=_epoch(stored.deadline),
        )
        self.cases[case.id] = case
        self.at(case.at_risk, self._at_risk, (case, 0))
        self._submit(self.desk, case, lambda: self._start_filing(case))

    # -- the desk -----------------------------------------------------------------------
    def _start_filing(self, case: _Case) -> None:
        day = self._day_time(self.t)
        median = self.p.file_median_min_day if day else self.p.file_median_min_night
        self.after(self.minutes(median), self._file, (case, self.operator()))

    def _file(self, arg: tuple[_Case, Actor]) -> None:
        case, actor = arg
        if self.apply(case, "file", actor) is None:
            self._release(self.desk)
            return
        case.status = Status.FILED
        self.counts["filed"] += 1
        step = self._void if self.rng.random() < self.p.void_p else self._dispatch
        self.after(self.minutes(self.p.dispatch_median_min), step, arg)

    def _void(self, arg: tuple[_Case, Actor]) -> None:
        case, actor = arg
        self._release(self.desk)
        if self.apply(case, "void", actor, self.rng.choice(VOID_REASONS)) is not None:
            case.status = Status.VOID
            self.counts["voided"] += 1
            self.cases.pop(case.id, None)

    def _dispatch(self, arg: tuple[_Case, Actor]) -> None:
        case, actor = arg
        self._release(self.desk)
        if self.apply(case, "dispatch", actor, department=case.department) is not None:
            self._dispatched(case)

    def _dispatched(self, case: _Case) -> None:
        case.status = Status.DISPATCHED
        case.dispatches += 1
        self.counts["dispatched"] += 1
        dept = self.p.department(case.department)
        return_p = dept.return_p * self.p.return_scale
        return_p *= self.p.repeat_return_factor ** (case.dispatches - 1)
        if case.duty and dept.duty_crews > 0:
            night = 1.0 if self._day_time(self.t) else 2.0
            when = self.t + self.minutes(dept.accept_median_min * night)
        else:
            opens = _next_open(self.t, self._liaison_window(dept))
            slow = 1.0 if _working(_local_day(opens)) else 2.0
            when = opens + self.minutes(dept.accept_median_min * slow)
        step = self._return if self.rng.random() < return_p else self._accept
        self.at(when, step, case)

    def _return(self, case: _Case) -> None:
        reason = self.rng.choice(RETURN_REASONS)
        if self.apply(case, "return", self.liaison(case), reason) is None:
            return
        case.status = Status.RETURNED
        case.returns += 1
        self.counts["returned"] += 1
        self._submit(self.desk, case, lambda: self._start_redispatch(case))

    def _start_redispatch(self, case: _Case) -> None:
        self.after(self.minutes(self.p.redispatch_median_min), self._redispatch, case)

    def _redispatch(self, case: _Case) -> None:
        self._release(self.desk)
        dept = self.p.department(case.department)
        choices = [a for a in dept.alternates if a in self.catalog.departments]
        if choices and self.rng.random() < self.p.redirect_p:
            target = self.rng.choice(choices)
            reason = REDIRECT_REASON.format(dept=self.catalog.departments[target].name_zh)
        else:
            target, reason = case.department, RESEND_REASON
        if self.apply(case, "dispatch", self.operator(), reason, department=target) is None:
            return
        case.department = target
        self._dispatched(case)

    # -- the department -----------------------------------------------------------------
    def _accept(self, case: _Case) -> None:
        if self.apply(case, "accept", self.liaison(case)) is None:
            return
        case.status = Status.ACCEPTED
        self._work(case)

    def _work(self, case: _Case) -> None:
        share = self.lognormal(self.p.start_lag_share, self.p.start_lag_sigma)
        if case.reworks:
            share *= self.p.rework_work_factor
        lag_h = min(case.category.limit_hours * share, case.category.limit_hours)
        working = case.category.working_hours and not case.duty
        ready = self.store.sla.deadline(self.moment, lag_h, working)
        self.at(max(self.t, _epoch(ready)), self._ready, case)

    def _ready(self, case: _Case) -> None:
        dept = self.p.department(case.department)
        pool = (
            self.duty[case.department]
            if case.duty and dept.duty_crews > 0
            else self.office[case.department]
        )
        self._submit(pool, case, lambda: self._start_work(case, pool))

    def _start_work(self, case: _Case, pool: _Pool) -> None:
        dept = self.p.department(case.department)
        scale = (case.category.limit_hours / _REFERENCE_LIMIT_H) ** self.p.limit_exponent
        if case.reworks:
            scale *= self.p.rework_work_factor
        hours = self.lognormal(dept.handle_median_h * scale, dept.handle_sigma)
        self.after(hours * _HOUR, self._work_done, (case, pool))

    def _work_done(self, arg: tuple[_Case, _Pool]) -> None:
        case, pool = arg
        self._release(pool)
        self.after(self.minutes(self.p.report_back_median_min), self._handle, case)

    def _handle(self, case: _Case) -> None:
        if self.apply(case, "handle", self.liaison(case)) is None:
            return
        case.status = Status.HANDLED
        self.counts["handled"] += 1
        opens = _next_open(self.t, self._patrol_window)
        factor = 1.0 if _working(_local_day(opens)) else self.p.rest_day_verify_factor
        if opens > self.t and case.duty:  # at night an operator checks the photos
            when = self.t + self.minutes(self.p.night_verify_median_min)
            actor = self.operator()
        else:
            median = self.p.verify_median_h * factor
            when = opens + self.lognormal(median, self.p.verify_sigma) * _HOUR
            actor = self.worker(case.cell)
        self.at(when, self._verify, (case, actor))

    def _verify(self, arg: tuple[_Case, Actor]) -> None:
        case, actor = arg
        dept = self.p.department(case.department)
        rework_p = dept.rework_p * self.p.rework_scale
        rework_p *= self.p.repeat_rework_factor**case.reworks
        if self.rng.random() < rework_p:
            if self.apply(case, "rework", actor, self.rng.choice(REWORK_REASONS)) is None:
                return
            case.status = Status.ACCEPTED
            case.reworks += 1
            self.counts["reworked"] += 1
            self._work(case)
            return
        if self.apply(case, "verify", actor) is None:
            return
        case.status = Status.VERIFIED
        self._submit(self.desk, case, lambda: self._start_closing(case))

    def _start_closing(self, case: _Case) -> None:
        self.after(self.minutes(self.p.close_median_min), self._close, (case, self.operator()))

    def _close(self, arg: tuple[_Case, Actor]) -> None:
        case, actor = arg
        self._release(self.desk)
        if self.apply(case, "close", actor) is None:
            return
        case.status = Status.CLOSED
        case.closed = self.t
        self.counts["closed"] += 1
        if self.rng.random() < self.p.rate_p:
            when = self.t + self.lognormal(self.p.rating_delay_median_h, 0.6) * _HOUR
            opens = _next_open(when, self._call_window)
            if opens > when:
                when = opens + self.rng.uniform(0.0, 2.0) * _HOUR
            self.at(when, self._rate, case)
        else:
            self.cases.pop(case.id, None)

    def _rate(self, case: _Case) -> None:
        p = self.p
        days = (case.closed - case.created) / _DAY
        overdue = case.closed > case.deadline
        unsat = (
            p.unsat_base
            + p.unsat_per_day * days
            + p.unsat_overdue * overdue
            + p.unsat_per_rework * case.reworks
            + p.unsat_per_return * case.returns
        )
        basic = p.basic_base + p.basic_per_day * days + p.basic_overdue * overdue
        draw = self.rng.random()
        rating = "unsatisfied" if draw < unsat else "basic" if draw < unsat + basic else "satisfied"
        ev = self.apply(case, "rate", self.operator(), RATING_REASON[rating], rating=rating)
        self.cases.pop(case.id, None)
        if ev is not None:
            self.counts["rated"] += 1
            self.counts["satisfied"] += rating != "unsatisfied"

    # -- leads ----------------------------------------------------------------------------
    def _at_risk(self, arg: tuple[_Case, int]) -> None:
        case, extensions = arg
        if (
            case.status not in (Status.DISPATCHED, Status.ACCEPTED)
            or case.extensions != extensions
            or extensions >= self.p.max_extensions
        ):
            return
        dept = self.p.department(case.department)
        if self.rng.random() >= dept.extend_p * self.p.extend_scale:
            return
        low, high = self.p.extension_share
        hours = float(max(2, math.ceil(case.category.limit_hours * self.rng.uniform(low, high))))
        reason = self.rng.choice(EXTEND_REASONS)
        ev = self.apply(case, "extend", self.lead(), reason, hours=hours)
        if ev is None:
            return
        case.extensions += 1
        self.counts["extended"] += 1
        _watch, at_risk, deadline = ev.data["risk_at"]
        case.at_risk, case.deadline = float(at_risk), float(deadline)
        self.at(case.at_risk, self._at_risk, (case, case.extensions))


def _epoch(moment: datetime) -> float:
    return clock.as_utc(moment).timestamp()


class LiveDistrict:
    """The simulated district feeding a running center: first ``history_days`` of past work
    written fast (so the wall opens on a believable month), then the same simulation on in
    real time, every step through the store and its event bus.

    The store's clock is the simulated one only while catching up; live, it is real time.
    """

    def __init__(
        self,
        store: Store,
        grid: Grid,
        *,
        reports_per_day: float,
        live_reports_per_day: float | None = None,
        history_days: float = 14,
        horizon_days: float = 30,
        seed: int = 0,
        params: OpsParams | None = None,
    ) -> None:
        now = clock.utcnow().timestamp()
        start = default_start(history_days).timestamp() if history_days > 0 else now
        self.store = store
        self.params = params or OpsParams()
        self.rate = reports_per_day
        self.live_rate = live_reports_per_day
        self.ops = _Operations(
            store, grid, self.params, seed, start, now + horizon_days * _DAY, None
        )
        self.ops.prepare(reports_per_day)
        self._stop = threading.Event()

    def catch_up(self) -> int:
        """Write the simulated past up to now as fast as the store takes it; returns events."""
        first = self.store.last_seq()
        saved = self.store.now
        self.store.now = lambda: self.ops.moment
        try:
            self.ops.step_until(clock.utcnow().timestamp())
        finally:
            self.store.now = saved
        return self.store.last_seq() - first

    def run(self) -> None:
        """Keep the district working in real time until ``stop()``.

        With a live rate (a demo wants reports every few seconds, the real district sends
        a few dozen a day) the staff scale with it, so the district keeps up as it did.
        """
        if self.live_rate is not None and self.rate > 0:
            scale = self.params.capacity_scale * self.live_rate / self.rate
            self.ops.retune(self.live_rate, scale)
        while not self._stop.is_set():
            try:
                due = self.ops.step_until(clock.utcnow().timestamp())
            except Exception:
                log.exception("live district step failed")
                due = None
            wait = 1.0 if due is None else due - clock.utcnow().timestamp()
            self._stop.wait(min(1.0, max(0.02, wait)))

    def stop(self) -> None:
        self._stop.set()


def default_start(days: float, now: datetime | None = None) -> datetime:
    """Local (Asia/Shanghai) midnight ``days`` days before ``now``: a run ends by now."""
    return clock.local_day_start((now or clock.utcnow()) - timedelta(days=days))


def run_operations(
    store: Store,
    grid: Grid,
    *,
    days: float,
    reports_per_day: float = 45,
    seed: int = 0,
    start: datetime | None = None,
    params: OpsParams | None = None,
    progress: Callable[[float], None] | None = None,
) -> OpsSummary:
    """Simulate ``days`` of the center's work into ``store``, as fast as it can write.

    The store's clock is the simulated one during the run (every stored time is
    simulated time) and is restored afterwards. Same seed on the same empty store: the
    same cases and the same event log. ``start`` (timezone-aware) defaults to local
    midnight ``days`` days ago; cases still open at the end stay open.
    """
    if days <= 0:
        raise ValueError("days must be positive")
    if reports_per_day < 0:
        raise ValueError("reports_per_day must not be negative")
    begin = clock.as_utc(start) if start is not None else default_start(days)
    t0, t1 = begin.timestamp(), begin.timestamp() + days * _DAY
    params = params or OpsParams()
    first_seq = store.last_seq()
    ops = _Operations(store, grid, params, seed, t0, t1, progress)
    saved_now = store.now
    store.now = lambda: ops.moment
    wall = time.perf_counter()
    try:
        ops.run(reports_per_day)
    finally:
        store.now = saved_now
    wall = time.perf_counter() - wall
    c = ops.counts
    open_at_end = sum(1 for case in ops.cases.values() if case.status.is_open)
    return OpsSummary(
        start=begin,
        end=datetime.fromtimestamp(t1, UTC),
        days=days,
        reports_per_day=reports_per_day,
        seed=seed,
        reports=c["reports"],
        filed=c["filed"],
        voided=c["voided"],
        dispatched=c["dispatched"],
        returned=c["returned"],
        reworked=c["reworked"],
        extended=c["extended"],
        handled=c["handled"],
        closed=c["closed"],
        rated=c["rated"],
        satisfied=c["satisfied"],
        open_at_end=open_at_end,
        conflicts=c["conflicts"],
        events=store.last_seq() - first_seq,
        wall_seconds=wall,
    )
