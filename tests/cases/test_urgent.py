"""Who is alerted for an urgent case and its response clock (cases/urgent.py), without a
store; and the catalog's urgent targets as data (cases/urgent_targets.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cases.catalog import DATA, load_catalog
from cases.model import Case, Status
from cases.people import Person, Team
from cases.positions import Position
from cases.urgent import NEAR_RADIUS_M, NEAREST_K, Addressee, addressees, response_clock
from cases.urgent_targets import TargetError, make_urgent_target, target_table

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CELL = "370102009001001"
CASE = Case(
    id=7,
    source="patrol",
    external_id=None,
    category_code="AQ03",
    description="楼道充电冒烟",
    lon=117.05,
    lat=36.66,
    cell_code=CELL,
    place="",
    department="xiaofang",
    status=Status.REPORTED,
    created_at=NOW,
    updated_at=NOW,
    deadline=NOW + timedelta(hours=6),
    closed_at=None,
    version=1,
    urgent=True,
    urgent_at=NOW,
)


def person(pid: str, kind: str, unit: str = "", username: str | None = None) -> Person:
    return Person(pid, pid.upper(), kind, "19900000001", unit, username)


SEC = person("sec", "branch_secretary", f"community_{CELL[:12]}")
GW = person("gw", "grid_worker", f"community_{CELL[:12]}", "worker")
DM = person("dm", "dept_member", "chengguan")
PM = person("pm", "property_manager", f"community_{CELL[:12]}")
PM_OTHER = person("pm2", "property_manager", "community_370102009002")
SS_DAY = person("ss-day", "street_staff", f"street_{CELL[:9]}")
SS_NIGHT = person("ss-night", "street_staff", f"street_{CELL[:9]}")
SS_OTHER = person("ss-x", "street_staff", "street_370102010")
TEAM = Team(CELL, "一支部", ((SEC, "secretary"), (GW, "worker"), (DM, "member"), (PM, "member")))


def at(pid: str, metres: float) -> tuple[Position, float]:
    return Position(pid, pid, 117.0, 36.0, NOW.timestamp()), metres


def test_the_team_on_duty_the_nearest_on_patrol_property_and_street_each_with_why() -> None:
    walkers = {p.id: p for p in (GW, person("w2", "grid_worker"), person("w3", "grid_worker"))}
    found = addressees(
        CASE,
        TEAM,
        on_duty={"sec", "gw", "pm", "pm2", "ss-day", "ss-x"},  # dm and the night staff are off
        nearby=[at("w3", 900.0), at("gw", 120.0), at("w2", 400.0)],
        people_by_id=walkers,
        property_managers=[PM, PM_OTHER],
        street_staff=[SS_DAY, SS_NIGHT, SS_OTHER],
    )
    why = {a.person.id: a.why for a in found}
    assert why == {
        "sec": ("team",),
        "gw": ("team", "nearest"),  # once, with both reasons
        "pm": ("team", "property"),
        "w2": ("nearest",),
        "w3": ("nearest",),
        "ss-day": ("street",),
    }
    gw = next(a for a in found if a.person.id == "gw")
    assert gw.part == "worker" and gw.distance_m == 120.0
    assert [a.why[0] for a in found] == sorted(
        (a.why[0] for a in found), key=("team", "nearest", "property", "street").index
    )


def test_only_the_nearest_few_within_reach_and_on_patrol() -> None:
    walkers = {f"w{i}": person(f"w{i}", "grid_worker") for i in range(8)}
    nearby = [at(f"w{i}", 100.0 * i) for i in range(8)]
    found = addressees(CASE, None, set(), nearby, walkers, [], [])
    assert [a.person.id for a in found] == [f"w{i}" for i in range(NEAREST_K)]
    far = [at("w0", NEAR_RADIUS_M + 1)]
    assert addressees(CASE, None, set(), far, walkers, [], []) == []
    patrolling = addressees(CASE, None, set(), nearby, walkers, [], [], on_patrol={"w5"})
    assert [a.person.id for a in patrolling] == ["w5"]
    gone = {**walkers, "w0": replace(walkers["w0"], active=False)}
    assert "w0" not in [a.person.id for a in addressees(CASE, None, set(), nearby, gone, [], [])]


def test_nobody_on_duty_nobody_alerted() -> None:
    assert addressees(CASE, TEAM, set(), [], {}, [PM], [SS_DAY]) == []


def test_an_addressee_shows_a_phone_only_when_asked_to() -> None:
    row = Addressee(GW, ("team",), "worker").row(with_phone=False)
    assert "phone" not in row and row["signed_in"] is True
    assert Addressee(GW, ("team",)).row(with_phone=True)["phone"] == "19900000001"


def test_the_response_clock_against_the_targets() -> None:
    target = load_catalog().urgent_target("AQ03")  # 2 / 5 / 8 / 480 minutes
    case = replace(CASE, acknowledged_at=NOW + timedelta(minutes=1))
    clock = response_clock(case, target, NOW + timedelta(minutes=6))
    assert clock is not None and clock.started_by == "report"
    assert [(s.step, s.met) for s in clock.steps] == [
        ("acknowledged", True),
        ("on_site", False),  # due at 5, not there at 6
        ("hazard_removed", None),  # due at 8: still time
        ("closed", None),
    ]
    assert clock.next_step is not None and clock.next_step.step == "on_site"
    done = replace(
        case,
        on_site_at=NOW + timedelta(minutes=4),
        hazard_removed_at=NOW + timedelta(minutes=7, seconds=59),
        status=Status.CLOSED,
        closed_at=NOW + timedelta(hours=9),
    )
    clock = response_clock(done, target, NOW + timedelta(days=1))
    assert clock is not None and [s.met for s in clock.steps] == [True, True, True, False]
    assert clock.next_step is None
    as_json = clock.as_json()
    assert as_json["start"] == int(NOW.timestamp())
    assert as_json["steps"][2]["due"] == int((NOW + timedelta(minutes=8)).timestamp())
    assert response_clock(replace(CASE, urgent=False), target, NOW) is None


def test_a_flagged_case_counts_from_its_flag() -> None:
    flagged = replace(CASE, urgent_at=NOW + timedelta(hours=1), category_code="SR01")
    target = load_catalog().urgent_target("SR01")
    clock = response_clock(flagged, target, NOW + timedelta(hours=1, minutes=3))
    assert clock is not None and clock.started_by == "flag"
    assert clock.step("acknowledged").due == NOW + timedelta(hours=1, minutes=target.acknowledged)
    assert clock.step("acknowledged").met is None


def test_the_targets_file_is_checked() -> None:
    good = {"category": "AQ03", "acknowledged": 2, "on_site": 5, "hazard_removed": 8}
    with pytest.raises(TargetError, match="missing"):
        make_urgent_target(good)
    row = {**good, "closed": 480, "at_report": "1"}
    assert make_urgent_target(row).at_report
    with pytest.raises(TargetError, match="≤"):
        make_urgent_target({**row, "on_site": 1})
    with pytest.raises(TargetError, match="more than 0"):
        make_urgent_target({**row, "acknowledged": 0})
    with pytest.raises(TargetError, match="bad value"):
        make_urgent_target({**row, "closed": "soon"})
    with pytest.raises(TargetError, match="default"):
        make_urgent_target({**row, "category": "*"})
    one = make_urgent_target(row)
    with pytest.raises(TargetError, match="twice"):
        target_table([one, one], {"AQ03"})
    with pytest.raises(TargetError, match="unknown"):
        target_table([one], set())
    with pytest.raises(TargetError, match="default row"):
        target_table([one], {"AQ03"})


def test_the_shipped_targets_name_the_fast_path_items_and_the_fire_default() -> None:
    catalog = load_catalog()
    header = (DATA / "urgent_targets.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "category,acknowledged,on_site,hazard_removed,closed,at_report"
    at_report = {c for c in catalog.categories if catalog.urgent_at_report(c)}
    assert at_report == {"AQ03", "SR11", "AQ04", "AQ15", "AQ07", "AQ10", "AQ05", "AQ17", "CG16"}
    fire = {"AQ01", "AQ03", "AQ11", "AQ13", "SR11"}
    assert {c for c in fire if catalog.urgent_target(c).hazard_removed == 8} == fire
