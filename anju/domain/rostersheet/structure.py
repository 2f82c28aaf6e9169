"""The structure sheet (小区、楼栋台账) an office keeps before it has any household roster: its compounds
(address, year built, land area, building area) and buildings (storeys, units, structure, year, gross
area). Pure Python, no Django.

A workbook may hold a compound sheet and a building sheet, or only a building sheet (its compounds
are then created by name); each sheet is told apart by its header: a sheet with a building-number
column lists buildings. Headers are matched by the variants offices write (楼号, 幢号, 层数, 地上层数…)
and by the office's own names passed in `headers` ({"楼宇编号": "楼栋"}), so a sheet is imported as it
is kept. Every problem names the row and the column as the file writes them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from anju.domain.rostersheet import cells as parse
from anju.domain.rostersheet.reader import HEADER_SCAN_ROWS, MAX_NAME, Problem
from anju.domain.rostersheet.source import FileProblem, Source, open_sheets
from anju.domain.rostersheet.template import TEMPLATE, normalize_header

__all__ = ["STRUCTURE_COLUMNS", "BuildingLine", "CompoundLine", "StructureColumn", "StructureSheet",
           "read_structure", "structure_column_names"]

MAX_STOREYS = parse.MAX_FLOOR
MAX_UNITS = 30
MAX_BUILDING_AREA = Decimal("1000000")  # m²: one building
MAX_COMPOUND_AREA = Decimal("100000000")  # m²: land or building area of one compound
MAX_ADDRESS = 200
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class StructureColumn:
    header: str  # the standard header, as the page lists it
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


def _aliases(key: str) -> tuple[str, ...]:
    column = next(c for c in TEMPLATE if c.key == key)
    return (column.header, *column.aliases)


STRUCTURE_COLUMNS: tuple[StructureColumn, ...] = (
    StructureColumn("社区", "community", "所属社区名称（社区须已建立）", "Community (must exist)", _aliases("community")[1:]),
    StructureColumn("小区", "compound", "小区名称", "Compound name", _aliases("compound")[1:]),
    StructureColumn("地址", "address", "小区地址", "Address", ("小区地址", "坐落", "坐落位置", "详细地址", "位置")),
    StructureColumn("建成年份", "year_built", "四位年份，如 1995", "Year built, e.g. 1995",
                    ("建成年代", "建设年代", "建成时间", "竣工年份", "竣工时间", "建造年份", "年代")),
    StructureColumn("占地面积", "land_area", "小区占地面积，平方米", "Land area of the compound, m²",
                    ("用地面积", "占地", "小区占地面积")),
    StructureColumn("小区建筑面积", "compound_area", "小区总建筑面积，平方米（核对各楼栋之和）",
                    "Compound's total building area, m² (checked against its buildings)", ("总建筑面积",)),
    StructureColumn("楼栋", "building", "楼栋号：3、3栋、3号楼、A座", "Building number", _aliases("building")[1:]),
    StructureColumn("层数", "storeys", "地上层数（1–60）", "Storeys above ground (1–60)",
                    ("地上层数", "总层数", "楼层数", "楼层总数")),
    StructureColumn("单元数", "units", "单元（楼梯）个数，留空为 1", "Number of units (stairwells); blank: 1",
                    ("单元个数", "单元数量", "楼梯数")),
    StructureColumn("结构", "structure", "砖混、框架、剪力墙 或 其他", "Masonry, frame, shear wall or other",
                    ("结构类型", "建筑结构", "房屋结构", "结构形式")),
    StructureColumn("建筑面积", "area", "楼栋建筑面积，平方米（小区表中为小区建筑面积）",
                    "Gross area of the building, m² (of the compound on a compound sheet)",
                    ("楼栋建筑面积", "单栋建筑面积", "面积")),
)
_BY_KEY = {c.key: c for c in STRUCTURE_COLUMNS}
_BY_HEADER = {normalize_header(name): c for c in STRUCTURE_COLUMNS for name in (c.header, *c.aliases)}

# Building structures as offices write them → roster.Structure values.
_STRUCTURES = {
    "砖混": "masonry", "砖混结构": "masonry", "混合": "masonry", "混合结构": "masonry", "砖结构": "masonry",
    "框架": "frame", "框架结构": "frame", "框剪": "frame", "框架剪力墙": "frame", "框架-剪力墙": "frame",
    "剪力墙": "shear_wall", "剪力墙结构": "shear_wall",
    "其他": "other", "其它": "other", "砖木": "other", "砖木结构": "other", "钢结构": "other", "钢混": "other",
}
_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)(?:m2|㎡|平方米|平米|平方|平)?")
_WHOLE = re.compile(r"(\d{1,3})(?:层|个|单元)?")


def structure_column_names() -> list[str]:
    """Every standard header a mapping may name (社区, 小区, 楼栋, 层数…)."""
    return [c.header for c in STRUCTURE_COLUMNS]


@dataclass(frozen=True, slots=True)
class CompoundLine:
    row: int
    sheet: str | None
    community: str
    compound: str
    address: str
    year_built: int | None
    land_area: Decimal | None  # m²
    gross_area: Decimal | None  # m², the compound's total, compared with its buildings


@dataclass(frozen=True, slots=True)
class BuildingLine:
    row: int
    sheet: str | None
    community: str
    compound: str
    number: str
    storeys: int
    units: int
    structure: str | None  # roster.Structure value; None: not stated
    year_built: int | None
    gross_area: Decimal  # m²


@dataclass
class StructureSheet:
    """What a structure file holds: valid lines, and every problem (none: it may be imported)."""

    compounds: list[CompoundLine] = field(default_factory=list)
    buildings: list[BuildingLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Lines:
    """One sheet's lines, checked cell by cell."""

    def __init__(self, sheet: str | None, index: dict[str, int], headers: dict[str, str], out: StructureSheet,
                 default_community: str | None) -> None:
        self.sheet, self.index, self.headers, self.out = sheet, index, headers, out
        self.default_community = default_community
        self.this_year = datetime.date.today().year
        self.number = 0
        self.cells: list[str] = []
        self.bad = False

    def cell(self, key: str) -> str:
        position = self.index.get(key)
        return " ".join(self.cells[position].split()) if position is not None and position < len(self.cells) else ""

    def problem(self, key: str, zh: str, en: str, code: str) -> None:
        self.bad = True
        header = self.headers.get(key) or _BY_KEY[key].header
        position = self.index.get(key)
        value = self.cells[position] if position is not None and position < len(self.cells) else None
        self.out.problems.append(Problem(self.number, header, value, zh, en, code, key, position, self.sheet))

    def name(self, key: str) -> str:
        text = self.cell(key)
        if not text and key == "community" and self.default_community:
            return self.default_community
        if not text:
            header = self.headers.get(key) or _BY_KEY[key].header
            self.problem(key, f"「{header}」不能为空。", f'"{header}" must not be blank.', "blank")
        elif len(text) > MAX_NAME * 2:
            self.problem(key, f"内容过长（不超过{MAX_NAME * 2}字）。", f"Too long (at most {MAX_NAME * 2} characters).",
                         "too_long")
        return text

    def year(self) -> int | None:
        text = parse.fold(self.cell("year_built"))
        if not text:
            return None
        found = re.fullmatch(r"(\d{4})(?:年.*|[-./]\d{1,2}(?:[-./]\d{1,2})?)?", text)
        year = int(found.group(1)) if found else None
        if year is None or not 1900 <= year <= self.this_year:
            self.problem("year_built", f"建成年份应为1900到{self.this_year}之间的四位年份，如 1995。",
                         f"The year built should be a 4-digit year from 1900 to {self.this_year}, e.g. 1995.", "year")
            return None
        return year

    def area(self, key: str, limit: Decimal, *, required: bool) -> Decimal | None:
        text = parse.fold(self.cell(key)).lower().replace(",", "")
        if not text:
            if required:
                self.problem(key, "面积不能为空（平方米）。", "The area must not be blank (m²).", "blank")
            return None
        found = _NUMBER.fullmatch(text)
        try:
            value = Decimal(found.group(1)) if found else None
        except InvalidOperation:
            value = None
        if value is None:
            self.problem(key, "面积应为数字（平方米），如 3250.5。", "The area should be a number of m², e.g. 3250.5.", "area")
            return None
        if value <= 0 or value > limit:
            self.problem(key, f"面积应大于0且不超过{limit}平方米。", f"The area should be above 0 and at most {limit} m².",
                         "area")
            return None
        return value.quantize(_CENT, rounding=ROUND_HALF_UP)

    def whole(self, key: str, low: int, high: int, *, default: int | None) -> int | None:
        text = parse.fold(self.cell(key))
        if not text:
            if default is None:
                header = self.headers.get(key) or _BY_KEY[key].header
                self.problem(key, f"「{header}」不能为空。", f'"{header}" must not be blank.', "blank")
            return default
        found = _WHOLE.fullmatch(text)
        value = int(found.group(1)) if found else None
        if value is None or not low <= value <= high:
            self.problem(key, f"应为{low}到{high}之间的整数。", f"Should be a whole number from {low} to {high}.", key)
            return None
        return value


