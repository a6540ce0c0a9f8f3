"""微治理's problems on both stores: the upload (idempotent by report_id, also under
concurrent resends), refusals that write nothing, each step of the community, a case made
exactly once through the real intake, a closed case solving the problem, events in order."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from cases.model import Status
from cases.photos import PhotoFiles
from cases.quanxinyuan import log
from cases.quanxinyuan.photos import QxyPhotos
from cases.quanxinyuan.platform import Platform, QxyError, Stale
from cases.quanxinyuan.problems import PROBLEM_CATEGORIES, Problems, grid_locator
from cases.quanxinyuan.residents import PublicPerson
from cases.quanxinyuan.schema import problems as problems_table
from cases.quanxinyuan.schema import qxy_events, qxy_photos
from cases.workflow import Actor, Role
from feeds.intake import Intake, Rejection
from geo.coords import wgs84_to_gcj02

COMMUNITY = "370102009001"
OTHER = "370102009002"
SQ = Actor("sq", Role.LIAISON, department=f"community_{COMMUNITY}")
SQ2 = Actor("sq2", Role.LIAISON, department=f"community_{OTHER}")
OP = Actor("op", Role.OPERATOR)
UNIT = Actor("unit-a", Role.UNIT, department="unit-a")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def person(platform: Platform) -> PublicPerson:
    return _person(platform, "13900000001")


def _person(platform: Platform, phone: str) -> PublicPerson:
    from cases.quanxinyuan.schema import public_people

    with platform.engine.begin() as conn:
        pid = conn.execute(
            public_people.insert()
            .values(phone=phone, name="王<b>芳</b>", created_at=platform.now(), volunteer=False)
            .returning(public_people.c.id)
        ).scalar_one()
    return PublicPerson(pid, phone, "王<b>芳</b>", None, False, None)


@pytest.fixture
def desk(platform: Platform, grid: Any, tmp_path: Any) -> Problems:
    return Problems(platform, QxyPhotos(PhotoFiles(tmp_path / "media")), grid_locator(grid))


@pytest.fixture
def point(grid: Any) -> tuple[float, float]:
    i = grid.codes.index(next(c for c in grid.codes if c.startswith(COMMUNITY)))
    x, y = grid.geometries[i].representative_point().coords[0]
    return float(x), float(y)


@pytest.fixture
def make_case(store: Any, grid: Any) -> Callable[[dict[str, Any], str], int]:
    intake = Intake(store, grid)

    def make(body: dict[str, Any], sender: str) -> int:
        try:
            return int(intake.accept(body, sender=sender).case.id)
        except Rejection as refused:
            raise QxyError(refused.error, refused.message, refused.status) from None

    return make


def upload(desk: Problems, person: Any, point: tuple[float, float], **over: Any) -> Any:
    fields: dict[str, Any] = {
        "category": "facility",
        "text": "楼道灯坏了 <script>alert(1)</script>",
        "lon": point[0],
        "lat": point[1],
    }
    fields.update(over)
    return desk.upload(person, **fields)


def events(platform: Platform) -> list[log.QxyEvent]:
    with platform.reading() as conn:
        return log.since(conn, 0)


def count(platform: Platform, table: Any) -> int:
    with platform.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_an_upload_is_a_new_problem_in_its_cells_community(desk, person, point, platform):
    found, created = upload(desk, person, point, photos=[jpeg()], report_id="phone-1")
    assert created and found.state == "new" and found.community_code == COMMUNITY
    assert found.cell_code.startswith(COMMUNITY)
    assert found.text == "楼道灯坏了 <script>alert(1)</script>"  # kept as text
    assert len(found.photos) == 1 and found.reporter_phone == "13900000001"
    (event,) = events(platform)
    assert event.kind == "problem.upload" and event.actor == f"public:{person.id}"
    assert event.data == {"category": "facility", "cell_code": found.cell_code, "photos": 1}
    assert "13900000001" not in repr(event.wire()) and "王" not in repr(event.wire())


def test_gcj02_positions_are_converted(desk, person, point):
    gx, gy = wgs84_to_gcj02(point[0], point[1])
    found, _ = upload(desk, person, point, lon=float(gx), lat=float(gy), crs="gcj02")
    assert abs(found.lon - point[0]) < 1e-5 and abs(found.lat - point[1]) < 1e-5


def test_a_resend_is_the_same_problem(desk, person, point, platform):
    first, created = upload(desk, person, point, report_id="abc")
    again, created_again = upload(desk, person, point, report_id="abc", text="other")
    assert created and not created_again and again.id == first.id
    assert count(platform, problems_table) == 1 and len(events(platform)) == 1
    other = _person(platform, "13900000002")
    with pytest.raises(QxyError) as refused:
        upload(desk, other, point, report_id="abc")
    assert refused.value.problem == "report_id" and refused.value.status == 409


def test_concurrent_resends_make_one_problem(desk, person, point, platform):
    results: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        barrier.wait()
        try:
            results.append(upload(desk, person, point, report_id="same-phone-id"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len({p.id for p, _ in results}) == 1 and sum(c for _, c in results) == 1
    assert count(platform, problems_table) == 1 and len(events(platform)) == 1


@pytest.mark.parametrize(
    ("over", "problem"),
    [
        ({"category": "potholes"}, "category"),
        ({"category": None}, "category"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": 42}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"lon": "117.0"}, "position"),
        ({"lat": float("nan")}, "position"),
        ({"lon": True}, "position"),
        ({"lat": 91.0}, "position"),
        ({"crs": "utm"}, "crs"),
        ({"report_id": "a b"}, "report_id"),
        ({"report_id": "x" * 65}, "report_id"),
        ({"lon": 116.0, "lat": 36.0}, "outside"),  # west of Jinan: outside every cell
        ({"photos": [b"not a photo"]}, "photo"),
    ],
)
def test_bad_uploads_are_refused_and_write_nothing(desk, person, point, platform, over, problem):
    with pytest.raises(QxyError) as refused:
        upload(desk, person, point, **over)
    assert refused.value.problem == problem
    assert count(platform, problems_table) == 0 and count(platform, qxy_events) == 0
    assert count(platform, qxy_photos) == 0


def test_only_the_public_uploads(desk, point):
    with pytest.raises(QxyError) as refused:
        upload(desk, SQ, point)
    assert refused.value.status == 401


def test_the_community_accepts_and_solves(desk, person, point, platform):
    found, _ = upload(desk, person, point)
    for actor in (SQ2, OP, UNIT, person):
        with pytest.raises(QxyError) as refused:
            desk.accept(actor, found.id)
        assert refused.value.status == 403
    with pytest.raises(QxyError):
        desk.solve(SQ, found.id, "done")  # not accepted yet
    with pytest.raises(Stale):
        desk.accept(SQ, found.id, expected_version=7)
    accepted = desk.accept(SQ, found.id, expected_version=1)
    assert accepted.state == "handling" and accepted.version == 2
    with pytest.raises(QxyError) as no_note:
        desk.solve(SQ, found.id, "  ")
    assert no_note.value.problem == "note"
    solved = desk.solve(SQ, found.id, "已更换灯泡 <i>ok</i>")
    assert solved.state == "solved" and solved.note == "已更换灯泡 <i>ok</i>"
    assert solved.solved_at == platform.now()
    with pytest.raises(QxyError):
        desk.reject(SQ, found.id, "late")
    kinds = [(e.kind, e.from_state, e.to_state) for e in events(platform)]
    assert kinds == [
        ("problem.upload", None, "new"),
        ("problem.accept", "new", "handling"),
        ("problem.solve", "handling", "solved"),
    ]
    seqs = [e.seq for e in events(platform)]
    assert seqs == sorted(seqs) and seqs == list(range(seqs[0], seqs[0] + 3))


def test_the_community_rejects_with_a_reason(desk, person, point, platform):
    found, _ = upload(desk, person, point)
    with pytest.raises(QxyError) as refused:
        desk.reject(SQ, found.id, "")
    assert refused.value.problem == "reason"
    rejected = desk.reject(SQ, found.id, "属于私人物业")
    assert rejected.state == "rejected" and rejected.note == "属于私人物业"
    assert events(platform)[-1].reason == "属于私人物业"


def test_to_case_makes_exactly_one_case_even_when_clicked_twice(
    desk, person, point, platform, store, make_case
):
    found, _ = upload(desk, person, point, category="parking")
    with pytest.raises(QxyError) as refused:
        desk.to_case(SQ2, found.id, make_case)
    assert refused.value.status == 403
    done: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def click() -> None:
        barrier.wait()
        try:
            done.append(desk.to_case(SQ, found.id, make_case))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len({p.case_id for p in done}) == 1
    made = done[0]
    assert made.state == "to_case" and made.case_status == "reported"
    case = store.get(made.case_id)
    assert case.source == "wish" and case.external_id == f"qxy-problem-{found.id}"
    assert case.category_code == PROBLEM_CATEGORIES["parking"][2]
    assert f"#{found.id}" in case.description and "13900000001" not in case.description
    assert store.find_by_external_id("wish", f"qxy-problem-{found.id}").id == case.id
    steps = [e.kind for e in events(platform)]
    assert steps == ["problem.upload", "problem.to_case"]
    assert events(platform)[-1].data == {"case_id": case.id, "category": "CG01"}
    again = desk.to_case(SQ, found.id, make_case)  # later: the same, nothing more
    assert again.case_id == case.id and len(events(platform)) == 2


def test_a_closed_case_solves_its_problem(desk, person, point, platform, store, make_case):
    found, _ = upload(desk, person, point, category="noise")
    made = desk.to_case(SQ, found.id, make_case, category_code="SR13")
    assert desk.case_closed(made.case_id, "dispatched") is None
    liaison = Actor("li", Role.LIAISON, department=store.get(made.case_id).department)
    for name, actor in (
        ("file", OP),
        ("dispatch", OP),
        ("accept", liaison),
        ("handle", liaison),
        ("verify", OP),
        ("close", OP),
    ):
        store.apply(made.case_id, name, actor)
    assert desk.get(found.id).case_status == Status.CLOSED.value
    assert desk.get(found.id).state == "to_case"
    assert desk.settle() == 1  # as the case bus's subscriber would have done
    solved = desk.get(found.id)
    assert solved.state == "solved" and solved.solved_at is not None
    assert desk.settle() == 0 and desk.case_closed(made.case_id, "closed") is None
    assert [e.kind for e in events(platform)][-1] == "problem.case_closed"


def test_who_may_read_a_problem(desk, person, point, platform):
    found, _ = upload(desk, person, point)
    other = _person(platform, "13900000003")
    assert desk.for_viewer(SQ, found.id).id == found.id
    assert desk.for_viewer(OP, found.id).id == found.id
    assert desk.for_viewer(person, found.id).id == found.id
    for viewer in (SQ2, UNIT, other, None):
        with pytest.raises(QxyError) as refused:
            desk.for_viewer(viewer, found.id)
        assert refused.value.status == 404
    assert found.as_json(personal=False).get("reporter") is None
    assert found.as_json(personal=True)["reporter"]["phone"] == "13900000001"
