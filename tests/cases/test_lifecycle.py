"""The lifecycle table: every action from every state, by every role (no store needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cases.model import Case, Forbidden, InvalidTransition, OutOfView, Status
from cases.workflow import ACTIONS, Actor, InvalidAction, Role, action, authorize, check

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
CASE = Case(
    id=5,
    source="patrol",
    external_id=None,
    category_code="SR01",
    description="x",
    lon=117.0,
    lat=36.6,
    cell_code="370102011002003",
    place="",
    department="chengguan",
    status=Status.REPORTED,
    created_at=NOW,
    updated_at=NOW,
    deadline=NOW,
    closed_at=None,
    version=1,
)

# action: (from states, to state or None, roles that may take it)
DESK = {"operator", "lead", "system"}
LEADS = {"lead", "system"}
WITH_DEPT = {"dispatched", "accepted"}
OPEN = {s.value for s in Status if s.is_open}
EXPECTED = {
    "confirm": ({"reported"}, "confirmed", DESK | {"worker"}),
    "file": ({"reported", "confirmed"}, "filed", DESK),
    "reject": ({"reported", "confirmed"}, "rejected", DESK),
    "dispatch": ({"filed", "returned"}, "dispatched", {"operator", "lead", "system"}),
    "accept": ({"dispatched"}, "accepted", {"liaison", "system"}),
    "return": ({"dispatched", "accepted"}, "returned", {"liaison", "system"}),
    "handle": ({"accepted"}, "handled", {"liaison", "system"}),
    "verify": ({"handled"}, "verified", {"operator", "lead", "worker", "system"}),
    "rework": ({"handled"}, "accepted", {"operator", "lead", "worker", "system"}),
    "close": ({"verified"}, "closed", {"operator", "lead", "system"}),
    "void": ({"reported", "confirmed", "filed", "returned"}, "void", DESK),
    "merge": ({"reported", "confirmed", "filed", "returned"}, "void", DESK),
    "request_extension": (WITH_DEPT, None, {"liaison", "system"}),
    "approve_extension": (WITH_DEPT, None, LEADS),
    "refuse_extension": (WITH_DEPT, None, LEADS),
    "suspend": ({"accepted"}, "suspended", LEADS),
    "resume": ({"suspended"}, "accepted", LEADS | {"liaison"}),
    "supervise": (WITH_DEPT, None, LEADS),
    "answer_supervision": (WITH_DEPT | {"suspended"}, None, {"liaison", "system"}),
    "redo": ({"closed"}, "accepted", DESK),
    "extend": ({"dispatched", "accepted"}, None, {"lead", "system"}),
    "reassign": ({"dispatched", "accepted", "returned"}, "dispatched", {"lead", "system"}),
    "undo_reassign": ({"dispatched"}, None, {"lead", "system"}),
    "rate": ({"closed"}, None, {"operator", "lead", "system"}),
    # 到场签到: whoever arrives at the place of any open case (a liaison at their own).
    "check_in": (
        {s.value for s in Status if s.is_open},
        None,
        DESK | {"worker", "liaison"},
    ),
    "flag_urgent": (OPEN, None, DESK),
    "acknowledge": (OPEN, None, {"worker", "liaison", "lead", "operator", "system"}),
    "remove_hazard": (OPEN, None, {"worker", "liaison", "lead", "system"}),
}


def test_the_table_is_the_documented_lifecycle() -> None:
    assert set(ACTIONS) == set(EXPECTED)
    for name, (sources, target, roles) in EXPECTED.items():
        act = ACTIONS[name]
        assert {s.value for s in act.sources} == sources, name
        assert (act.target.value if act.target else None) == target, name
        assert {r.value for r in act.roles} == roles, name


CELLS = [(name, status) for name in EXPECTED for status in Status]
# What a guarded action needs of the case besides its state (each guard is tested below).
GUARDED: dict[str, dict[str, object]] = {
    "approve_extension": {"extension_requested": 4.0},
    "refuse_extension": {"extension_requested": 4.0},
    "answer_supervision": {"supervised_at": NOW},
    "redo": {"rating": "unsatisfied"},
    "acknowledge": {"urgent": True},
    "remove_hazard": {"urgent": True},
}


@pytest.mark.parametrize(("name", "status"), CELLS)
def test_each_action_from_each_state(name: str, status: Status) -> None:
    case = replace(CASE, status=status, **GUARDED.get(name, {}))  # type: ignore[arg-type]
    if status.value in EXPECTED[name][0]:
        check(action(name), case)
    else:
        with pytest.raises(InvalidTransition) as err:
            check(action(name), case)
        assert f"case 5 is {status.value}" in str(err.value)


ROLES = [(name, role) for name in EXPECTED for role in Role]


@pytest.mark.parametrize(("name", "role"), ROLES)
def test_each_action_by_each_role(name: str, role: Role) -> None:
    actor = Actor("someone", role, department="chengguan" if role is Role.LIAISON else None)
    if role.value in EXPECTED[name][2]:
        authorize(action(name), actor, CASE)
    else:
        with pytest.raises(Forbidden) as err:
            authorize(action(name), actor, CASE)
        assert role.value in str(err.value)


def test_liaisons_act_only_on_their_own_department() -> None:
    other = Actor("li", Role.LIAISON, department="jiaojing")
    with pytest.raises(OutOfView, match=r"^no case 5$"):  # a Forbidden that names nobody
        authorize(action("accept"), other, CASE)
    authorize(action("accept"), replace(other, department="chengguan"), CASE)


def test_rating_twice_and_unknown_actions_are_refused() -> None:
    rated = replace(CASE, status=Status.CLOSED, rating="satisfied")
    with pytest.raises(InvalidTransition, match="already rated"):
        check(action("rate"), rated)
    with pytest.raises(InvalidAction):
        action("teleport")


@pytest.mark.parametrize(
    ("name", "without"),
    [
        ("approve_extension", "no extension request waiting"),
        ("refuse_extension", "no extension request waiting"),
        ("answer_supervision", "not under 督办"),
        ("redo", "only after an unsatisfied follow-up"),
        ("acknowledge", "only on an urgent case"),
        ("remove_hazard", "only on an urgent case"),
    ],
)
def test_guarded_actions_need_what_they_act_on(name: str, without: str) -> None:
    source = next(iter(action(name).sources))
    with pytest.raises(InvalidTransition, match=without):
        check(action(name), replace(CASE, status=source))
    if name == "redo":
        with pytest.raises(InvalidTransition, match=without):
            check(action(name), replace(CASE, status=source, rating="basic"))


def test_closed_states_are_final() -> None:
    for name in EXPECTED:
        if name not in ("rate", "redo"):
            assert Status.CLOSED not in action(name).sources
        assert Status.VOID not in action(name).sources
        assert Status.REJECTED not in action(name).sources
    assert Status.CLOSED.is_open is False and Status.DISPATCHED.is_open is True


def test_each_action_declares_its_parameters_and_checks_them() -> None:
    from cases.model import CaseError
    from cases.workflow import Context

    class NoClock:
        def crossings(self, *_a: object) -> tuple[datetime, datetime, datetime]:
            return (NOW, NOW, NOW)

    ctx = Context(NOW, frozenset({"chengguan", "shizheng"}), NoClock())
    assert {a.name: [p.name for p in a.params] for a in ACTIONS.values() if a.params} == {
        "dispatch": ["department"],
        "extend": ["hours"],
        "request_extension": ["hours"],
        "suspend": ["review"],
        "reassign": ["department"],
        "merge": ["into"],
        "rate": ["rating"],
        "check_in": ["lon", "lat", "accuracy"],
    }
    filed = replace(CASE, status=Status.FILED)
    after, extra = action("dispatch").take(filed, "", {"department": "shizheng"}, ctx)
    assert (after.status, after.department, after.dispatch_count, after.version) == (
        Status.DISPATCHED,
        "shizheng",
        1,
        2,
    )
    assert extra == {"from_department": "chengguan", "from_accepted_at": None}
    # the department is optional for a dispatch (the category's own), required for reassign
    assert action("dispatch").take(filed, "", {}, ctx)[0].department == "chengguan"
    dispatched = replace(CASE, status=Status.DISPATCHED)
    for name, given, words in (
        ("dispatch", {"department": "nowhere"}, "unknown department"),
        ("reassign", {"department": "shizheng"}, "needs a reason"),
        ("reassign", {}, "unknown department"),
        ("extend", {"hours": -1}, "hours between"),
        ("extend", {"hours": "lots"}, "hours between"),
        ("extend", {}, "hours between"),
    ):
        case = filed if name == "dispatch" else dispatched
        reason = "" if words == "needs a reason" else "x"
        with pytest.raises(CaseError, match=words):
            action(name).take(case, reason, given, ctx)
    with pytest.raises(CaseError, match="already with chengguan"):
        action("reassign").take(dispatched, "x", {"department": "chengguan"}, ctx)
    closed = replace(CASE, status=Status.CLOSED)
    with pytest.raises(CaseError, match="rating: one of"):
        action("rate").take(closed, "", {"rating": "great"}, ctx)
    assert action("rate").take(closed, "", {"rating": "basic"}, ctx)[0].rating == "basic"


def test_screens_read_the_actions_an_actor_may_take_now() -> None:
    from cases.workflow import available, forward_action

    early = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    dispatched = replace(CASE, status=Status.DISPATCHED, deadline=NOW, created_at=early)
    lead = Actor("l", Role.LEAD)
    liaison = Actor("li", Role.LIAISON, department="chengguan")
    other = Actor("li", Role.LIAISON, department="shizheng")
    # 督办 is offered on a late case only (the case is due at NOW).
    assert [a.name for a in available(lead, dispatched, early)] == ["extend", "reassign"]
    assert [a.name for a in available(lead, dispatched, NOW)] == [
        "extend",
        "supervise",
        "reassign",
    ]
    assert [a.name for a in available(liaison, dispatched, early)] == [
        "accept",
        "return",
        "request_extension",
    ]
    assert available(other, dispatched) == []
    assert available(Actor("w", Role.WALL), dispatched) == []
    path = []
    status: Status | None = Status.REPORTED
    while status is not None and (step := forward_action(status)) is not None:
        path.append(step.name)
        status = step.target
    assert path == ["file", "dispatch", "accept", "handle", "verify", "close"]
