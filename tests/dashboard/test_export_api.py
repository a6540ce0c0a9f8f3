"""GET /api/export/cases.{csv,xlsx,geojson}: each file read back as its reader would, who
may export what, and filters the export cannot take (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest

from app import GridCC
from cases import clock
from cases.model import Report
from tests.dashboard.conftest import login

CELL = "370102001001001"
FORMULA = '=HYPERLINK("http://evil.example","点我")'
HTML = "<script>alert(1)</script> & <b>井盖</b>"


@pytest.fixture
def cases(center: tuple[GridCC, dict[str, str]]) -> dict[str, int]:
    """Four cases: chengguan's (SR01) three, shizheng's (AQ05) one."""
    g, _tokens = center
    plan = {"formula": ("SR01", FORMULA), "html": ("SR01", HTML), "plain": ("SR01", "垃圾")}
    plan["shizheng"] = ("AQ05", "路灯不亮")
    return {
        key: g.store.open_case(
            Report("patrol", cat, text, 117.05, 36.66, CELL, "-1号楼", reporter="李四")
        )[0].id
        for key, (cat, text) in plan.items()
    }


def get(g: GridCC, who: str, path: str) -> Any:
    return login(g, who).get(path)


def csv_rows(response: Any) -> list[list[str]]:
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_csv_reads_back_with_neutralised_formulas_and_text_kept_as_text(
    center: tuple[GridCC, dict[str, str]], cases: dict[str, int]
) -> None:
    g, _ = center
    r = get(g, "op", "/api/export/cases.csv")
    assert r.status_code == 200 and r.is_streamed
    assert r.mimetype == "text/csv"
    day = g.store.now().astimezone(clock.LOCAL_TZ).date()
    assert r.headers["Content-Disposition"] == f'attachment; filename="cases-{day}.csv"'
    header, *rows = csv_rows(r)
    assert header[:3] == ["案件编号", "状态", "超时风险"] and header[-1] == "上报人"
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(by_id) == sorted(cases.values())
    assert by_id[cases["formula"]]["描述"] == "'" + FORMULA
    assert by_id[cases["html"]]["描述"] == HTML
    assert by_id[cases["plain"]]["地点"] == "'-1号楼"
    assert by_id[cases["plain"]]["上报人"] == "李四"
    assert by_id[cases["plain"]]["上报时间"].endswith("+08:00")
    assert by_id[cases["plain"]]["结案时间"] == ""
    english = csv_rows(get(g, "op", "/api/export/cases.csv?lang=en"))
    assert english[0][:3] == ["Case ID", "Status", "SLA risk"]
    assert english[1][1] == "reported" and english[1][6] == "City Management"


def test_xlsx_reads_back_in_openpyxl(
    center: tuple[GridCC, dict[str, str]], cases: dict[str, int]
) -> None:
    g, _ = center
    r = get(g, "op", "/api/export/cases.xlsx?category=SR01&lang=en")
    assert r.status_code == 200 and r.is_streamed
    assert r.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(r.data))
    assert book.sheetnames == ["Cases"]
    sheet = book["Cases"]
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert header[0] == "Case ID" and header[-1] == "Reporter"
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(by_id) == sorted(cases[k] for k in ("formula", "html", "plain"))
    (formula_cell,) = [row[12] for row in sheet.iter_rows() if row[0].value == cases["formula"]]
    assert formula_cell.data_type == "s" and formula_cell.value == "'" + FORMULA
    assert by_id[cases["html"]]["Description"] == HTML
    reported = by_id[cases["plain"]]["Reported at"]
    local = g.store.get(cases["plain"]).created_at.astimezone(clock.LOCAL_TZ)
    assert reported == local.replace(tzinfo=None, microsecond=reported.microsecond)
    assert by_id[cases["plain"]]["Longitude"] == 117.05
    assert by_id[cases["plain"]]["Closed at"] is None


def test_geojson_reads_back_as_a_feature_collection(
    center: tuple[GridCC, dict[str, str]], cases: dict[str, int]
) -> None:
    g, _ = center
    r = get(g, "op", "/api/export/cases.geojson")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    data = json.loads(r.data)
    assert data["type"] == "FeatureCollection"
    features = {f["id"]: f for f in data["features"]}
    assert sorted(features) == sorted(cases.values())
    html = features[cases["html"]]
    assert html["geometry"] == {"type": "Point", "coordinates": [117.05, 36.66]}
    assert html["properties"]["description"] == HTML  # JSON: no formula to neutralise
    assert html["properties"]["reporter"] == "李四"
    empty = json.loads(get(g, "op", "/api/export/cases.geojson?status=closed").data)
    assert empty == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_the_wall_and_strangers_may_not_export(
    center: tuple[GridCC, dict[str, str]], cases: dict[str, int], fmt: str
) -> None:
    g, tokens = center
    assert get(g, "wall", f"/api/export/cases.{fmt}").status_code == 403
    kiosk = g.server.test_client().get(
        f"/api/export/cases.{fmt}", headers={"Authorization": f"Bearer {tokens['wall']}"}
    )
    assert kiosk.status_code == 403 and kiosk.json["error"] == "forbidden"
    assert g.server.test_client().get(f"/api/export/cases.{fmt}").status_code == 401
    assert get(g, "lead", f"/api/export/cases.{fmt}").status_code == 200
    assert get(g, "admin", f"/api/export/cases.{fmt}").status_code == 200


def ids_in(g: GridCC, who: str, fmt: str, query: str = "") -> list[int]:
    r = get(g, who, f"/api/export/cases.{fmt}{query}")
    assert r.status_code == 200, r.data[:200]
    if fmt == "csv":
        return [int(row[0]) for row in csv_rows(r)[1:]]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
        assert sheet is not None
        return [row[0].value for row in sheet.iter_rows(min_row=2)]  # type: ignore[misc]
    return [f["id"] for f in json.loads(r.data)["features"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_a_liaison_exports_only_their_departments_cases(
    center: tuple[GridCC, dict[str, str]], cases: dict[str, int], fmt: str
) -> None:
    g, _ = center
    chengguan = [cases[k] for k in ("formula", "html", "plain")]
    assert ids_in(g, "li-cg", fmt) == chengguan
    assert ids_in(g, "li-sz", fmt) == [cases["shizheng"]]
    # Asking for another department's cases finds none (and says nothing about them).
    assert ids_in(g, "li-sz", fmt, "?department=chengguan") == []
    assert ids_in(g, "li-cg", fmt, "?status=reported&category=SR01,AQ05") == chengguan


def test_the_reporter_is_for_those_who_work_the_case_not_the_wall(
    center: tuple[GridCC, dict[str, str]], cases: dict[str, int]
) -> None:
    g, _ = center
    path = f"/api/cases/{cases['plain']}"
    assert get(g, "op", path).json["case"]["reporter"] == "李四"
    assert get(g, "li-cg", path).json["case"]["reporter"] == "李四"
    wall = get(g, "wall", path)
    assert wall.status_code == 403  # the wall opens no case at all
    assert "李四" not in wall.get_data(as_text=True)
    assert csv_rows(get(g, "li-cg", "/api/export/cases.csv"))[0][-1] == "上报人"


BAD_QUERIES = [
    "status=nope",
    "status=%00",
    "category=SR01%00",
    "category=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "department=%F0%9F%92%A9",
    "cell=" + "9" * 4000,
    "street=１２３４５６７８９",
    "risk=soon",
    "reported_from=99999999999999999999-01-01",
    "reported_from=2026-02-30",
    "reported_from=2026-03-02&reported_to=2026-03-01",
    "reported_to=0",
    "page=2",
    "status=" + ",".join(["filed"] * 50 + [f"s{i}" for i in range(60)]),
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_bad_filter_is_a_json_400(
    center: tuple[GridCC, dict[str, str]], cases: dict[str, int], query: str
) -> None:
    g, _ = center
    for fmt in ("csv", "xlsx", "geojson"):
        r = get(g, "op", f"/api/export/cases.{fmt}?{query}")
        assert r.status_code == 400, (fmt, r.data[:200])
        assert r.json["error"] == "invalid_filter" and r.json["message"]


def test_an_unknown_format_is_404(center: tuple[GridCC, dict[str, str]]) -> None:
    g, _ = center
    r = get(g, "op", "/api/export/cases.pdf")
    assert r.status_code == 404 and r.json["error"] == "unknown_format"
