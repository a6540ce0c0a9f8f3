"""Casework: the steps people take on a case, from filing to the follow-up call.

The desk files, voids or dispatches; the department's liaison accepts or returns; its
crews work the case; a grid worker (or, at night, an operator looking at the photos)
verifies or orders rework; the desk closes and calls back for a rating; a lead extends a
case that reaches the at-risk line unhandled. Each step is a ``Store.apply`` at the
district's time, and the next step is scheduled on the district's clock.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from cases import clock
from cases.model import Status
from cases.workflow import Actor, forward_action
from feeds.operations import reasons
from feeds.operations.arrivals import working_day
from feeds.operations.parameters import OpsParams
from feeds.operations.staff import Pool, next_open

if TYPE_CHECKING:
    from feeds.operations.district import District, DistrictCase

_REFERENCE_LIMIT_H = 16.0  # a category with this limit takes a department's median time


class Casework:
    """The steps, on ``district``'s clock, store, staff and random stream."""

    def __init__(self, district: District) -> None:
        self.d = district
        self.staff = district.staff
        self.rng = district.rng
        self.counts = district.counts
        self.cases = district.cases
        self.at = district.at
        self.after = district.after
        self.apply = district.apply
        self.submit = district.submit
        self.minutes = district.minutes
        self.lognormal = district.lognormal

    @property
    def t(self) -> float:
        return self.d.t

    @property
    def p(self) -> OpsParams:
        return self.d.p

    def received(self, case: DistrictCase) -> None:
        """A new case: to the desk, and a lead looks at it when it reaches the at-risk line."""
        self.at(case.at_risk, self._at_risk, (case, 0))
        self.submit(self.staff.desk, case, lambda: self._start_filing(case))

    def resumed(self, case: DistrictCase) -> None:
        """A case that was open before the district started (it was restarted): its next
        step, as if it had just got where it is."""
        self.at(max(self.t, case.at_risk), self._at_risk, (case, case.extensions))
        step = forward_action(case.status)  # the workflow says what comes next
        if step is None:
            return
        redispatch = case.status is Status.RETURNED
        at_desk = {
            "file": self._start_filing,
            "dispatch": self._start_redispatch if redispatch else self._start_dispatch,
            "close": self._start_closing,
        }
        elsewhere = {
            "accept": self._to_liaison,
            "handle": self._work,
            "verify": self._to_verification,
        }
        if step.name in at_desk:
            start = at_desk[step.name]
            self.submit(self.staff.desk, case, lambda: start(case))
        else:
            elsewhere[step.name](case)

    # -- the desk -----------------------------------------------------------------------
    def _start_filing(self, case: DistrictCase) -> None:
        day = self.staff.day_time(self.t)
        median = self.p.file_median_min_day if day else self.p.file_median_min_night
        self.after(self.minutes(median), self._file, (case, self.staff.operator(self.t)))

    def _file(self, arg: tuple[DistrictCase, Actor]) -> None:
        case, actor = arg
        if self.apply(case, "file", actor) is None:
            self.staff.desk.release(self.t)
            return
        self.counts["filed"] += 1
        step = self._void if self.rng.random() < self.p.void_p else self._dispatch
        self.after(self.minutes(self.p.dispatch_median_min), step, arg)

    def _start_dispatch(self, case: DistrictCase) -> None:
        operator = self.staff.operator(self.t)
        self.after(self.minutes(self.p.dispatch_median_min), self._dispatch, (case, operator))

    def _void(self, arg: tuple[DistrictCase, Actor]) -> None:
        case, actor = arg
        self.staff.desk.release(self.t)
        if self.apply(case, "void", actor, self.rng.choice(reasons.VOID)) is not None:
            self.counts["voided"] += 1
            self.cases.pop(case.id, None)

    def _dispatch(self, arg: tuple[DistrictCase, Actor]) -> None:
        case, actor = arg
        self.staff.desk.release(self.t)
        if self.apply(case, "dispatch", actor, department=case.department) is not None:
            self._dispatched(case)

    def _dispatched(self, case: DistrictCase) -> None:
        case.dispatches += 1
        self.counts["dispatched"] += 1
        self._to_liaison(case)

    def _to_liaison(self, case: DistrictCase) -> None:
        dept = self.p.department(case.department)
        return_p = dept.return_p * self.p.return_scale
        return_p *= self.p.repeat_return_factor ** (case.dispatches - 1)
        if case.duty and dept.duty_crews > 0:
            night = 1.0 if self.staff.day_time(self.t) else 2.0
            when = self.t + self.minutes(dept.accept_median_min * night)
        else:
            opens = next_open(self.t, self.staff.liaison_window(case.department))
            slow = 1.0 if working_day(self.d.store, clock.local_day_number(opens)) else 2.0
            when = opens + self.minutes(dept.accept_median_min * slow)
        step = self._return if self.rng.random() < return_p else self._accept
        self.at(when, step, case)

    def _return(self, case: DistrictCase) -> None:
        reason = self.rng.choice(reasons.RETURN)
        if self.apply(case, "return", self.staff.liaison(case.department), reason) is None:
            return
        case.returns += 1
        self.counts["returned"] += 1
        self.submit(self.staff.desk, case, lambda: self._start_redispatch(case))

    def _start_redispatch(self, case: DistrictCase) -> None:
        self.after(self.minutes(self.p.redispatch_median_min), self._redispatch, case)

    def _redispatch(self, case: DistrictCase) -> None:
        self.staff.desk.release(self.t)
        departments = self.d.store.catalog.departments
        choices = [a for a in self.p.department(case.department).alternates if a in departments]
        if choices and self.rng.random() < self.p.redirect_p:
            target = self.rng.choice(choices)
            reason = reasons.REDIRECT.format(dept=departments[target].name_zh)
        else:
            target, reason = case.department, reasons.RESEND
        operator = self.staff.operator(self.t)
        ev = self.apply(case, "dispatch", operator, reason, department=target)
        if ev is None:
            return
        case.department = ev.data.get("department", target)
        self._dispatched(case)

    # -- the department -----------------------------------------------------------------
    def _accept(self, case: DistrictCase) -> None:
        if self.apply(case, "accept", self.staff.liaison(case.department)) is not None:
            self._work(case)

    def _work(self, case: DistrictCase) -> None:
        share = self.lognormal(self.p.start_lag_share, self.p.start_lag_sigma)
        if case.reworks:
            share *= self.p.rework_work_factor
        lag_h = min(case.category.limit_hours * share, case.category.limit_hours)
        working = case.category.working_hours and not case.duty
        ready = self.d.store.sla.deadline(self.d.moment, lag_h, working)
        self.at(max(self.t, clock.epoch(ready)), self._ready, case)

    def _ready(self, case: DistrictCase) -> None:
        pool = self.staff.crews(case.department, case.duty)
        self.submit(pool, case, lambda: self._start_work(case, pool))

    def _start_work(self, case: DistrictCase, pool: Pool) -> None:
        dept = self.p.department(case.department)
        scale = (case.category.limit_hours / _REFERENCE_LIMIT_H) ** self.p.limit_exponent
        if case.reworks:
            scale *= self.p.rework_work_factor
        hours = self.lognormal(dept.handle_median_h * scale, dept.handle_sigma)
        self.after(hours * clock.HOUR_S, self._work_done, (case, pool))

    def _work_done(self, arg: tuple[DistrictCase, Pool]) -> None:
        case, pool = arg
        pool.release(self.t)
        self.after(self.minutes(self.p.report_back_median_min), self._handle, case)

    def _handle(self, case: DistrictCase) -> None:
        if self.apply(case, "handle", self.staff.liaison(case.department)) is None:
            return
        self.counts["handled"] += 1
        self._to_verification(case)

    def _to_verification(self, case: DistrictCase) -> None:
        opens = next_open(self.t, self.staff.patrol_window)
        working = working_day(self.d.store, clock.local_day_number(opens))
        factor = 1.0 if working else self.p.rest_day_verify_factor
        if opens > self.t and case.duty:  # at night an operator checks the photos
            when = self.t + self.minutes(self.p.night_verify_median_min)
            actor = self.staff.operator(self.t)
        else:
            median = self.p.verify_median_h * factor
            when = opens + self.lognormal(median, self.p.verify_sigma) * clock.HOUR_S
            actor = self.staff.worker(case.cell)
        self.at(when, self._verify, (case, actor))

    def _verify(self, arg: tuple[DistrictCase, Actor]) -> None:
        case, actor = arg
        dept = self.p.department(case.department)
        rework_p = dept.rework_p * self.p.rework_scale
        rework_p *= self.p.repeat_rework_factor**case.reworks
        if self.rng.random() < rework_p:
            if self.apply(case, "rework", actor, self.rng.choice(reasons.REWORK)) is None:
                return
            case.reworks += 1
            self.counts["reworked"] += 1
            self._work(case)
            return
        if self.apply(case, "verify", actor) is not None:
            self.submit(self.staff.desk, case, lambda: self._start_closing(case))

    def _start_closing(self, case: DistrictCase) -> None:
        delay = self.minutes(self.p.close_median_min)  # drawn before the operator is picked
        self.after(delay, self._close, (case, self.staff.operator(self.t)))

    def _close(self, arg: tuple[DistrictCase, Actor]) -> None:
        case, actor = arg
        self.staff.desk.release(self.t)
        if self.apply(case, "close", actor) is None:
            return
        case.closed = self.t
        self.counts["closed"] += 1
        if self.rng.random() < self.p.rate_p:
            when = self.t + self.lognormal(self.p.rating_delay_median_h, 0.6) * clock.HOUR_S
            opens = next_open(when, self.staff.call_window)
            if opens > when:
                when = opens + self.rng.uniform(0.0, 2.0) * clock.HOUR_S
            self.at(when, self._rate, case)
        else:
            self.cases.pop(case.id, None)

    def _rate(self, case: DistrictCase) -> None:
        p = self.p
        days = (case.closed - case.created) / clock.DAY_S
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
        operator = self.staff.operator(self.t)
        ev = self.apply(case, "rate", operator, reasons.RATING[rating], rating=rating)
        self.cases.pop(case.id, None)
        if ev is not None:
            self.counts["rated"] += 1
            self.counts["satisfied"] += rating == "satisfied"  # 满意 alone, as the rollup

    # -- leads ----------------------------------------------------------------------------
    def _at_risk(self, arg: tuple[DistrictCase, int]) -> None:
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
        reason = self.rng.choice(reasons.EXTEND)
        ev = self.apply(case, "extend", self.staff.lead(self.t), reason, hours=hours)
        if ev is None:
            return
        case.extensions += 1
        self.counts["extended"] += 1
        _watch, at_risk, deadline = ev.data["risk_at"]
        case.at_risk, case.deadline = float(at_risk), float(deadline)
        self.at(case.at_risk, self._at_risk, (case, case.extensions))
