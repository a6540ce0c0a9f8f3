"""Department views in the event log, on SQLite and on PostgreSQL: each event names the
previous event of every department view it belongs to, and a case that leaves a
department is still delivered to it (so that screen can drop the case)."""

from __future__ import annotations

from cases import access
from cases.model import Event, Report
from cases.store import Store
from cases.workflow import Actor, Role

OPERATOR = Actor("op-1", Role.OPERATOR)
LEAD = Actor("lead-a", Role.LEAD)
CHENGGUAN = Actor("li-cg", Role.LIAISON, department="chengguan")
SHIZHENG = Actor("li-sz", Role.LIAISON, department="shizheng")
WALL = Actor("wall", Role.WALL)


def report(n: int, category: str = "SR01") -> Report:
    return Report("patrol", category, f"x {n}", 117.05, 36.66, "370102001001001", "p")


def visible(store: Store, actor: Actor) -> list[Event]:
    return [e for e in store.events_since(0, 1000) if access.may_see_event(actor, e)]


def test_each_event_names_the_previous_event_of_its_department_views(store: Store) -> None:
    # Three departments' cases interleaved: each view's events chain without gaps.
    categories = ["SR01", "MS11", "SR01", "AQ05", "SR01", "MS11"]
    for n, code in enumerate(categories):
        store.open_case(report(n, code))
    log = store.events_since(0)
    assert [e.seq for e in log] == list(range(1, 7))
    chains: dict[str, list[tuple[int, int]]] = {}
    for e in log:
        for department, prev in e.data["prev"].items():
            chains.setdefault(department, []).append((prev, e.seq))
    assert len(chains) == 3
    for chain in chains.values():
        seqs = [seq for _prev, seq in chain]
        assert [prev for prev, _seq in chain] == [0, *seqs[:-1]]


def test_a_reassigned_case_reaches_the_department_it_left(store: Store) -> None:
    case, _ = store.open_case(report(1))  # SR01: 城管 (chengguan)
    store.apply(case.id, "file", OPERATOR)
    store.apply(case.id, "dispatch", OPERATOR)
    store.apply(case.id, "accept", CHENGGUAN)
    moved = store.apply(case.id, "reassign", LEAD, "不属于城管", department="shizheng")
    assert moved.data["department"] == "shizheng"
    assert moved.data["from_department"] == "chengguan"
    assert set(moved.data["prev"]) == {"chengguan", "shizheng"}
    assert access.event_audiences(moved) == ["district", "dept:chengguan", "dept:shizheng"]
    # The old department sees the event that takes the case away, then nothing more of it.
    store.apply(case.id, "accept", SHIZHENG)
    assert [e.kind for e in visible(store, CHENGGUAN)] == [
        "case.reported",
        "case.file",
        "case.dispatch",
        "case.accept",
        "case.reassign",
    ]
    assert [e.kind for e in visible(store, SHIZHENG)] == ["case.reassign", "case.accept"]
    assert len(visible(store, WALL)) == 6
    # The new department's chain starts at the reassign: its first event had no previous.
    assert moved.data["prev"]["shizheng"] == 0
    assert visible(store, SHIZHENG)[1].data["prev"] == {"shizheng": moved.seq}


def test_access_to_cases_follows_the_department(store: Store) -> None:
    case, _ = store.open_case(report(2))
    assert access.may_see_case(CHENGGUAN, case)
    assert not access.may_see_case(SHIZHENG, case)
    assert access.may_see_case(WALL, case) and access.may_see_case(OPERATOR, case)
    assert not access.may_see_case(None, case)


def test_a_store_from_before_department_views_finds_their_heads(store: Store) -> None:
    from sqlalchemy import delete

    from cases.schema import audience_heads, event_audiences

    store.open_case(report(1))  # chengguan
    second, _ = store.open_case(report(2, "MS11"))  # jiaojing
    with store.engine.begin() as conn:  # as a store written before department views
        conn.execute(delete(audience_heads))
        conn.execute(delete(event_audiences))
    store.create_schema()  # the upgraded process starts
    third, _ = store.open_case(report(3))
    assert store.events_since(2)[0].data["prev"] == {"chengguan": 1}
    ev = store.apply(second.id, "file", OPERATOR)
    assert ev.data["prev"] == {"jiaojing": 2}
    assert third.id != second.id
    assert [e.seq for e in store.events_page(0, 10, "dept:chengguan")[0]] == [1, 3]
    assert [e.seq for e in store.events_page(0, 10, "dept:jiaojing")[0]] == [2, 4]


def test_a_case_handed_back_leaves_the_departments_queue_but_stays_readable(
    store: Store,
) -> None:
    case, _ = store.open_case(report(4))
    for name, actor in (("file", OPERATOR), ("dispatch", OPERATOR), ("accept", CHENGGUAN)):
        store.apply(case.id, name, actor)
    assert access.holds("chengguan", store.get(case.id))
    back = store.apply(case.id, "return", CHENGGUAN, "不属本部门")
    assert access.may_see_event(CHENGGUAN, back)  # the screen learns it left its queue
    returned = store.get(case.id)
    assert not access.holds("chengguan", returned)
    assert access.may_see_case(CHENGGUAN, returned)
    store.apply(case.id, "dispatch", OPERATOR)  # sent back to the same department
    assert access.holds("chengguan", store.get(case.id))
