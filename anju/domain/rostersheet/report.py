"""The problems of a roster file, given back as an xlsx: a list first, then the uploader's own rows
with every bad cell filled red and explained."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from anju.domain.rostersheet.reader import Problem, RosterRow
from anju.domain.rostersheet.source import FileProblem, Source, open_sheets
from anju.domain.sheets import ABOUT_SHEET, Provenance, stamp, text_cell, xlsx_row

__all__ = ["SUMMARY_SHEET", "write_problem_report"]

SUMMARY_SHEET = "问题清单"
_BAD = PatternFill(fill_type="solid", start_color="FFF4B6B6", end_color="FFF4B6B6")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_AUTHOR = "安居 Anju"
_FORBIDDEN_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


def write_problem_report(
    rows_source: Source, problems: Iterable[Problem | RosterRow], out_path: str | os.PathLike[str], *,
    provenance: Provenance,
) -> int:
    """Write the problem report for `rows_source` to `out_path`; returns the number of problems.

    The report says who made it and when (`provenance`: a last sheet and the workbook's properties).

    `problems` may be read_roster's whole output: rows in it are skipped. The original rows are
    copied as text at their original row numbers, so "row 17" in a message is row 17 in the report
    too. Streams in openpyxl's write-only mode.
    """
    found = [p for p in problems if isinstance(p, Problem)]
    by_row: dict[tuple[str | None, int], list[Problem]] = defaultdict(list)
    for problem in found:
        if problem.row is not None:
            by_row[(problem.sheet, problem.row)].append(problem)

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(SUMMARY_SHEET)
    _write_summary(summary, found)
    if isinstance(rows_source, str | os.PathLike) or rows_source.seekable():
        if not isinstance(rows_source, str | os.PathLike):
            rows_source.seek(0)
        _copy_sheets(workbook, rows_source, by_row)
    stamp(workbook, provenance)
    workbook.save(os.fspath(out_path))
    return len(found)


def _write_summary(sheet: WriteOnlyWorksheet, problems: list[Problem]) -> None:
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 8
    sheet.column_dimensions["C"].width = 14
    sheet.column_dimensions["D"].width = 24
    sheet.column_dimensions["E"].width = 60
    sheet.column_dimensions["F"].width = 60
    headers = ["工作表 Sheet", "行 Row", "列 Column", "内容 Value", "问题", "Problem"]
    sheet.append([_styled(sheet, text, font=_BOLD) for text in headers])
    if not problems:
        sheet.append(["", "", "", "", "没有发现问题。", "No problems found."])
    for p in problems:
        sheet.append(
            [
                *xlsx_row(sheet, [p.sheet or "", p.row or "", p.column or "", p.value or ""]),
                _styled(sheet, p.zh, alignment=_WRAP),
                _styled(sheet, p.en, alignment=_WRAP),
            ]
        )


def _copy_sheets(
    workbook: Workbook, source: Source, by_row: dict[tuple[str | None, int], list[Problem]]
) -> None:
    used = {SUMMARY_SHEET, ABOUT_SHEET}
    try:
        for original in open_sheets(source):
            sheet = workbook.create_sheet(_sheet_name(original.name, used))
            written = 0
            width = 0
            for number, cells in original.rows:
                while written < number - 1:
                    sheet.append([])
                    written += 1
                width = max(width, len(cells))
                row_problems = by_row.get((original.name, number))
                sheet.append(_marked_row(sheet, cells, row_problems, width) if row_problems else xlsx_row(sheet, cells))
                written = number
    except FileProblem:
        return  # the summary already says why the file could not be read


def _marked_row(
    sheet: WriteOnlyWorksheet, cells: list[str], problems: list[Problem], width: int
) -> list[object]:
    by_col: dict[int, list[Problem]] = defaultdict(list)
    for p in problems:
        if p.col is not None:
            by_col[p.col].append(p)
    out: list[object] = xlsx_row(sheet, cells) + [""] * (
        max(width, len(cells), max(by_col, default=-1) + 1) - len(cells)
    )
    for col, col_problems in by_col.items():
        cell = _styled(sheet, cells[col] if col < len(cells) else "", fill=_BAD)
        cell.comment = Comment(
            "\n".join(f"{p.zh}\n{p.en}" for p in col_problems), _AUTHOR, width=320, height=120
        )
        out[col] = cell
    explanation = "；".join(f"{p.column or ''}：{p.zh}" for p in problems)
    out.append(_styled(sheet, explanation, fill=_BAD, alignment=_WRAP))
    return out


def _styled(
    sheet: WriteOnlyWorksheet,
    value: object,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    return text_cell(sheet, value, font=font, fill=fill, alignment=alignment)


def _sheet_name(name: str | None, used: set[str]) -> str:
    base = (name or "台账").translate(_FORBIDDEN_IN_SHEET_NAMES)[:28] or "台账"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}_{n}"
    used.add(candidate)
    return candidate
