"""Each bookkeeping trick that used to flatter a rate, scripted on a real store (SQLite and
PostgreSQL): every one must count as late or inaccurate. And the lifecycle's new actions
(核实, 不予立案, 延期申请, 挂账, 督办, 重办) with their stage clocks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from cases.kpi import compute_kpis
from cases.model import CaseError, Status
from cases.schema import kpi_rollup
from cases.store import Store
from cases.workflow import Actor, Role
from tests.cases.history import CG, LEAD, OP, SZ, WORKER, YL, History, at

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def h(store: Store) -> History:
    return History(store)


def district(h: History, now: str) -> dict[str, dict[str, Any]]:
    return compute_kpis(h.store, "district", *PERIOD, at(now))["370102"]


def by_department(h: History, now: str) -> dict[str, dict[str, dict[str, Any]]]:
    return compute_kpis(h.store, "department", *PERIOD, at(now))


def to_department(h: History, when: str, case: int, to: str = "chengguan") -> None:
    h.do(when, case, "file", OP)
    h.do(when, case, "dispatch", OP, department=to)


def rate(result: dict[str, Any]) -> tuple[int, int]:
    return result["n"], result["d"]


def assert_rollup_rebuilds(h: History) -> None:
    def table() -> list[tuple[Any, ...]]:
        with h.store.engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(select(kpi_rollup)) if any(r[3:]))

    kept = table()
    h.store.rebuild_rollup()
    assert table() == kept


def test_an_extension_after_the_deadline_never_makes_handling_on_time(h: History) -> None:
    # Today's trick: 2 days overdue, then extended by 40 h, handled and closed: 1/1 and 1/1.
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)  # 处置 due 13:20
    h.do("2026-11-12 13:20", c, "extend", LEAD, "补办", hours=40)
    h.do("2026-11-12 14:00", c, "handle", CG)  # within the extended time
    h.do("2026-11-12 15:00", c, "verify", WORKER)
    h.do("2026-11-12 15:00", c, "close", OP)
    kpis = district(h, "2026-11-13 09:00")
    assert rate(kpis["handle_on_time"]) == (0, 1)
    assert kpis["closed_3d"]["n"] == 1  # the 3-day rate is on calendar time from the report
    assert_rollup_rebuilds(h)


def test_an_extension_asked_for_in_time_counts_on_time(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)  # 处置 due 13:20
    h.do("2026-11-10 12:00", c, "request_extension", CG, "需要吊车", hours=4)
    h.do("2026-11-10 12:30", c, "approve_extension", LEAD)  # before 13:20: due 17:20
    h.do("2026-11-10 17:00", c, "handle", CG)
    assert rate(district(h, "2026-11-10 18:00")["handle_on_time"]) == (1, 1)


def test_a_request_is_refused_once_the_stage_is_late_and_a_late_approval_stays_late(
    h: History,
) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)  # 处置 due 13:20
    with pytest.raises(CaseError, match="before the deadline") as late:
        h.do("2026-11-10 13:21", c, "request_extension", CG, "来不及了", hours=4)
    assert "时限之前申请" in late.value.zh
    from cases.workflow import available

    offered = [a.name for a in available(CG, h.store.get(c), at("2026-11-10 13:21"))]
    assert "request_extension" not in offered  # not offered once late, refused if sent
    offered = [a.name for a in available(CG, h.store.get(c), at("2026-11-10 13:00"))]
    assert "request_extension" in offered
    h.do("2026-11-10 13:00", c, "request_extension", CG, "需要吊车", hours=4)
    h.do("2026-11-10 14:00", c, "approve_extension", LEAD)  # approved after 13:20
    h.do("2026-11-10 15:00", c, "handle", CG)
    assert rate(district(h, "2026-11-10 16:00")["handle_on_time"]) == (0, 1)
    with pytest.raises(CaseError):  # nothing waiting: nothing to approve
        h.do("2026-11-10 15:30", c, "approve_extension", LEAD)


def test_a_refused_extension_leaves_the_clock_as_it_was(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)
    h.do("2026-11-10 10:00", c, "request_extension", CG, "想多点时间", hours=8)
    with pytest.raises(CaseError, match="already has an extension request"):
        h.do("2026-11-10 10:05", c, "request_extension", CG, "再要", hours=8)
    h.do("2026-11-10 11:00", c, "refuse_extension", LEAD, "4小时足够")
    case = h.store.get(c)
    assert case.extension_requested is None and case.extension_count == 0
    assert case.stage_due_at == at("2026-11-10 13:20")


def test_rework_restarts_handling_and_the_first_handling_is_never_on_time(h: History) -> None:
    # Today's trick: sent back for rework, now 5 days overdue, counted handled on time.
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)
    h.do("2026-11-10 10:00", c, "handle", CG)  # quick, on time...
    h.do("2026-11-10 11:00", c, "rework", WORKER, "没清理干净")  # ...but it came back
    case = h.store.get(c)
    assert case.stage == "handle" and case.stage_due_at == at("2026-11-10 15:00")
    kpis = district(h, "2026-11-15 15:00")  # 5 days later, still not handled again
    assert rate(kpis["handle_on_time"]) == (0, 2)


def test_a_reassignment_is_an_inaccurate_dispatch_charged_to_the_center(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c, "yuanlin")
    h.do("2026-11-10 09:20", c, "accept", YL)
    h.do("2026-11-10 10:00", c, "reassign", LEAD, "属于城管", department="chengguan")
    h.do("2026-11-10 10:10", c, "accept", CG)
    depts = by_department(h, "2026-11-10 11:00")
    assert rate(depts["center"]["accurate_dispatch"]) == (1, 2)  # the reassign is a dispatch
    assert depts["yuanlin"]["collected"]["n"] == 1  # 园林 held it: it counts there too
    assert depts["yuanlin"]["returns"]["n"] == 0
    with h.store.read() as conn:
        from cases.schema import case_stages

        rows = conn.execute(
            select(case_stages.c.stage, case_stages.c.holder, case_stages.c.outcome)
            .where(case_stages.c.case_id == c)
            .order_by(case_stages.c.n)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("file", "center", "done"),
        ("dispatch", "center", "done"),
        ("accept", "yuanlin", "done"),
        ("handle", "yuanlin", "reassigned"),
        ("dispatch", "center", "done"),
        ("accept", "chengguan", "done"),
        ("handle", "chengguan", ""),
    ]
    assert_rollup_rebuilds(h)


def test_undoing_a_reassignment_takes_back_its_charge(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c, "yuanlin")
    h.do("2026-11-10 09:10", c, "reassign", LEAD, "点错了", department="chengguan")
    h.do("2026-11-10 09:11", c, "undo_reassign", LEAD)
    depts = by_department(h, "2026-11-10 09:12")
    assert rate(depts["center"]["accurate_dispatch"]) == (1, 1)
    assert "chengguan" not in depts
    case = h.store.get(c)
    assert (case.stage, case.stage_holder, case.department) == ("accept", "yuanlin", "yuanlin")
    assert_rollup_rebuilds(h)


def test_a_return_records_the_department_that_returned_it(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c, "shizheng")
    h.do("2026-11-10 09:15", c, "return", SZ, "不属于市政")  # before its 签收 was due
    depts = by_department(h, "2026-11-10 09:30")
    assert depts["shizheng"]["returns"]["n"] == 1
    assert depts["shizheng"]["accept_on_time"]["d"] == 0  # withdrawn in time: not counted
    assert rate(depts["center"]["accurate_dispatch"]) == (0, 1)


def test_time_at_the_centers_desk_is_the_centers_not_the_departments(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    h.do("2026-11-10 12:00", c, "file", OP)  # 立案 due 10:00: late
    h.do("2026-11-10 12:10", c, "dispatch", OP)
    h.do("2026-11-10 12:20", c, "accept", CG)
    h.do("2026-11-10 15:00", c, "handle", CG)  # 4 h from 签收: on time
    depts = by_department(h, "2026-11-10 16:00")
    assert rate(depts["center"]["file_on_time"]) == (0, 1)
    assert rate(depts["chengguan"]["handle_on_time"]) == (1, 1)
    assert rate(depts["chengguan"]["accept_on_time"]) == (1, 1)


def test_satisfaction_is_shown_strict_and_with_basic_named_and_follow_ups(h: History) -> None:
    for rating in ("satisfied", "basic", None):
        c = h.report("2026-11-10 09:00")
        h.close(c, "2026-11-10 09:05", "2026-11-10 09:20", "2026-11-10 10:00")
        if rating:
            h.do("2026-11-10 11:00", c, "rate", OP, rating=rating)
    kpis = district(h, "2026-11-11 09:00")
    assert rate(kpis["satisfaction_strict"]) == (1, 2)
    assert rate(kpis["satisfaction"]) == (2, 2)
    assert rate(kpis["followup_rate"]) == (2, 3)


def test_redo_after_an_unsatisfied_follow_up_reopens_handling(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    h.close(c, "2026-11-10 09:05", "2026-11-10 09:20", "2026-11-10 10:00")
    with pytest.raises(CaseError, match="unsatisfied"):
        h.do("2026-11-10 10:30", c, "redo", OP, "再办一次")
    h.do("2026-11-10 11:00", c, "rate", OP, rating="unsatisfied")
    h.do("2026-11-10 11:30", c, "redo", OP, "居民不满意")
    case = h.store.get(c)
    assert (case.status, case.stage, case.closed_at) == (Status.ACCEPTED, "handle", None)
    kpis = district(h, "2026-11-10 12:00")
    assert rate(kpis["handle_on_time"]) == (0, 1)  # the first handling came back
    assert kpis["closed_3d"]["d"] == 0 and kpis["redo_rate"]["n"] == 1
    assert_rollup_rebuilds(h)


def test_suspension_stops_the_clocks_and_is_counted_apart(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)  # 处置 due 13:20
    h.do("2026-11-10 10:20", c, "suspend", LEAD, "需规划审批", review="2026-11-20")
    case = h.store.get(c)
    assert case.status is Status.SUSPENDED and case.stage_due_at is None
    kpis = district(h, "2026-11-13 09:00")
    assert kpis["suspended"]["n"] == 1
    assert kpis["overdue_open"]["n"] == 0 and kpis["handle_on_time"]["d"] == 0
    h.do("2026-11-13 09:00", c, "resume", CG)  # 3 h of 处置 left: due 12:00
    case = h.store.get(c)
    assert case.stage_due_at == at("2026-11-13 12:00")
    assert case.deadline > at("2026-11-13 09:00")
    with pytest.raises(CaseError, match="review date"):
        h.do("2026-11-13 09:10", c, "suspend", LEAD, "再挂", review="2026-11-12")
    assert_rollup_rebuilds(h)


def test_suspending_a_late_stage_keeps_it_late(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)
    h.do("2026-11-10 14:00", c, "suspend", LEAD, "挂一下", review="2026-11-20")
    h.do("2026-11-11 09:00", c, "resume", LEAD)
    h.do("2026-11-11 09:10", c, "handle", CG)
    assert rate(district(h, "2026-11-11 10:00")["handle_on_time"]) == (0, 1)


def test_supervision_is_for_late_or_at_risk_cases_with_an_answer_clock(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)
    with pytest.raises(CaseError, match="neither at risk nor late"):
        h.do("2026-11-10 09:30", c, "supervise", LEAD, "快办")
    h.do("2026-11-10 14:00", c, "supervise", LEAD, "已超时，请今天办结")  # 处置 late
    case = h.store.get(c)
    assert case.supervised_at == at("2026-11-10 14:00")
    assert case.supervise_due_at == at("2026-11-10 15:00")  # 1 h on calendar time
    with pytest.raises(CaseError):
        h.do("2026-11-10 14:10", c, "answer_supervision", YL, "不是我们的")
    h.do("2026-11-10 14:20", c, "answer_supervision", CG, "已派人，16点前完成")
    assert h.store.get(c).supervise_answered_at == at("2026-11-10 14:20")
    with pytest.raises(CaseError, match="not under"):
        h.do("2026-11-10 14:30", c, "answer_supervision", CG, "再答")


def test_confirm_before_filing_and_rejecting_is_not_voiding(h: History) -> None:
    a = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:20", a, "confirm", WORKER, "现场确有垃圾")
    h.do("2026-11-10 09:30", a, "file", OP)
    b = h.report("2026-11-10 09:00")
    with pytest.raises(CaseError, match="needs a reason"):
        h.do("2026-11-10 09:40", b, "reject", OP)
    h.do("2026-11-10 09:40", b, "reject", OP, "属私人物业内部事务")
    c = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:45", c, "void", OP, "测试")
    kpis = district(h, "2026-11-10 10:30")
    assert rate(kpis["file_on_time"]) == (3, 3)
    assert rate(kpis["close_rate"]) == (0, 1)  # 不予立案 and 作废 are not cases to handle
    assert h.store.get(b).status is Status.REJECTED
    assert not Status.REJECTED.is_open


def test_working_time_items_count_stages_on_working_hours(h: History) -> None:
    # SR01 (暴露垃圾): 1 working day (7.5 h) to handle, on the working-day calendar; a
    # Friday afternoon's acceptance is due the next working day, not in 7.5 clock hours.
    c = h.report("2026-11-13 15:00", category="SR01")  # a Friday
    h.do("2026-11-13 15:10", c, "file", OP)
    h.do("2026-11-13 15:20", c, "dispatch", OP)
    h.do("2026-11-13 15:30", c, "accept", CG)
    case = h.store.get(c)
    assert case.stage == "handle"
    # 2 h left on Friday (15:30 → 17:30), 5.5 h from Monday 08:30: 3.5 h to 12:00, 2 h from
    # 13:30 → Monday 15:30.
    assert case.stage_due_at == at("2026-11-16 15:30")


def test_every_new_action_is_refused_to_the_wrong_role(h: History) -> None:
    c = h.report("2026-11-10 09:00")
    to_department(h, "2026-11-10 09:05", c)
    h.do("2026-11-10 09:20", c, "accept", CG)
    wall = Actor("wall", Role.WALL)
    for name, actor, kw in (
        ("request_extension", OP, {"hours": 2}),
        ("suspend", OP, {"review": "2026-11-20"}),
        ("supervise", CG, {}),
        ("approve_extension", CG, {}),
        ("resume", wall, {}),
    ):
        with pytest.raises(CaseError):
            h.do("2026-11-10 09:30", c, name, actor, "理由", **kw)
