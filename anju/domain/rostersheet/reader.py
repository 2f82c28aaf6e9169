"""Read a roster sheet into validated rows and a complete list of problems, streaming."""

from __future__ import annotations

import datetime
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Protocol

from anju.domain.errors import DomainError
from anju.domain.ids import normalize_id_number, normalize_phone
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
MAX_FLOOR = 60  # the highest floor Building.storeys allows
MAX_AREA = Decimal("1000")  # m²: larger is a typo (or a whole building) rather than one dwelling
MAX_NOTE = 200
MAX_NAME = 40
_CENT = Decimal("0.01")

_OCCUPANCY = {"自住": "owner", "业主自住": "owner", "出租": "rented", "租住": "rented", "空置": "vacant",
              "闲置": "vacant", "空房": "vacant", "owner": "owner", "rented": "rented", "vacant": "vacant"}
_YES = frozenset({"是", "y", "yes", "1", "√", "✓", "✔", "true", "有", "党员", "中共党员", "中国共产党党员"})
_NO = frozenset({"否", "n", "no", "0", "×", "✗", "✘", "false", "无", "不是", "群众", "非党员"})
_SEX = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
_TOTAL_MARKERS = frozenset({"合计", "总计", "小计", "合 计", "总 计"})

_BUILDING = re.compile(r"(?:第)?([A-Z]?\d{1,3}|[A-Z])(?:号楼|号栋|号幢|#楼|栋|幢|座|号|#)?")
_UNIT = re.compile(r"(?:第)?(\d{1,2})(?:单元|号)?")
_ROOM = re.compile(r"(\d{1,5}[A-Z]?)(?:室|号|房)?")
_FLOOR = re.compile(r"(?:第)?(-?\d{1,3})(?:层|楼|F)?")
_AREA = re.compile(r"(-?\d+(?:\.\d+)?)(?:m2|㎡|平方米|平米|平方|平)?")
_YEAR = re.compile(r"(\d{4})(?:年.*|[-./]\d{1,2}(?:[-./]\d{1,2})?|\d{4})?")
_CN_UNITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


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
            None, None, None,
            "这不是一张住户台账：前10行中找不到台账的表头（社区、小区、楼栋、单元、房号、户主……）。请使用下载的模板。",
            "This sheet is not a roster: none of the first 10 rows holds the roster headers "
            "(社区, 小区, 楼栋, 单元, 房号, 户主…). Please use the downloadable template.",
            "not_roster",
        )


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[_Layout | None, Iterator[tuple[int, list[str]]]]:
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


def _chain(first: list[tuple[int, list[str]]], rest: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
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
        None, column.header, None,
        f"缺少必填列「{column.header}」（第{layout.header_row}行表头中没有：{variants}）。",
        f"The required column \"{column.header}\" ({column.en}) is missing from the header in row {layout.header_row}.",
        "missing_column", column.key, None, sheet,
    )


