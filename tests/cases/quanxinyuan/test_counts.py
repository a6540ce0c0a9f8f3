"""泉心愿's counts on hand-made rows (inserted straight into the tables, counted by hand),
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from cases.quanxinyuan import count_defs
from cases.quanxinyuan import schema as t
from cases.quanxinyuan.counts import COUNTS, Counts, Period, period_of
from cases.quanxinyuan.platform import Platform, QxyError
from cases.schema import cases

A = "370102009001"  # 姚家街道 (370102009)
B = "370102009002"
# Clock: 2026-11-30 02:00 UTC = 10:00 local. November (local) is this month.
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
IN = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)  # in November
BEFORE = datetime(2026, 10, 20, 3, 0, tzinfo=UTC)  # October
EDGE = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 1 Nov 00:30 local: November


def cell(platform: Platform, community: str) -> str:
    return platform.places.cells_of(community)[0]


def wish(platform: Platform, community: str, state: str, **at: Any) -> dict[str, Any]:
    return {
        "community_code": community,
        "cell_code": cell(platform, community),
        "title": "<b>轮椅</b>",
        "category": "elder",
        "resident_name": "张三",
        "resident_phone": "13800000000",
        "due": date(2026, 12, 20),
        "state": state,
        "published_at": at.pop("published_at", IN),
        **at,
    }


class Rows:
    """Inserts rows one by one (rows of one table may leave different columns to defaults)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.conn.execute(statement, row)


