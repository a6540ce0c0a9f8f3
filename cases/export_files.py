"""The export files, written as they go: each takes the cases a batch at a time and yields
bytes, so memory holds one batch and a client receives the first rows at once.

CSV is UTF-8 with a BOM (Excel then reads the Chinese right); Excel files are written by
xlsxwriter in constant-memory mode to a temporary file, then sent in chunks and deleted;
GeoJSON is a FeatureCollection written feature by feature. Text a spreadsheet would take for
a formula is neutralised in CSV and Excel (``export.neutralise``); GeoJSON keeps text as is.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import xlsxwriter

from cases.export import Sheet, neutralise
from cases.model import Case

BOM = "\ufeff"
CHUNK_BYTES = 64 * 1024
XLSX_MAX_ROWS = 1_048_576  # rows of one worksheet, its header included
XLSX_MAX_TEXT = 32_767  # characters of one cell
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def csv_cells(values: list[Any]) -> list[Any]:
    """A row's values as CSV cells: times ISO 8601 (local, as given), text neutralised."""
    return [
        ""
        if v is None
        else v.isoformat(timespec="seconds")
        if isinstance(v, datetime)
        else neutralise(v)
        if isinstance(v, str)
        else v
        for v in values
    ]


def csv_chunks(sheet: Sheet, batches: Iterable[list[Case]]) -> Iterator[bytes]:
    """The header, then one chunk of lines per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(sheet.header())
    yield buffer.getvalue().encode("utf-8")
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([csv_cells(sheet.values(case)) for case in batch])
        yield buffer.getvalue().encode("utf-8")


def geojson_chunks(sheet: Sheet, batches: Iterable[list[Case]]) -> Iterator[bytes]:
    """A FeatureCollection (RFC 7946, WGS-84), one chunk of features per batch."""
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for batch in batches:
        if not batch:
            continue
        text = ",".join(
            json.dumps(sheet.feature(case), ensure_ascii=False, separators=(",", ":"))
            for case in batch
        )
        yield (text if first else "," + text).encode("utf-8")
        first = False
    yield b"]}"


def xlsx_chunks(
    sheet: Sheet,
    batches: Iterable[list[Case]],
    rows_per_sheet: int = XLSX_MAX_ROWS,
    directory: str | None = None,
) -> Iterator[bytes]:
    """The workbook, written to a temporary file (constant memory: each row is flushed to
    disk as the next begins), then read back in chunks; the file is deleted when the last
    chunk is sent or the download is abandoned. Past a worksheet's rows, another begins."""
    handle, path = tempfile.mkstemp(prefix="gridcc-export-", suffix=".xlsx", dir=directory)
    os.close(handle)
    try:
        _write_workbook(path, sheet, batches, rows_per_sheet)
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


def _write_workbook(
    path: str, sheet: Sheet, batches: Iterable[list[Case]], rows_per_sheet: int
) -> None:
    options = {
        "constant_memory": True,
        # Text stays text: never read as a formula, a link or a number.
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "tmpdir": os.path.dirname(path),
    }
    workbook = xlsxwriter.Workbook(path, options)
    try:
        when = workbook.add_format({"num_format": TIME_FORMAT})
        bold = workbook.add_format({"bold": True})
        header = sheet.header()
        title = "Cases" if sheet.lang == "en" else "案件"
        worksheet: Any = None
        row = rows_per_sheet
        sheets = 0
        for batch in batches:
            for case in batch:
                if row >= rows_per_sheet:
                    sheets += 1
                    worksheet = workbook.add_worksheet(
                        title if sheets == 1 else f"{title} {sheets}"
                    )
                    worksheet.freeze_panes(1, 0)
                    worksheet.write_row(0, 0, header, bold)
                    row = 1
                _write_row(worksheet, row, sheet.values(case), when)
                row += 1
        if worksheet is None:  # no case: the header alone
            workbook.add_worksheet(title).write_row(0, 0, header, bold)
    finally:
        workbook.close()


def _write_row(worksheet: Any, row: int, values: list[Any], when: Any) -> None:
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, str):
            worksheet.write_string(row, col, neutralise(value)[:XLSX_MAX_TEXT])
        elif isinstance(value, datetime):
            worksheet.write_datetime(row, col, value.replace(tzinfo=None), when)
        else:
            worksheet.write_number(row, col, value)
