"""Property-based fuzz (hypothesis) of Open311: arbitrary form fields to POST requests and
arbitrary query parameters to GET requests, in both formats. Never a 5xx; every answer is
the specification's shape (a list of requests, or the errors array with its status); a
refused POST writes no case.

Examples per test: EXAMPLES (fewer on PostgreSQL).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.dashboard.test_fuzz_intake_actions import nasty_text, numbers
from tests.feeds.open311.conftest import BASE, Center

EXAMPLES = {"sqlite": 200, "postgres": 40}
POST_FIELDS = (
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "attribute[crs]",
    "description",
    "first_name",
    "phone",
    "media_url",
)
QUERY_FIELDS = (
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "jurisdiction_id",
)
ERROR_STATUSES = {400, 403, 404, 413}


def values() -> st.SearchStrategy[str]:
    dates = st.sampled_from(["2026-11-01T00:00:00+08:00", "2026-13-45", "2026-11-29", "0"])
    return st.one_of(
        nasty_text(),
        numbers().map(str),
        dates,
        st.sampled_from(["SR01", "CG05", "XX", "open", "closed", "jinan-lixia", "wgs84", "1,2,x"]),
    )


def fuzzed(database_url: str) -> Any:
    """Hypothesis settings for one store: EXAMPLES of it, no deadline (a busy machine)."""
    backend = "postgres" if database_url.startswith("postgresql") else "sqlite"
    return settings(
        max_examples=EXAMPLES[backend],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def _encoded(fields: dict[str, Any]) -> bytes:
    """As a client's bytes: lone surrogates become bytes that are not UTF-8, as they would."""
    return urlencode(
        {k: str(v) for k, v in fields.items()}, encoding="utf-8", errors="surrogatepass"
    ).encode("ascii")


def _check_answer(r: Any, fmt: str, statuses: set[int]) -> None:
    assert r.status_code < 500, r.data[:300]
    assert r.status_code in statuses, (r.status_code, r.data[:300])
    if fmt == "json":
        body = json.loads(r.data.decode("utf-8"))
        assert isinstance(body, list)
        if r.status_code >= 400:
            assert body and all({"code", "description"} <= set(e) for e in body)
    else:
        root = etree.fromstring(r.data)
        if r.status_code >= 400:
            assert root.tag == "errors" and root.findall("error/code")


def test_open311_posts_never_fail_and_refusals_write_nothing(
    center: Center, database_url: str
) -> None:
    lon, lat = center.point()
    good = {"api_key": center.keys["op"], "service_code": "SR01", "lat": lat, "long": lon}
    client = center.client

    @fuzzed(database_url)
    @given(
        fmt=st.sampled_from(["json", "xml"]),
        keep=st.sets(st.sampled_from(sorted(good))),
        junk=st.dictionaries(st.sampled_from(POST_FIELDS), values(), max_size=5),
    )
    def post(fmt: str, keep: set[str], junk: dict[str, str]) -> None:
        form = {k: v for k, v in good.items() if k in keep}
        form.update(junk)
        before = center.g.store.last_seq()
        r = client.post(
            f"{BASE}/requests.{fmt}",
            data=_encoded(form),
            content_type="application/x-www-form-urlencoded",
        )
        _check_answer(r, fmt, {200, 201} | ERROR_STATUSES)
        if r.status_code >= 400:
            assert center.g.store.last_seq() == before  # a refusal writes no case

    post()


def test_open311_queries_never_fail(center: Center, database_url: str) -> None:
    center.file()
    client = center.client

    @fuzzed(database_url)
    @given(
        fmt=st.sampled_from(["json", "xml"]),
        query=st.dictionaries(st.sampled_from(QUERY_FIELDS), values(), max_size=5),
        one=values(),
    )
    def query(fmt: str, query: dict[str, str], one: str) -> None:
        _check_answer(
            client.get(f"{BASE}/requests.{fmt}?{_encoded(query).decode('ascii')}"),
            fmt,
            {200, 400, 404},
        )

        one_id = quote(one, safe="", encoding="utf-8", errors="surrogatepass")
        path = f"{BASE}/requests/{one_id}.{fmt}"
        _check_answer(client.get(path), fmt, {200, 400, 404})

    query()


def test_a_path_no_open311_route_serves_answers_the_errors_array(center: Center) -> None:
    """Found by the fuzz above: such a path got Dash's HTML page with 200."""
    client = center.client
    for path, fmt in (
        (f"{BASE}/nowhere.json", "json"),
        (f"{BASE}/requests/a%2Fb.xml", "xml"),
        (f"{BASE}/services", "xml"),
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        _check_answer(r, fmt, {404})
    r = client.delete(f"{BASE}/services.json")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert json.loads(r.data)[0]["code"] == 405


def test_the_api_key_is_taken_from_the_body_never_the_address(center: Center) -> None:
    lon, lat = center.point()
    form = {"service_code": "SR01", "lat": lat, "long": lon}
    key = center.keys["op"]
    r = center.client.post(f"{BASE}/requests.json?api_key={key}", data=form)
    assert r.status_code == 400 and "body" in json.loads(r.data)[0]["description"]
    assert (
        center.client.post(f"{BASE}/requests.json", data={**form, "api_key": key}).status_code
        == 201
    )


def test_the_public_door_is_limited_per_address_and_keys_have_their_own(
    make_app: Any, database_url: str
) -> None:
    from tests.dashboard.conftest import TEST_SECRET

    g = make_app(
        database_url, gridcc_env="production", secret_key=TEST_SECRET, public_rate_limit="3/minute"
    )
    client = g.server.test_client()
    paths = ("services.json", "requests.json", "services.xml", "requests/1.json")
    codes = [client.get(f"{BASE}/{path}").status_code for path in paths]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429  # one count for the whole door
    refused = client.get(f"{BASE}/services.json")
    assert json.loads(refused.data)[0]["code"] == 429  # the specification's errors array
    assert int(refused.headers["Retry-After"]) > 0
    key = g.keys.create("hotline-12345", "intake")
    lon, lat = g.grid.geometries[20].representative_point().coords[0]
    form = {"api_key": key, "service_code": "SR01", "lat": lat, "long": lon}
    assert client.post(f"{BASE}/requests.json", data=form).status_code == 201  # its own count
