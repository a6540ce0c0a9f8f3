"""The working calendar over HTTP: every screen may read the warning; only an admin reads the
coverage or enters a year (403 otherwise, worded in English and Chinese); a refused file
names its line; entering a year recomputes the open cases and the warning goes."""

from __future__ import annotations

from app import GridCC
from tests.cases.calendar_samples import NEW_YEAR_MAKE_UP_2027, SCHEDULE_2027
from tests.dashboard.conftest import login

ZH_WARNING = "工作日历仅录入至 2026-12-31，2027-01-01 起按法定节假日推算，请录入 2027 年安排"


def post_schedule(client: object, text: str | bytes, lang: str = "zh") -> object:
    body = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(  # type: ignore[attr-defined]
        f"/api/admin/calendar?lang={lang}", data=body, content_type="text/plain; charset=utf-8"
    )


def test_every_screen_reads_the_warning_in_its_language(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, tokens = center
    g.store.now = lambda: _utc("2026-11-30T12:00")
    for name in ("wall", "op", "li-cg", "admin"):
        r = login(g, name).get("/api/calendar/notice")
        assert r.status_code == 200, name
        assert r.json["notice"]["text"] == ZH_WARNING
        assert r.json["notice"]["first_uncovered"] == "2027-01-01"
        assert r.json["notice"]["days_left"] == 32
    en = g.server.test_client().get(
        "/api/calendar/notice?lang=en", headers={"Authorization": f"Bearer {tokens['wall']}"}
    )
    assert "entered up to 2026-12-31" in en.json["notice"]["text"]
    assert g.server.test_client().get("/api/calendar/notice").status_code == 401
    # 61 days before, no warning yet
    g.store.now = lambda: _utc("2026-11-01T12:00")
    assert login(g, "wall").get("/api/calendar/notice").json == {"notice": None}


def test_only_an_admin_reads_or_enters_the_calendar_in_either_language(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, tokens = center
    for name in ("op", "lead", "wall", "li-cg"):
        client = login(g, name)
        for r in (client.get("/api/admin/calendar"), post_schedule(client, SCHEDULE_2027)):
            assert r.status_code == 403, name
            assert r.json["error"] == "forbidden"
            assert "not open to your role" in r.json["message"]
            assert "无权" in r.json["message_zh"]
    # An admin's API token is a person's too; a key is not (no admin scope exists).
    r = g.server.test_client().post(
        "/api/admin/calendar",
        data=SCHEDULE_2027.encode(),
        headers={"Authorization": f"Bearer {tokens['op']}"},
    )
    assert r.status_code == 403
    r = g.server.test_client().post("/api/admin/calendar", data=SCHEDULE_2027.encode())
    assert r.status_code == 401 and r.json["message_zh"] == "请先登录"
    assert 2027 not in g.store.work_calendar.years


def test_a_session_without_its_csrf_token_enters_nothing(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    client = login(g, "admin")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    assert post_schedule(client, SCHEDULE_2027).status_code == 403
    assert 2027 not in g.store.work_calendar.years


def test_an_admin_enters_a_year_and_the_open_cases_are_recomputed(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    g.store.now = lambda: _utc("2026-12-31T16:00")
    lon, lat = g.grid.geometries[20].representative_point().coords[0]
    made = login(g, "op").post(
        "/api/reports", json={"category": "DJ01", "description": "x", "lon": lon, "lat": lat}
    )
    case_id = made.json["case_id"]
    assert g.store.get(case_id).deadline == _utc("2027-01-12T15:30")
    admin = login(g, "admin")
    coverage = admin.get("/api/admin/calendar?year=2026").json
    assert coverage["covered_until"] == "2026-12-31" and coverage["warn_days"] == 60
    assert coverage["years"][-1]["year"] == 2026 and coverage["schedule"]["year"] == 2026
    assert coverage["schedule"]["days"][0] == {
        "day": "2026-01-01",
        "working": False,
        "name": "元旦",
    }
    assert admin.get("/api/admin/calendar?year=2027").json["schedule"] is None
    assert admin.get("/api/admin/calendar?year=abc").status_code == 400

    r = post_schedule(admin, NEW_YEAR_MAKE_UP_2027)
    assert r.status_code == 200, r.json
    assert r.json == {"year": 2027, "days": 2, "replaced": None, "recomputed": 1, "notice": None}
    assert g.store.get(case_id).deadline == _utc("2027-01-11T15:30")
    coverage = admin.get("/api/admin/calendar").json
    assert coverage["years"][-1]["source"] == "admin"
    assert coverage["years"][-1]["entered_by"] == "admin:admin"
    assert coverage["first_uncovered"] == "2028-01-01"
    timeline = admin.get(f"/api/cases/{case_id}/timeline").json
    assert timeline["events"][-1]["kind"] == "case.recomputed"


def test_a_bad_file_is_refused_naming_its_line_in_both_languages(
    center: tuple[GridCC, dict[str, str]],
) -> None:
    g, _ = center
    admin = login(g, "admin")
    r = post_schedule(admin, "year: 2027\n2027-01-01,rest,元旦\n2027-01-01,rest,元旦\n")
    assert r.status_code == 400
    assert r.json["error"] == "invalid_calendar" and r.json["line"] == 3
    assert r.json["message"] == "line 3: 2027-01-01 is listed twice"
    assert r.json["message_zh"] == "第 3 行：2027-01-01 重复"
    r = post_schedule(admin, "year: 2027\n2027-01-01,rest,元旦\n".encode("gbk"))
    assert r.status_code == 400 and r.json["message_zh"] == "文件不是 UTF-8 编码"
    assert post_schedule(admin, b"").status_code == 400
    assert 2027 not in g.store.work_calendar.years


def _utc(text: str) -> object:
    from datetime import datetime

    from cases import clock

    return datetime.fromisoformat(text).replace(tzinfo=clock.LOCAL_TZ).astimezone(clock.UTC)