def read_structure(source: Source, *, headers: Mapping[str, str] | None = None,
                   default_community: str | None = None) -> StructureSheet:
    """The compounds and buildings of a structure file, and every problem with it.

    `headers` maps the office's own header to a standard one (see `structure_column_names`);
    `default_community` fills a blank or missing 社区 (a community's own sheet).
    """
    own = {normalize_header(k): _by_name(v) for k, v in (headers or {}).items()}
    out = StructureSheet()
    seen_compounds: dict[tuple[str, str], int] = {}
    seen_buildings: dict[tuple[str, str, str], int] = {}
    found_any = False
    try:
        for sheet in open_sheets(source):
            scanned = []
            layout = None
            for number, row_cells in sheet.rows:
                scanned.append((number, row_cells))
                candidate = _layout(row_cells, own)
                if "compound" in candidate[0] and len(candidate[0]) >= 2 and (
                        layout is None or len(candidate[0]) > len(layout[1])):
                    layout = (number, *candidate)
                if len(scanned) >= HEADER_SCAN_ROWS:
                    break
            if layout is None:
                continue
            found_any = True
            header_row, index, names = layout
            lines = _Lines(sheet.name, index, names, out, default_community)
            if "community" not in index and not default_community:
                out.problems.append(_missing("community", header_row, sheet.name))
                continue
            is_buildings = "building" in index
            if is_buildings:
                for key in ("storeys", "area"):
                    if key not in index:
                        out.problems.append(_missing(key, header_row, sheet.name))
                if "storeys" not in index or "area" not in index:
                    continue
            rows = [(n, c) for n, c in scanned if n > header_row]
            for number, row_cells in _chain(rows, sheet.rows):
                lines.number, lines.cells, lines.bad = number, row_cells, False
                if not any(c.strip() for c in row_cells) or _is_total(row_cells):
                    continue
                if is_buildings:
                    _building(lines, seen_buildings)
                else:
                    _compound(lines, seen_compounds)
    except FileProblem as problem:
        out.problems.append(Problem(None, None, None, problem.zh, problem.en, problem.code))
        return out
    if not found_any:
        out.problems.append(Problem(
            None, None, None,
            "这不是一张小区楼栋台账：前10行中找不到表头（小区、楼栋、层数、建筑面积……）。",
            "This is not a structure sheet: none of the first 10 rows holds its headers (小区, 楼栋, 层数, 建筑面积…).",
            "not_structure",
        ))
    return out


