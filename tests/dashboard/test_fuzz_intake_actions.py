"""Property-based fuzz (hypothesis) of the two doors other systems write through, on a
production-mode center with real users and real cases:

- the intake (POST /api/reports): arbitrary JSON, report-shaped bodies with junk values
  (text with NUL, lone surrogates, HTML; huge and non-finite numbers; nested junk), raw
  bytes, any content type. Never a 5xx; every refusal of a body is recorded with the store.
- the case actions: arbitrary action names, parameters and versions on real cases, by every
  role. Never a 5xx; a refusal is a documented JSON error and changes nothing; a success
  moves the case one version on and appends exactly one event.

Examples per test: EXAMPLES (fewer on PostgreSQL).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import GridCC
from cases import clock
from cases.access import DISTRICT
from cases.model import UnknownCase
from cases.workflow import ACTIONS, PARAM_NAMES, RATINGS, available
from geo.grid import Grid
from tests.dashboard.conftest import act, login, open_case

EXAMPLES = {"sqlite": 300, "postgres": 60}
INTAKE_REFUSALS = {400, 409, 413, 415, 422}
ACTION_ERRORS = {
    400: {"invalid_body", "refused"},
    401: {"unauthenticated"},
    403: {"forbidden"},
    404: {"unknown_case", "unknown_action", "not_found"},  # not_found: no route (empty name)
    409: {"conflict", "invalid_transition"},
}
SPECIAL_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "<script>alert(1)</script>",
    "'; DROP TABLE cases; --",
    "\u202e\u200b\ufeff",
    "𠜎𠜱" * 20,
    "a" * 2001,
    "SR01",
    "chengguan",
    "wgs84",
    "GCJ02",
]


def nasty_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(SPECIAL_TEXT),
        st.text(max_size=40),
        st.text(st.characters(categories=["Cs", "Cc", "Cf", "Zs"]), max_size=20),
    )


def numbers() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(),
        st.integers(min_value=-(10**400), max_value=10**400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=116.9, max_value=117.2),
        st.floats(min_value=36.6, max_value=36.75),
        st.sampled_from([0, -0.0, 1e308, 5e-324, 2**63, -(2**63)]),
    )


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), numbers(), nasty_text())
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(nasty_text(), inner, max_size=4)
        ),
        max_leaves=12,
    )


def report_bodies(grid: Grid) -> st.SearchStrategy[Any]:
    lon, lat = grid.geometries[20].representative_point().coords[0]
    field = st.one_of(json_values(), nasty_text(), numbers())
    shaped = st.fixed_dictionaries(
        {},
        optional={
            "category": st.one_of(st.sampled_from(["SR01", "SR02", "XX"]), field),
            "description": st.one_of(nasty_text(), field),
            "lon": st.one_of(st.just(lon), numbers(), field),
            "lat": st.one_of(st.just(lat), numbers(), field),
            "crs": st.one_of(st.sampled_from(["wgs84", "GCJ02", "bd09", "utm"]), field),
            "source": st.one_of(st.sampled_from(["patrol", "citizen", "x"]), field),
            "report_id": st.one_of(st.from_regex(r"\A[a-z0-9:.-]{1,12}\Z"), field),
            "reporter": st.one_of(nasty_text(), field),
            "extra": field,
        },
    )
    # Mostly right: a real category and a point inside the district, junk on the side; so
    # reports are accepted (201), repeated (200) or clash with the case they repeat (409).
    near = st.fixed_dictionaries(
        {
            "category": st.sampled_from(["SR01", "SR02", "SR03"]),
            "description": st.one_of(nasty_text(), st.just("井盖缺失")),
            "lon": st.one_of(st.just(lon), st.floats(116.9, 117.2)),
            "lat": st.one_of(st.just(lat), st.floats(36.6, 36.75)),
        },
        optional={
            "crs": st.sampled_from(["wgs84", "GCJ02", "bd09"]),
            "source": st.sampled_from(["patrol", "citizen", "hotline"]),
            "report_id": st.sampled_from(["r-1", "r-2", "r:3"]),
            "reporter": nasty_text(),
        },
    )
    return st.one_of(near, near, shaped, json_values())


def raw_bodies(grid: Grid) -> st.SearchStrategy[bytes]:
    as_json = report_bodies(grid).map(lambda b: json.dumps(b).encode("ascii"))
    return st.one_of(
        as_json,
        as_json,  # twice: the other kinds of junk are refused at once, this one goes deeper
        as_json.map(lambda b: b[: len(b) // 2]),  # cut short
        nasty_text().map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=64),
        st.integers(1, 20_000).map(lambda n: b"[" * n + b"]" * n),
        st.just(b'{"description": "' + b"x" * 17_000 + b'"}'),
    )


CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/geo+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    None,
]


def profile(database_url: str) -> settings:
    examples = EXAMPLES["sqlite" if database_url.startswith("sqlite") else "postgres"]
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def test_the_intake_never_fails_and_records_every_refusal(
    center: tuple[GridCC, dict[str, str]], grid: Grid, database_url: str
) -> None:
    g, tokens = center
    client = g.server.test_client()
    statuses: Counter[int] = Counter()
    started = time.monotonic()

    @profile(database_url)
    @given(
        body=raw_bodies(grid),
        content_type=st.one_of(st.just("application/json"), st.sampled_from(CONTENT_TYPES)),
        sender=st.one_of(st.just("op"), st.sampled_from(["li-cg", "admin", "wall", None])),
    )
    def fuzz(body: bytes, content_type: str | None, sender: str | None) -> None:
        recorded = len(g.store.rejections(limit=10**9))
        headers = {"Authorization": f"Bearer {tokens[sender]}"} if sender else {}
        if content_type:
            headers["Content-Type"] = content_type
        r = client.post("/api/reports", data=body, headers=headers)
        statuses[r.status_code] += 1
        assert r.status_code < 500, (r.status_code, body[:200])
        assert r.is_json and isinstance(r.json, dict), r.data[:200]
        now_recorded = len(g.store.rejections(limit=10**9))
        if r.status_code in INTAKE_REFUSALS:
            assert r.json["error"] and r.json["message"]
            assert now_recorded == recorded + 1, (r.status_code, r.json)
        else:
            assert r.status_code in (200, 201, 401), r.json
            assert now_recorded == recorded

    fuzz()
    took = time.monotonic() - started
    print(f"\nintake: {statuses.total()} cases in {took:.1f} s; {dict(sorted(statuses.items()))}")
    if statuses.total() >= 100:  # the fuzz reached what it should: new cases and refusals
        assert statuses[201] and statuses[400] and statuses[415] and statuses[422]


def seed(g: GridCC, grid: Grid) -> list[int]:
    op, li = login(g, "op"), login(g, "li-cg")
    ids = []
    for steps in ((), ("file",), ("file", "dispatch"), ("file", "dispatch", "accept")):
        case_id, version = open_case(g, grid)
        for step in steps:
            assert act(li if step == "accept" else op, case_id, step, version).status_code == 200
            version += 1
        ids.append(case_id)
    return ids


def test_actions_never_fail_and_a_refusal_changes_nothing(
    center: tuple[GridCC, dict[str, str]], grid: Grid, database_url: str
) -> None:
    g, tokens = center
    case_ids = seed(g, grid)
    client = g.server.test_client()
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    param_values = {
        "department": st.one_of(st.sampled_from(["chengguan", "shizheng", "nope"]), nasty_text()),
        "hours": st.one_of(numbers(), nasty_text(), st.sampled_from(["12", "nan", "inf", "1e3"])),
        "rating": st.one_of(st.sampled_from(RATINGS), nasty_text()),
        "into": st.one_of(st.sampled_from(case_ids), st.integers(-(2**70), 2**70), nasty_text()),
        "review": st.one_of(
            st.sampled_from(["2026-02-30", "1900-01-01", "9999-12-31", "tomorrow", ""]),
            st.dates().map(date.isoformat),
            nasty_text(),
        ),
        # check_in's position (WGS-84) and accuracy.
        "lon": st.one_of(numbers(), nasty_text(), st.sampled_from(["117.0", True, None])),
        "lat": st.one_of(numbers(), nasty_text(), st.sampled_from(["36.6", False])),
        "accuracy": st.one_of(numbers(), nasty_text()),
    }
    today = g.store.now().astimezone(clock.LOCAL_TZ).date()
    good_values = {
        "department": st.sampled_from(sorted(g.store.catalog.departments)),
        "hours": st.floats(0.5, 720),
        "rating": st.sampled_from(RATINGS),
        "into": st.sampled_from(case_ids),
        "review": st.dates(today + timedelta(days=1), today + timedelta(days=300)).map(
            date.isoformat
        ),
        "lon": st.floats(116.9, 117.2),
        "lat": st.floats(36.6, 36.72),
        "accuracy": st.floats(0, 200),
    }
    assert set(param_values) == set(good_values) == PARAM_NAMES  # a new one is fuzzed too

    actors = {name: g.users.by_token(token) for name, token in tokens.items()}

    @profile(database_url)
    @given(
        data=st.data(),
        case_id=st.one_of(st.sampled_from(case_ids), st.integers(0, 10**30)),
        actor=st.sampled_from(["op", "lead", "admin", "wall", "li-cg", "li-sz", None]),
    )
    def fuzz(data: st.DataObject, case_id: int, actor: str | None) -> None:
        before = _case_version(g, case_id)
        head = g.store.head(DISTRICT)
        name = data.draw(st.one_of(st.sampled_from(list(ACTIONS)), nasty_text()))
        version = data.draw(
            st.one_of(
                st.just(before or 1),
                st.integers(min_value=-(2**70), max_value=2**70),
                json_values(),
            )
        )
        body: Any = {"expected_version": version}
        body |= data.draw(st.fixed_dictionaries({}, optional={"reason": nasty_text()}))
        body |= data.draw(st.fixed_dictionaries({}, optional=param_values))
        body = data.draw(st.one_of(st.just(body), st.just(body), json_values()))
        # Half the time instead: an action this actor may take on this case now, with good
        # values, so the fuzz also walks cases along their lifecycle and meets their later
        # states. The draws are the same whatever the state (hypothesis replays them).
        plausible, pick = data.draw(st.booleans()), data.draw(st.integers(0, 99))
        good = data.draw(st.fixed_dictionaries(good_values))
        user = actors.get(actor or "")
        if plausible and before is not None and user is not None:
            offered = available(user.actor, g.store.get(case_id))
            if offered:
                action = offered[pick % len(offered)]
                name = action.name
                body = {"expected_version": before, "reason": "fuzz"}
                body |= {p.name: good[p.name] for p in action.params}
        headers = {"Authorization": f"Bearer {tokens[actor]}"} if actor else {}
        r = client.post(
            f"/api/cases/{case_id}/actions/{quote(name.encode('utf-8', 'surrogatepass'), safe='')}",
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        statuses[r.status_code] += 1
        assert r.status_code < 500, (r.status_code, r.data[:300])
        after = _case_version(g, case_id)
        if r.status_code == 200:
            assert before is not None and after == before + 1
            assert r.json["case"]["version"] == after and r.json["seq"] == head + 1
            assert g.store.head(DISTRICT) == head + 1
        else:
            assert r.json["error"] in ACTION_ERRORS.get(r.status_code, set()), r.json
            assert after == before and g.store.head(DISTRICT) == head

    fuzz()
    took = time.monotonic() - started
    print(f"\nactions: {statuses.total()} cases in {took:.1f} s; {dict(sorted(statuses.items()))}")
    if statuses.total() >= 100:  # the fuzz reached what it should: each answer
        assert all(statuses[s] for s in (200, 400, 401, 403, 404, 409)), statuses


def _case_version(g: GridCC, case_id: int) -> int | None:
    try:
        return g.store.get(case_id).version
    except UnknownCase:
        return None
