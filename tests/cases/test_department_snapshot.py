"""A department's snapshot, on SQLite and on PostgreSQL: the district's shape, holding only
the cases the department holds (cases.access.holds), its own audience's head, its own
counters and reports; never a trace of another department's cases."""

from __future__ import annotations

from typing import Any

from cases import access
from cases.model import Report
from cases.store import Store
from cases.workflow import Actor, Role

OPERATOR = Actor("op-1", Role.OPERATOR)
LEAD = Actor("lead-a", Role.LEAD)
CHENGGUAN = Actor("li-cg", Role.LIAISON, department="chengguan")
SHIZHENG = Actor("li-sz", Role.LIAISON, department="shizheng")
CELLS = ("370102001001001", "370102001001002", "370102002001001", "370102003002001")


def report(n: int, category: str) -> Report:
    return Report("patrol", category, f"报告 {n}", 117.05, 36.66, CELLS[n % len(CELLS)], "p")


def ids_of(snap: dict[str, Any]) -> set[int]:
    return {row[0] for row in snap["open_cases"]}


def district(store: Store) -> dict[str, Any]:
    """Cases of three departments in every stage a liaison's screen must tell apart."""
    made: dict[str, Any] = {}
    # SR01 城管 (chengguan), AQ05 市政 (shizheng), MS11 交警 (jiaojing)
    for n, (name, category) in enumerate(
        (
            ("cg_new", "SR01"),
            ("cg_accepted", "SR01"),
            ("cg_returned", "SR01"),
            ("cg_closed", "SR01"),
            ("cg_moved", "SR01"),
            ("sz_new", "AQ05"),
            ("jj_new", "MS11"),
        )
    ):
        made[name] = store.open_case(report(n, category))[0].id
    for case_id in (made["cg_accepted"], made["cg_returned"], made["cg_closed"], made["cg_moved"]):
        for action in ("file", "dispatch"):
            store.apply(case_id, action, OPERATOR)
        store.apply(case_id, "accept", CHENGGUAN)
    store.apply(made["cg_returned"], "return", CHENGGUAN, "不属本部门")
    store.apply(made["cg_closed"], "handle", CHENGGUAN)
    store.apply(made["cg_closed"], "verify", OPERATOR)
    store.apply(made["cg_closed"], "close", OPERATOR)
    store.apply(made["cg_moved"], "reassign", LEAD, "归市政", department="shizheng")
    store.apply(made["jj_new"], "file", OPERATOR)  # the district moves on without them
    return made


def test_a_liaisons_snapshot_holds_only_what_their_department_holds(store: Store) -> None:
    made = district(store)
    view = access.live_view(CHENGGUAN)
    assert view == access.CaseView("chengguan")
    snap = store.snapshot(view=view)
    assert set(snap) == set(store.snapshot())  # the district's shape
    assert ids_of(snap) == {made["cg_new"], made["cg_accepted"]}
    for case_id in ids_of(snap):
        assert access.holds("chengguan", store.get(case_id))
    assert snap["counters"] == {"open": 2, "today": 5, "closed_today": 1}
    assert sum(snap["open_by_cell"].values()) == 2
    # Its reports: of cases still with it, none of another department's.
    assert [e["case_id"] for e in snap["recent"]] == [
        made[k] for k in ("cg_new", "cg_accepted", "cg_returned", "cg_closed")
    ]
    assert all(e["department"] == "chengguan" for e in snap["recent"])
    # Its sequence number is its own audience's head, not the district's.
    assert snap["seq"] == store.head("dept:chengguan") < store.head()


def test_nothing_of_another_department_reaches_a_liaisons_snapshot(store: Store) -> None:
    made = district(store)
    theirs = store.snapshot(view=access.live_view(SHIZHENG))
    assert ids_of(theirs) == {made["sz_new"], made["cg_moved"]}  # the moved case came along
    assert {e["case_id"] for e in theirs["recent"]} == {made["sz_new"]}
    assert theirs["counters"] == {"open": 2, "today": 1, "closed_today": 0}
    mine = store.snapshot(view=access.live_view(CHENGGUAN))
    assert not ids_of(mine) & ids_of(theirs)
    everything = store.snapshot()
    assert ids_of(everything) >= ids_of(mine) | ids_of(theirs) | {made["jj_new"]}
    assert made["jj_new"] not in ids_of(mine) | ids_of(theirs)
    assert everything["counters"]["today"] == 7


def test_who_starts_from_which_snapshot() -> None:
    assert access.live_view(None) is None
    assert access.live_view(Actor("x", Role.LIAISON)) is None  # a liaison of no department
    for role in (Role.WALL, Role.OPERATOR, Role.LEAD, Role.ADMIN, Role.WORKER):
        assert access.live_view(Actor("x", role)) == access.CaseView()
    key = access.key_actor("cg-system", access.DEPARTMENT_SCOPE, "chengguan")
    assert access.live_view(key) == access.CaseView("chengguan")
    assert access.live_view(access.key_actor("hotline", access.INTAKE_SCOPE)) is None
