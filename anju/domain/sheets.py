"""Cells for the xlsx and CSV files Anju writes: user data stays data, never a formula; each file says
who made it and when.

OWASP's CSV injection: text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return may be
run as a formula by a spreadsheet. In an xlsx such text is written as a text cell (type "s", with
Excel's quote-prefix style, so that even editing the cell keeps it text); in a CSV it gets one
leading single quote. Numbers, dates and booleans are left as they are (a negative area or sum of
money stays a number). Every writer goes through `xlsx_value`/`xlsx_row` or `csv_value`/`csv_row`.

Pure (openpyxl only, no Django), so the domain's problem report uses it as well as the apps.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import Cell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font
from openpyxl.workbook import Workbook

__all__ = ["ABOUT_SHEET", "FORMULA_STARTS", "Provenance", "csv_row", "csv_value", "looks_like_formula", "stamp",
           "text_cell", "xlsx_row", "xlsx_text", "xlsx_value"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ABOUT_SHEET = "说明 About"
_MAX_CELL = 32767  # characters an xlsx cell holds
# Characters XML 1.0 cannot carry at all (an xlsx with one does not open), and line ends, which an
# XML reader turns into "\n" anyway: written as "\n" so what is read back is what was written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_END = re.compile("\r\n?")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula (or, in an xlsx, an error value)."""
    return text.startswith(FORMULA_STARTS) or text in ERROR_CODES


def xlsx_text(text: str) -> str:
    """`text` as an xlsx cell holds it: without the characters XML cannot carry, line ends as "\\n"."""
    if text.isprintable():  # the usual case, and fast: no control character, surrogate or non-character
        return text[:_MAX_CELL]
    return _LINE_END.sub("\n", _NOT_XML.sub("", text))[:_MAX_CELL]


def xlsx_value(sheet: Any, value: Any) -> Any:
    """What to append to `sheet` (any openpyxl worksheet, write-only too) for `value`: formula-shaped
    text as a text cell, other text cleaned (see `xlsx_text`), anything else unchanged."""
    if not isinstance(value, str):
        return value
    text = xlsx_text(value)
    return _text_cell(sheet, text) if looks_like_formula(text) else text


def text_cell(sheet: Any, value: Any, *, font: Font | None = None, fill: Any = None,
              alignment: Alignment | None = None) -> Cell:
    """A styled cell for `value`, for the headers and marked cells of a sheet; text is never a formula."""
    if isinstance(value, str):
        text = xlsx_text(value)
        cell = _text_cell(sheet, text) if looks_like_formula(text) else Cell(sheet, row=1, column=1, value=text)
    else:
        cell = Cell(sheet, row=1, column=1, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _text_cell(sheet: Any, text: str) -> Cell:
    cell = Cell(sheet, row=1, column=1, value=text)  # openpyxl reads "=…" as a formula, "#N/A" as an error
    cell.data_type = "s"
    cell.quotePrefix = True  # Excel keeps the cell text even when someone edits it
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    return [xlsx_value(sheet, v) for v in values]


def csv_value(value: Any) -> Any:
    """`value` for csv.writer: text that could start a formula gets one leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(v) for v in values]


@dataclass(frozen=True)
class Provenance:
    """Who made a file, when, and what it holds (shown in the file and kept in its properties)."""

    made_by: str
    made_at: datetime.datetime
    title: str
    details: tuple[tuple[str, str], ...] = ()


def stamp(workbook: Workbook, provenance: Provenance) -> None:
    """Write who made the workbook and when into its properties and a last sheet "说明 About".

    Call it before the workbook is saved; in write-only mode, after the data sheets are written.
    """
    properties = workbook.properties
    properties.creator = provenance.made_by[:255]
    properties.lastModifiedBy = provenance.made_by[:255]
    # Stored in UTC without a zone (the xlsx convention); the sheet shows local time.
    made_utc = provenance.made_at.astimezone(datetime.UTC).replace(tzinfo=None)
    properties.created = properties.modified = made_utc
    properties.title = provenance.title[:255]
    properties.description = f"由 {provenance.made_by} 于 {provenance.made_at:%Y-%m-%d %H:%M} 导出 / exported by " \
                             f"{provenance.made_by} at {provenance.made_at:%Y-%m-%d %H:%M %z}"
    sheet = workbook.create_sheet(ABOUT_SHEET)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 60
    rows = [
        ("内容 Contents", provenance.title),
        ("导出人 Exported by", provenance.made_by),
        ("导出时间 Exported at", f"{provenance.made_at:%Y-%m-%d %H:%M:%S %z}"),
        *provenance.details,
    ]
    for label, value in rows:
        sheet.append([text_cell(sheet, label, font=_BOLD), text_cell(sheet, value, alignment=_WRAP)])