def seed(platform: Platform) -> None:
    """Rows counted by hand in the tests below."""
    ca = cell(platform, A)
    with platform.engine.begin() as raw:
        conn = Rows(raw)
        conn.execute(
            insert(t.wishes),
            [
                wish(platform, A, "open"),  # published Nov, open
                wish(platform, A, "open", published_at=BEFORE),  # open, published Oct
                wish(platform, A, "claimed", claimed_at=IN),
                wish(platform, A, "fulfilled", claimed_at=IN, fulfilled_at=IN),
                wish(platform, A, "confirmed", claimed_at=IN, fulfilled_at=IN, confirmed_at=IN),
                wish(platform, B, "confirmed", claimed_at=EDGE, confirmed_at=EDGE),
                wish(
                    platform,
                    B,
                    "confirmed",
                    published_at=BEFORE,
                    claimed_at=BEFORE,
                    confirmed_at=BEFORE,
                ),
            ],
        )
        # wish 2's claim in November expired since (its row's claimed_at cleared): counted
        claim = {"seq": 1, "kind": "wish.claim", "item_kind": "wish", "item_id": 2}
        claim |= {"community_code": A, "at": IN, "actor": "u1", "to_state": "claimed"}
        conn.execute(insert(t.qxy_events), [claim | {"unit_id": "u1", "reason": "", "data": {}}])
        unit = {"level": "city", "offers": ["elder"], "synthetic": False}
        conn.execute(
            insert(t.units),
            [
                {**unit, "id": "u1", "name": "市直一", "community_code": A, "active": True},
                {**unit, "id": "u2", "name": "市直二", "community_code": A, "active": True},
                {**unit, "id": "u3", "name": "停用", "community_code": A, "active": False},
                {**unit, "id": "u4", "name": "区直", "community_code": B, "active": True},
            ],
        )
        conn.execute(
            insert(t.volunteer_teams),
            [
                {"id": "t1", "name": "一队", "community_code": A, "active": True},
                {"id": "t2", "name": "二队", "community_code": B, "active": True},
                {"id": "t3", "name": "解散", "community_code": B, "active": False},
            ],
        )
        people = [
            {"phone": f"1990000000{i}", "created_at": IN, "volunteer": v, "community_code": c}
            for i, (v, c) in enumerate([(True, A), (True, A), (True, None), (False, A)], 1)
        ]
        conn.execute(insert(t.public_people), people)
        call = {"task": "网格走访", "place": "", "ends_at": NOW + timedelta(days=1)}
        conn.execute(
            insert(t.calls),
            [
                # 1: open, 7 of 10, Nov
                {**call, "community_code": A, "cell_code": ca, "wanted": 10, "signed": 7}
                | {"reported": 2, "state": "open", "published_at": IN, "starts_at": NOW},
                # 2: full, Nov
                {**call, "community_code": A, "cell_code": ca, "wanted": 3, "signed": 3}
                | {"state": "full", "published_at": IN, "starts_at": NOW},
                # 3: cancelled, Nov: not counted
                {**call, "community_code": A, "cell_code": ca, "wanted": 5, "signed": 0}
                | {"state": "cancelled", "published_at": IN, "starts_at": NOW},
                # 4: October, over
                {**call, "community_code": B, "cell_code": None, "wanted": 4, "signed": 1}
                | {"state": "open", "published_at": BEFORE, "starts_at": BEFORE}
                | {"ends_at": BEFORE},
            ],
        )
        signups = [
            {"call_id": 1, "person_id": 1, "signed_at": IN, "reported_at": IN},
            {"call_id": 1, "person_id": 2, "signed_at": IN, "reported_at": IN},
            {"call_id": 1, "person_id": 3, "signed_at": IN},
            {"call_id": 1, "person_id": 4, "signed_at": IN, "cancelled_at": IN},
            {"call_id": 4, "person_id": 1, "signed_at": BEFORE, "reported_at": BEFORE},
        ]
        conn.execute(insert(t.call_signups), signups)
        case = {
            "source": "qxy",
            "category_code": "x",
            "description": "",
            "lon": 117.0,
            "lat": 36.6,
            "cell_code": ca,
            "street_code": A[:9],
            "community_code": A,
            "department": "chengguan",
            "created_at": BEFORE,
            "updated_at": IN,
            "allowed_hours": 24.0,
            "deadline": NOW,
            "watch_at": NOW,
            "at_risk_at": NOW,
        }
        conn.execute(
            insert(cases),
            [
                {**case, "id": 901, "status": "closed", "closed_at": IN},
                {**case, "id": 902, "status": "dispatched"},
                {**case, "id": 903, "status": "void", "closed_at": IN},
                {**case, "id": 904, "status": "closed", "closed_at": BEFORE},
            ],
        )
        problem = {"category": "environment", "text": "井盖", "lon": 117.0, "lat": 36.6}
        rows = [
            (A, "open", None, IN, None),  # open
            (A, "handling", None, IN, None),  # open
            (A, "solved", None, IN, IN),  # solved Nov
            (A, "solved", None, BEFORE, BEFORE),  # solved Oct
            (A, "to_case", 901, BEFORE, None),  # case closed Nov: solved Nov
            (A, "to_case", 902, IN, None),  # case open: open
            (A, "to_case", 903, IN, None),  # case void: open, not solved
            (B, "solved", 904, BEFORE, None),  # solved state with no solved_at; case Oct
            (B, "rejected", None, IN, None),  # gone
        ]
        conn.execute(
            insert(t.problems),
            [
                {
                    **problem,
                    "community_code": c,
                    "cell_code": cell(platform, c),
                    "state": s,
                    "case_id": case_id,
                    "reported_at": at,
                    "solved_at": solved,
                }
                for c, s, case_id, at, solved in rows
            ],
        )
        conn.execute(
            insert(t.needs),
            [
                {"community_code": A, "category": "elder", "title": "n", "state": "open"}
                | {"created_at": at}
                for at in (IN, IN, BEFORE)
            ],
        )
        res = {"category": "elder", "title": "r", "created_at": IN, "community_code": A}
        conn.execute(
            insert(t.resources),
            [
                {**res, "unit_id": "u1", "state": "open"},
                {**res, "unit_id": "u1", "state": "withdrawn"},
            ],
        )
        proj = {"need_id": 1, "resource_id": 1, "community_code": A, "unit_id": "u1"}
        conn.execute(
            insert(t.projects),
            [
                proj | {"title": "p1", "state": "done", "why": [], "created_at": IN, "done_at": IN},
                proj | {"title": "p2", "state": "going", "why": [], "created_at": IN},
            ],
        )


@pytest.fixture
def counted(platform: Platform) -> Counts:
    seed(platform)
    return Counts(platform)


MONTH = Period("2026-11", date(2026, 11, 1), date(2026, 11, 30))


