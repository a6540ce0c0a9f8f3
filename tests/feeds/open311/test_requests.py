"""POST requests, GET requests, GET requests/{id} and GET tokens/{token}, in XML and JSON,
with their errors; what the public sees of a case, and what it never sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from tests.feeds.open311.conftest import (
    BASE,
    Center,
    children,
    error_list,
    json_body,
    tags,
    xml_root,
)
from tests.feeds.open311.schemas import CREATED, SERVICE_REQUESTS, validate

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "lat",
    "long",
]
PERSONAL = {"first_name": "Zhang", "last_name": "Wei", "phone": "13800000000", "email": "z@x.cn"}


# -- POST requests ------------------------------------------------------------------------
def test_post_in_xml_opens_a_case_through_the_intake(center: Center) -> None:
    lon, lat = center.point(20)
    r = center.post(
        "xml",
        api_key=center.keys["op"],
        jurisdiction_id="jinan-lixia",
        service_code="SR01",
        lat=lat,
        long=lon,
        description="路口垃圾堆了三天",
        device_id="dev-1",
        account_id="acc-9",
        media_url="http://example.org/1.jpg",
        **PERSONAL,
    )
    assert r.status_code == 201
    root = xml_root(r)
    assert root.tag == "service_requests" and tags(root) == ["request"]
    request = root[0]
    assert tags(request) == ["service_request_id", "service_notice", "account_id"]
    case = center.g.store.get(int(request.findtext("service_request_id")))
    said = (case.category_code, case.description, case.source)
    assert said == ("SR01", "路口垃圾堆了三天", "citizen")
    assert case.cell_code == center.g.grid.codes[20]
    assert (round(case.lon, 6), round(case.lat, 6)) == (round(lon, 6), round(lat, 6))
    assert case.reporter == "Zhang Wei (13800000000)"  # for the desk's call back, only
    assert "城管" in request.findtext("service_notice")


def test_post_in_json_fits_the_schema(center: Center) -> None:
    lon, lat = center.point(30)
    r = center.post("json", api_key=center.keys["li"], service_code="CG05", lat=lat, long=lon)
    assert r.status_code == 201
    body = json_body(r)
    validate(CREATED, body)
    [created] = body
    assert "token" not in created and created["account_id"] is None
    case = center.g.store.get(created["service_request_id"])
    assert case.description == "路灯不亮"  # no description: the service's name
    assert case.department == "shizheng"


def test_attribute_crs_converts_gcj02_like_the_intake_does(center: Center) -> None:
    from geo.coords import wgs84_to_gcj02

    lon, lat = center.point(40)
    glon, glat = wgs84_to_gcj02(lon, lat)
    key = center.keys["op"]
    r = center.post(
        "json", api_key=key, service_code="SR01", lat=glat, long=glon, **{"attribute[crs]": "gcj02"}
    )
    assert r.status_code == 201, r.data
    case = center.g.store.get(r.json[0]["service_request_id"])
    assert abs(case.lon - lon) < 1e-5 and abs(case.lat - lat) < 1e-5
    assert case.cell_code == center.g.grid.codes[40]


@pytest.mark.parametrize(
    "where",
    [{"address_id": "cell"}, {"address_string": "community cell, 历下区"}],
)
def test_a_cell_code_or_a_cell_name_locates_a_request(center: Center, where: dict) -> None:
    grid = center.g.grid
    cell = grid.codes[50]
    name = f"{grid.community_names[50]} {grid.names[50].split()[-1]}"
    value = {"cell": cell, "community cell, 历下区": f"{name}, 历下区"}[next(iter(where.values()))]
    form = {next(iter(where)): value}
    r = center.post("json", api_key=center.keys["op"], service_code="SR01", **form)
    assert r.status_code == 201, r.data
    assert center.g.store.get(r.json[0]["service_request_id"]).cell_code == cell


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("key", [None, "", "not-a-key", "wall", "dept"])
def test_post_without_a_reporting_key_is_403_and_writes_nothing(
    center: Center, fmt: str, key: str | None
) -> None:
    lon, lat = center.point()
    form = {"service_code": "SR01", "lat": lat, "long": lon}
    if key is not None:
        form["api_key"] = center.keys.get(key, key)
    r = center.post(fmt, **form)
    assert r.status_code == 403
    [(status, description)] = error_list(r, fmt)
    assert status == 403 and "api_key" in description
    assert center.g.store.find_cases() == [] and center.g.store.rejections() == []


BAD_FORMS = [
    ({"lat": "36.68", "long": "117.03"}, 400, "service_code was not provided"),
    ({"service_code": "XX01", "lat": "36.68", "long": "117.03"}, 404, "service_code"),
    ({"service_code": "MD03", "lat": "36.68", "long": "117.03"}, 404, "service_code"),
    ({"service_code": "SR01"}, 400, "location"),
    ({"service_code": "SR01", "lat": "36.68"}, 400, "lat and long"),
    ({"service_code": "SR01", "lat": "north", "long": "117.03"}, 400, "lat and long"),
    ({"service_code": "SR01", "lat": "1", "long": "1"}, 400, "outside every grid cell"),
    ({"service_code": "SR01", "lat": "95", "long": "117.03"}, 400, "lat: must be between"),
    ({"service_code": "SR01", "address_id": "999"}, 400, "no such grid cell"),
    ({"service_code": "SR01", "address_string": "泉城路"}, 400, "address_string"),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(("form", "status", "words"), BAD_FORMS)
def test_refused_posts_answer_the_errors_array_and_are_recorded(
    center: Center, fmt: str, form: dict, status: int, words: str
) -> None:
    r = center.post(fmt, api_key=center.keys["op"], **form)
    assert r.status_code == status, r.data
    problems = error_list(r, fmt)
    assert all(code == status for code, _ in problems)
    assert any(words in description for _, description in problems), problems
    assert center.g.store.find_cases() == []
    [kept] = center.g.store.rejections()  # as sent, but for the key
    assert parse_qs(kept["body"]) == {k: [v] for k, v in form.items()}


def test_bad_attributes_and_a_long_description_name_the_field(center: Center) -> None:
    lon, lat = center.point()
    base = {"api_key": center.keys["op"], "service_code": "SR01", "lat": lat, "long": lon}
    cases = [
        ({"attribute[colour]": "red"}, "attribute: unknown code colour"),
        ({"attribute[crs]": "utm"}, "attribute[crs]: one of wgs84"),
        ({"attribute[crs][]": ["wgs84", "bd09"]}, "attribute[crs]: one value"),
        ({"description": "x" * 2001}, "description: at most 2000"),
    ]
    for extra, words in cases:
        r = center.client.post(f"{BASE}/requests.json", data={**base, **extra})
        assert r.status_code == 400, extra
        assert any(words in d for _, d in error_list(r, "json")), (extra, r.json)
    assert len(center.g.store.rejections()) == len(cases)


def test_a_json_body_is_refused_with_400(center: Center) -> None:
    r = center.client.post(f"{BASE}/requests.json", json={"api_key": center.keys["op"]})
    assert r.status_code == 400
    [(_, description)] = error_list(r, "json")
    assert "x-www-form-urlencoded" in description


# -- GET requests/{id} ----------------------------------------------------------------------
def test_one_request_in_xml_element_by_element(center: Center) -> None:
    case_id = center.file(description="井盖", **PERSONAL)
    case = center.g.store.get(case_id)
    root = xml_root(center.client.get(f"{BASE}/requests/{case_id}.xml"))
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root[0]) == REQUEST_FIELDS
    fields = children(root[0])
    grid = center.g.grid
    assert fields == {
        "service_request_id": str(case_id),
        "status": "open",
        "status_notes": "已收到，等待受理立案",
        "service_name": "暴露垃圾",
        "service_code": "SR01",
        "description": "井盖",
        "agency_responsible": "城管",
        "service_notice": "由城管负责处置，处置时限1个工作日",
        "requested_datetime": case.created_at.astimezone(_cst()).isoformat(timespec="seconds"),
        "updated_datetime": case.updated_at.astimezone(_cst()).isoformat(timespec="seconds"),
        "expected_datetime": case.deadline.astimezone(_cst()).isoformat(timespec="seconds"),
        "address": (
            f"{grid.names[20].split()[-1]}, {grid.community_names[20]}, "
            f"{grid.street_names[20]}, 历下区, 济南市, 山东省"
        ),
        "address_id": grid.codes[20],
        "lat": str(round(case.lat, 6)),
        "long": str(round(case.lon, 6)),
    }
    assert fields["requested_datetime"].endswith("+08:00")


def _cst() -> object:
    from cases.clock import LOCAL_TZ

    return LOCAL_TZ


def test_one_request_in_json_says_the_same_and_nothing_personal(center: Center) -> None:
    case_id = center.file(**PERSONAL)
    xml = children(xml_root(center.client.get(f"{BASE}/requests/{case_id}.xml"))[0])
    r = center.client.get(f"{BASE}/requests/{case_id}.json")
    body = json_body(r)
    validate(SERVICE_REQUESTS, body)
    [record] = body
    assert list(record) == REQUEST_FIELDS
    assert {k: str(v) for k, v in record.items()} == xml
    for value in PERSONAL.values():
        assert value.encode() not in r.data


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_or_private_requests_are_404(center: Center, fmt: str) -> None:
    private = center.report("MD03")  # a family dispute, taken by the desk
    # ² and ① are digits to str.isdigit but not to int(): they were a 500.
    for request_id in ("999", "abc", str(private), "0", "²", "①"):
        r = center.client.get(f"{BASE}/requests/{request_id}.{fmt}")
        assert r.status_code == 404, request_id
        [(status, description)] = error_list(r, fmt)
        assert status == 404 and request_id in description


# -- the lifecycle as the public sees it ----------------------------------------------------
@pytest.mark.parametrize(
    ("actions", "status", "notes"),
    [
        ((), "open", "已收到，等待受理立案"),
        (("file",), "open", "已立案，等待派遣"),
        (("file", "dispatch"), "open", "已派遣至城管，等待签收"),
        (("file", "dispatch", "accept"), "open", "城管已签收，正在处置"),
        (("file", "dispatch", "accept", "handle"), "open", "城管已处置，等待核查"),
        (("file", "dispatch", "accept", "handle", "verify"), "open", "已核查通过，等待结案"),
        (("file", "dispatch", "accept", "handle", "verify", "close"), "closed", "已办结"),
        (("file", "void"), "closed", "已作废，不予立案"),
    ],
)
def test_status_and_notes_follow_the_lifecycle(
    center: Center, actions: tuple[str, ...], status: str, notes: str
) -> None:
    case_id = center.file()
    center.walk(case_id, *actions)
    [record] = center.client.get(f"{BASE}/requests/{case_id}.json").json
    assert (record["status"], record["status_notes"]) == (status, notes)
    case = center.g.store.get(case_id)
    updated = case.closed_at if status == "closed" else case.updated_at
    assert record["updated_datetime"] == updated.astimezone(_cst()).isoformat(timespec="seconds")


# -- GET requests ---------------------------------------------------------------------------
def _ids(center: Center, query: str, fmt: str = "json") -> list[int]:
    r = center.client.get(f"{BASE}/requests.{fmt}{query}")
    assert r.status_code == 200, r.data
    if fmt == "xml":
        root = xml_root(r)
        assert root.tag == "service_requests" and set(tags(root)) <= {"request"}
        for request in root:
            assert tags(request) == REQUEST_FIELDS
        return [int(x.findtext("service_request_id")) for x in root]
    body = json_body(r)
    validate(SERVICE_REQUESTS, body)
    return [x["service_request_id"] for x in body]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_list_filters_by_id_code_status_and_dates(center: Center, fmt: str) -> None:
    store = center.g.store
    store.now = lambda: datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    old = center.file("SR01")
    store.now = lambda: datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    a, b = center.file("SR01"), center.file("CG05")
    private = center.report("MD03")
    center.walk(b, "file", "void")
    store.now = lambda: datetime(2026, 6, 2, 2, 0, tzinfo=UTC)

    assert _ids(center, "", fmt) == [b, a]  # the last 90 days, newest first; no private case
    assert _ids(center, "?service_code=CG05", fmt) == [b]
    assert _ids(center, "?service_code=SR01,CG05&status=open", fmt) == [a]
    assert _ids(center, "?status=closed", fmt) == [b]
    assert _ids(center, "?status=open,closed", fmt) == [b, a]
    # A range of requested_datetime, offsets honoured (00:00+08:00 is 16:00Z the day before).
    assert _ids(center, "?start_date=2026-03-01T00:00:00Z&end_date=2026-03-31T00:00:00Z") == [old]
    assert _ids(center, "?start_date=2026-03-02T10:00:01%2B08:00&end_date=2026-05-01", fmt) == []
    assert _ids(center, "?start_date=2026-03-02", fmt) == [old]  # start + 90 days
    assert _ids(center, "?end_date=2026-06-01T02:00:00Z", fmt) == [b, a]
    # service_request_id overrides every other filter; private cases stay out.
    query = f"?service_request_id={old},{a},{private},777&status=closed&service_code=CG05"
    assert _ids(center, query, fmt) == [a, old]
    assert _ids(center, "?page_size=1", fmt) == [b]
    assert _ids(center, "?page_size=1&page=2", fmt) == [a]
    assert _ids(center, "?page_size=1&page=3", fmt) == []


def test_the_list_never_shows_who_reported(center: Center) -> None:
    center.file(**PERSONAL)
    for fmt in ("xml", "json"):
        data = center.client.get(f"{BASE}/requests.{fmt}").data
        assert b"service_request_id" in data
        for value in PERSONAL.values():
            assert value.encode() not in data


BAD_QUERIES = [
    ("?status=pending", "status"),
    ("?service_code=XX01", "service_code"),
    ("?service_code=MD03", "service_code"),
    ("?start_date=yesterday", "start_date"),
    ("?start_date=2026-01-01T00:00:00", "time zone"),
    ("?start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", "90 days"),
    ("?start_date=2026-05-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "before"),
    ("?service_request_id=1,x", "service_request_id"),
    ("?page=0", "page"),
    ("?page_size=1001", "page_size"),
    # Digits to str.isdigit, not to int(): each was a 500.
    ("?service_request_id=1,²", "service_request_id"),
    ("?page=²", "page"),
    ("?page_size=①", "page_size"),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(("query", "words"), BAD_QUERIES)
def test_bad_queries_are_400(reading_center: Center, fmt: str, query: str, words: str) -> None:
    r = reading_center.client.get(f"{BASE}/requests.{fmt}{query}")
    assert r.status_code == 400
    problems = error_list(r, fmt)
    assert any(code == 400 and words in d for code, d in problems), problems


def test_every_bad_parameter_is_named_at_once(center: Center) -> None:
    r = center.client.get(f"{BASE}/requests.json?status=x&start_date=y&page=0")
    assert r.status_code == 400
    assert len(error_list(r, "json")) == 3


# -- tokens ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_no_token_is_ever_issued_so_none_is_found(center: Center, fmt: str) -> None:
    case_id = center.file()
    r = center.client.get(f"{BASE}/tokens/{case_id}.{fmt}")
    assert r.status_code == 404
    [(status, description)] = error_list(r, fmt)
    assert status == 404 and "token" in description
    assert center.g.store.get(case_id) is not None


def test_a_start_date_ninety_days_back_is_within_the_limit(center: Center) -> None:
    now = datetime(2026, 6, 2, tzinfo=UTC)
    center.g.store.now = lambda: now
    start = (now - timedelta(days=90)).isoformat()
    r = center.client.get(f"{BASE}/requests.json", query_string={"start_date": start})
    assert r.status_code == 200
