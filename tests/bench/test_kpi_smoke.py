"""bench/kpi.py keeps working: a smoke run at a few thousand cases, no timing assertions.

The bench once broke unseen when the cases table grew columns; these runs and the check of
its bulk rows against the table's declaration keep that from happening again.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType

import pytest
import sqlalchemy as sa

from tests.bench.runner import BENCH, require_postgres, run_bench
from tests.conftest import POSTGRES_URL

SMOKE = ("--cases", "2000", "--repeat", "1", "--warmup", "1")
RATIO = re.compile(r"^  ratio pandas/ours\s+\d+×\s+\d+×", re.M)
AGREE = re.compile(r"^  check +(30 d|365 d): district KPIs, rollup vs pandas .*: agree$", re.M)


def assert_figures(out: str, backend: str) -> None:
    assert f"== {backend}: 2,000 cases" in out, out
    for figure in ("load", "rebuild_rollup", "district", "all five", "pandas read_sql"):
        assert figure in out, out
    assert RATIO.search(out), out
    assert sorted(AGREE.findall(out)) == ["30 d", "365 d"], out
    assert "DIFFER" not in out, out


def test_bench_kpi_sqlite() -> None:
    assert_figures(run_bench("kpi.py", *SMOKE, "--backend", "sqlite"), "sqlite")


@pytest.mark.postgres
def test_bench_kpi_postgres() -> None:
    # The bench makes (and drops) its own schema in the database; check the server first.
    require_postgres()
    out = run_bench("kpi.py", *SMOKE, "--backend", "postgres", "--postgres-url", POSTGRES_URL)
    assert_figures(out, "postgresql")


def load_kpi_bench() -> ModuleType:
    """The kpi bench's synthetic cases (bench/_kpi_cases.py), imported as a module."""
    spec = importlib.util.spec_from_file_location("bench_kpi_cases", BENCH / "_kpi_cases.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_bulk_rows_fill_every_column_the_bench_does_not_set() -> None:
    from cases.schema import cases

    kpi = load_kpi_bench()
    columns = kpi.synthetic_cases(10)
    written, values = kpi.bulk_columns(columns)
    required = {c.name for c in cases.columns if not c.nullable and not c.primary_key}
    assert required <= {c.name for c in written}
    for column in written:
        assert len(values[column.name]) == 10, column.name
        if column.name not in columns:
            assert values[column.name].tolist() == [column.default.arg] * 10, column.name


def test_bulk_rows_survive_a_new_column() -> None:
    """A column added to the table later: its default is used; a required one is named."""
    from cases.schema import cases

    kpi = load_kpi_bench()
    columns = kpi.synthetic_cases(3)
    grown = cases.to_metadata(sa.MetaData())
    grown.append_column(sa.Column("channel", sa.String(16), nullable=False, default="app"))
    grown.append_column(sa.Column("note", sa.Text))
    written, values = kpi.bulk_columns(columns, grown)
    assert values["channel"].tolist() == ["app"] * 3
    assert "note" not in {c.name for c in written}

    grown.append_column(sa.Column("ward", sa.String(16), nullable=False))
    with pytest.raises(RuntimeError, match=r"cases\.ward is required"):
        kpi.bulk_columns(columns, grown)
