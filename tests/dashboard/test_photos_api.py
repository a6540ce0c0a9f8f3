"""Photos on cases over HTTP, role by role, on SQLite and PostgreSQL: who may attach, list
and fetch; what an upload must be; the body bounded before it is read; CSRF; and the
``case.photo`` event reaching exactly the views that hold the case."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app import GridCC
from cases.workflow import Role
from geo.grid import Grid
from tests.cases.photo_samples import gif, gps_exif, halves, jpeg, png
from tests.dashboard.conftest import (
    PASSWORD,
    TEST_SECRET,
    act,
    case_events,
    frames,
    login,
    open_case,
)

PHOTO_FIELDS = {
    "id",
    "case_id",
    "url",
    "mime",
    "width",
    "height",
    "bytes",
    "sha256",
    "uploaded_by",
    "uploaded_at",
}


def upload(
    client: Any, case_id: int, body: bytes, name: str = "photo.jpg", claimed: str = "image/jpeg"
) -> Any:
    return client.post(
        f"/api/cases/{case_id}/photos",
        data={"photo": (io.BytesIO(body), name, claimed)},
        content_type="multipart/form-data",
    )


def fetch(client: Any, url: str, **options: Any) -> Any:
    """GET ``url``, its body read and the response closed (an image is sent from its file,
    which stays open until the response is closed, as a WSGI server does)."""
    response = client.get(url, **options)
    response.get_data()
    response.close()
    return response


def bearer(g: GridCC, token: str) -> Any:
    client = g.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def kiosk(g: GridCC) -> Any:
    """A wall display signed in with a wall key, with the CSRF token its page would have."""
    client = g.server.test_client()
    key = g.keys.create("wall-1", "wall")
    assert client.post("/api/kiosk", json={"token": key}).status_code == 200
    client.get("/")  # the page sets the CSRF cookie for its scripts
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None
    client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return client


def accepted_case(g: GridCC, grid: Grid) -> int:
    """A 城管 (chengguan) case, accepted by its liaison."""
    op, li = login(g, "op"), login(g, "li-cg")
    case_id, version = open_case(g, grid)
    assert act(op, case_id, "file", version).status_code == 200
    assert act(op, case_id, "dispatch", version + 1).status_code == 200
    assert act(li, case_id, "accept", version + 2).status_code == 200
    return case_id


def distinct_jpeg(n: int) -> bytes:
    return jpeg(Image.new("RGB", (32, 24), (n * 40 % 256, 90, 160)))


# who: (upload, list, fetch) statuses on a chengguan case holding a photo
EXPECTED = {
    "op": (201, 200, 200),
    "lead": (201, 200, 200),
    "li-cg": (201, 200, 200),
    "li-sz": (404, 404, 404),
    "admin": (403, 200, 200),
    "wall": (404, 404, 404),
    "kiosk": (404, 404, 404),
    "wall key": (404, 404, 404),
    "department key": (403, 200, 200),
    "anonymous": (401, 401, 401),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_attach_list_and_fetch(
    center: tuple[GridCC, dict[str, str]], grid: Grid, who: str
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    first = upload(login(g, "op"), case_id, distinct_jpeg(0)).json
    if who in ("wall", "kiosk", "wall key", "department key", "anonymous"):
        client = {
            "wall": lambda: login(g, "wall"),
            "kiosk": lambda: kiosk(g),
            "wall key": lambda: bearer(g, g.keys.create("wall-2", "wall")),
            "department key": lambda: bearer(
                g, g.keys.create("cg-system", "department", "chengguan")
            ),
            "anonymous": lambda: g.server.test_client(),
        }[who]()
    else:
        client = login(g, who)
    sent = upload(client, case_id, distinct_jpeg(1))
    listed = client.get(f"/api/cases/{case_id}/photos")
    fetched = fetch(client, first["url"])
    assert (sent.status_code, listed.status_code, fetched.status_code) == EXPECTED[who], (
        sent.json,
        listed.json,
    )
    if sent.status_code == 404:
        assert sent.json == {"error": "unknown_case", "message": f"no case {case_id}"}
        assert listed.json == sent.json
        assert fetched.json == {"error": "unknown_photo", "message": f"no photo {first['id']}"}
    if sent.status_code == 201:
        assert set(sent.json) == PHOTO_FIELDS and sent.json["case_id"] == case_id
        assert sent.json["uploaded_by"].endswith(f":{who}")
    if listed.status_code == 200:
        assert listed.json["photos"][0]["id"] == first["id"]
        assert listed.json["case_id"] == case_id
    if fetched.status_code == 200:
        assert fetched.mimetype == "image/jpeg"
        assert fetched.headers["Cache-Control"] == "private, no-cache"
        assert fetched.headers["X-Content-Type-Options"] == "nosniff"
        assert hashlib.sha256(fetched.data).hexdigest() == first["sha256"]


def test_the_photo_as_answered_and_as_fetched(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    li = login(g, "li-cg")
    sent = jpeg(halves((40, 20)), exif=gps_exif(orientation=6))
    r = upload(li, case_id, sent, name="IMG_0001.JPG")
    assert r.status_code == 201
    photo = r.json
    assert photo["url"] == f"/api/photos/{photo['id']}"
    assert (photo["mime"], photo["width"], photo["height"]) == ("image/jpeg", 20, 40)
    assert photo["uploaded_by"] == "liaison:li-cg" and photo["uploaded_at"].endswith("+08:00")
    image = fetch(li, photo["url"])
    assert image.status_code == 200 and len(image.data) == photo["bytes"]
    assert image.headers["ETag"] == f'"{photo["sha256"]}"'
    assert "inline" in image.headers["Content-Disposition"]
    shown = Image.open(io.BytesIO(image.data))
    assert shown.size == (20, 40) and not shown.getexif(), "upright, and no GPS left"
    assert b"Exif" not in image.data
    again = fetch(li, photo["url"], headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    # The same photo again is the same photo: 200, nothing new.
    repeat = upload(login(g, "op"), case_id, sent)
    assert repeat.status_code == 200 and repeat.json == photo
    assert len(li.get(f"/api/cases/{case_id}/photos").json["photos"]) == 1


@pytest.mark.parametrize(
    ("body", "name", "claimed", "status", "error"),
    [
        (gif(), "photo.jpg", "image/jpeg", 415, "unsupported_photo"),
        (b"hello, not a photo", "photo.png", "image/png", 415, "unsupported_photo"),
        (jpeg()[:200], "photo.jpg", "image/jpeg", 400, "invalid_photo"),
    ],
)
def test_what_is_not_a_photo_is_refused_clearly(
    center: tuple[GridCC, dict[str, str]],
    grid: Grid,
    body: bytes,
    name: str,
    claimed: str,
    status: int,
    error: str,
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    op = login(g, "op")
    r = upload(op, case_id, body, name, claimed)
    assert (r.status_code, r.json["error"]) == (status, error), r.json
    assert r.json["message"]
    assert op.get(f"/api/cases/{case_id}/photos").json["photos"] == []


def test_a_png_named_jpeg_is_taken_as_the_png_it_is(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    r = upload(login(g, "op"), case_id, png(), "photo.jpg", "image/jpeg")
    assert r.status_code == 201 and r.json["mime"] == "image/png"
    assert fetch(login(g, "op"), r.json["url"]).mimetype == "image/png"


def test_bodies_that_are_not_an_upload(center: tuple[GridCC, dict[str, str]], grid: Grid) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    op = login(g, "op")
    r = op.post(f"/api/cases/{case_id}/photos", json={"photo": "aGVsbG8="})
    assert (r.status_code, r.json["error"]) == (415, "unsupported_media_type")
    r = op.post(
        f"/api/cases/{case_id}/photos",
        data={"picture": (io.BytesIO(jpeg()), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert (r.status_code, r.json["error"]) == (400, "invalid_body")
    assert upload(op, 999_999, jpeg()).status_code == 404
    assert upload(op, 2**40, jpeg()).status_code == 404
    assert op.get("/api/photos/99999999999").status_code == 404


def test_cookie_sessions_need_the_csrf_token_and_keys_do_not(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, tokens = center
    case_id = accepted_case(g, grid)
    op = login(g, "op")
    csrf = op.environ_base.pop("HTTP_X_CSRFTOKEN")
    refused = upload(op, case_id, distinct_jpeg(1))
    assert (refused.status_code, refused.json["error"]) == (403, "csrf")
    # The form's own field will do, as the header does.
    r = op.post(
        f"/api/cases/{case_id}/photos",
        data={"photo": (io.BytesIO(distinct_jpeg(1)), "a.jpg"), "csrf_token": csrf},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    assert upload(bearer(g, tokens["op"]), case_id, distinct_jpeg(2)).status_code == 201
    assert len(op.get(f"/api/cases/{case_id}/photos").json["photos"]) == 2


class CountingBody(io.RawIOBase):
    """A request body of ``size`` bytes that says how much of it the server read."""

    def __init__(self, size: int) -> None:
        self.size, self.at, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # the test client measures a body by seeking to its end

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.at = {io.SEEK_SET: 0, io.SEEK_CUR: self.at, io.SEEK_END: self.size}[whence] + offset
        return self.at

    def tell(self) -> int:
        return self.at

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self.size - self.at))
        buffer[:n] = b"\xff" * n
        self.at += n
        self.read_bytes += n
        return n


LIMIT = 300_000


@pytest.fixture
def small_limit(make_app: Any, database_url: str, grid: Grid) -> tuple[GridCC, int]:
    """A center whose photos are at most LIMIT bytes, with an accepted case."""
    g = make_app(
        database_url, gridcc_env="production", secret_key=TEST_SECRET, photo_max_bytes=LIMIT
    )
    g.users.add("op", Role.OPERATOR, PASSWORD)
    g.users.add("li-cg", Role.LIAISON, PASSWORD, department="chengguan")
    return g, accepted_case(g, grid)


def test_an_oversized_body_is_refused_before_it_is_read(small_limit: tuple[GridCC, int]) -> None:
    g, case_id = small_limit
    op = login(g, "op")
    body = CountingBody(50 * 1024 * 1024)
    r = op.post(
        f"/api/cases/{case_id}/photos",
        input_stream=body,
        content_type="multipart/form-data; boundary=x",
    )
    assert (r.status_code, r.json["error"]) == (413, "too_large")
    assert f"{LIMIT:,}" in r.json["message"]
    assert body.read_bytes == 0
    # A body that does not say its length is read up to the limit, and no further.
    endless = CountingBody(50 * 1024 * 1024)
    r = op.post(
        f"/api/cases/{case_id}/photos",
        input_stream=endless,
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )
    assert (r.status_code, r.json["error"]) == (413, "too_large")
    assert 0 < endless.read_bytes <= LIMIT + 64 * 1024 + 64 * 1024
    assert op.get(f"/api/cases/{case_id}/photos").json["photos"] == []


def test_a_photo_past_the_limit_is_413_and_one_under_it_is_taken(
    small_limit: tuple[GridCC, int],
) -> None:
    g, case_id = small_limit
    op = login(g, "op")
    photo = jpeg()
    padded = photo + b"\0" * (LIMIT + 1 - len(photo))  # within the body's room, past the photo's
    r = upload(op, case_id, padded)
    assert (r.status_code, r.json["error"]) == (413, "too_large")
    assert f"{LIMIT:,}" in r.json["message"] and f"{LIMIT + 1:,}" in r.json["message"]
    assert upload(op, case_id, photo).status_code == 201


def test_a_photo_larger_than_the_general_body_limit_is_taken(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    noise = Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3))
    big = jpeg(noise)
    assert len(big) > g.server.config["MAX_CONTENT_LENGTH"]
    op = login(g, "op")
    csrf = op.environ_base.pop("HTTP_X_CSRFTOKEN")
    # The token in the form: the CSRF check reads the whole form, under the photo's limit.
    # (The body is made here: the test client's own encoder leaves a temporary file open.)
    body, boundary = [], "photo-boundary-7d3"
    for name, extra, value in (
        ("csrf_token", "", csrf.encode()),
        ("photo", '; filename="big.jpg"\r\nContent-Type: image/jpeg', big),
    ):
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{extra}\r\n\r\n'
        body += [head.encode(), value, b"\r\n"]
    body.append(f"--{boundary}--\r\n".encode())
    r = op.post(
        f"/api/cases/{case_id}/photos",
        data=b"".join(body),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert r.status_code == 201, r.json
    # Other routes keep the general limit.
    op.environ_base["HTTP_X_CSRFTOKEN"] = csrf
    r = op.post(
        f"/api/cases/{case_id}/actions/handle",
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        content_type="application/json",
    )
    assert r.status_code == 413


def test_the_photo_event_reaches_the_views_that_hold_the_case(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    desk = g.socketio.test_client(g.server, flask_test_client=login(g, "op"))
    on_cg = g.socketio.test_client(g.server, flask_test_client=login(g, "li-cg"))
    on_sz = g.socketio.test_client(g.server, flask_test_client=login(g, "li-sz"))
    assert desk.is_connected() and on_cg.is_connected() and on_sz.is_connected()
    photo = upload(login(g, "li-cg"), case_id, distinct_jpeg(3)).json

    def photo_events(client: Any) -> list[dict[str, Any]]:
        found = client.get("/api/events?since=0").json["events"]
        return [e for e in found if e["kind"] == "case.photo"]

    for name in ("op", "lead", "wall", "li-cg"):
        [ev] = photo_events(login(g, name))
        assert ev["photo_id"] == photo["id"] and ev["case_id"] == case_id
        assert ev["from"] == ev["to"] == "accepted" and ev["department"] == "chengguan"
        assert ev["actor"] == "liaison:li-cg"
    assert photo_events(login(g, "li-sz")) == []
    live = case_events(g, desk)
    assert [e["kind"] for e in live] == ["case.photo"] and live[0]["photo_id"] == photo["id"]
    assert [e["kind"] for e in case_events(g, on_cg)] == ["case.photo"]
    assert frames(g, on_sz) == []
    for client in (desk, on_cg, on_sz):
        client.disconnect()


def test_a_case_that_left_a_department_takes_its_photos_along(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    li_cg, li_sz = login(g, "li-cg"), login(g, "li-sz")
    photo = upload(li_cg, case_id, distinct_jpeg(4)).json
    version = g.store.get(case_id).version
    r = act(login(g, "lead"), case_id, "reassign", version, reason="属市政", department="shizheng")
    assert r.status_code == 200
    assert li_cg.get(photo["url"]).status_code == 404
    assert li_cg.get(f"/api/cases/{case_id}/photos").status_code == 404
    assert fetch(li_sz, photo["url"]).status_code == 200
    assert upload(li_sz, case_id, distinct_jpeg(5)).status_code == 201


def test_a_photo_whose_file_is_gone_is_a_clear_404(
    center: tuple[GridCC, dict[str, str]], grid: Grid
) -> None:
    g, _ = center
    case_id = accepted_case(g, grid)
    op = login(g, "op")
    photo = upload(op, case_id, distinct_jpeg(6)).json
    [kept] = [p for p in Path(g.settings.media_dir).rglob("*.jpg")]
    kept.unlink()
    r = op.get(photo["url"])
    assert (r.status_code, r.json["error"]) == (404, "photo_missing")
