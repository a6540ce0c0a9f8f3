"""The store, on SQLite and on PostgreSQL (the ``store`` fixture runs each test on both)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cases.catalog import load_catalog
from cases.model import (
    CaseError,
    Conflict,
    DuplicateMismatch,
    Forbidden,
    InvalidTransition,
    Report,
    Status,
    UnknownCase,
)
from cases.schema import events
from cases.store import Store
from cases.workflow import Actor, Role

OPERATOR = Actor("op-1", Role.OPERATOR)
LEAD = Actor("lead-a", Role.LEAD)
LIAISON = Actor("li-cg", Role.LIAISON, department="chengguan")
TO_CLOSE = [
    ("file", OPERATOR),
    ("dispatch", OPERATOR),
    ("accept", LIAISON),
    ("handle", LIAISON),
    ("verify", OPERATOR),
    ("close", OPERATOR),
]


def report(n: int = 0, external_id: str | None = None, cell: str = "370102001001001") -> Report:
    return Report(
        source="patrol",
        category_code="SR01",
        description=f"暴露垃圾 {n}",
        lon=117.05,
        lat=36.66,
        cell_code=cell,
        place="姚家街道",
        external_id=external_id,
    )


def all_seqs(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return [r.seq for r in conn.execute(select(events.c.seq).order_by(events.c.seq))]


def test_open_case_writes_case_and_event_in_one_go(store: Store) -> None:
    published = []
    store.publish = published.append
    case, created = store.open_case(report(1))
    assert created
    assert case.status is Status.REPORTED
    assert case.department == "chengguan"
    # SR01 allows 1 working day (7.5 h) to handle; the case's own clock is the sum of its
    # stages' limits (22 working hours), on the working calendar, after now.
    assert case.allowed_hours == 22 and case.working_hours
    assert (case.stage, case.stage_holder) == ("file", "center")
    assert case.created_at < case.watch_at < case.at_risk_at < case.deadline  # type: ignore[operator]
    assert store.get(case.id) == case
    [ev] = store.events_since(0)
    assert (ev.seq, ev.kind, ev.case_id, ev.to_status) == (
        1,
        "case.reported",
        case.id,
        Status.REPORTED,
    )
    assert ev.data["cell"] == "370102001001001"
    assert published == [ev]
    assert store.last_seq() == 1


def test_duplicate_external_id_is_one_case_and_leaves_no_gap(store: Store) -> None:
    first, created = store.open_case(report(1, external_id="w-1"))
    again, created_again = store.open_case(report(1, external_id="w-1"))
    assert created and not created_again
    assert again.id == first.id and again.description == "暴露垃圾 1"
    # The same id with something else said is refused, never silently merged.
    with pytest.raises(DuplicateMismatch, match="different content"):
        store.open_case(report(2, external_id="w-1"))
    store.open_case(report(3, external_id="w-2"))
    assert all_seqs(store) == [1, 2]


def test_actions_follow_the_lifecycle_and_are_logged(store: Store) -> None:
    case, _ = store.open_case(report())
    for name, actor in TO_CLOSE:
        store.apply(case.id, name, actor, reason="ok")
    done = store.get(case.id)
    assert done.status is Status.CLOSED and done.closed_at is not None and done.version == 7
    assert done.accepted_at is not None and done.handled_at is not None and done.dispatch_count == 1
    log = store.events_since(1)
    assert [(e.kind, e.from_status, e.to_status) for e in log] == [
        ("case.file", Status.REPORTED, Status.FILED),
        ("case.dispatch", Status.FILED, Status.DISPATCHED),
        ("case.accept", Status.DISPATCHED, Status.ACCEPTED),
        ("case.handle", Status.ACCEPTED, Status.HANDLED),
        ("case.verify", Status.HANDLED, Status.VERIFIED),
        ("case.close", Status.VERIFIED, Status.CLOSED),
    ]
    assert [e.actor for e in log] == [a.label for _, a in TO_CLOSE]
    store.apply(case.id, "rate", OPERATOR, rating="satisfied")
    assert store.get(case.id).rating == "satisfied"


def test_side_paths_return_rework_extend_reassign_void(store: Store) -> None:
    case, _ = store.open_case(report())
    store.apply(case.id, "file", OPERATOR)
    store.apply(case.id, "dispatch", OPERATOR, department="shizheng")
    with pytest.raises(Forbidden):  # the case is with 市政 now, not 城管
        store.apply(case.id, "accept", LIAISON)
    with pytest.raises(CaseError, match="needs a reason"):
        store.apply(case.id, "reassign", LEAD, department="chengguan")
    ev = store.apply(case.id, "reassign", LEAD, reason="wrong department", department="chengguan")
    assert ev.data["from_department"] == "shizheng" and ev.data["department"] == "chengguan"
    store.apply(case.id, "return", LIAISON, reason="not ours either")
    store.apply(case.id, "dispatch", OPERATOR)
    before = store.get(case.id).deadline
    store.apply(case.id, "extend", LEAD, reason="材料待补", hours=16)
    extended = store.get(case.id)
    assert extended.deadline > before and extended.allowed_hours == 22 + 16
    assert extended.extension_count == 1 and extended.status is Status.DISPATCHED
    store.apply(case.id, "accept", LIAISON)
    store.apply(case.id, "handle", LIAISON)
    store.apply(case.id, "rework", OPERATOR, reason="未清理干净")
    assert store.get(case.id).status is Status.ACCEPTED
    done = store.get(case.id)
    assert (done.dispatch_count, done.return_count, done.rework_count) == (3, 1, 1)
    other, _ = store.open_case(report(9))
    store.apply(other.id, "void", OPERATOR, reason="重复上报")
    assert store.get(other.id).status is Status.VOID


def test_refused_actions_write_nothing(store: Store) -> None:
    case, _ = store.open_case(report())
    with pytest.raises(InvalidTransition):
        store.apply(case.id, "close", OPERATOR)
    with pytest.raises(UnknownCase):
        store.apply(999, "file", OPERATOR)
    with pytest.raises(Forbidden):
        store.apply(case.id, "file", LIAISON)
    with pytest.raises(CaseError, match="hours"):
        store.apply(case.id, "file", OPERATOR)
        store.apply(case.id, "dispatch", OPERATOR)
        store.apply(case.id, "extend", LEAD, reason="x", hours=-3)
    assert store.get(case.id).status is Status.DISPATCHED
    assert all_seqs(store) == [1, 2, 3]


def test_stale_version_is_a_conflict_naming_the_current_state(store: Store) -> None:
    case, _ = store.open_case(report())
    store.apply(case.id, "file", LEAD, expected_version=case.version)
    with pytest.raises(Conflict) as err:
        store.apply(
            case.id, "void", Actor("lead-b", Role.LEAD), "dup", expected_version=case.version
        )
    assert err.value.current is Status.FILED
    assert all_seqs(store) == [1, 2]


def test_sequence_is_gap_free_and_increasing_under_concurrent_writers(store: Store) -> None:
    writers, each = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(writers)

    def write(w: int) -> None:
        try:
            start.wait()
            for i in range(each):
                case, _ = store.open_case(report(w * 100 + i, external_id=f"c-{w}-{i}"))
                if i % 3 == 0:
                    store.apply(case.id, "file", Actor(f"w{w}", Role.OPERATOR))
                if i % 5 == 0:  # a duplicate submission in the middle of the storm
                    store.open_case(report(w * 100 + i, external_id=f"c-{w}-{i}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    filed = writers * len(range(0, each, 3))
    expected = writers * each + filed
    assert all_seqs(store) == list(range(1, expected + 1))
    assert store.last_seq() == expected
    # Commit order is sequence order: every case's own events are in order too.
    seen: dict[int, list[str]] = {}
    for ev in store.events_since(0, limit=10_000):
        seen.setdefault(ev.case_id, []).append(ev.kind)
    assert all(kinds[0] == "case.reported" for kinds in seen.values())


def test_snapshot_counts_open_cases_by_cell_and_today(store: Store) -> None:
    # 2026-11-25 01:00 in Shanghai is 2026-11-24 17:00 UTC: "today" starts at 16:00 UTC.
    store.now = lambda: datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # yesterday, local time
    old, _ = store.open_case(report(0, cell="370102001001002"))
    store.now = lambda: datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
    a, _ = store.open_case(report(1))
    b, _ = store.open_case(report(2))
    for name, actor in TO_CLOSE:
        store.apply(b.id, name, actor)
    store.apply(old.id, "void", OPERATOR, reason="重复")
    snap = store.snapshot()
    assert snap["seq"] == store.last_seq() == 10
    assert snap["open_by_cell"] == {"370102001001001": 1}
    assert snap["counters"] == {"open": 1, "today": 2, "closed_today": 1}
    assert snap["day_start"] == "2026-11-25T00:00:00+08:00"
    assert [e["case_id"] for e in snap["recent"]] == [old.id, a.id, b.id]
    # What the browser needs of an open case: its risk instants and its alert row's words.
    [row] = snap["open_cases"]
    assert row[:2] == [a.id, "370102001001001"]
    assert row[2:5] == [int(t.timestamp()) for t in (a.watch_at, a.at_risk_at, a.deadline)]
    # and its status, last: a 挂账 case is counted apart and its clock stands still
    assert row[5:] == ["SR01", a.department, "normal", "reported"]


def test_rejections_are_kept(store: Store) -> None:
    rid = store.record_rejection("outside_grid", "far away", '{"lon": 1}')
    [row] = store.rejections()
    assert row["id"] == rid and row["reason"] == "outside_grid" and row["body"] == '{"lon": 1}'


def test_two_leads_reassigning_at_once_exactly_one_wins(store: Store) -> None:
    case, _ = store.open_case(report())
    store.apply(case.id, "file", OPERATOR)
    store.apply(case.id, "dispatch", OPERATOR)
    seen = store.get(case.id).version
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def reassign(lead: str, department: str) -> None:
        start.wait()
        try:
            store.apply(
                case.id,
                "reassign",
                Actor(lead, Role.LEAD),
                "改派",
                expected_version=seen,
                department=department,
            )
            outcomes.append(department)
        except Conflict as conflict:
            outcomes.append(conflict)

    threads = [
        threading.Thread(target=reassign, args=("lead-a", "shizheng")),
        threading.Thread(target=reassign, args=("lead-b", "yuanlin")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].current is Status.DISPATCHED
    assert store.get(case.id).department == winners[0]
    assert [e.kind for e in store.events_since(3)] == ["case.reassign"]


def test_a_store_made_by_an_older_schema_is_refused_clearly(tmp_path: object) -> None:
    import sqlalchemy as sa

    from cases.db import make_engine
    from cases.store import StoreOutdated

    url = f"sqlite:///{tmp_path}/old.db"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE cases (id INTEGER PRIMARY KEY, status VARCHAR(16))")
    with pytest.raises(StoreOutdated, match=r"earlier gridcc.*run `gridcc db upgrade`"):
        Store(engine).create_schema()
    assert sa.inspect(engine).get_table_names() == ["cases"]  # nothing half-made


def test_cell_state_counts_risk_as_time_passes(store: Store) -> None:
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    store.now = lambda: start
    parking = Report("patrol", "CG01", "违停", 117.0, 36.6, "370102001001001")  # 2 calendar hours
    garbage = Report("patrol", "SR01", "垃圾", 117.0, 36.6, "370102001001001")  # 8 working hours
    a, _ = store.open_case(parking)
    store.open_case(garbage)
    other, _ = store.open_case(replace(parking, cell_code="370102001001002"))
    store.apply(other.id, "void", OPERATOR, reason="重复")

    def state(minutes: int) -> dict[str, object]:
        return store.cell_state(start + timedelta(minutes=minutes))["370102001001001"]

    # The parking case's own clock: every stage's limit, on calendar hours (T minutes).
    t = round(store.catalog.case_hours(store.catalog.category("CG01")) * 60)
    assert state(0) == {"open": 2, "at_risk": 0, "overdue": 0, "worst": "ok"}
    assert state(t // 2 + 1)["worst"] == "watch"  # parking past 50%
    assert state(t * 8 // 10 + 1) == {"open": 2, "at_risk": 1, "overdue": 0, "worst": "at_risk"}
    assert state(t + 1) == {"open": 2, "at_risk": 0, "overdue": 1, "worst": "overdue"}
    assert "370102001001002" not in store.cell_state(start)  # voided: no open case there
    assert store.get(a.id).risk(start + timedelta(minutes=t + 1)) == "overdue"


def test_processes_starting_together_on_an_empty_store(empty_database_url: str) -> None:
    from cases.db import make_engine

    engines = [make_engine(empty_database_url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    errors: list[BaseException] = []

    def boot(engine: object) -> None:
        try:
            start.wait()
            Store(engine).create_schema()  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=boot, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Store(engines[0]).catalog.categories == load_catalog().categories
    assert Store(engines[0]).last_seq() == 0
    for e in engines:
        e.dispose()
