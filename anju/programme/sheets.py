"""Progress sheets: an xlsx with columns 项目 / 改造内容 / 进度% read into rows for the bulk update."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from anju.core.errors import ValidationFailed
from anju.domain.sheets import Provenance, stamp, xlsx_row

HEADERS = ("项目", "改造内容", "进度%")
ALIASES = {"项目": 0, "project": 0, "改造内容": 1, "item": 1, "进度%": 2, "进度": 2, "progress%": 2, "progress": 2}


def read_progress_sheet(data: bytes) -> list[tuple[int, str, str, object]]:
    """(row number, project, item, progress) for every non-empty row of the first sheet."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise ValidationFailed("无法读取该文件，请上传 xlsx 表格", "Cannot read the file: upload an xlsx sheet", field="file") from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns: dict[int, int] = {}
    for index, cell in enumerate(header):
        key = str(cell or "").strip().lower().replace(" ", "")
        if key in ALIASES:
            columns[ALIASES[key]] = index
    if set(columns) != {0, 1, 2}:
        raise ValidationFailed("表头应为：项目、改造内容、进度%", "The header must be: project, item, progress%", field="file")
    out = []
    for number, row in enumerate(rows, start=2):
        values = [row[columns[i]] if columns[i] < len(row) else None for i in range(3)]
        if all(v in (None, "") for v in values):
            continue
        out.append((number, str(values[0] or "").strip(), str(values[1] or "").strip(), values[2]))
    return out


def progress_template(rows: list[tuple[str, str, int]], *, provenance: Provenance) -> bytes:
    """A sheet to fill in: one row per item with its current progress; it says who made it and when."""
    book = Workbook()
    sheet = book.active
    sheet.title = "进度"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 18
    stamp(book, provenance)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
