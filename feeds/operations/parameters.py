"""What the district's work depends on: how each department works, and everything else.

The department table is data (feeds/data/departments_ops.csv); the rest are the fields of
``OpsParams``, each with a default that leaves the district near the article's figures.
Each street's and each community's office (cases/routing.py) works as the table's row
``street`` or ``community`` says.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cases.routing import unit_kind

DATA = Path(__file__).resolve().parent.parent / "data"
DEPARTMENTS_OPS = DATA / "departments_ops.csv"
REPORTS_PER_DAY = 45.0  # the real district's reports a day: what its staff are sized for


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
        """How the unit ``code`` works: its row, its kind's (a street's or a community's
        office), or the fallback's."""
        found = self.departments.get(code) or self.departments.get(unit_kind(code))
        return found or FALLBACK_DEPARTMENT