def _fold(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


class _RowChecker:
    """Checks rows of one sheet; collects the problems of a row, then yields them or the row."""

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
        self.columns = [(c.key, layout.index.get(c.key)) for c in TEMPLATE]
        self.roster_positions = sorted(layout.index.values())
        self.this_year = datetime.date.today().year
        self.problems: list[Problem] = []
        self.number = 0
        self.cells: list[str] = []

    def problem(self, key: str, zh: str, en: str, code: str) -> None:
        position = self.layout.index.get(key)
        value = self.cells[position] if position is not None and position < len(self.cells) else None
        header = self.layout.headers.get(key) or _COLUMN_BY_KEY[key].header
        self.problems.append(Problem(self.number, header, value, zh, en, code, key, position, self.sheet))

    def check(self, number: int, cells: list[str]) -> Iterator[RosterRow | Problem]:
        values = {key: (cells[i] if i is not None and i < len(cells) else "") for key, i in self.columns}
        if not any(values.values()) or values["community"] in _TOTAL_MARKERS or _is_total(cells):
            return
        self.number, self.cells, self.problems = number, cells, []
        row = self._row(values)
        if self.problems:
            yield from self.problems
        elif row is not None:
            yield row

    def _row(self, v: dict[str, str]) -> RosterRow | None:
        community = self._required_text(v, "community", MAX_NAME * 2)
        compound = self._required_text(v, "compound", MAX_NAME * 2)
        building = self._building(v["building"])
        unit = self._unit(v["unit"])
        room = self._room(v["room"])
        floor = self._floor(v["floor"], room)
        area = self._area(v["exclusive_area"])
        owner = self._required_text(v, "owner_name", MAX_NAME)
        id_number = self._id_number(v["id_number"])
        phone = self._phone(v["phone"])
        birth_year = self._birth_year(v["birth_year"], id_number)
        sex = self._sex(v["sex"], id_number)
        party = self._flag(v["party_member"], "party_member")
        occupancy = self._occupancy(v["occupancy"])
        mobility = self._flag(v["limited_mobility"], "limited_mobility")
        note = v["note"]
        if len(note) > MAX_NOTE:
            self.problem("note", f"备注超过{MAX_NOTE}字。", f"The note is longer than {MAX_NOTE} characters.", "too_long")
        if community and compound and building and room:
            self._check_duplicate(community, compound, building, unit, room)
        if self.problems or not self.complete or floor is None or area is None:
            return None
        if self.resolver is not None:
            for issue in self.resolver(Location(community, compound, building, unit, floor)):
                self.problem(issue.key, issue.zh, issue.en, "location")
            if self.problems:
                return None
        return RosterRow(
            self.number, self.sheet, community, compound, building, unit, floor, room, area, owner, id_number,
            phone, birth_year, sex, party, occupancy, mobility, note,
        )

    def _required_text(self, v: dict[str, str], key: str, limit: int) -> str:
        text = " ".join(v[key].split())
        if not text:
            self._blank(key)
            return ""
        if len(text) > limit:
            self.problem(key, f"内容过长（不超过{limit}字）。", f"Too long (at most {limit} characters).", "too_long")
        return text

    def _blank(self, key: str) -> None:
        # A missing column was reported once for the whole file; do not repeat it on every row.
        if key in self.layout.index:
            header = self.layout.headers[key]
            self.problem(key, f"「{header}」不能为空。", f"\"{header}\" must not be blank.", "blank")

    def _building(self, text: str) -> str:
        cleaned = "".join(_fold(text).split()).upper()
        if not cleaned:
            self._blank("building")
            return ""
        match = _BUILDING.fullmatch(cleaned)
        if match is None:
            # Named buildings (综合楼, 东楼) exist; the resolver decides whether this one does.
            if len(cleaned) > 20:
                self.problem("building", "楼栋号过长（不超过20字）。", "The building number is too long (20 at most).",
                             "too_long")
            return cleaned
        return _strip_zeros(match.group(1))

    def _unit(self, text: str) -> str | None:
        cleaned = "".join(_fold(text).split())
        if not cleaned:
            return None
        if cleaned[0] in _CN_UNITS and cleaned[1:] in ("", "单元"):
            return _CN_UNITS[cleaned[0]]
        match = _UNIT.fullmatch(cleaned)
        if match is None or match.group(1).strip("0") == "":
            self.problem("unit", "单元号应为数字，如 2 或 2单元。", "The unit should be a number, e.g. 2 or 2单元.", "unit")
            return None
        return _strip_zeros(match.group(1))

    def _room(self, text: str) -> str:
        cleaned = "".join(_fold(text).split()).upper()
        if not cleaned:
            self._blank("room")
            return ""
        match = _ROOM.fullmatch(cleaned)
        if match is None or match.group(1).strip("0") == "":
            self.problem("room", "房号应为数字，如 501 或 501室。", "The room should be a number, e.g. 501 or 501室.", "room")
            return ""
        return _strip_zeros(match.group(1))

    def _floor(self, text: str, room: str) -> int | None:
        from_room = _floor_of(room)
        cleaned = "".join(_fold(text).split()).upper()
        if not cleaned:
            if from_room is None and room:
                self.problem("floor", "楼层为空，且无法从房号推出楼层，请填写楼层。",
                             "The floor is blank and the room number does not show it; please fill in the floor.",
                             "floor")
            return from_room
        match = _FLOOR.fullmatch(cleaned)
        floor = int(match.group(1)) if match else None
        if floor is None or floor < 1:
            self.problem("floor", "楼层应为正整数，如 5。", "The floor should be a positive whole number, e.g. 5.", "floor")
            return None
        if floor > MAX_FLOOR:
            self.problem("floor", f"楼层不能高于{MAX_FLOOR}层。", f"The floor cannot be above {MAX_FLOOR}.", "floor")
            return None
        if from_room is not None and from_room != floor:
            self.problem("floor", f"楼层（{floor}）与房号（{room}，应在{from_room}层）不符。",
                         f"The floor ({floor}) does not match the room number ({room}, on floor {from_room}).",
                         "floor_room")
            return None
        return floor

    def _area(self, text: str) -> Decimal | None:
        cleaned = "".join(_fold(text).split()).lower().replace(",", "")
        if not cleaned:
            self._blank("exclusive_area")
            return None
        match = _AREA.fullmatch(cleaned)
        try:
            area = Decimal(match.group(1)) if match else None
        except InvalidOperation:
            area = None
        if area is None:
            self.problem("exclusive_area", "面积应为数字（平方米），如 75.36。",
                         "The area should be a number of square metres, e.g. 75.36.", "area")
            return None
        if area <= 0:
            self.problem("exclusive_area", "面积必须大于0。", "The area must be greater than 0.", "area")
            return None
        if area > MAX_AREA:
            self.problem("exclusive_area", f"面积超过{MAX_AREA}平方米，不像一户的专有部分面积，请核对。",
                         f"An area over {MAX_AREA} m² is not one dwelling's exclusive area; please check it.", "area")
            return None
        return area.quantize(_CENT, rounding=ROUND_HALF_UP)

    def _id_number(self, text: str) -> str | None:
        if not text:
            return None
        if "E+" in text.upper() and text.replace(".", "").upper().split("E+")[0].isdigit():
            self.problem("id_number", "身份证号被Excel存成了数字，后几位已丢失。请将该列设为“文本”后重新填写。",
                         "Excel stored the ID number as a number and lost its last digits. "
                         "Format the column as text and enter the numbers again.", "id_as_number")
            return None
        try:
            return normalize_id_number(text)
        except DomainError as error:
            self.problem("id_number", error.zh, error.en, "id_number")
            return None

    def _phone(self, text: str) -> str | None:
        if not text:
            return None
        try:
            return normalize_phone(text)
        except DomainError as error:
            if any(sep in text for sep in "/、,，;；") or "或" in text:
                self.problem("phone", "一格只能填一个电话号码，其他号码请写在备注中。",
                             "One phone number per cell; put any others in the note.", "phone")
            else:
                self.problem("phone", error.zh, error.en, "phone")
            return None

    def _birth_year(self, text: str, id_number: str | None) -> int | None:
        from_id = int(id_number[6:10]) if id_number else None
        cleaned = "".join(_fold(text).split())
        if not cleaned:
            return from_id
        match = _YEAR.fullmatch(cleaned)
        year = int(match.group(1)) if match else None
        if year is None or not 1900 <= year <= self.this_year:
            self.problem("birth_year", f"出生年份应为1900到{self.this_year}之间的四位年份。",
                         f"The year of birth should be a 4-digit year from 1900 to {self.this_year}.", "birth_year")
            return None
        if from_id is not None and from_id != year:
            self.problem("birth_year", "出生年份与身份证号中的出生日期不符。",
                         "The year of birth does not match the birth date in the ID number.", "birth_year_id")
            return None
        return year

    def _sex(self, text: str, id_number: str | None) -> str | None:
        from_id = ("M" if int(id_number[16]) % 2 else "F") if id_number else None
        if not text:
            return from_id
        sex = _SEX.get(text.lower())
        if sex is None:
            self.problem("sex", "性别应填“男”或“女”。", "Sex should be 男 (male) or 女 (female).", "sex")
            return None
        if from_id is not None and from_id != sex:
            self.problem("sex", "性别与身份证号不符。", "The sex does not match the ID number.", "sex_id")
            return None
        return sex

    def _flag(self, text: str, key: str) -> bool | None:
        if not text:
            return None
        folded = _fold(text).lower()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
        self.problem(key, "请填“是”或“否”（也可填 Y/N、1/0、√）。", "Please write 是 (yes) or 否 (no) (or Y/N, 1/0, √).",
                     "flag")
        return None

    def _occupancy(self, text: str) -> str | None:
        if not text:
            return None
        occupancy = _OCCUPANCY.get(_fold(text).lower())
        if occupancy is None:
            self.problem("occupancy", "居住状态应为“自住”“出租”或“空置”。",
                         "Occupancy should be 自住 (owner-occupied), 出租 (rented) or 空置 (vacant).", "occupancy")
        return occupancy

    def _check_duplicate(self, community: str, compound: str, building: str, unit: str | None, room: str) -> None:
        # Nested by unit so each household costs one dict slot and an interned room string, which
        # keeps a million-row file well inside the memory budget.
        rooms = self.seen_rooms.setdefault((community, compound, building, unit or ""), {})
        room = sys.intern(room)
        first = rooms.get(room)
        if first is None:
            rooms[room] = self.number
            return
        self.problem("room", f"房号重复：与第{first}行是同一社区、小区、楼栋、单元的同一房号。",
                     f"Duplicate room: row {first} has the same community, compound, building, unit and room.",
                     "duplicate_room")


_COLUMN_BY_KEY = {c.key: c for c in TEMPLATE}


def _strip_zeros(text: str) -> str:
    """"0501" → "501", "A02" → "A2": the same door however many zeros the writer typed."""
    if text[0].isalpha():
        return text[0] + text[1:].lstrip("0") if text[1:].strip("0") else text
    return text.lstrip("0") or "0"


def _floor_of(room: str) -> int | None:
    digits = room.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits[:-2]) if len(digits) >= 3 and int(digits[:-2]) > 0 else None


def _is_total(cells: list[str]) -> bool:
    first = next((c for c in cells if c), "")
    return first.replace(" ", "") in _TOTAL_MARKERS
