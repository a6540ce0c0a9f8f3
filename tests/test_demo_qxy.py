"""`gridcc demo`'s 泉心愿 users: a community worker of 姚家's first community and a 双报到
unit's account, acting for the community's first unit when there are units."""

from __future__ import annotations

from collections.abc import Callable

from app import GridCC
from cases.actors import Role
from cases.quanxinyuan import access as qxy_access
from cli import demo_users, seed_demo_users


def test_the_demo_has_a_community_worker_and_a_units_account(
    make_app: Callable[..., GridCC],
) -> None:
    g = make_app()
    _password, made = seed_demo_users(g)
    names = [name for name, _role, _token in made]
    assert "community-yaojia" in names and "unit-demo" in names
    worker = g.users.get("community-yaojia")
    assert worker is not None and worker.role is Role.LIAISON
    assert qxy_access.community_of(worker.actor) == "370102009001"
    unit = g.users.get("unit-demo")
    assert unit is not None and unit.role is Role.UNIT
    assert qxy_access.unit_of(unit.actor) is not None


def test_the_units_account_acts_for_the_unit_given() -> None:
    communities = ["community_370102009001", "chengguan"]
    made = {name: (role, unit) for name, role, unit in demo_users(communities, "u-17")}
    assert made["unit-demo"] == ("unit", "u-17")
    assert made["community-yaojia"] == ("liaison", "community_370102009001")
    alone = {name: unit for name, _role, unit in demo_users(["chengguan"])}
    assert alone["unit-demo"] == "unit-demo" and "community-yaojia" not in alone


def test_the_units_account_made_before_the_units_is_pointed_at_one(
    make_app: Callable[..., GridCC],
) -> None:
    from sqlalchemy import insert

    from cases.quanxinyuan.schema import units
    from cli import point_demo_unit

    g = make_app()
    seed_demo_users(g)
    assert point_demo_unit(g) is None  # no unit yet: it stays as it was
    user = g.users.get("unit-demo")
    assert user is not None and user.department == "unit-demo"
    with g.store.engine.begin() as conn:
        for uid in ("syn-b", "syn-a"):
            conn.execute(
                insert(units).values(
                    id=uid, name=uid, level="city", community_code="370102009001", offers=[]
                )
            )
    assert point_demo_unit(g) == "syn-a"
    user = g.users.get("unit-demo")
    assert user is not None and user.department == "syn-a"
