"""The desks' lists (cases/lists.py) and the actions the desks added to the table: merge
and the undo of a reassign. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases import access
from cases.lists import COUNT_CAP, CaseQuery
from cases.model import CaseError, Report, Status
from cases.store import Store
from cases.workflow import UNDO_WINDOW, Actor, Role

DESK = Actor("op", Role.OPERATOR)
LEAD = Actor("lead", Role.LEAD)
OTHER_LEAD = Actor("lead2", Role.LEAD)
START = datetime(2026, 5, 6, 1, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Jinan
CELL = "370102001001001"
NEXT_CELL = "370102001001002"  # borders CELL
FAR_CELL = "370102001001006"  # does not


def at(store: Store, minutes: float) -> None:
    store.now = lambda: START + timedelta(minutes=minutes)


def open_case(store: Store, minutes: float, category: str = "SR01", cell: str = CELL) -> int:
    at(store, minutes)
    report = Report("citizen", category, f"r{minutes}", 117.03, 36.67, cell)
    return store.open_case(report)[0].id


def dispatched(store: Store, minutes: float, category: str = "SR01", cell: str = CELL) -> int:
    case_id = open_case(store, minutes, category, cell)
    store.apply(case_id, "file", DESK)
    store.apply(case_id, "dispatch", DESK)
    return case_id


def ids(page: object) -> list[int]:
    return [c.id for c in page.cases]  # type: ignore[attr-defined]


def test_a_list_is_filtered_sorted_and_paged_inside_the_view(store: Store) -> None:
    a = dispatched(store, 0, "SR01")  # chengguan, 8 working hours
    b = dispatched(store, 1, "CG05")  # shizheng, 16 working hours
    c = dispatched(store, 2, "SR01", NEXT_CELL)
    d = open_case(store, 3, "SR01", FAR_CELL)  # still reported
    at(store, 10)
    everyone = access.CaseView()
    assert ids(store.list_cases(everyone, CaseQuery())) == [a, c, d, b]  # by deadline
    assert ids(store.list_cases(everyone, CaseQuery(sort="created", descending=True))) == [
        d,
        c,
        b,
        a,
    ]
    assert ids(store.list_cases(everyone, CaseQuery(cells=[CELL]))) == [a, b]
    assert ids(store.list_cases(everyone, CaseQuery(cells=[]))) == []
    assert ids(store.list_cases(everyone, CaseQuery(statuses=[Status.REPORTED]))) == [d]
    assert ids(store.list_cases(everyone, CaseQuery(departments=["shizheng"]))) == [b]
    page = store.list_cases(everyone, CaseQuery(limit=2, offset=2))
    assert (ids(page), page.total, page.capped) == ([d, b], 4, False)
    # A department's view is asked of the database: another department's filter finds none.
    chengguan = access.CaseView("chengguan")
    assert ids(store.list_cases(chengguan, CaseQuery())) == [a, c, d]
    assert ids(store.list_cases(chengguan, CaseQuery(departments=["shizheng"]))) == []
    # Closed cases only when asked.
    store.apply(d, "void", DESK, reason="重复")
    assert d not in ids(store.list_cases(everyone, CaseQuery()))
    assert d in ids(store.list_cases(everyone, CaseQuery(open_only=False)))


def test_the_risk_filter_agrees_with_each_case_s_own_risk(store: Store) -> None:
    made = [dispatched(store, m, "SR01") for m in (0, 60, 200, 400)]
    for minutes in (0, 250, 470, 600, 2000):
        at(store, minutes)
        now = store.now()
        for level in ("ok", "watch", "at_risk", "overdue"):
            listed = set(ids(store.list_cases(access.CaseView(), CaseQuery(risks=[level]))))
            expected = {i for i in made if store.get(i).risk(now) == level}
            assert listed == expected, (minutes, level)
    with pytest.raises(ValueError, match="risk"):
        CaseQuery(risks=["late"])


def test_the_count_stops_at_its_cap(store: Store) -> None:
    assert store.count_cap == COUNT_CAP
    store.count_cap = 7  # type: ignore[misc]  # the cap is counted the same at any size
    for i in range(9):
        open_case(store, i)
    page = store.list_cases(access.CaseView(), CaseQuery(limit=5))
    assert (page.total, page.capped, len(page.cases)) == (8, True, 5)
    page = store.list_cases(access.CaseView(), CaseQuery(limit=5, cells=[NEXT_CELL]))
    assert (page.total, page.capped, len(page.cases)) == (0, False, 0)


def test_the_queue_holds_the_desk_s_work_longest_waiting_first(store: Store) -> None:
    a = open_case(store, 0)
    b = open_case(store, 1)
    c = dispatched(store, 2)
    at(store, 5)
    store.apply(a, "file", DESK)  # a has waited since minute 5, b since minute 1
    at(store, 6)
    store.apply(c, "return", Actor("li", Role.LIAISON, "chengguan"), reason="不属本部门")
    assert ids(store.desk_queue()) == [b, a, c]


def test_possible_duplicates_are_the_same_category_nearby_in_the_48_hours_before(
    store: Store,
) -> None:
    old = open_case(store, -49 * 60)
    same = open_case(store, 0)
    near = open_case(store, 10, cell=NEXT_CELL)
    far = open_case(store, 20, cell=FAR_CELL)
    other_kind = open_case(store, 30, category="CG05")
    new = store.get(open_case(store, 40))
    found = [c.id for c in store.possible_duplicates(new, [NEXT_CELL])]
    assert found == [near, same]
    assert old not in found and far not in found and other_kind not in found


def test_a_duplicate_is_merged_into_the_earlier_case(store: Store) -> None:
    first = open_case(store, 0)
    second = open_case(store, 5)
    with pytest.raises(CaseError, match="newer"):
        store.apply(first, "merge", DESK, into=second)
    with pytest.raises(CaseError, match="itself"):
        store.apply(second, "merge", DESK, into=second)
    with pytest.raises(CaseError, match="no case"):
        store.apply(second, "merge", DESK, into=99999)
    with pytest.raises(CaseError, match="case number"):
        store.apply(second, "merge", DESK, into="1; drop table")
    ev = store.apply(second, "merge", DESK, into=first)
    assert ev.data["merged_into"] == first and ev.to_status is Status.VOID
    assert store.get(second).status is Status.VOID
    assert store.get(first).status is Status.REPORTED
    third = open_case(store, 6)
    with pytest.raises(CaseError, match="void"):
        store.apply(third, "merge", DESK, into=second)


def test_a_reassign_is_undone_by_a_compensating_event_within_the_window(store: Store) -> None:
    case_id = dispatched(store, 0)
    store.apply(case_id, "accept", Actor("li", Role.LIAISON, "chengguan"))
    accepted = store.get(case_id)
    at(store, 10)
    ev = store.apply(case_id, "reassign", LEAD, reason="错派", department="shizheng")
    moved = store.get(case_id)
    assert (moved.department, moved.status, moved.dispatch_count) == (
        "shizheng",
        Status.DISPATCHED,
        2,
    )
    with pytest.raises(CaseError, match="only they"):
        store.apply(case_id, "undo_reassign", OTHER_LEAD)
    undo = store.apply(case_id, "undo_reassign", LEAD)
    back = store.get(case_id)
    assert (back.department, back.status, back.accepted_at, back.dispatch_count) == (
        "chengguan",
        Status.ACCEPTED,
        accepted.accepted_at,
        1,
    )
    # Both steps stay in the log; the undo names the step it compensates and the
    # department that loses the case (its screen must drop it).
    kinds = [e.kind for e in store.timeline(case_id)]
    assert kinds[-2:] == ["case.reassign", "case.undo_reassign"]
    assert undo.data["undoes"] == ev.seq and undo.data["from_department"] == "shizheng"
    # Nothing left to undo now; and a reassign is undone only within the window.
    with pytest.raises(CaseError):
        store.apply(case_id, "undo_reassign", LEAD)
    store.apply(case_id, "reassign", LEAD, reason="错派", department="shizheng")
    at(store, 10 + UNDO_WINDOW.total_seconds() / 60 + 1)
    with pytest.raises(CaseError, match="can be undone for"):
        store.apply(case_id, "undo_reassign", LEAD)


def test_an_undo_is_refused_once_anything_else_happened(store: Store) -> None:
    case_id = dispatched(store, 0)
    store.apply(case_id, "reassign", LEAD, reason="错派", department="shizheng")
    store.apply(case_id, "accept", Actor("li", Role.LIAISON, "shizheng"))
    with pytest.raises(CaseError):
        store.apply(case_id, "undo_reassign", LEAD)
    assert store.get(case_id).department == "shizheng"


def test_undo_is_not_offered_as_a_button(store: Store) -> None:
    from cases.workflow import available

    case_id = dispatched(store, 0)
    store.apply(case_id, "reassign", LEAD, reason="错派", department="shizheng")
    assert "undo_reassign" not in [a.name for a in available(LEAD, store.get(case_id))]


def test_the_timeline_is_every_event_of_the_case_in_order(store: Store) -> None:
    case_id = dispatched(store, 0)
    other = open_case(store, 1)
    events = store.timeline(case_id)
    assert [e.kind for e in events] == ["case.reported", "case.file", "case.dispatch"]
    assert all(e.case_id == case_id for e in events)
    assert store.last_event(case_id) == events[-1]
    assert store.last_event(other) is not None and store.last_event(123456) is None
