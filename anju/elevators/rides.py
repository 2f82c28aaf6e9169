"""Metered rides per household (IC-card counts) read from a sheet the elevator's card reader or the property
company exports: xlsx or CSV (UTF-8 or GBK), a room column and a rides column, anywhere in the first rows."""

from __future__ import annotations

import io
from collections.abc import Iterable

from anju.core.errors import ValidationFailed
from anju.domain.errors import DomainError
from anju.domain.rostersheet import cells
from anju.domain.rostersheet.source import open_sheets

ROOM_HEADERS = ("房号", "房间号", "户号", "室号", "room")
RIDES_HEADERS = ("刷卡次数", "乘梯次数", "次数", "rides", "count")
HEADER_WITHIN_ROWS = 10
MAX_PROBLEMS_SHOWN = 10


def room_key(text: str) -> str:
    """The room as written in a cell, compared the roster's way: "0501室" and "501" are the same door."""
    parsed, _bad = cells.room(text)
    return parsed or cells.fold(text).upper()


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [cells.fold(h).lower() for h in header]
    return next((folded.index(name) for name in names if name in folded), None)


def read_rides(data: bytes, rooms: Iterable[str]) -> dict[str, int]:
    """Room of `rooms` -> rides, from the first sheet that has a room and a rides column.

    Rows with a blank rides cell are left out. Every bad row (unknown or repeated room, not a whole number)
    is named by its row number, and then nothing is returned: a sheet is taken whole or not at all.
    """
    by_key = {room_key(room): room for room in rooms}
    try:
        for sheet in open_sheets(io.BytesIO(data)):
            rows = iter(sheet.rows)
            header = None
            for number, row in rows:
                room_col, rides_col = _column(row, ROOM_HEADERS), _column(row, RIDES_HEADERS)
                if room_col is not None and rides_col is not None:
                    header = (room_col, rides_col)
                    break
                if number >= HEADER_WITHIN_ROWS:
                    break
            if header is not None:
                return _rows(rows, *header, by_key)
    except DomainError as error:
        raise ValidationFailed.from_domain(error) from None
    raise ValidationFailed("表格中找不到“房号”和“刷卡次数”两列", "the sheet has no “房号” (room) and “刷卡次数” (rides) columns",
                           field="file")


def _rows(rows: Iterable[tuple[int, list[str]]], room_col: int, rides_col: int, by_key: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    seen_at: dict[str, int] = {}
    problems: list[tuple[str, str]] = []
    for number, row in rows:
        text = row[room_col] if room_col < len(row) else ""
        count = cells.fold(row[rides_col] if rides_col < len(row) else "").replace(",", "")
        if not text and not count:
            continue
        room = by_key.get(room_key(text)) if text else None
        if room is None:
            problems.append((f"第 {number} 行：房号“{text}”不在本单元", f"row {number}: room “{text}” is not in this unit"))
        elif room in seen_at:
            problems.append((f"第 {number} 行：房号 {room} 与第 {seen_at[room]} 行重复",
                             f"row {number}: room {room} repeats row {seen_at[room]}"))
        elif count and not (count.isascii() and count.isdigit()):
            problems.append((f"第 {number} 行：刷卡次数应为不小于 0 的整数，而不是“{count}”",
                             f"row {number}: rides must be a whole number of at least 0, not “{count}”"))
        elif count:
            seen_at[room] = number
            found[room] = int(count)
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more_zh = f"；另有 {len(problems) - len(shown)} 处问题" if len(problems) > len(shown) else ""
        more_en = f"; {len(problems) - len(shown)} more problems" if len(problems) > len(shown) else ""
        raise ValidationFailed("；".join(zh for zh, _ in shown) + more_zh, "; ".join(en for _, en in shown) + more_en,
                               field="file")
    return found