def _by_name(standard: str) -> StructureColumn:
    column = _BY_HEADER.get(normalize_header(standard))
    if column is None:
        names = "、".join(structure_column_names())
        raise FileProblem(f"列名对应中的“{standard}”不是标准列名（可用：{names}）。",
                          f"“{standard}” in the column mapping is not a standard column ({names}).", code="mapping")
    return column


def _layout(row_cells: list[str], own: dict[str, StructureColumn]) -> tuple[dict[str, int], dict[str, str]]:
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    for position, text in enumerate(row_cells):
        folded = normalize_header(text)
        column = own.get(folded) or _BY_HEADER.get(folded) if folded else None
        if column is not None and column.key not in index:
            index[column.key] = position
            names[column.key] = text
    return index, names


def _missing(key: str, header_row: int, sheet: str | None) -> Problem:
    column = _BY_KEY[key]
    variants = "、".join((column.header, *column.aliases[:3]))
    return Problem(None, column.header, None,
                   f"缺少必填列「{column.header}」（第{header_row}行表头中没有：{variants}）。",
                   f'The required column "{column.header}" ({column.en}) is missing from the header in row {header_row}.',
                   "missing_column", key, None, sheet)


def _compound(lines: _Lines, seen: dict[tuple[str, str], int]) -> None:
    community, compound = lines.name("community"), lines.name("compound")
    address = lines.cell("address")
    if len(address) > MAX_ADDRESS:
        lines.problem("address", f"地址过长（不超过{MAX_ADDRESS}字）。", f"The address is too long (at most {MAX_ADDRESS}).",
                      "too_long")
    year = lines.year()
    land = lines.area("land_area", MAX_COMPOUND_AREA, required=False)
    # On a compound sheet 建筑面积 is the compound's own total.
    total = lines.area("compound_area" if "compound_area" in lines.index else "area", MAX_COMPOUND_AREA,
                       required=False)
    if community and compound:
        first = seen.setdefault((community, compound), lines.number)
        if first != lines.number:
            lines.problem("compound", f"小区重复：与第{first}行是同一社区的同一小区。",
                          f"Duplicate compound: row {first} names the same compound of the same community.", "duplicate")
    if not lines.bad:
        lines.out.compounds.append(CompoundLine(lines.number, lines.sheet, community, compound, address, year, land,
                                                total))


