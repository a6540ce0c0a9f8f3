"""A case's clocks as the desks show them (dashboard/case_rows.py): the stage under way with
its own clock beside the case's, a 督办 with its response clock, a pending extension, a
挂账 whose clocks stand still, and the timeline's steps in both languages; and the wall's
挂账 counter, from the store."""

from __future__ import annotations

from datetime import timedelta

from cases.records import case_summary
from cases.store import Store
from cases.workflow import Actor, Role
from dashboard import ids, wall
from dashboard.case_rows import ActorNames, case_row, case_sheet, timeline_entry
from dashboard.i18n import labels
from dashboard.wall import WallContext
from geo.grid import Grid
from tests.cases.history import CG, LEAD, OP, History, at

LIAISON = Actor("li-cg", Role.LIAISON, "chengguan")


def _late_and_pressed(h: History) -> int:
    """SR03 on calendar time: 处置 has 4 h from 10:00; at 15:00 it is late, and pressed."""
    case = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:05", case, "file", OP)
    h.do("2026-11-10 09:10", case, "dispatch", OP)
    h.do("2026-11-10 10:00", case, "accept", CG)
    h.do("2026-11-10 15:00", case, "supervise", LEAD, "已超时，请立即处置")
    return case


def test_a_case_under_duban_carries_its_response_clock_and_its_stage(
    store: Store, grid: Grid
) -> None:
    h = History(store)
    case_id = _late_and_pressed(h)
    now = at("2026-11-10 15:20")
    case = store.get(case_id)
    row = case_row(store, grid, case, now, "zh")
    # The list's row says by when the department must answer, as the live event does.
    assert row["answer_by"] == case_summary(case)["answer_by"]
    assert row["answer_by"] == int(case.supervise_due_at.timestamp())  # type: ignore[union-attr]
    assert row["answer_by"] == int(at("2026-11-10 16:00").timestamp())  # 1 calendar hour
    assert (row["stage"], row["stage_holder"]) == ("handle", "chengguan")
    sheet = case_sheet(store, grid, case, LIAISON, now, "zh")
    stage = sheet["stage_clock"]
    assert (stage["label"], stage["holder_name"]) == ("处置", "城管")
    assert stage["due"] == "2026-11-10T14:00:00+08:00"  # 4 h from the 签收
    assert stage["late"] is True and stage["left_hours"] == -1.33
    assert sheet["sla"]["deadline"] == "2026-11-10T21:00:00+08:00"  # the case's own, beside it
    assert sheet["supervision"]["answer_by"] == "2026-11-10T16:00:00+08:00"
    assert sheet["supervision"]["answered_at"] is None
    assert "answer_supervision" in {a["name"] for a in sheet["actions"]}
    assert case_sheet(store, grid, case, LIAISON, now, "en")["stage_clock"]["label"] == "handling"

    # Answered: no clock waits any more (the row and the event alike).
    h.do("2026-11-10 15:30", case_id, "answer_supervision", CG, "已派人清运")
    answered = store.get(case_id)
    assert case_row(store, grid, answered, now, "zh")["answer_by"] is None
    sheet = case_sheet(store, grid, answered, LIAISON, now, "zh")
    assert sheet["supervision"]["answered_at"] == "2026-11-10T15:30:00+08:00"


