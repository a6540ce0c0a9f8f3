"""The three lists on the store (SQLite and PostgreSQL): a need and a resource listed, a
suggestion accepted as a project, its progress to done; the refusals; a resource's capacity
never over-committed by concurrent accepts (real threads); every step's events in order."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import insert

from cases.actors import Actor, Role
from cases.quanxinyuan.lists import Lists
from cases.quanxinyuan.platform import Platform, QxyError
from cases.quanxinyuan.schema import units

HOME = "370102009001"
NEIGHBOUR = "370102009002"
SQ = Actor("sq", Role.LIAISON, f"community_{HOME}")
SQ2 = Actor("sq2", Role.LIAISON, f"community_{NEIGHBOUR}")
UNIT_A = Actor("ua", Role.UNIT, "unit-a")
UNIT_B = Actor("ub", Role.UNIT, "unit-b")
OP = Actor("op", Role.OPERATOR)


def add_unit(
    platform: Platform, unit_id: str, community: str, offers: tuple[str, ...] = ()
) -> None:
    with platform.engine.begin() as conn:
        conn.execute(
            insert(units).values(
                id=unit_id,
                name=f"{unit_id} 单位",
                level="district",
                community_code=community,
                contact_name="联系人",
                contact_phone="13900000001",
                offers=list(offers),
            )
        )


@pytest.fixture
def lists(platform: Platform) -> Lists:
    add_unit(platform, "unit-a", HOME, ("elder",))
    add_unit(platform, "unit-b", NEIGHBOUR)
    return Lists(platform)


def test_a_need_matched_to_a_resource_and_done(lists: Lists, platform: Platform) -> None:
    res = lists.add_resource(UNIT_A, "elder", "助老陪护志愿服务", "每周两次", capacity=10)
    assert (res.state, res.community_code, res.remaining) == ("available", HOME, 10)
    cell = platform.places.cells_of(HOME)[0]
    need = lists.add_need(SQ, "elder", "独居老人陪护", "<b>6 位</b>", quantity=6, cell_code=cell)
    assert (need.state, need.text, need.cell_code) == ("open", "<b>6 位</b>", cell)

    [s] = lists.suggestions(need.id)
    assert s.resource_id == res.id and s.take == 6
    assert [r.code for r in s.reasons] == [
        "same_category",
        "unit_offers",
        "same_community",
        "capacity_enough",
    ]
    project = lists.accept(SQ, need.id, res.id)
    assert (project.state, project.progress, project.quantity) == ("active", 0, 6)
    assert project.unit_id == "unit-a" and project.title == "独居老人陪护"
    assert project.why["reasons"][0]["code"] == "same_category"
    assert lists.need(need.id).state == "matched"
    assert (lists.resource(res.id).committed, lists.resource(res.id).state) == (6, "available")

    lists.report_progress(UNIT_A, project.id, 40, "已走访 3 户")
    assert lists.project(project.id).progress == 40
    lists.report_progress(SQ, project.id, 60)
    done = lists.report_progress(UNIT_A, project.id, 100, "全部完成")
    assert (done.state, done.progress, done.done_at is not None) == ("done", 100, True)
    assert lists.need(need.id).state == "done"

    kinds = [(e.kind, e.from_state, e.to_state) for e in lists.history("project", project.id)]
    assert kinds == [
        ("project.start", None, "active"),
        ("project.progress", "active", "active"),
        ("project.progress", "active", "active"),
        ("project.done", "active", "done"),
    ]
    events = lists.history("project", project.id)
    assert events[1].reason == "已走访 3 户" and events[1].data == {"progress": 40}
    assert all(e.unit_id == "unit-a" and e.community_code == HOME for e in events)
    assert [e.kind for e in lists.history("need", need.id)] == [
        "need.add",
        "need.match",
        "need.done",
    ]
    r_events = lists.history("resource", res.id)
    assert [e.kind for e in r_events] == ["resource.add", "resource.take"]
    assert all(e.unit_id == "unit-a" for e in r_events)
    # Gap-free and in order across the items.
    seqs = sorted(
        e.seq
        for kind, item in (("need", need.id), ("resource", res.id), ("project", project.id))
        for e in lists.history(kind, item)
    )
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    # No personal data in any event.
    for kind, item in (("need", need.id), ("resource", res.id), ("project", project.id)):
        for e in lists.history(kind, item):
            assert "13900000001" not in repr(e) and "联系人" not in repr(e)


def test_the_community_finishes_a_project_early_and_a_partial_match(lists: Lists) -> None:
    res = lists.add_resource(UNIT_B, "goods", "过冬物资", capacity=4)
    need = lists.add_need(SQ, "goods", "棉被", quantity=6)
    [s] = lists.suggestions(need.id)
    assert s.partial and s.take == 4
    assert [r.code for r in s.reasons][1:] == ["same_street", "capacity_partial"]
    project = lists.accept(SQ, need.id, res.id)
    assert project.quantity == 4 and project.why["partial"] is True
    assert (lists.resource(res.id).committed, lists.resource(res.id).state) == (4, "committed")
    with pytest.raises(QxyError) as refused:
        lists.finish(UNIT_B, project.id)
    assert refused.value.status == 403
    done = lists.finish(SQ, project.id, "物资已发放")
    assert (done.state, done.progress) == ("done", 0)
    assert lists.need(need.id).state == "done"
    assert lists.history("project", project.id)[-1].reason == "物资已发放"


def test_refusals(lists: Lists, platform: Platform) -> None:
    res = lists.add_resource(UNIT_A, "elder", "陪护", capacity=2)
    need = lists.add_need(SQ, "elder", "陪护", quantity=1)

    def refused(call: Any, problem: str, status: int) -> None:
        with pytest.raises(QxyError) as exc:
            call()
        assert (exc.value.problem, exc.value.status) == (problem, status)

    refused(lambda: lists.add_need(UNIT_A, "elder", "x"), "forbidden", 403)
    refused(lambda: lists.add_need(OP, "elder", "x"), "forbidden", 403)
    refused(lambda: lists.add_need(SQ, "nope", "x"), "bad_category", 422)
    refused(lambda: lists.add_need(SQ, "elder", "  "), "bad_title", 422)
    refused(lambda: lists.add_need(SQ, "elder", "x" * 129), "bad_title", 422)
    refused(lambda: lists.add_need(SQ, "elder", "x", quantity=0), "bad_quantity", 422)
    refused(lambda: lists.add_need(SQ, "elder", "x", quantity="abc"), "bad_quantity", 422)
    refused(lambda: lists.add_need(SQ, "elder", "x", quantity=True), "bad_quantity", 422)
    other_cell = platform.places.cells_of(NEIGHBOUR)[0]
    refused(lambda: lists.add_need(SQ, "elder", "x", cell_code=other_cell), "bad_cell", 422)
    refused(lambda: lists.add_resource(SQ, "elder", "x"), "forbidden", 403)
    refused(
        lambda: lists.add_resource(Actor("u", Role.UNIT, "ghost"), "elder", "x"), "no_unit", 422
    )
    refused(lambda: lists.add_resource(UNIT_A, "elder", "x", capacity=10_001), "bad_capacity", 422)
    refused(lambda: lists.withdraw_resource(UNIT_B, res.id), "forbidden", 403)
    refused(lambda: lists.withdraw_need(SQ2, need.id), "forbidden", 403)
    refused(lambda: lists.accept(SQ2, need.id, res.id), "forbidden", 403)
    refused(lambda: lists.accept(SQ, need.id, 999), "not_suggested", 409)
    refused(lambda: lists.accept(SQ, 999, res.id), "not_found", 404)
    legal = lists.add_resource(UNIT_B, "legal", "法律咨询")
    refused(lambda: lists.accept(SQ, need.id, legal.id), "not_suggested", 409)

    project = lists.accept(SQ, need.id, res.id)
    refused(lambda: lists.accept(SQ, need.id, res.id), "not_open", 409)
    refused(lambda: lists.withdraw_need(SQ, need.id), "not_open", 409)
    refused(lambda: lists.report_progress(UNIT_B, project.id, 10), "forbidden", 403)
    refused(lambda: lists.report_progress(SQ2, project.id, 10), "forbidden", 403)
    refused(lambda: lists.report_progress(SQ, project.id, 101), "bad_progress", 422)
    refused(lambda: lists.report_progress(SQ, project.id, "50"), "bad_progress", 422)
    lists.report_progress(UNIT_A, project.id, 50)
    refused(lambda: lists.report_progress(UNIT_A, project.id, 20), "progress_back", 422)
    lists.report_progress(UNIT_A, project.id, 100)
    refused(lambda: lists.report_progress(UNIT_A, project.id, 100), "not_active", 409)
    refused(lambda: lists.finish(SQ, project.id), "not_active", 409)

    # Withdrawn: a resource is no longer suggested; a need goes from open only.
    lists.withdraw_resource(UNIT_A, res.id, "人手不足")
    assert lists.resource(res.id).state == "withdrawn"
    refused(lambda: lists.withdraw_resource(UNIT_A, res.id), "withdrawn", 409)
    later = lists.add_need(SQ, "elder", "陪护2")
    assert lists.suggestions(later.id) == []
    assert lists.withdraw_need(SQ, later.id, "已解决").state == "withdrawn"
    kinds = [e.kind for e in lists.history("need", later.id)]
    assert kinds == ["need.add", "need.withdraw"]


def test_capacity_is_never_over_committed_by_concurrent_accepts(
    lists: Lists, platform: Platform
) -> None:
    """Twelve needs of 2 accept the same resource of 15 at once: 7 take 2, at most one
    takes the last 1 (a partial), the rest are refused; committed never passes 15."""
    res = lists.add_resource(UNIT_A, "elder", "陪护", capacity=15)
    wanted = [lists.add_need(SQ, "elder", f"陪护 {i}", quantity=2) for i in range(12)]
    barrier = threading.Barrier(len(wanted))
    outcomes: list[Any] = []
    lock = threading.Lock()

    def accept(need_id: int) -> None:
        barrier.wait()
        try:
            got: Any = lists.accept(SQ, need_id, res.id)
        except QxyError as exc:
            got = exc.problem
        with lock:
            outcomes.append(got)

    threads = [threading.Thread(target=accept, args=(n.id,)) for n in wanted]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    started = [o for o in outcomes if not isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, str)]
    assert len(outcomes) == 12
    assert sum(p.quantity for p in started) == 15
    assert sorted(p.quantity for p in started) == [1] + [2] * 7
    assert set(refusals) <= {"not_suggested", "capacity_used"} and len(refusals) == 4
    after = lists.resource(res.id)
    assert (after.committed, after.state) == (15, "committed")
    assert sum(1 for n in wanted if lists.need(n.id).state == "matched") == 8
    takes = [e.data["take"] for e in lists.history("resource", res.id) if e.kind == "resource.take"]
    assert sum(takes) == 15


def test_concurrent_progress_reports_never_lose_one(lists: Lists) -> None:
    res = lists.add_resource(UNIT_A, "elder", "陪护", capacity=5)
    need = lists.add_need(SQ, "elder", "陪护", quantity=1)
    project = lists.accept(SQ, need.id, res.id)
    barrier = threading.Barrier(6)
    errors: list[str] = []

    def report(value: int) -> None:
        barrier.wait()
        try:
            lists.report_progress(UNIT_A if value % 2 else SQ, project.id, value)
        except QxyError as exc:
            errors.append(exc.problem)

    threads = [threading.Thread(target=report, args=(v,)) for v in (10, 20, 30, 40, 50, 60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    events = [e for e in lists.history("project", project.id) if e.kind == "project.progress"]
    assert len(events) + len(errors) == 6 and set(errors) <= {"progress_back", "stale"}
    values = [e.data["progress"] for e in events]
    assert values == sorted(values)  # never back, in the log's order
    assert lists.project(project.id).progress == values[-1]


def test_each_step_reaches_the_rooms_allowed_to_see_it(lists: Lists, platform: Platform) -> None:
    """Published after commit: a need to its community and the center; a resource's and a
    project's steps to the unit too (the project to the need's community)."""
    from cases.quanxinyuan import access

    seen: list[Any] = []
    platform.subscribe(seen.append)
    res = lists.add_resource(UNIT_B, "elder", "陪护", capacity=3)  # unit-b: the next community
    need = lists.add_need(SQ, "elder", "陪护", quantity=1)
    lists.accept(SQ, need.id, res.id)

    def rooms(kind: str) -> set[str]:
        [event] = [e for e in seen if e.kind == kind]
        return {room for room, _payload in access.deliveries(event)}

    center, home, there = "qxy:center", f"qxy:community:{HOME}", f"qxy:community:{NEIGHBOUR}"
    assert rooms("need.add") == {home, center}
    assert rooms("resource.add") == {there, center, "qxy:unit:unit-b"}
    assert rooms("project.start") == {home, center, "qxy:unit:unit-b"}
    assert rooms("need.match") == {home, center}
    assert [e.seq for e in seen] == sorted(e.seq for e in seen)


def test_a_unit_offering_the_category_is_suggested_for_another_kind_of_resource(
    lists: Lists,
) -> None:
    other = lists.add_resource(UNIT_A, "health", "健康讲座", capacity=2)  # unit-a offers elder
    lists.add_resource(UNIT_B, "health", "义诊", capacity=2)  # unit-b offers nothing
    need = lists.add_need(SQ, "elder", "陪护", quantity=1)
    [s] = lists.suggestions(need.id)
    assert s.resource_id == other.id and s.reasons[0].code == "unit_offers_category"
