from __future__ import annotations

from feeds.operations import OpsParams, load_department_ops
from feeds.operations.parameters import FALLBACK_DEPARTMENT


def test_parameters_are_data() -> None:
    table = load_department_ops()
    assert len(table) == 12
    assert all(0 < d.return_p < 0.1 and 0 < d.rework_p < 0.1 for d in table.values())
    assert all(set(d.alternates) <= set(table) - {d.code} for d in table.values())


def test_a_department_the_table_does_not_know_works_like_the_fallback() -> None:
    params = OpsParams()
    assert params.department("chengguan").code == "chengguan"
    assert params.department("new-dept") is FALLBACK_DEPARTMENT
