"""The access policy, role by role: the one place that answers who may see what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cases import access
from cases.model import Case, Status
from cases.workflow import Actor, Role

# role: (district view, live audience, KPIs, catalog edit, may report, may ask actions)
EXPECTED = {
    Role.WALL: (True, "district", True, False, False, False),
    Role.OPERATOR: (True, "district", True, False, True, True),
    Role.LEAD: (True, "district", True, False, True, True),
    Role.ADMIN: (True, "district", True, True, True, False),
    Role.WORKER: (True, "district", True, False, True, True),
    Role.LIAISON: (False, "dept:chengguan", False, False, True, True),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_against_each_question(role: Role) -> None:
    actor = Actor("x", role, department="chengguan" if role is Role.LIAISON else None)
    answers = (
        access.sees_district(actor),
        access.audience_of(actor),
        access.may_see_kpis(actor),
        access.may_edit_catalog(actor),
        access.may_report(actor),
        access.may_ask_actions(actor),
    )
    assert answers == EXPECTED[role]


def test_nobody_without_an_identity_and_no_liaison_without_a_department() -> None:
    assert access.audience_of(None) is None
    assert not access.sees_district(None) and not access.may_report(None)
    assert access.audience_of(Actor("li", Role.LIAISON)) is None


def test_an_event_belongs_to_the_district_and_the_departments_it_names() -> None:
    assert access.event_departments({"department": "a", "from_department": "a"}) == ["a"]
    assert access.event_departments({"department": "b", "from_department": "a"}) == ["a", "b"]
    assert access.event_departments({}) == []


# role: (case view, may export, may see the reporter)
CASE_ACCESS = {
    Role.WALL: (access.CaseView(), False, False),
    Role.OPERATOR: (access.CaseView(), True, True),
    Role.LEAD: (access.CaseView(), True, True),
    Role.ADMIN: (access.CaseView(), True, False),
    Role.WORKER: (access.CaseView(), True, False),
    Role.LIAISON: (access.CaseView("chengguan"), True, True),
    Role.SYSTEM: (None, False, False),
}


@pytest.mark.parametrize("role", list(CASE_ACCESS))
def test_exports_and_the_reporter_role_by_role(role: Role) -> None:
    actor = Actor("x", role, department="chengguan" if role is Role.LIAISON else None)
    answers = (access.case_view(actor), access.may_export(actor), access.may_see_reporters(actor))
    assert answers == CASE_ACCESS[role]


def test_nobody_without_a_case_view_exports() -> None:
    for actor in (None, Actor("li", Role.LIAISON)):
        assert access.case_view(actor) is None
        assert not access.may_export(actor) and not access.may_see_reporters(actor)


def test_the_public_sees_shared_space_not_matters_about_people() -> None:
    from cases.catalog import load_catalog

    catalog = load_catalog()
    public = {c.code for c in catalog.categories.values() if access.is_public_category(c)}
    assert {"SR01", "AQ05", "CG05", "MS03", "MS04"} <= public
    private = set(catalog.categories) - public
    assert private == {
        *(c for c in catalog.categories if c[:2] in ("DJ", "MD")),
        "MS07",
        "MS08",
        "MS09",
    }


def _case(department: str) -> Case:
    at = datetime(2026, 3, 2, 8, tzinfo=UTC)
    return Case(
        id=1,
        source="patrol",
        external_id=None,
        category_code="SR01",
        description="x",
        lon=117.05,
        lat=36.66,
        cell_code="370102001001001",
        place="",
        department=department,
        status=Status.ACCEPTED,
        created_at=at,
        updated_at=at,
        deadline=at,
        closed_at=None,
        version=1,
    )


# who: (may see its photos, may attach one) for a case of chengguan
PHOTO_ACCESS = {
    "operator": (Actor("op", Role.OPERATOR), True, True),
    "lead": (Actor("lead", Role.LEAD), True, True),
    "worker": (Actor("w", Role.WORKER), True, True),
    "liaison, own department": (Actor("li", Role.LIAISON, "chengguan"), True, True),
    "liaison, another department": (Actor("li", Role.LIAISON, "shizheng"), False, False),
    "liaison without a department": (Actor("li", Role.LIAISON), False, False),
    "admin": (Actor("a", Role.ADMIN), True, False),
    "wall": (Actor("wall", Role.WALL), False, False),
    "wall key": (access.key_actor("wall-1", access.WALL_SCOPE), False, False),
    "department key": (
        access.key_actor("cg-sys", access.DEPARTMENT_SCOPE, "chengguan"),
        True,
        False,
    ),
    "intake key": (access.key_actor("hotline", access.INTAKE_SCOPE), False, False),
    "nobody": (None, False, False),
}


@pytest.mark.parametrize("who", list(PHOTO_ACCESS))
def test_who_sees_and_attaches_a_cases_photos(who: str) -> None:
    actor, sees, attaches = PHOTO_ACCESS[who]
    case = _case("chengguan")
    assert access.may_see_photos(actor, case) is sees
    assert access.may_attach_photo(actor, case) is attaches


def test_presence_of_a_case_reaches_the_district_and_its_department_only() -> None:
    from dataclasses import replace

    from tests.cases.test_lifecycle import CASE  # a chengguan case

    assert access.case_audiences(CASE) == ["district", "dept:chengguan"]
    assert access.cell_audiences() == ["district"]
    own = Actor("li", Role.LIAISON, "chengguan")
    other = Actor("li2", Role.LIAISON, "shizheng")
    assert access.may_see_case_presence(own, CASE) and access.may_be_present_on_case(own, CASE)
    assert not access.may_see_case_presence(other, CASE)
    assert not access.may_be_present_on_case(other, CASE)
    moved = replace(CASE, department="shizheng")
    assert access.may_see_case_presence(other, moved) and not access.may_see_case_presence(
        own, moved
    )
    # Cells are the district's: no liaison sees or announces them.
    assert not access.may_see_cell_presence(own) and not access.may_be_present_on_cells(own)


# role: (announces on a case, announces on cells, sees cell presence)
PRESENCE = {
    Role.OPERATOR: (True, True, True),
    Role.LEAD: (True, True, True),
    Role.WORKER: (True, True, True),
    Role.ADMIN: (True, True, True),
    Role.WALL: (False, False, True),  # shows the district; opens no case
    Role.LIAISON: (True, False, False),
    Role.SYSTEM: (False, False, False),
}


@pytest.mark.parametrize("role", list(PRESENCE))
def test_who_shows_up_as_present_role_by_role(role: Role) -> None:
    from tests.cases.test_lifecycle import CASE

    actor = Actor("x", role, department="chengguan" if role is Role.LIAISON else None)
    answers = (
        access.may_be_present_on_case(actor, CASE),
        access.may_be_present_on_cells(actor),
        access.may_see_cell_presence(actor),
    )
    assert answers == PRESENCE[role]


def test_a_key_is_never_present_whatever_it_reads() -> None:
    from tests.cases.test_lifecycle import CASE

    department_key = access.key_actor("cg-system", access.DEPARTMENT_SCOPE, "chengguan")
    assert access.may_see_case_presence(department_key, CASE)
    assert not access.may_announce_presence(department_key)
    assert not access.may_announce_presence(None)
