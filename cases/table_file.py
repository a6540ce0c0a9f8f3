"""A table uploaded as a file — CSV (UTF-8, or GB18030 as Excel saves it in China) or an
Excel workbook (.xlsx, its first sheet) — read as rows of texts, within bounds.

The bounds hold before the content is trusted: the file's size, the size an .xlsx unpacks
to (a zip bomb is refused before it is opened), the number of rows and of columns read.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime

from cases.model import CaseError, storable

MAX_FILE_BYTES = 1024 * 1024
MAX_UNZIPPED_BYTES = 32 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 12
XLSX_MAGIC = b"PK\x03\x04"


class TableRefused(CaseError):
    """A file that is no table we read; says why in English and Chinese."""


def read_table(data: bytes) -> list[list[str]]:
    """The file's rows as texts (an .xlsx's first sheet, or CSV in UTF-8 or GB18030)."""
    if len(data) > MAX_FILE_BYTES:
        kb = MAX_FILE_BYTES // 1024
        raise TableRefused(f"the file is over {kb} KB", f"文件超过 {kb} KB")
    rows = _xlsx_rows(data) if data.startswith(XLSX_MAGIC) else _csv_rows(data)
    out: list[list[str]] = []
    for row in rows:
        if len(out) > MAX_ROWS:
            raise TableRefused(f"the file has over {MAX_ROWS} rows", f"文件超过 {MAX_ROWS} 行")
        out.append(row[:MAX_COLUMNS])
    return out


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableRefused(
            "the file is neither UTF-8 nor GB18030 text", "文件不是 UTF-8 或 GB18030 文本"
        )
    if not storable(text):
        raise TableRefused("the text holds a NUL or a lone surrogate", "文本含有无效字符")
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise TableRefused(f"not a CSV file: {exc}", "不是有效的 CSV 文件") from None


def _xlsx_rows(data: bytes) -> Iterable[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
        if unpacked > MAX_UNZIPPED_BYTES:
            raise TableRefused("the workbook unpacks too large", "工作簿解压后过大")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TableRefused:
        raise
    except Exception:
        raise TableRefused(
            "not an Excel (.xlsx) workbook", "不是有效的 Excel（.xlsx）工作簿"
        ) from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or a cell code typed as a number
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
