"""Read a roster sheet into validated rows and a complete list of problems, streaming."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any, Protocol

from anju.domain.rostersheet import cells as parse
from anju.domain.rostersheet.cells import MAX_AREA, MAX_FLOOR, Bad, Parsed
from anju.domain.rostersheet.source import FileProblem, Source, open_sheets
from anju.domain.rostersheet.template import TEMPLATE, Column, column_for_header

__all__ = [
    "MAX_AREA",
    "MAX_FLOOR",
    "Location",
    "Problem",
    "Resolver",
    "RosterRow",
    "RowIssue",
    "read_roster",
]

HEADER_SCAN_ROWS = 10  # title rows offices put above the header (merged "XX小区住户摸底台账")
MIN_HEADER_MATCHES = 3
MAX_NOTE = 200
MAX_NAME = 40


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file, said in Chinese and English.

    `row` is the row number Excel shows (None for the whole file or a missing column), `column` the
    header as the file writes it, `key` the template key, `col` the 0-based column index. The value
    is personal data: it goes back to the uploader only and is left out of repr() so it cannot leak
    into logs by accident.
    """

    row: int | None
    column: str | None
    value: str | None = field(repr=False)
    zh: str
    en: str
    code: str
    key: str | None = None
    col: int | None = None
    sheet: str | None = None

    def message(self, language: str = "zh-hans") -> str:
        """The message in the user's language (anything not Chinese gets English)."""
        return self.zh if language.lower().startswith("zh") else self.en


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One household line of a roster, every value checked and normalised.

    `floor` comes from the room number when the sheet leaves it out; `birth_year` and `sex` from the
    ID number. `occupancy`, `party_member` and `limited_mobility` are None when the cell is blank
    ("not stated"), so an import can leave the stored value alone.
    """

    row: int
    sheet: str | None
    community: str
    compound: str
    building: str
    unit: str | None
    floor: int
    room: str
    exclusive_area: Decimal  # 专有部分面积, m², two places
    owner_name: str = field(repr=False)
    id_number: str | None = field(repr=False)
    phone: str | None = field(repr=False)
    birth_year: int | None
    sex: str | None  # "M" or "F"
    party_member: bool | None
    occupancy: str | None  # "owner", "rented" or "vacant" (roster.Occupancy values)
    limited_mobility: bool | None
    note: str

    @property
    def location(self) -> Location:
        return Location(self.community, self.compound, self.building, self.unit, self.floor)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a row's household is, as the resolver sees it."""

    community: str
    compound: str
    building: str
    unit: str | None
    floor: int


@dataclass(frozen=True, slots=True)
class RowIssue:
    """What the resolver finds wrong with a location; `key` is the template key of the cell to blame:
    "community", "compound", "building", "unit" or "floor"."""

    key: str
    zh: str
    en: str


class Resolver(Protocol):
    """Checks a row's location against the database; the Django side provides it.

    Called once per row whose location cells are valid, so it should memoise its lookups (by
    community, compound, building). Yields nothing when the location is fine; otherwise, e.g.:
    RowIssue("community", "社区「X」不存在", "Community X does not exist"), an ambiguous community,
    an unknown compound or building, or RowIssue("floor", "楼层高于该楼栋的6层", ...).
    """

    def __call__(self, location: Location) -> Iterable[RowIssue]: ...


@dataclass(slots=True)
class _Layout:
    """Where each template column sits in a sheet."""

    header_row: int
    index: dict[str, int]
    headers: dict[str, str]


def read_roster(source: Source, *, resolver: Resolver | None = None) -> Iterator[RosterRow | Problem]:
    """Every household row of a roster file that is valid, and a Problem for everything that is not.

    Streams: memory stays bounded by one row plus the set of rooms seen (for duplicates). File-level
    problems (unreadable, encrypted, empty, not a roster, missing column) come first; a file that
    cannot be read yields only its problem. A row with any problem yields no RosterRow, so "no
    Problem at all" is the condition for importing the file.
    """
    seen_rooms: dict[tuple[str, str, str, str], dict[str, int]] = {}
    any_roster = False
    not_rosters: list[str | None] = []
    try:
        for sheet in open_sheets(source):
            layout, rows = _find_header(sheet.rows)
            if layout is None:
                not_rosters.append(sheet.name)
                continue
            any_roster = True
            missing = [c for c in TEMPLATE if c.required and c.key not in layout.index]
            for column in missing:
                yield _missing_column(column, layout, sheet.name)
            checker = _RowChecker(layout, sheet.name, seen_rooms, resolver, complete=not missing)
            for number, cells in rows:
                yield from checker.check(number, cells)
    except FileProblem as problem:
        yield Problem(None, None, None, problem.zh, problem.en, problem.code)
        return
    if not any_roster:
        yield Problem(
            None,
            None,
            None,
            "这不是一张住户台账：前10行中找不到台账的表头（社区、小区、楼栋、单元、房号、户主……）。请使用下载的模板。",
            "This sheet is not a roster: none of the first 10 rows holds the roster headers "
            "(社区, 小区, 楼栋, 单元, 房号, 户主…). Please use the downloadable template.",
            "not_roster",
        )


