from __future__ import annotations

from cases.catalog import load_catalog
from feeds.operations import OpsParams, load_department_ops
from feeds.operations.parameters import FALLBACK_DEPARTMENT


def test_parameters_are_data() -> None:
    table = load_department_ops()
    # every department and utility of the shipped catalog, and the two kinds of place office
    assert set(table) == {*load_catalog().departments, "street", "community"}
    assert all(0 < d.return_p < 0.1 and 0 < d.rework_p < 0.1 for d in table.values())
    assert all(set(d.alternates) <= set(table) - {d.code} for d in table.values())


def test_a_department_the_table_does_not_know_works_like_the_fallback() -> None:
    params = OpsParams()
    assert params.department("chengguan").code == "chengguan"
    assert params.department("new-dept") is FALLBACK_DEPARTMENT


def test_a_street_or_community_office_works_as_its_kind_says() -> None:
    params = OpsParams()
    assert params.department("street_370102009").code == "street"
    assert params.department("community_370102009002").code == "community"
    assert params.department("ranqi").duty_crews > 0  # a gas leak at night is answered
