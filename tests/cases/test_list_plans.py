"""Every open list starts from the open cases, whatever its filter and sort.

The desks' lists stay as fast with a million cases as with ten thousand only because each
reads the few thousand open cases and never the history (bench/desk.py). SQLite gathers
no statistics, so which index it takes depends on the indexes alone: one more index can
send a list to the whole history (a category filter read every case of the category: 220-
1,300 ms at 1 M cases). Its plans are checked here, one filter at a time, on an empty store
(without statistics the plan does not depend on the rows).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Select

from cases import access
from cases.db import make_engine
from cases.lists import SORTS, CaseQuery, desk_query, list_statements
from cases.model import Status
from cases.store import Store

START = datetime(2026, 5, 6, 1, 0, tzinfo=UTC)
CELL = "370102001001001"
FILTERS = {
    "none": {},
    "cell": {"cells": [CELL]},
    "lasso": {"cells": [CELL, "370102001001002", "370102001001003"]},
    "street": {"streets": [CELL[:9]]},
    "community": {"communities": [CELL[:12]]},
    "category": {"categories": ["SR01"]},
    "categories": {"categories": ["SR01", "CG01", "CG05"]},
    "department": {"departments": ["shizheng"]},
    "status": {"statuses": [Status.DISPATCHED, Status.ACCEPTED]},
    "overdue": {"risks": ["overdue"]},
    "at risk": {"risks": ["at_risk", "watch"]},
}
VIEWS = {"district": access.CaseView(), "department": access.CaseView("chengguan")}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path: Path = tmp_path_factory.mktemp("plans") / "plans.db"
    engine = make_engine(f"sqlite:///{path}")
    Store(engine).create_schema()
    return engine


def plan(engine: Engine, statement: Select[Any]) -> list[str]:
    text = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + text)]


def reads_open_cases_only(steps: list[str]) -> bool:
    """Every read of the cases table seeks the open statuses in an index."""
    reads = [s for s in steps if " cases " in f" {s} "]
    return bool(reads) and all(s.startswith("SEARCH") and "status=?" in s for s in reads)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("sort", SORTS)
def test_an_open_list_reads_the_open_cases(engine: Engine, view: str, name: str, sort: str) -> None:
    query = CaseQuery(sort=sort, **FILTERS[name])  # type: ignore[arg-type]
    for statement in list_statements(VIEWS[view], query, START):
        steps = plan(engine, statement)
        assert reads_open_cases_only(steps), (view, name, sort, steps)


def test_the_operators_queue_reads_the_waiting_cases(engine: Engine) -> None:
    for statement in list_statements(access.CaseView(), desk_query(), START):
        steps = plan(engine, statement)
        assert reads_open_cases_only(steps), steps