def test_the_district_this_month_counted_by_hand(counted: Counts) -> None:
    row = counted.district(counted.period("month"))
    assert counted.period("month") == Period("month", MONTH.start, MONTH.end)
    c = row["counts"]
    assert (c["wishes_published"], c["wishes_claimed"], c["wishes_fulfilled"]) == (5, 5, 2)
    assert (c["wishes_open"], c["wishes_in_hand"]) == (2, 2)
    assert (c["units"], c["teams"], c["volunteers"]) == (3, 2, 3)
    assert (c["calls_published"], c["places_wanted"], c["signups"], c["reports"]) == (2, 13, 3, 2)
    assert row["places_filled"] == {"n": 10, "d": 13, "tenths": 769}
    assert c["calls_filling"] == 1
    assert (c["problems_uploaded"], c["problems_solved"], c["problems_to_case"]) == (6, 2, 2)
    assert c["problems_open"] == 4
    assert (c["needs"], c["resources"], c["projects_done"]) == (2, 1, 1)
    assert set(c) == set(COUNTS)


def test_all_time_and_by_street_and_community(counted: Counts) -> None:
    c = counted.district(counted.period("all"))["counts"]
    assert (c["wishes_published"], c["wishes_fulfilled"]) == (7, 3)
    assert (c["problems_uploaded"], c["problems_solved"], c["calls_published"]) == (9, 4, 3)
    assert (c["signups"], c["reports"]) == (4, 3)
    october = counted.district(counted.period("2026-10"))["counts"]
    assert (october["wishes_fulfilled"], october["problems_solved"]) == (1, 2)
    streets = {r["code"]: r for r in counted.table("street", counted.period("all"))}
    yaojia = streets[A[:9]]["counts"]
    assert (yaojia["wishes_fulfilled"], yaojia["units"], yaojia["teams"]) == (3, 3, 2)
    assert sum(r["counts"]["units"] for r in streets.values()) == 3
    assert len(streets) == len(counted.platform.places.streets)
    communities = {r["code"]: r for r in counted.table("community", MONTH)}
    assert communities[A]["counts"]["wishes_fulfilled"] == 1
    assert communities[B]["counts"]["wishes_fulfilled"] == 1  # 1 Nov 00:30 local
    assert communities[A]["counts"]["volunteers"] == 2  # the third has no community
    assert communities[A]["name"] and communities[A]["level"] == "community"
    only = counted.table("community", MONTH, community=B)
    assert [r["code"] for r in only] == [B]
    assert only[0]["counts"]["problems_uploaded"] == 1


def test_cells_and_calls_filling_carry_no_personal_data(counted: Counts) -> None:
    cells = counted.cells()
    a, b = cell(counted.platform, A), cell(counted.platform, B)
    assert cells[a] == [2, 1, 4]
    assert b not in cells  # B's open call has no cell, is over; its problems are done
    filling = counted.filling()
    assert [(f["signed"], f["wanted"], f["reported"]) for f in filling] == [(7, 10, 2)]
    assert "张三" not in repr(counted.table("community", MONTH)) + repr(filling)
    assert "13800000000" not in repr(counted.table("community", MONTH)) + repr(filling)


def test_periods() -> None:
    assert period_of("30d", NOW).start == date(2026, 11, 1)
    assert period_of("2026-02", NOW).end == date(2026, 2, 28)
    assert period_of("2026-11-01..2026-11-03", NOW).bounds() == (
        datetime(2026, 10, 31, 16, 0, tzinfo=UTC),
        datetime(2026, 11, 3, 16, 0, tzinfo=UTC),
    )
    for bad in ("week", "2026-13", "0d", "2026-11-05..2026-11-01", "x" * 40):
        with pytest.raises(QxyError) as refused:
            period_of(bad, NOW)
        assert refused.value.problem == "bad_period" and refused.value.status == 400


def test_every_count_has_its_words_in_both_languages() -> None:
    shown = [c for c in COUNTS] + ["places_filled"]
    assert sorted(shown) == sorted(count_defs.BY_CODE)
    for lang in ("zh", "en"):
        for d in count_defs.count_definitions(lang):
            assert d["name"] and d["definition"] and d["formula"], d
    fulfilled = count_defs.BY_CODE["wishes_fulfilled"]
    assert "确认" in fulfilled.definition[0] and "confirmed" in fulfilled.definition[1]
