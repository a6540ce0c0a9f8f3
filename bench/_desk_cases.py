"""Cases for bench/desk.py: the kpi bench's year of synthetic cases (bench/_kpi_cases.py),
with the open work held at a few thousand cases whatever the size of the store.

A district carries a backlog of a few thousand open cases; what grows with the years is
the history of closed ones. ``synthetic_cases`` keeps 3% of every size open (300 at 10,000
cases, 30,000 at a million), which would make the desks' lists longer with the history
itself; here the same backlog sits in a store of 10,000 cases and in one of a million, so
a list that slows down is one that reads the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from _kpi_cases import NOW, OPEN_STEPS, US_PER_HOUR, synthetic_cases

OPEN_CASES = 3_000
# Of the open cases, the share in each step (as synthetic_cases draws them).
STEP_SHARES = [0.05, 0.1, 0.2, 0.3, 0.05, 0.2, 0.1]
DISPATCHED_STEP = OPEN_STEPS.index("dispatched")
HANDLED_STEP = OPEN_STEPS.index("handled")
DESK_STEPS = ("reported", "filed", "returned")  # the operators' queue (cases.lists)

Columns = dict[str, npt.NDArray[Any]]


def desk_cases(n: int, open_cases: int = OPEN_CASES, seed: int = 20261120) -> Columns:
    """``n`` cases of which ``open_cases`` (at most 30% of ``n``) are open."""
    columns = synthetic_cases(n, seed)
    rng = np.random.default_rng(seed + 1)
    status = columns["status"]
    is_open = ~np.isin(status, ("closed", "void"))
    want = min(open_cases, n * 3 // 10)
    have = np.flatnonzero(is_open)
    if len(have) > want:
        _close(columns, rng.choice(have, len(have) - want, replace=False), rng)
    elif len(have) < want:
        closed = np.flatnonzero(status == "closed")
        # The newest closed cases reopen: most of a backlog is recent work.
        pool = closed[-min(len(closed), 4 * (want - len(have))) :]
        _reopen(columns, rng.choice(pool, want - len(have), replace=False), rng)
    return columns


def _now_us() -> int:
    return int(NOW.timestamp() * 1_000_000)


def _close(columns: Columns, idx: npt.NDArray[np.int64], rng: np.random.Generator) -> None:
    created = columns["created_at"][idx]
    took = (rng.lognormal(np.log(20.0), 0.9, len(idx)) * US_PER_HOUR).astype(np.int64)
    closed_at = np.maximum(np.minimum(created + took, _now_us() - 1), created + 1)
    span = closed_at - created
    columns["status"][idx] = "closed"
    columns["closed_at"][idx] = closed_at
    columns["accepted_at"][idx] = created + span // 6
    columns["handled_at"][idx] = created + span * 4 // 5
    columns["updated_at"][idx] = closed_at
    columns["dispatch_count"][idx] = np.maximum(columns["dispatch_count"][idx], 1)


def _reopen(columns: Columns, idx: npt.NDArray[np.int64], rng: np.random.Generator) -> None:
    step = rng.choice(len(OPEN_STEPS), len(idx), p=STEP_SHARES)
    created = columns["created_at"][idx]
    age = _now_us() - created
    accepted_at = np.where(step >= DISPATCHED_STEP, created + age // 6, -1)
    handled_at = np.where(step >= HANDLED_STEP, created + age * 7 // 10, -1)
    columns["status"][idx] = np.array(OPEN_STEPS)[step]
    columns["closed_at"][idx] = -1
    columns["accepted_at"][idx] = accepted_at
    columns["handled_at"][idx] = handled_at
    columns["updated_at"][idx] = np.maximum.reduce([created, accepted_at, handled_at])
    columns["dispatch_count"][idx] = (step >= DISPATCHED_STEP).astype(int)
    columns["return_count"][idx] = 0
    columns["rating"][idx] = None


@dataclass(frozen=True)
class Asked:
    """What the bench asks for, chosen from the cases: the worst of each kind."""

    open_cases: int
    cell: str  # the cell with the most open cases
    cell_open: int
    lasso: list[str]  # the 50 cells with the most open cases (a lead's lasso)
    department: str  # the department with the most open cases (its liaison's page)
    department_open: int
    department_all: int
    category: str  # the category with the most open cases in that department
    queue: int  # cases at the operators' desk


def asked(columns: Columns) -> Asked:
    status = columns["status"]
    is_open = ~np.isin(status, ("closed", "void"))
    cells, per_cell = np.unique(columns["cell_code"][is_open], return_counts=True)
    busiest = np.argsort(-per_cell, kind="stable")
    departments, per_department = np.unique(columns["department"][is_open], return_counts=True)
    top = int(np.argmax(per_department))
    department = str(departments[top])
    theirs = is_open & (columns["department"] == department)
    categories, per_category = np.unique(columns["category_code"][theirs], return_counts=True)
    return Asked(
        open_cases=int(is_open.sum()),
        cell=str(cells[busiest[0]]),
        cell_open=int(per_cell[busiest[0]]),
        lasso=[str(c) for c in cells[busiest[:50]]],
        department=department,
        department_open=int(per_department[top]),
        department_all=int((columns["department"] == department).sum()),
        category=str(categories[int(np.argmax(per_category))]),
        queue=int(np.isin(status, DESK_STEPS).sum()),
    )
