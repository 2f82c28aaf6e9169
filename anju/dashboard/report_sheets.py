"""The monthly report as xlsx, and an office's own xlsx layout read into a template.

An office's layout: its header rows (title, merged group headings, headings with units) are kept as
they are; the data rows and the totals row (合计) are written below them. The built-in template gets
a layout of its own: title, group headings merged across their columns, each heading with its unit.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from anju.core.errors import ValidationFailed
from anju.dashboard.models import ReportTemplate
from anju.dashboard.report_queries import REGISTRY, find
from anju.domain.sheets import Provenance, stamp, xlsx_text

MAX_LAYOUT_BYTES = 2 * 1024 * 1024
MAX_HEADER_ROWS = 10
UNIT = re.compile(r"^(?P<label>.*?)\s*[（(]\s*(?P<unit>[^（）()]{1,12})\s*[）)]\s*$")
THIN = Side(style="thin", color="888888")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="F1F1F1")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def split_unit(text: str) -> tuple[str, str]:
    """"户数（户）" → ("户数", "户"); a heading without a unit in brackets keeps it all."""
    match = UNIT.match(text.strip())
    return (match["label"].strip(), match["unit"].strip()) if match else (text.strip(), "")


def heading_text(column: dict[str, Any]) -> str:
    return f"{column['heading']}（{column['unit']}）" if column.get("unit") else column["heading"]


def _merged_value(sheet: Any, row: int, col: int) -> tuple[Any, bool]:
    """A cell's value, or its merged range's top-left value; and whether it spans several columns."""
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return sheet.cell(merged.min_row, merged.min_col).value, merged.max_col > merged.min_col
    return sheet.cell(row, col).value, False


def _headings(data: bytes) -> tuple[list[tuple[str, str, str, str, str]], int]:
    """(letter, group, label, unit, heading as written) for each column of the first sheet; the heading row.

    The heading row is the lowest of the first rows with at least half as many filled cells as the
    fullest (a title row above, merged across, counts as one); a column whose cell there is empty takes
    the heading written above it. A merged cell just above a heading, spanning several columns, is
    that column's group; a unit in brackets is split off
    (the group's unit serves a column that has none: 投资（万元）)."""
    if len(data) > MAX_LAYOUT_BYTES:
        raise ValidationFailed("报表样式文件超过 2 MB", "The layout file is larger than 2 MB", field="file")
    try:
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    except Exception as exc:  # openpyxl raises many types for a file that is not xlsx
        raise ValidationFailed("无法读取该文件，请上传 xlsx 表格", "Cannot read the file: upload an xlsx sheet",
                               field="file") from exc
    width = min(sheet.max_column, 60)
    filled = {r: sum(1 for c in range(1, width + 1) if str(_merged_value(sheet, r, c)[0] or "").strip())
              for r in range(1, min(sheet.max_row, MAX_HEADER_ROWS) + 1)}
    if not filled or max(filled.values()) == 0:
        raise ValidationFailed("表格前 10 行里没有表头", "No heading row in the first 10 rows", field="file")
    most = max(filled.values())
    head = max(r for r, n in filled.items() if 2 * n >= most)  # the lowest row that is mostly headings
    out = []
    for col in range(1, width + 1):
        text = str(_merged_value(sheet, head, col)[0] or "").strip()
        row = head
        while not text and row > 1:  # a heading written higher up, not merged down to the heading row
            row -= 1
            value, wide = _merged_value(sheet, row, col)
            text = "" if wide else str(value or "").strip()
        if not text:
            continue
        group = ""
        if row > 1:
            above, wide = _merged_value(sheet, row - 1, col)
            if wide and str(above or "").strip() and str(above).strip() != text:
                group = str(above).strip()
        label, unit = split_unit(text)
        out.append((get_column_letter(col), group, label, unit or split_unit(group)[1], text))
    return out, head


def layout_columns(data: bytes) -> list[dict[str, str]]:
    """The layout's columns with the query each heading matches ("" where none), for the mapping form."""
    try:
        headings, _head = _headings(data)
    except ValidationFailed:
        return []
    return [{"letter": letter, "text": text, "query": (q.key if (q := find(label, unit)) else "")}
            for letter, _group, label, unit, text in headings]


def read_layout(data: bytes, mapping: dict[str, str] | None = None) -> tuple[list[dict[str, str]], int]:
    """The columns of an office's layout (first sheet) and its number of header rows.

    Each column is matched to a registered query by its heading (and unit), or by `mapping` (column
    letter → query key), which wins. A column matched by neither, or mapped to a key that is not
    registered, is refused, naming it, with nothing saved."""
    headings, head = _headings(data)
    mapping = {k.upper(): v for k, v in (mapping or {}).items() if v}
    columns, missing = [], []
    for letter, group, label, unit, text in headings:
        key = mapping.get(letter)
        query = REGISTRY.get(key) if key else find(label, unit)
        if key and query is None:
            raise ValidationFailed(f"第 {letter} 列“{text}”选择的数据项“{key}”不在可用数据项之列",
                                   f"Column {letter} “{text}”: “{key}” is not a registered query", field=f"map_{letter}")
        if query is None:
            missing.append((letter, text))
            continue
        columns.append({"group": group, "heading": label, "unit": unit, "query": query.key, "column": letter})
    if missing:
        zh = "、".join(f"{letter} 列“{text}”" for letter, text in missing)
        en = ", ".join(f"column {letter} “{text}”" for letter, text in missing)
        raise ValidationFailed(f"以下列对应不到数据项，请为它们选择数据项：{zh}",
                               f"These columns match no registered query; choose one for each: {en}",
                               field=f"map_{missing[0][0]}")
    return columns, head


def _write_number(sheet: Any, row: int, col: int, text: str, places: int) -> None:
    target = sheet.cell(row, col)
    if text == "":
        return
    target.value = Decimal(text) if places else int(Decimal(text))
    target.number_format = "#,##0" + ("." + "0" * places if places else "")


def _data_rows(sheet: Any, data: dict[str, Any], start: int, columns: list[dict[str, Any]],
               positions: list[int]) -> int:
    """Write the rows and the totals row from `start`; the row after them."""
    r = start
    lines = [*data["rows"], data["totals"]]
    first_text = next((i for i, c in enumerate(columns) if not c["numeric"]), None)
    for n, line in enumerate(lines):
        is_total = n == len(lines) - 1
        for i, (column, text) in enumerate(zip(columns, line, strict=True)):
            col = positions[i]
            if column["numeric"]:
                _write_number(sheet, r, col, text, REGISTRY[column["query"]].places)
            else:
                sheet.cell(r, col).value = xlsx_text("合计" if is_total and i == first_text else text)
            sheet.cell(r, col).border = BOX
            if is_total:
                sheet.cell(r, col).font = BOLD
        r += 1
    return r


def _national_header(sheet: Any, data: dict[str, Any], columns: list[dict[str, Any]]) -> int:
    """Title, the compiling line, merged group headings over headings with units; the first data row."""
    width = len(columns)
    sheet.cell(1, 1).value = data["title"]
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = CENTRE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(2, 1).value = f"填报单位：{data['subdistrict']}　　统计截至：{data['as_of']}"
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    i = 0
    while i < width:
        group = columns[i]["group"]
        j = i
        while j + 1 < width and group and columns[j + 1]["group"] == group:
            j += 1
        if group:
            sheet.cell(3, i + 1).value = group
            if j > i:
                sheet.merge_cells(start_row=3, start_column=i + 1, end_row=3, end_column=j + 1)
            for k in range(i, j + 1):
                sheet.cell(4, k + 1).value = heading_text(columns[k])
        else:
            sheet.cell(3, i + 1).value = heading_text(columns[i])
            sheet.merge_cells(start_row=3, start_column=i + 1, end_row=4, end_column=i + 1)
        i = j + 1
    for r in (3, 4):
        for c in range(1, width + 1):
            sheet.cell(r, c).font, sheet.cell(r, c).fill = BOLD, HEAD_FILL
            sheet.cell(r, c).alignment, sheet.cell(r, c).border = CENTRE, BOX
    for c in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 12 if columns[c - 1]["numeric"] else 16
    sheet.freeze_panes = "A5"
    return 5


def _sign_lines(sheet: Any, data: dict[str, Any], row: int) -> int:
    signed = data.get("submitted")
    if signed:
        line = (f"编制单位：{signed['compiled_by']}　　填报人：{signed['filled_by']}　　"
                f"审核人：{signed['reviewed_by']}　　报送日期：{signed['date']}")
    else:
        line = "草稿（未报送）：数据为导出时的实时数据，报送后冻结。"
    sheet.cell(row + 1, 1).value = xlsx_text(line)
    for n, change in enumerate(data.get("changes") or [], start=row + 3):
        if n == row + 3:
            prev = data["previous"]
            sheet.cell(n - 1, 1).value = f"较{prev['year']}年{prev['month']}月（已报送）变化"
            sheet.cell(n - 1, 1).font = BOLD
        sheet.cell(n, 1).value = heading_text(change)
        sheet.cell(n, 2).value = Decimal(change["before"])
        sheet.cell(n, 3).value = Decimal(change["now"])
        sheet.cell(n, 4).value = xlsx_text(change["change"])
    return row


def report_xlsx(template: ReportTemplate, data: dict[str, Any], *, provenance: Provenance) -> bytes:
    """The month's report as xlsx in the template's layout (the office's own file, or the built-in one)."""
    columns = data["columns"]
    if template.layout:
        book = load_workbook(io.BytesIO(bytes(template.layout)))
        for extra in book.worksheets[1:]:
            book.remove(extra)
        sheet = book.worksheets[0]
        letters = [c.get("column") for c in columns]
        positions = [sheet[f"{letter}1"].column if letter else i + 1 for i, letter in enumerate(letters)]
        start = template.header_rows + 1
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = "月报表"
        positions = list(range(1, len(columns) + 1))
        start = _national_header(sheet, data, columns)
    end = _data_rows(sheet, data, start, columns, positions)
    _sign_lines(sheet, data, end)
    stamp(book, provenance)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
