"""The simulated district: the center and its departments working cases.

parameters  how the district works (departments' table, ``OpsParams``)
arrivals    when reports come: the day's rhythm, a Poisson process
staff       who is on duty when, and who takes a step
district    the engine: a virtual clock; reports through the intake
casework    the steps people take on a case, filing to follow-up call
history     simulated days written as fast as the store takes them
live        the district on the real clock (in the app, or its own process)
summary     what a run did, and its KPI sums
"""

from feeds.operations.arrivals import DayRhythm, arrival_times
from feeds.operations.history import default_start, run_operations
from feeds.operations.live import LIVE_FLOOR, LiveDistrict, run_live
from feeds.operations.parameters import (
    REPORTS_PER_DAY,
    DepartmentOps,
    OpsParams,
    load_department_ops,
)
from feeds.operations.summary import OpsSummary, district_kpis

__all__ = [
    "LIVE_FLOOR",
    "REPORTS_PER_DAY",
    "DayRhythm",
    "DepartmentOps",
    "LiveDistrict",
    "OpsParams",
    "OpsSummary",
    "arrival_times",
    "default_start",
    "district_kpis",
    "load_department_ops",
    "run_live",
    "run_operations",
]
