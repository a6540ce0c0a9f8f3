"""微志愿 on the store (SQLite and PostgreSQL): a call's steps, its refusals, sign-ups filled
exactly to the number under real concurrent threads, a withdrawal freeing a place, the
check-in window, the events in order without personal data, and who reads what."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from cases.actors import Actor, Role
from cases.photos import PhotoFiles
from cases.quanxinyuan import access, log
from cases.quanxinyuan.calls import Calls
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Platform, QxyError
from cases.quanxinyuan.residents import PublicPerson, Residents
from cases.quanxinyuan.schema import call_signups, calls, qxy_events
from cases.quanxinyuan.volunteers import Volunteers

COMMUNITY = "370102009001"
OTHER = "370102009002"
LIAISON = Actor("sq", Role.LIAISON, f"community_{COMMUNITY}")
OTHER_LIAISON = Actor("sq2", Role.LIAISON, f"community_{OTHER}")
WALL = Actor("wall", Role.WALL)


@pytest.fixture
def calls_of(platform: Platform, tmp_path: Path) -> Calls:
    return Calls(platform, QxyPhotos(PhotoFiles(tmp_path / "media")))


@pytest.fixture
def volunteers(platform: Platform, residents: Residents) -> Volunteers:
    return Volunteers(platform, residents)


def volunteer(
    residents: Residents, outbox: Any, volunteers: Volunteers, n: int, name: str = ""
) -> PublicPerson:
    phone = f"1390000{n:04d}"
    residents.request_code(phone)
    _token, person = residents.verify(
        phone, outbox.last(phone), name=name or f"志愿者{n}", consent=True
    )
    return volunteers.become(person, COMMUNITY)


def publish(calls_of: Calls, clock: Any, wanted: int = 3, **more: Any) -> Any:
    return calls_of.publish(
        LIAISON,
        COMMUNITY,
        task="网格走访",
        text="走访独居老人",
        place="姚家街道办事处门口",
        starts_at=clock.at + timedelta(days=1),
        ends_at=clock.at + timedelta(days=1, hours=3),
        wanted=wanted,
        **more,
    )


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, "JPEG")
    return out.getvalue()


def test_a_call_fills_empties_and_ends(
    calls_of: Calls,
    residents: Residents,
    outbox: Any,
    volunteers: Volunteers,
    clock: Any,
    platform: Platform,
) -> None:
    call = publish(calls_of, clock, wanted=2)
    assert (call.state, call.signed, call.wanted) == ("open", 0, 2)
    a, b, c = (volunteer(residents, outbox, volunteers, i) for i in range(3))
    calls_of.sign_up(a, call.id)
    with pytest.raises(QxyError) as again:
        calls_of.sign_up(a, call.id)
    assert again.value.problem == "already"
    calls_of.sign_up(b, call.id)
    assert calls_of.get(call.id).state == "full"
    with pytest.raises(QxyError) as full:
        calls_of.sign_up(c, call.id)
    assert full.value.problem == "full" and full.value.status == 409
    # A withdrawal frees the place: full → open, and the third takes it.
    calls_of.withdraw(a, call.id)
    assert (calls_of.get(call.id).state, calls_of.get(call.id).signed) == ("open", 1)
    calls_of.sign_up(c, call.id)
    assert calls_of.get(call.id).state == "full"
    # a signs up again after withdrawing? full now.
    with pytest.raises(QxyError):
        calls_of.sign_up(a, call.id)
    # The end passes: done.
    clock.move(days=1, hours=4)
    assert calls_of.finish_due() == 1 and calls_of.get(call.id).state == "done"
    assert calls_of.finish_due() == 0
    with platform.reading() as conn:
        history = log.of_item(conn, "call", call.id)
    assert [e.kind for e in history] == [
        "call.publish",
        "call.full",
        "call.reopen",
        "call.full",
        "call.end",
    ]
    assert [e.to_state for e in history] == ["open", "full", "open", "full", "done"]


def test_refusals(
    calls_of: Calls, residents: Residents, outbox: Any, volunteers: Volunteers, clock: Any
) -> None:
    starts, ends = clock.at + timedelta(hours=2), clock.at + timedelta(hours=4)
    for who, community, problem in (
        (OTHER_LIAISON, COMMUNITY, "forbidden"),
        (WALL, COMMUNITY, "forbidden"),
    ):
        with pytest.raises(QxyError) as refused:
            calls_of.publish(who, community, task="x", starts_at=starts, ends_at=ends, wanted=3)
        assert refused.value.problem == problem and refused.value.status == 403
    for wanted in (0, 501, "many"):
        with pytest.raises(QxyError) as bad:
            calls_of.publish(
                LIAISON, COMMUNITY, task="x", starts_at=starts, ends_at=ends, wanted=wanted
            )
        assert bad.value.problem == "wanted"
    with pytest.raises(QxyError) as times:
        calls_of.publish(LIAISON, COMMUNITY, task="x", starts_at=ends, ends_at=starts, wanted=3)
    assert times.value.problem == "times"
    with pytest.raises(QxyError) as task:
        calls_of.publish(LIAISON, COMMUNITY, task=" ", starts_at=starts, ends_at=ends, wanted=3)
    assert task.value.problem == "task"
    with pytest.raises(QxyError) as cell:
        calls_of.publish(
            LIAISON,
            COMMUNITY,
            task="x",
            starts_at=starts,
            ends_at=ends,
            wanted=3,
            cell_code="370102009002001",
        )
    assert cell.value.problem == "cell"
    call = publish(calls_of, clock)
    # Not a volunteer yet: no sign-up.
    residents.request_code("13900009999")
    _t, plain = residents.verify("13900009999", outbox.last("13900009999"), consent=True)
    with pytest.raises(QxyError) as nv:
        calls_of.sign_up(plain, call.id)
    assert nv.value.problem == "not_volunteer"
    # Another community cannot close or cancel it; a cancel needs a reason.
    with pytest.raises(QxyError) as other:
        calls_of.close(OTHER_LIAISON, call.id)
    assert other.value.status == 403
    with pytest.raises(QxyError) as why:
        calls_of.cancel(LIAISON, call.id, " ")
    assert why.value.problem == "reason"
    v = volunteer(residents, outbox, volunteers, 1)
    calls_of.sign_up(v, call.id)
    assert calls_of.cancel(LIAISON, call.id, "暴雨").state == "cancelled"
    with pytest.raises(QxyError) as gone:
        calls_of.sign_up(volunteer(residents, outbox, volunteers, 2), call.id)
    assert gone.value.problem == "state"
    with pytest.raises(QxyError) as closed:
        calls_of.close(LIAISON, call.id)
    assert closed.value.problem == "state"


def test_check_in_window_and_report(
    calls_of: Calls,
    residents: Residents,
    outbox: Any,
    volunteers: Volunteers,
    clock: Any,
    platform: Platform,
) -> None:
    call = publish(calls_of, clock)  # starts in a day, lasts 3 hours
    v = volunteer(residents, outbox, volunteers, 1)
    calls_of.sign_up(v, call.id)
    with pytest.raises(QxyError) as early:
        calls_of.check_in(v, call.id)
    assert early.value.problem == "window"
    with pytest.raises(QxyError) as first:
        calls_of.report(v, call.id, "扫了楼道")
    assert first.value.problem == "not_checked_in"
    clock.move(hours=23, minutes=1)  # 59 minutes before the start
    calls_of.check_in(v, call.id)
    with pytest.raises(QxyError) as twice:
        calls_of.check_in(v, call.id)
    assert twice.value.problem == "already"
    with pytest.raises(QxyError) as withdraw:
        calls_of.withdraw(v, call.id)
    assert withdraw.value.problem == "checked_in"
    done = calls_of.report(v, call.id, "走访了 3 户老人 <b>", [jpeg()])
    assert done.state == "reported" and done.report_text == "走访了 3 户老人 <b>"
    assert calls_of.get(call.id).reported == 1
    with pytest.raises(QxyError) as again:
        calls_of.report(v, call.id, "again")
    assert again.value.problem == "already"
    with platform.reading() as conn:
        assert len(QxyPhotos.of(conn, "signup", done.id)) == 1
    # Too late for another volunteer: past the end, the window is shut.
    w = volunteer(residents, outbox, volunteers, 2)
    calls_of.sign_up(w, call.id)
    clock.move(hours=4)
    with pytest.raises(QxyError) as late:
        calls_of.check_in(w, call.id)
    assert late.value.problem == "window"


@pytest.mark.parametrize("wanted", [7])
def test_concurrent_sign_ups_fill_exactly_to_the_number(
    calls_of: Calls,
    residents: Residents,
    outbox: Any,
    volunteers: Volunteers,
    clock: Any,
    platform: Platform,
    wanted: int,
) -> None:
    call = publish(calls_of, clock, wanted=wanted)
    people = [volunteer(residents, outbox, volunteers, i) for i in range(24)]
    start = threading.Barrier(len(people))
    results: list[str] = []
    lock = threading.Lock()

    def go(person: PublicPerson) -> None:
        start.wait()
        try:
            calls_of.sign_up(person, call.id)
            said = "ok"
        except QxyError as exc:
            said = exc.problem
        with lock:
            results.append(said)

    threads = [threading.Thread(target=go, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == sorted(["ok"] * wanted + ["full"] * (len(people) - wanted))
    after = calls_of.get(call.id)
    assert (after.signed, after.state) == (wanted, "full")
    with platform.reading() as conn:
        standing = conn.execute(
            select(func.count())
            .select_from(call_signups)
            .where(call_signups.c.call_id == call.id, call_signups.c.cancelled_at.is_(None))
        ).scalar_one()
        seqs = [r.seq for r in conn.execute(select(qxy_events.c.seq).order_by(qxy_events.c.seq))]
        kinds = [e.kind for e in log.of_item(conn, "call", call.id)]
    assert standing == wanted
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # gap-free, refusals left none
    assert kinds == ["call.publish", "call.full"]


def test_events_carry_no_personal_data(
    calls_of: Calls,
    residents: Residents,
    outbox: Any,
    volunteers: Volunteers,
    clock: Any,
    platform: Platform,
) -> None:
    call = publish(calls_of, clock, wanted=2)
    v = volunteer(residents, outbox, volunteers, 7, name="张三丰")
    calls_of.sign_up(v, call.id)
    clock.move(hours=24)
    calls_of.check_in(v, call.id)
    calls_of.report(v, call.id, "done")
    with platform.reading() as conn:
        events = log.since(conn, 0)
    text = repr([e.wire() for e in events])
    assert v.phone not in text and "张三丰" not in text
    signup_kinds = [e.kind for e in events if e.item_kind == "signup"]
    assert signup_kinds == ["signup.sign_up", "signup.check_in", "signup.report"]
    assert all(e.community_code == COMMUNITY for e in events if e.item_kind != "team")


def test_who_reads_what(
    calls_of: Calls, residents: Residents, outbox: Any, volunteers: Volunteers, clock: Any
) -> None:
    call = publish(calls_of, clock, wanted=5)
    a = volunteer(residents, outbox, volunteers, 1, name="甲")
    b = volunteer(residents, outbox, volunteers, 2, name="乙")
    calls_of.sign_up(a, call.id)
    calls_of.sign_up(b, call.id)
    # The organising community: names and phones.
    mine = calls_of.of_community(LIAISON, COMMUNITY)
    assert {(s["name"], s["phone"]) for s in mine[0]["signups"]} == {
        ("甲", a.phone),
        ("乙", b.phone),
    }
    for other in (OTHER_LIAISON, WALL, a):
        with pytest.raises(QxyError):
            calls_of.of_community(other, COMMUNITY)
    # The center: counts only.
    center = calls_of.for_center(WALL)
    assert center[0]["signed"] == 2 and "signups" not in center[0]
    assert a.phone not in repr(center) and "甲" not in repr(center)
    with pytest.raises(QxyError):
        calls_of.for_center(LIAISON)
    # A volunteer: the open calls as counts and their own sign-up; never another's phone.
    seen = calls_of.open_for(a)
    assert seen[0]["signed"] == 2 and seen[0]["mine"]["state"] == "signed"
    own = calls_of.mine(a)
    assert len(own) == 1 and own[0]["call"]["id"] == call.id
    text = repr(seen) + repr(own)
    assert b.phone not in text and "乙" not in text and a.phone not in text
    assert access.may_see_call_people(LIAISON, COMMUNITY)
    assert not access.may_see_call_people(a, COMMUNITY)
    assert not access.may_see_call_people(WALL, COMMUNITY)


def test_a_team_call_takes_its_members_only(
    calls_of: Calls,
    residents: Residents,
    outbox: Any,
    volunteers: Volunteers,
    clock: Any,
    platform: Platform,
) -> None:
    volunteers.put_team("t-1", "姚家青年志愿队", COMMUNITY, actor="sq (liaison)")
    call = publish(calls_of, clock, wanted=2, team_id="t-1")
    outside = volunteer(residents, outbox, volunteers, 1)
    with pytest.raises(QxyError) as refused:
        calls_of.sign_up(outside, call.id)
    assert refused.value.problem == "team_only"
    member = volunteers.become(outside, COMMUNITY, team_id="t-1")
    assert calls_of.sign_up(member, call.id).state == "signed"
    assert calls_of.open_for(member)[0]["team"] == "t-1"
    with platform.reading() as conn:
        assert conn.execute(select(calls.c.team_id)).scalar_one() == "t-1"
