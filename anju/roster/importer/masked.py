"""A masked export read back: stars in place of digits mean "leave the stored value alone"."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from anju.domain.rostersheet import Problem
from anju.domain.rostersheet.source import Source, open_sheets
from anju.domain.sheets import ABOUT_SHEET

# What the exporter writes for a role that may not see personal data (anju.domain.ids masks).
_MASKED = re.compile(r"\d{4}\*{6,14}[\dX]{4}|1\d{2}\*{4}\d{4}|0\d{2,3}-\*{4}\d{2}|\*{2,}")


def is_masked(value: str | None) -> bool:
    """True for a masked ID number or phone as Anju exports it (stars in place of digits)."""
    if not value:
        return False
    return "*" in value and _MASKED.fullmatch(value.replace(" ", "")) is not None


def masked_problem(problem: Problem) -> bool:
    """True for a "problem" that is only a masked ID number or phone."""
    return problem.key in ("id_number", "phone") and is_masked(problem.value)


def unmasked_copies(source: Source, folder: Path) -> list[tuple[str | None, Source, list[int], int]]:
    """Each sheet as a CSV whose masked cells are blank, with the original row number of each line
    and the number of masked cells. Only cells that look exactly like Anju's masks are blanked.

    The sheet in which an export says who made it (说明 About) holds no households: it is left out,
    since each copy is read on its own and would otherwise read as "not a roster"."""
    if not isinstance(source, str | os.PathLike):
        source.seek(0)
    copies: list[tuple[str | None, Source, list[int], int]] = []
    for index, sheet in enumerate(open_sheets(source)):
        if sheet.name == ABOUT_SHEET:
            continue
        path = folder / f"sheet{index}.csv"
        numbers: list[int] = []
        masked = 0
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for number, cells in sheet.rows:
                clean = ["" if is_masked(c) else c for c in cells]
                masked += sum(1 for a, b in zip(cells, clean, strict=True) if a != b)
                writer.writerow(clean)
                numbers.append(number)
        copies.append((sheet.name, path, numbers, masked))
    return copies