def _building(lines: _Lines, seen: dict[tuple[str, str, str], int]) -> None:
    community, compound = lines.name("community"), lines.name("compound")
    number_cell = lines.cell("building")
    number = None
    if not number_cell:
        lines.problem("building", "楼栋号不能为空。", "The building number must not be blank.", "blank")
    else:
        number, bad = parse.building(number_cell)
        if bad is not None:
            lines.problem("building", *bad)
    storeys = lines.whole("storeys", 1, MAX_STOREYS, default=None)
    units = lines.whole("units", 1, MAX_UNITS, default=1)
    structure = None
    if lines.cell("structure"):
        structure = _STRUCTURES.get(parse.fold(lines.cell("structure")))
        if structure is None:
            lines.problem("structure", "结构应为“砖混”“框架”“剪力墙”或“其他”。",
                          "The structure should be 砖混 (masonry), 框架 (frame), 剪力墙 (shear wall) or 其他 (other).",
                          "structure")
    year = lines.year()
    area = lines.area("area", MAX_BUILDING_AREA, required=True)
    if community and compound and number:
        first = seen.setdefault((community, compound, str(number)), lines.number)
        if first != lines.number:
            lines.problem("building", f"楼栋重复：与第{first}行是同一小区的同一楼栋。",
                          f"Duplicate building: row {first} names the same building of the same compound.", "duplicate")
    if not lines.bad and number is not None and storeys is not None and units is not None and area is not None:
        lines.out.buildings.append(BuildingLine(lines.number, lines.sheet, community, compound, str(number), storeys,
                                                units, structure, year, area))


def _chain(first, rest):
    yield from first
    yield from rest


def _is_total(row_cells: list[str]) -> bool:
    first = next((c for c in row_cells if c.strip()), "")
    return first.replace(" ", "") in {"合计", "总计", "小计"}
