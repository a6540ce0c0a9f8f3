"""泉心愿's pages and the public's sign-in over HTTP: who may open which page, and a public
session that opens nothing of the staff's."""

from __future__ import annotations

from typing import Any

import pytest

from cases import access
from tests.dashboard.conftest import PASSWORD, login
from tests.dashboard.quanxinyuan.conftest import public_client

PHONE = "13900139000"


@pytest.mark.parametrize(
    ("name", "page", "status"),
    [
        ("sq", "/community", 200),
        ("li-cg", "/community", 403),  # a department's liaison runs no community
        ("op", "/community", 403),
        ("unit-a", "/unit", 200),
        ("sq", "/unit", 403),
        ("op", "/unit", 403),
    ],
)
def test_staff_pages_by_role(qxy_center: Any, name: str, page: str, status: int) -> None:
    g, _parts, _outbox = qxy_center
    client = login(g, name)
    r = client.get(page)
    assert r.status_code == status
    if status == 200:
        text = r.get_data(as_text=True)
        assert "qxy-config" in text and "泉心愿" in text
    assert g.server.test_client().get(page).status_code == 302  # signed out: to /login


def test_a_unit_lands_on_its_page_and_sees_no_case(qxy_center: Any) -> None:
    g, _parts, _outbox = qxy_center
    client = g.server.test_client()
    r = client.post("/api/login", json={"username": "unit-a", "password": PASSWORD})
    assert r.status_code == 200 and r.json["home"] == "/unit"
    client.environ_base["HTTP_X_CSRFTOKEN"] = r.json["csrf_token"]
    assert client.get("/api/cases").status_code == 403
    assert client.get("/api/people").status_code == 403
    unit = g.users.get("unit-a").actor
    assert not any(access.may_view_page(unit, p) for p in ("wall", "kpi", "desk", "dept"))


def test_the_public_signs_in_by_phone_and_reaches_nothing_of_the_staffs(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    client = g.server.test_client()
    first = client.get("/qxy").get_data(as_text=True)
    assert 'id="qx-signin"' in first  # signed out: the sign-in
    # The code's route checks the CSRF token like /login.
    assert client.post("/api/qxy/public/code", json={"phone": PHONE}).status_code == 403
    phone = public_client(g, outbox, PHONE, name="<b>李</b>")
    me = phone.get("/api/qxy/public/me").json
    assert me["phone"] == "139****9000" and me["name"] == "<b>李</b>"
    page = phone.get("/qxy").get_data(as_text=True)
    assert "<b>李</b>" not in page and "&lt;b&gt;李&lt;/b&gt;" in page  # text, never markup
    for staff in ("/api/cases", "/community", "/unit", "/api/people", "/api/snapshot"):
        assert phone.get(staff).status_code in (302, 401, 403), staff
    assert phone.post("/api/qxy/public/signout").status_code == 200
    assert phone.get("/api/qxy/public/me").status_code == 401


def test_public_changes_need_the_csrf_token(qxy_center: Any) -> None:
    g, _parts, outbox = qxy_center
    phone = public_client(g, outbox, PHONE)
    token = phone.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert phone.post("/api/qxy/public/me", json={"name": "x"}).status_code == 403
    phone.environ_base["HTTP_X_CSRFTOKEN"] = token
    assert phone.post("/api/qxy/public/me", json={"name": "x"}).json["name"] == "x"


def test_a_bad_body_gets_a_clear_error(qxy_center: Any) -> None:
    g, _parts, _outbox = qxy_center
    client = g.server.test_client()
    client.get("/qxy")
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value
    r = client.post("/api/qxy/public/code", data="not json", content_type="text/plain")
    assert r.status_code == 400 and r.json["error"] == "body"
    r = client.post("/api/qxy/public/code", json={"phone": "12"})
    assert r.status_code == 422 and r.json["error"] == "phone"
