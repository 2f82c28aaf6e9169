"""The 总层数 (storeys of the building) a roster sheet may carry beside each household, read in a pass
of its own: only an import that creates missing buildings needs it, so the roster row stays as it is.

Keys are (community, compound, building) as the roster reader writes them, so they match its rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from anju.domain.rostersheet import cells as parse
from anju.domain.rostersheet.reader import HEADER_SCAN_ROWS, MIN_HEADER_MATCHES, Problem
from anju.domain.rostersheet.source import FileProblem, Source, open_sheets
from anju.domain.rostersheet.template import column_for_header, normalize_header

__all__ = ["STOREYS_HEADERS", "StatedStoreys", "stated_storeys"]

STOREYS_HEADERS = ("总层数", "楼栋层数", "楼层总数", "地上层数", "楼高层数")
_NAMES = {normalize_header(h) for h in STOREYS_HEADERS}
_WHOLE = re.compile(r"(\d{1,3})(?:层)?")

BuildingKey = tuple[str, str, str]


@dataclass
class StatedStoreys:
    """Per building the storeys the sheet states (the highest where rows differ), and bad cells."""

    storeys: dict[BuildingKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def stated_storeys(source: Source) -> StatedStoreys:
    """The 总层数 column of every sheet that has one; a sheet without it states nothing."""
    out = StatedStoreys()
    try:
        for sheet in open_sheets(source):
            scanned = 0
            layout: tuple[int, dict[str, int], int, str] | None = None
            for number, cells in sheet.rows:
                scanned += 1
                found = _layout(cells)
                if found is not None:
                    layout = (number, *found)
                    break
                if scanned >= HEADER_SCAN_ROWS:
                    break
            if layout is None:
                continue
            _, index, position, header = layout
            for number, cells in sheet.rows:
                text = parse.fold(cells[position]) if position < len(cells) else ""
                if not text:
                    continue
                key = _key(cells, index)
                if key is None:
                    continue
                match = _WHOLE.fullmatch(text)
                value = int(match.group(1)) if match else 0
                if not 1 <= value <= parse.MAX_FLOOR:
                    out.problems.append(Problem(number, header, cells[position],
                                                f"总层数应为1到{parse.MAX_FLOOR}之间的整数。",
                                                f"The storeys should be a whole number from 1 to {parse.MAX_FLOOR}.",
                                                "storeys", None, position, sheet.name))
                    continue
                out.storeys[key] = max(out.storeys.get(key, 0), value)
    except FileProblem:
        pass  # the roster reader reports an unreadable file
    return out


def _layout(cells: list[str]) -> tuple[dict[str, int], int, str] | None:
    index: dict[str, int] = {}
    storeys: tuple[int, str] | None = None
    for position, text in enumerate(cells):
        if not text:
            continue
        if storeys is None and normalize_header(text) in _NAMES:
            storeys = (position, text)
            continue
        column = column_for_header(text)
        if column is not None and column.key not in index:
            index[column.key] = position
    if storeys is None or len(index) < MIN_HEADER_MATCHES or not {"community", "compound", "building"} <= set(index):
        return None
    return index, storeys[0], storeys[1]


def _key(cells: list[str], index: dict[str, int]) -> BuildingKey | None:
    def cell(key: str) -> str:
        position = index[key]
        return " ".join(cells[position].split()) if position < len(cells) else ""

    community, compound, building_cell = cell("community"), cell("compound"), cell("building")
    if not (community and compound and building_cell):
        return None
    building, bad = parse.building(building_cell)
    return None if bad is not None else (community, compound, str(building))