def test_a_pending_extension_and_a_suspension_show_and_stop_the_clocks(
    store: Store, grid: Grid
) -> None:
    h = History(store)
    case_id = h.report("2026-11-10 09:00")
    h.do("2026-11-10 09:05", case_id, "file", OP)
    h.do("2026-11-10 09:10", case_id, "dispatch", OP)
    h.do("2026-11-10 09:20", case_id, "accept", CG)
    h.do("2026-11-10 10:00", case_id, "request_extension", CG, "需协调物业", hours=8)
    row = case_row(store, grid, store.get(case_id), at("2026-11-10 10:05"), "zh")
    assert row["extension_requested"] == 8
    h.do("2026-11-10 10:30", case_id, "refuse_extension", LEAD, "可当日完成")
    assert (
        case_row(store, grid, store.get(case_id), at("2026-11-10 10:35"), "zh")[
            "extension_requested"
        ]
        is None
    )

    h.do("2026-11-10 11:00", case_id, "suspend", LEAD, "待施工方进场", review="2026-11-20")
    case = store.get(case_id)
    later = at("2026-11-12 11:00")  # long past every deadline, by the clock on the wall
    sheet = case_sheet(store, grid, case, LIAISON, later, "zh")
    assert sheet["sla"]["ticking"] is False and sheet["sla"]["stopped"] is True
    assert sheet["sla"]["left_hours"] > 0  # what was left when it stopped
    assert sheet["risk"] == "ok"
    assert sheet["stage_clock"]["left_hours"] is None  # the stage's clock stands still too
    assert sheet["stage_clock"]["ticking"] is False
    assert sheet["review_at"] == "2026-11-20T00:00:00+08:00"

    # The wall counts it apart, from the store's snapshot.
    snapshot = store.snapshot()
    assert wall.suspended_count(snapshot["open_cases"]) == 1
    ctx = WallContext(store=store, grid=grid, auth=None)  # type: ignore[arg-type]
    bar = wall.stats_bar(ctx, snapshot, labels("zh"), "zh")
    counters = bar.children[0].children
    (counter,) = [c for c in counters if c.children[1].id == ids.COUNTER_SUSPENDED]
    assert (counter.children[0].children, counter.children[1].children) == ("挂账", "1")
    h.do("2026-11-12 11:00", case_id, "resume", LEAD)
    assert wall.suspended_count(store.snapshot()["open_cases"]) == 0


def test_the_timeline_names_each_new_step_in_both_languages(store: Store) -> None:
    h = History(store)
    case_id = _late_and_pressed(h)
    h.do("2026-11-10 15:30", case_id, "answer_supervision", CG, "已派人清运")
    h.do("2026-11-10 15:40", case_id, "suspend", LEAD, "待施工", review="2026-11-20")
    h.do("2026-11-11 15:40", case_id, "resume", LEAD)
    events = store.timeline(case_id)
    want = {
        "zh": ["上报", "立案", "派遣", "签收", "督办", "督办反馈", "挂账", "恢复办理"],
        "en": [
            "reported",
            "file",
            "dispatch",
            "accept",
            "press the department (督办)",
            "answer the 督办",
            "suspend (cannot be handled now)",
            "resume",
        ],
    }
    for lang, steps in want.items():
        entries = [timeline_entry(e, ActorNames(None, lang), lang) for e in events]
        assert [e["step"] for e in entries] == steps, lang
    entries = [timeline_entry(e, ActorNames(None, "zh"), "zh") for e in events]
    # Instants as every time the view shows: local (the event keeps them in UTC).
    assert entries[4]["answer_by"] == "2026-11-10T16:00:00+08:00"
    assert entries[6]["review"] == "2026-11-20T00:00:00+08:00"
    assert entries[7]["stood_hours"] == 24.0
    assert entries[4]["from"] == entries[4]["to"] == "签收"  # 督办 moves no state


def test_a_suspended_case_is_ok_whatever_its_instants_say(store: Store) -> None:
    h = History(store)
    case_id = h.report("2026-11-10 09:00")
    for when, action, actor in (
        ("2026-11-10 09:05", "file", OP),
        ("2026-11-10 09:10", "dispatch", OP),
        ("2026-11-10 09:20", "accept", CG),
    ):
        h.do(when, case_id, action, actor)
    h.do("2026-11-10 10:00", case_id, "suspend", LEAD, "待施工", review="2026-11-20")
    case = store.get(case_id)
    assert case.deadline < at("2026-11-10 10:00") + timedelta(days=1)
    assert case.risk(at("2026-11-15 10:00")) == "ok"
    (row,) = store.snapshot()["open_cases"]
    assert row[0] == case_id and row[-1] == "suspended"