def _find_header(
    rows: Iterator[tuple[int, list[str]]],
) -> tuple[_Layout | None, Iterator[tuple[int, list[str]]]]:
    """The layout from the best-matching of the first rows, and the rows after the header."""
    scanned: list[tuple[int, list[str]]] = []
    best: _Layout | None = None
    for number, cells in rows:
        scanned.append((number, cells))
        layout = _layout(number, cells)
        if len(layout.index) >= MIN_HEADER_MATCHES and (best is None or len(layout.index) > len(best.index)):
            best = layout
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    if best is None:
        return None, rows
    after = [(n, c) for n, c in scanned if n > best.header_row]
    return best, _chain(after, rows)


def _chain(
    first: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    yield from first
    yield from rest


def _layout(number: int, cells: list[str]) -> _Layout:
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, text in enumerate(cells):
        column = column_for_header(text) if text else None
        # The first of two columns for the same thing wins (电话 and 手机号 side by side).
        if column is not None and column.key not in index:
            index[column.key] = position
            headers[column.key] = text
    return _Layout(number, index, headers)


def _missing_column(column: Column, layout: _Layout, sheet: str | None) -> Problem:
    variants = "、".join((column.header, *column.aliases[:3]))
    return Problem(
        None,
        column.header,
        None,
        f"缺少必填列「{column.header}」（第{layout.header_row}行表头中没有：{variants}）。",
        f'The required column "{column.header}" ({column.en}) is missing '
        f"from the header in row {layout.header_row}.",
        "missing_column",
        column.key,
        None,
        sheet,
    )


class _RowChecker:
    """Checks the rows of one sheet; yields a row's problems, or the row when it has none."""

    def __init__(
        self,
        layout: _Layout,
        sheet: str | None,
        seen_rooms: dict[tuple[str, str, str, str], dict[str, int]],
        resolver: Resolver | None,
        *,
        complete: bool,
    ) -> None:
        self.layout = layout
        self.sheet = sheet
        self.seen_rooms = seen_rooms
        self.resolver = resolver
        self.complete = complete
        # Missing columns read the "" appended to every row (index -1), never a column the sheet has.
        self.width = max(layout.index.values()) + 1
        self.pick = itemgetter(*(layout.index.get(c.key, -1) for c in TEMPLATE))
        self.this_year = datetime.date.today().year
        self.problems: list[Problem] = []
        self.number = 0
        self.cells: list[str] = []

    def problem(self, key: str, bad: Bad) -> None:
        position = self.layout.index.get(key)
        value = self.cells[position] if position is not None else None
        header = self.layout.headers.get(key) or _COLUMN_BY_KEY[key].header
        self.problems.append(
            Problem(self.number, header, value, bad[0], bad[1], bad[2], key, position, self.sheet)
        )

    def check(self, number: int, cells: list[str]) -> Iterator[RosterRow | Problem]:
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        cells.append("")
        values = self.pick(cells)
        if not any(values) or _is_total(cells):
            return
        self.number, self.cells, self.problems = number, cells, []
        row = self._row(*values)
        if self.problems:
            yield from self.problems
        elif row is not None:
            yield row

    def _parsed(self, key: str, parsed: Parsed) -> Any:
        value, bad = parsed
        if bad is not None:
            self.problem(key, bad)
        return value

    def _row(
        self,
        community_cell: str,
        compound_cell: str,
        building_cell: str,
        unit_cell: str,
        floor_cell: str,
        room_cell: str,
        area_cell: str,
        owner_cell: str,
        id_number_cell: str,
        phone_cell: str,
        birth_year_cell: str,
        sex_cell: str,
        party_cell: str,
        occupancy_cell: str,
        mobility_cell: str,
        note: str,
    ) -> RosterRow | None:
        # A blank required cell is None here with its problem recorded; the row is then not returned.
        community = self._text("community", community_cell, MAX_NAME * 2)
        compound = self._text("compound", compound_cell, MAX_NAME * 2)
        building: str | None = self._parsed("building", parse.building(building_cell)) if building_cell else None
        if not building_cell:
            self._blank("building")
        unit: str | None = self._parsed("unit", parse.unit(unit_cell)) if unit_cell else None
        room: str | None = self._parsed("room", parse.room(room_cell)) if room_cell else None
        if not room_cell:
            self._blank("room")
        floor: int | None = self._parsed("floor", parse.floor(floor_cell, room)) if room or floor_cell else None
        area: Decimal | None = self._parsed("exclusive_area", parse.area(area_cell)) if area_cell else None
        if not area_cell:
            self._blank("exclusive_area")
        owner = self._text("owner_name", owner_cell, MAX_NAME)
        id_number: str | None = self._parsed("id_number", parse.id_number(id_number_cell)) if id_number_cell else None
        phone: str | None = self._parsed("phone", parse.phone(phone_cell)) if phone_cell else None
        birth_year = self._birth_year(birth_year_cell, id_number)
        sex = self._sex(sex_cell, id_number)
        party: bool | None = self._parsed("party_member", parse.flag(party_cell)) if party_cell else None
        occupancy: str | None = self._parsed("occupancy", parse.occupancy(occupancy_cell)) if occupancy_cell else None
        mobility: bool | None = self._parsed("limited_mobility", parse.flag(mobility_cell)) if mobility_cell else None
        if len(note) > MAX_NOTE:
            self.problem(
                "note",
                (f"备注超过{MAX_NOTE}字。", f"The note is longer than {MAX_NOTE} characters.", "too_long"),
            )
        if community and compound and building and room:
            self._check_duplicate(community, compound, building, unit, room)
        if (self.problems or not self.complete or floor is None or area is None
                or building is None or room is None):  # the last two only narrow the types (see above)
            return None
        if self.resolver is not None:
            for issue in self.resolver(Location(community, compound, building, unit, floor)):
                self.problem(issue.key, (issue.zh, issue.en, "location"))
            if self.problems:
                return None
        return RosterRow(
            self.number,
            self.sheet,
            community,
            compound,
            building,
            unit,
            floor,
            room,
            area,
            owner,
            id_number,
            phone,
            birth_year,
            sex,
            party,
            occupancy,
            mobility,
            note,
        )

    def _blank(self, key: str) -> None:
        # A missing column was reported once for the whole file; do not repeat it on every row.
        if key in self.layout.index:
            header = self.layout.headers[key]
            self.problem(key, (f"「{header}」不能为空。", f'"{header}" must not be blank.', "blank"))

    def _text(self, key: str, text: str, limit: int) -> str:
        text = " ".join(text.split())
        if not text:
            self._blank(key)
        elif len(text) > limit:
            self.problem(
                key, (f"内容过长（不超过{limit}字）。", f"Too long (at most {limit} characters).", "too_long")
            )
        return text

    def _birth_year(self, text: str, id_number: str | None) -> int | None:
        from_id = int(id_number[6:10]) if id_number else None
        if not text:
            return from_id
        year = self._parsed("birth_year", parse.birth_year(text, self.this_year))
        if year is not None and from_id is not None and from_id != year:
            self.problem(
                "birth_year",
                (
                    "出生年份与身份证号中的出生日期不符。",
                    "The year of birth does not match the birth date in the ID number.",
                    "birth_year_id",
                ),
            )
            return None
        return year

    def _sex(self, text: str, id_number: str | None) -> str | None:
        from_id = ("M" if int(id_number[16]) % 2 else "F") if id_number else None
        if not text:
            return from_id
        value = self._parsed("sex", parse.sex(text))
        if value is not None and from_id is not None and from_id != value:
            self.problem("sex", ("性别与身份证号不符。", "The sex does not match the ID number.", "sex_id"))
            return None
        return value

    def _check_duplicate(
        self, community: str, compound: str, building: str, unit: str | None, room: str
    ) -> None:
        # Nested by unit so each household costs one dict slot and an interned room string, which
        # keeps a million-row file well inside the memory budget.
        rooms = self.seen_rooms.setdefault((community, compound, building, unit or ""), {})
        room = sys.intern(room)
        first = rooms.get(room)
        if first is None:
            rooms[room] = self.number
            return
        self.problem(
            "room",
            (
                f"房号重复：与第{first}行是同一社区、小区、楼栋、单元的同一房号。",
                f"Duplicate room: row {first} has the same community, compound, building, unit and room.",
                "duplicate_room",
            ),
        )


_COLUMN_BY_KEY = {c.key: c for c in TEMPLATE}
_TOTAL_MARKERS = frozenset({"合计", "总计", "小计"})


def _is_total(cells: list[str]) -> bool:
    """The 合计 line offices put under the table, wherever its label sits."""
    first = next((c for c in cells if c), "")
    return first.replace(" ", "") in _TOTAL_MARKERS
