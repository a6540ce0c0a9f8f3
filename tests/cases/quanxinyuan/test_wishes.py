"""微心愿 on the store (SQLite and PostgreSQL): each step, every refusal, one claimant at a
time under real concurrent claims, a claim's lazy expiry, the events in order, and who
sees what of a wish."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cases.actors import Actor, Role
from cases.photos import PhotoFiles
from cases.quanxinyuan import log
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Platform, QxyError
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.units import Unit, Units
from cases.quanxinyuan.wishes import CLAIMED, CONFIRMED, FULFILLED, OPEN, WITHDRAWN, Wishes
from tests.cases.photo_samples import jpeg

COMMUNITY = "370102009001"
OTHER = "370102009002"
SQ = Actor("sq", Role.LIAISON, f"community_{COMMUNITY}")
SQ2 = Actor("sq2", Role.LIAISON, f"community_{OTHER}")
UNIT_A = Actor("ua", Role.UNIT, "unit-a")
UNIT_B = Actor("ub", Role.UNIT, "unit-b")
OP = Actor("op", Role.OPERATOR)
WALL = Actor("wall", Role.WALL)
LIAISON = Actor("li", Role.LIAISON, "chengguan")
PHONE = "13900139000"
RESIDENT = PublicPerson(7, PHONE, "王", COMMUNITY, False, None)
STRANGER = PublicPerson(8, "13900139001", "", COMMUNITY, False, None)


@pytest.fixture
def wishes(platform: Platform, tmp_path: Path) -> Wishes:
    units = Units(platform)
    for uid in ("unit-a", "unit-b"):
        units.put(Unit(uid, f"单位{uid}", "city", COMMUNITY, "张三", "13800000000"), "test")
    return Wishes(platform, QxyPhotos(PhotoFiles(tmp_path / "media")), units)


def cell(platform: Platform, community: str = COMMUNITY) -> str:
    return platform.places.cells_of(community)[0]


def today(clock: Any) -> date:
    return (clock.at + timedelta(hours=8)).date()


def publish(wishes: Wishes, clock: Any, **given: Any) -> Any:
    values: dict[str, Any] = {
        "title": "帮王奶奶修水龙头",
        "text": "厨房水龙头漏水",
        "category": "repair",
        "cell_code": cell(wishes.platform),
        "resident_name": "王奶奶",
        "resident_phone": PHONE,
        "due": today(clock) + timedelta(days=3),
        "photos": [jpeg()],
    }
    values.update(given)
    return wishes.publish(SQ, **values)


def events(wishes: Wishes, wish_id: int) -> list[log.QxyEvent]:
    with wishes.platform.reading() as conn:
        return log.of_item(conn, "wish", wish_id)


def test_a_wish_goes_published_claimed_fulfilled_confirmed(wishes: Wishes, clock: Any) -> None:
    wish = publish(wishes, clock)
    assert wish.state == OPEN and wish.resident_phone == PHONE
    clock.move(hours=1)
    claimed = wishes.claim(wish.id, UNIT_A)
    assert claimed.state == CLAIMED and claimed.unit_id == "unit-a"
    assert claimed.claim_expires_at is not None
    # The claim holds until the end of the due day, Asia/Shanghai (16:00 UTC the day before).
    assert claimed.claim_expires_at.isoformat().endswith("16:00:00+00:00")
    clock.move(hours=1)
    done = wishes.fulfil(wish.id, UNIT_A, note="换了新龙头", photos=[jpeg()])
    assert done.state == FULFILLED and done.fulfilled_at == clock.at
    clock.move(hours=1)
    ok = wishes.confirm(wish.id, SQ, note="王奶奶说：谢谢")
    assert ok.state == CONFIRMED and ok.confirmed_at == clock.at and ok.version == 4
    seen = events(wishes, wish.id)
    assert [e.kind for e in seen] == ["wish.publish", "wish.claim", "wish.fulfil", "wish.confirm"]
    assert [e.seq for e in seen] == sorted(e.seq for e in seen)
    assert [(e.from_state, e.to_state) for e in seen] == [
        (None, OPEN),
        (OPEN, CLAIMED),
        (CLAIMED, FULFILLED),
        (FULFILLED, CONFIRMED),
    ]
    assert [e.unit_id for e in seen] == [None, "unit-a", "unit-a", "unit-a"]
    assert seen[0].actor == "liaison:sq" and seen[1].actor == "unit:ua"
    for e in seen:  # never a name or a phone in an event
        assert PHONE not in str(e.data) and "王奶奶" not in str(e.data)
    view = wishes.get(SQ, wish.id)
    assert view["fulfil_note"] == "换了新龙头" and view["confirm_note"] == "王奶奶说：谢谢"
    assert len(view["photos"]) == 1 and len(view["fulfil_photos"]) == 1


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 129}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"category": "cooking"}, "category"),
        ({"cell_code": "370102999999999"}, "cell"),
        ({"resident_phone": "12345"}, "phone"),
        ({"due": "tomorrow"}, "due"),
        ({"due": date(2020, 1, 1)}, "due"),
        ({"due": date(2030, 1, 1)}, "due"),
        ({"photos": [b"not a photo"]}, "photo"),
    ],
)
def test_a_bad_wish_is_refused_and_nothing_written(
    wishes: Wishes, clock: Any, given: dict[str, Any], problem: str
) -> None:
    with pytest.raises(QxyError) as refused:
        publish(wishes, clock, **given)
    assert refused.value.problem == problem
    assert wishes.seen_by(SQ) == []
    with wishes.platform.reading() as conn:
        assert not [e for e in log.since(conn, 0) if e.item_kind == "wish"]


def test_html_in_a_wish_is_kept_as_text(wishes: Wishes, clock: Any) -> None:
    wish = publish(wishes, clock, title="<script>alert(1)</script>", text="<b>x</b>")
    assert wishes.get(SQ, wish.id)["title"] == "<script>alert(1)</script>"


@pytest.mark.parametrize("actor", [SQ2, UNIT_A, OP, WALL, LIAISON])
def test_only_the_cells_community_publishes(wishes: Wishes, clock: Any, actor: Actor) -> None:
    with pytest.raises(QxyError) as refused:
        wishes.publish(
            actor,
            title="t",
            category="elder",
            cell_code=cell(wishes.platform),
            due=today(clock),
        )
    assert refused.value.status == 403


def test_refusals_of_each_step(wishes: Wishes, clock: Any) -> None:
    wish = publish(wishes, clock)
    for actor in (SQ, OP, WALL, SQ2):  # only a unit claims
        with pytest.raises(QxyError) as refused:
            wishes.claim(wish.id, actor)
        assert refused.value.status == 403
    with pytest.raises(QxyError) as refused:  # fulfil before a claim
        wishes.fulfil(wish.id, UNIT_A, photos=[jpeg()])
    assert refused.value.status == 409
    with pytest.raises(QxyError):  # confirm before fulfilled
        wishes.confirm(wish.id, SQ, note="x")
    wishes.claim(wish.id, UNIT_A)
    with pytest.raises(QxyError) as refused:
        wishes.claim(wish.id, UNIT_B)
    assert refused.value.status == 409 and refused.value.problem == "taken"
    with pytest.raises(QxyError) as refused:  # another unit cannot report it
        wishes.fulfil(wish.id, UNIT_B, photos=[jpeg()])
    assert refused.value.status == 403
    with pytest.raises(QxyError) as refused:  # a photo is required
        wishes.fulfil(wish.id, UNIT_A, note="done")
    assert refused.value.problem == "photo"
    with pytest.raises(QxyError) as refused:  # another community
        wishes.release(wish.id, SQ2)
    assert refused.value.status == 404
    with pytest.raises(QxyError) as refused:  # a unit does not confirm
        wishes.confirm(wish.id, UNIT_A, note="x")
    assert refused.value.status == 403
    with pytest.raises(QxyError) as refused:  # a stale version
        wishes.release(wish.id, SQ, version=1)
    assert refused.value.status == 409 and refused.value.problem == "stale"
    wishes.fulfil(wish.id, UNIT_A, photos=[jpeg()])
    with pytest.raises(QxyError) as refused:  # the resident's word is required
        wishes.confirm(wish.id, SQ, note="")
    assert refused.value.problem == "note"
    with pytest.raises(QxyError):  # a fulfilled wish is not withdrawn
        wishes.withdraw(wish.id, SQ, reason="x")
    with pytest.raises(QxyError) as refused:
        wishes.claim(999_999, UNIT_A)
    assert refused.value.status == 404


def test_the_community_releases_a_claim_and_withdraws_a_wish(wishes: Wishes, clock: Any) -> None:
    wish = publish(wishes, clock)
    wishes.claim(wish.id, UNIT_A)
    released = wishes.release(wish.id, SQ, reason="单位联系不上")
    assert released.state == OPEN and released.unit_id is None
    assert [w["id"] for w in wishes.seen_by(UNIT_B)] == [wish.id]  # open to all again
    wishes.claim(wish.id, UNIT_B)
    gone = wishes.withdraw(wish.id, SQ, reason="居民已自行解决")
    assert gone.state == WITHDRAWN and gone.unit_id == "unit-b"
    seen = events(wishes, wish.id)
    assert [e.kind for e in seen][-3:] == ["wish.release", "wish.claim", "wish.withdraw"]
    assert seen[-1].unit_id == "unit-b" and seen[-3].unit_id == "unit-a"
    assert wishes.seen_by(UNIT_A) == []  # released: not theirs any more
    assert wishes.seen_by(UNIT_B)[0]["state"] == WITHDRAWN  # the claimant is told
    with pytest.raises(QxyError):
        wishes.claim(wish.id, UNIT_A)


def test_a_claim_expires_at_the_end_of_the_due_day(wishes: Wishes, clock: Any) -> None:
    wish = publish(wishes, clock, due=today(clock))
    expires = wishes.claim(wish.id, UNIT_A).claim_expires_at
    assert expires is not None
    clock.at = expires - timedelta(seconds=1)
    assert wishes.seen_by(SQ)[0]["state"] == CLAIMED
    clock.at = expires
    listed = wishes.seen_by(SQ)  # a read expires it, lazily
    assert listed[0]["state"] == OPEN and listed[0]["unit_id"] is None
    last = events(wishes, wish.id)[-1]
    assert (last.kind, last.actor, last.unit_id) == ("wish.claim_expired", "system", "unit-a")
    assert (last.from_state, last.to_state) == (CLAIMED, OPEN)
    assert wishes.expire_claims() == 0  # once only
    with pytest.raises(QxyError) as refused:  # too late to report it
        wishes.fulfil(wish.id, UNIT_A, photos=[jpeg()])
    assert refused.value.problem == "not_claimed"
    with pytest.raises(QxyError) as refused:  # and its date has passed
        wishes.claim(wish.id, UNIT_B)
    assert refused.value.problem == "past_due"
    assert wishes.seen_by(UNIT_B) == []  # past its date: not offered to claim


def test_a_write_expires_claims_first(wishes: Wishes, clock: Any) -> None:
    first = publish(wishes, clock, due=today(clock))
    wishes.claim(first.id, UNIT_A)
    clock.move(days=1)
    second = publish(wishes, clock)
    kinds = [e.kind for e in events(wishes, first.id)]
    assert kinds[-1] == "wish.claim_expired"
    assert events(wishes, first.id)[-1].seq < events(wishes, second.id)[0].seq


def claim_at_once(wishes: Wishes, wish_id: int, actors: list[Actor]) -> tuple[list[str], list[int]]:
    """``actors`` claim ``wish_id`` at the same moment, each on its own thread."""
    barrier = threading.Barrier(len(actors))
    won: list[str] = []
    lost: list[int] = []

    def claim(actor: Actor) -> None:
        barrier.wait()
        try:
            wishes.claim(wish_id, actor, version=1)
            won.append(actor.name)
        except QxyError as exc:
            lost.append(exc.status)

    threads = [threading.Thread(target=claim, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return won, lost


def test_concurrent_claims_exactly_one_wins(wishes: Wishes, clock: Any) -> None:
    actors = [Actor(f"u{i}", Role.UNIT, "unit-a" if i % 2 else "unit-b") for i in range(4)]
    for _ in range(6):
        wish = publish(wishes, clock, photos=[])
        won, lost = claim_at_once(wishes, wish.id, actors)
        assert len(won) == 1 and lost == [409, 409, 409]
        assert [e.kind for e in events(wishes, wish.id)] == ["wish.publish", "wish.claim"]


def test_each_viewer_sees_what_is_theirs(wishes: Wishes, clock: Any) -> None:
    mine = publish(wishes, clock, title="mine")
    theirs = publish(wishes, clock, title="theirs")
    open_one = publish(wishes, clock, title="open")
    elsewhere = wishes.publish(
        SQ2,
        title="elsewhere",
        category="elder",
        cell_code=cell(wishes.platform, OTHER),
        due=today(clock),
        resident_phone="13900139002",
    )
    wishes.claim(mine.id, UNIT_A)
    wishes.claim(theirs.id, UNIT_B)
    a = {w["id"]: w for w in wishes.seen_by(UNIT_A)}
    assert set(a) == {mine.id, open_one.id, elsewhere.id}  # open anywhere + its own claims
    assert a[mine.id]["mine"] is True and a[mine.id]["unit_id"] == "unit-a"
    assert "unit_id" not in a[open_one.id] and "resident_phone" not in a[mine.id]
    assert "resident_name" not in a[open_one.id]
    with pytest.raises(QxyError) as refused:  # another unit's claim: not there at all
        wishes.get(UNIT_A, theirs.id)
    assert refused.value.status == 404
    community = {w["id"]: w for w in wishes.seen_by(SQ)}
    assert set(community) == {mine.id, theirs.id, open_one.id}
    assert community[theirs.id]["resident_phone"] == PHONE
    assert community[theirs.id]["unit_name"] == "单位unit-b"
    center = wishes.seen_by(OP)
    assert len(center) == 4 and all("resident_phone" not in w for w in center)
    assert all("resident_name" not in w for w in center)
    resident = wishes.seen_by(RESIDENT)
    assert {w["id"] for w in resident} == {mine.id, theirs.id, open_one.id}
    assert all(set(w) >= {"state", "title"} and "unit_id" not in w for w in resident)
    assert all("photos" not in w and "text" not in w for w in resident)
    assert wishes.seen_by(STRANGER) == []
    with pytest.raises(QxyError):
        wishes.get(STRANGER, mine.id)
    with pytest.raises(QxyError) as refused:
        wishes.seen_by(LIAISON)
    assert refused.value.status == 403
