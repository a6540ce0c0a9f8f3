"""`gridcc demo`'s users: one per role, a liaison per listed department and utility, and one
for a street's office, each a unit the store knows."""

from __future__ import annotations

from collections.abc import Callable

from app import GridCC
from cli import demo_users, seed_demo_users

UTILITIES = ("gongdian", "gongshui", "ranqi", "reli", "tongxin")


def test_the_demo_has_liaisons_for_the_utilities_and_a_street(
    make_app: Callable[..., GridCC],
) -> None:
    g = make_app()
    password, made = seed_demo_users(g)
    assert password
    names = [name for name, _role, _token in made]
    for unit in (*UTILITIES, "chengguan", "street_370102009"):
        assert f"liaison-{unit}" in names
        user = g.users.get(f"liaison-{unit}")
        assert user is not None and user.department == unit
        assert user.department in g.store.catalog.departments
    assert seed_demo_users(g) == ("", [])  # once only


def test_the_demo_street_is_the_grids_own() -> None:
    units = ["chengguan", *UTILITIES, "street_370102003", "street_370102002"]
    made = {name: unit for name, _role, unit in demo_users(units)}
    streets = [unit for unit in made.values() if unit and unit.startswith("street_")]
    assert streets == ["street_370102002"]  # no 姚家 in this grid: its first street
    assert made["liaison-street_370102002"] == "street_370102002"
    assert "liaison-shizheng" not in made  # a department the store does not have
    assert made["liaison-ranqi"] == "ranqi" and made["operator"] is None
