"""Photos in the store, on SQLite and on PostgreSQL: each attachment is a row and an audited
event in one transaction, delivered to the case's department and the district."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cases import access
from cases.model import Event, Forbidden, OutOfView, Status, UnknownCase
from cases.photo_store import PHOTO_EVENT
from cases.photos import PhotoLimits, UnknownPhoto, prepare
from cases.schema import case_photos
from cases.store import Store
from cases.workflow import Actor, Role
from tests.cases.photo_samples import halves, jpeg, png
from tests.cases.test_store import LIAISON, OPERATOR, report

PHOTO = prepare(jpeg(), PhotoLimits())
WALL = Actor("wall", Role.WALL)


def accepted_case(store: Store) -> int:
    """A 城管 (chengguan) case the liaison has accepted."""
    case, _ = store.open_case(report())
    for name, actor in (("file", OPERATOR), ("dispatch", OPERATOR), ("accept", LIAISON)):
        store.apply(case.id, name, actor)
    return case.id


def rows(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(case_photos)).scalar_one())


def test_an_attachment_is_a_row_and_an_audited_event(store: Store) -> None:
    case_id = accepted_case(store)
    published: list[Event] = []
    store.publish = published.append
    before = store.get(case_id)
    photo, attached = store.attach_photo(case_id, PHOTO, LIAISON)
    assert attached and photo.id > 0 and photo.case_id == case_id
    assert (photo.sha256, photo.mime, photo.width, photo.height, photo.bytes) == (
        PHOTO.sha256,
        "image/jpeg",
        40,
        20,
        len(PHOTO.data),
    )
    [ev] = published
    assert photo.uploaded_by == "liaison:li-cg" and photo.uploaded_at == ev.at
    assert ev.seq == store.last_seq() and ev.kind == PHOTO_EVENT
    assert ev.from_status is ev.to_status is Status.ACCEPTED
    assert ev.actor == "liaison:li-cg" and ev.case_id == case_id
    assert ev.data["photo_id"] == photo.id and ev.data["department"] == "chengguan"
    assert ev.data["mime"] == "image/jpeg" and (ev.data["width"], ev.data["height"]) == (40, 20)
    # Stored as published, and the case itself did not move.
    assert store.events_since(ev.seq - 1) == [ev]
    assert store.get(case_id) == before
    assert store.photos_of(case_id) == [photo] and store.photo(photo.id) == photo


def test_the_event_reaches_the_cases_department_and_the_district_only(store: Store) -> None:
    case_id = accepted_case(store)
    photo, _ = store.attach_photo(case_id, PHOTO, OPERATOR)
    ev = store.events_since(store.last_seq() - 1)[0]
    assert ev.data["photo_id"] == photo.id
    assert access.event_audiences(ev) == ["district", "dept:chengguan"]
    mine, _, _ = store.events_page(0, audience="dept:chengguan")
    theirs, _, _ = store.events_page(0, audience="dept:shizheng")
    assert ev in mine and ev not in theirs
    # Its place in the department's chain: the previous event of that view.
    assert ev.data["prev"] == {"chengguan": mine[-2].seq}


def test_the_same_photo_twice_on_a_case_is_kept_once(store: Store) -> None:
    case_id = accepted_case(store)
    first, _ = store.attach_photo(case_id, PHOTO, LIAISON)
    seq = store.last_seq()
    again, attached = store.attach_photo(case_id, prepare(jpeg(), PhotoLimits()), OPERATOR)
    assert not attached and again == first
    assert store.last_seq() == seq, "no event, and the sequence stays gap-free"
    other_case = accepted_case(store)
    elsewhere, attached = store.attach_photo(other_case, PHOTO, LIAISON)
    assert attached and elsewhere.id != first.id and elsewhere.sha256 == first.sha256
    second, attached = store.attach_photo(case_id, prepare(png(halves()), PhotoLimits()), LIAISON)
    assert attached and [p.id for p in store.photos_of(case_id)] == [first.id, second.id]
    assert rows(store) == 3


@pytest.mark.parametrize(
    ("actor", "refusal"),
    [
        (Actor("li-sz", Role.LIAISON, "shizheng"), OutOfView),
        (WALL, OutOfView),
        (access.key_actor("wall-1", access.WALL_SCOPE), OutOfView),
        (access.key_actor("hotline", access.INTAKE_SCOPE), OutOfView),
        (Actor("admin", Role.ADMIN), Forbidden),
        (access.key_actor("cg-system", access.DEPARTMENT_SCOPE, "chengguan"), Forbidden),
    ],
)
def test_the_store_asks_the_policy_again(store: Store, actor: Actor, refusal: type) -> None:
    case_id = accepted_case(store)
    seq = store.last_seq()
    with pytest.raises(refusal) as refused:
        store.attach_photo(case_id, PHOTO, actor)
    if refusal is OutOfView:
        assert str(refused.value) == f"no case {case_id}"  # as if there were none
    assert rows(store) == 0 and store.last_seq() == seq


def test_unknown_cases_and_photos(store: Store) -> None:
    for case_id in (0, 999, 2**40):
        with pytest.raises(UnknownCase):
            store.attach_photo(case_id, PHOTO, OPERATOR)
        assert store.photos_of(case_id) == []
    for photo_id in (0, -1, 999, 2**40):
        with pytest.raises(UnknownPhoto):
            store.photo(photo_id)
