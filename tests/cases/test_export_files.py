"""The export files as they are written: a chunk per batch, Excel's worksheets filled in
turn, and the temporary workbook gone however the download ends."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl

from cases.catalog import Catalog
from cases.export import Sheet
from cases.export_files import csv_chunks, geojson_chunks, xlsx_chunks
from cases.model import Case, Status

AT = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)  # 10:30 in Asia/Shanghai


def case(n: int, description: str = "x") -> Case:
    return Case(
        id=n,
        source="patrol",
        external_id=None,
        category_code="SR01",
        description=description,
        lon=117.0 + n / 1000,
        lat=36.6,
        cell_code="370102001001001",
        place="",
        department="chengguan",
        status=Status.CLOSED,
        created_at=AT,
        updated_at=AT,
        deadline=AT + timedelta(hours=8),
        closed_at=AT + timedelta(hours=1),
        version=1,
    )


def batches(n: int, size: int) -> list[list[Case]]:
    cases = [case(i + 1) for i in range(n)]
    return [cases[i : i + size] for i in range(0, n, size)]


def test_csv_is_written_a_batch_at_a_time(catalog: Catalog) -> None:
    chunks = list(csv_chunks(Sheet(catalog, AT), batches(5, 2)))
    assert len(chunks) == 1 + 3  # the header, then one chunk per batch
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert rows[1][rows[0].index("结案时间")] == "2026-03-01T11:30:00+08:00"


def test_geojson_is_written_a_batch_at_a_time(catalog: Catalog) -> None:
    chunks = list(geojson_chunks(Sheet(catalog, AT), [[], *batches(3, 2), []]))
    data = json.loads(b"".join(chunks))
    assert [f["id"] for f in data["features"]] == [1, 2, 3]
    assert data["features"][2]["geometry"]["coordinates"] == [117.003, 36.6]


def test_excel_fills_one_worksheet_then_the_next(catalog: Catalog, tmp_path: Path) -> None:
    chunks = xlsx_chunks(
        Sheet(catalog, AT, "en"), batches(7, 3), rows_per_sheet=4, directory=str(tmp_path)
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(chunks)))
    assert book.sheetnames == ["Cases", "Cases 2", "Cases 3"]
    ids = [[row[0] for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames]
    assert ids == [["Case ID", 1, 2, 3], ["Case ID", 4, 5, 6], ["Case ID", 7]]
    closed = book["Cases"].cell(row=2, column=22)
    assert (
        closed.value == datetime(2026, 3, 1, 11, 30)
        and closed.number_format == "yyyy-mm-dd hh:mm:ss"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_empty_export_is_a_header_and_the_workbook_is_deleted_when_abandoned(
    catalog: Catalog, tmp_path: Path
) -> None:
    empty = b"".join(xlsx_chunks(Sheet(catalog, AT), [], directory=str(tmp_path)))
    rows = list(openpyxl.load_workbook(io.BytesIO(empty))["案件"].iter_rows(values_only=True))
    assert len(rows) == 1 and rows[0][0] == "案件编号"
    # A long text makes a workbook of several chunks; the client leaves after the first.
    long = [[case(i, "很长的描述" * 2000) for i in range(1, 40)]]
    download = xlsx_chunks(Sheet(catalog, AT), long, directory=str(tmp_path))
    first = next(download)
    assert first.startswith(b"PK") and len(list(tmp_path.iterdir())) == 1
    download.close()
    assert list(tmp_path.iterdir()) == []
