"""Coefficient tables by floor: the shipped reference tables (data with source and date) and saved ones."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Literal

from anju.domain.errors import DomainError

from .money import to_ratio

RangePoint = Literal["low", "mid", "high"]


@dataclass(frozen=True)
class CoefficientTable:
    """Per-household coefficients k(floor); floors missing from the table have coefficient 0.

    `step_above` extends the table upward (+step per floor above the highest listed floor);
    `storeys` set means the table only exists for buildings of that height.
    `verified` is true only when the figures were checked against the public document named in `source`;
    `note` says what that check found (or that no public source was found).
    """

    name: str
    title_zh: str
    title_en: str
    floors: Mapping[int, Fraction]
    source: str = ""  # short, Chinese: printed in every household's steps
    date: str = ""
    recorded: str = ""
    storeys: int | None = None
    step_above: Fraction | None = None
    kind: Literal["coefficients", "percent"] = "coefficients"
    ranges: Mapping[int, tuple[Fraction, Fraction]] = field(default_factory=dict)
    verified: bool = False
    note: str = ""
    source_en: str = ""  # short, English; empty means the same as `source`
    citation: str = ""  # the full reference: issuer, title, number, where it was found

    def coefficients(self, storeys: int, point: RangePoint = "mid") -> dict[int, Fraction]:
        """k(floor) for floors 1..storeys; DomainError if the table does not exist for that height."""
        if self.storeys is not None and storeys != self.storeys:
            raise DomainError(
                f"参考表“{self.title_zh}”只适用于 {self.storeys} 层住宅，本单元为 {storeys} 层；请选择其他方法或自定义系数",
                f"table \"{self.title_en}\" only exists for {self.storeys}-storey buildings, this unit has {storeys}; "
                "choose another method or your own coefficients",
                field="method.table",
            )
        if self.ranges:
            pick = {"low": lambda lo, hi: lo, "mid": lambda lo, hi: (lo + hi) / 2, "high": lambda lo, hi: hi}[point]
            listed = {floor: pick(lo, hi) for floor, (lo, hi) in self.ranges.items()}
        else:
            listed = dict(self.floors)
        result: dict[int, Fraction] = {}
        top_listed = max(listed) if listed else 0
        for floor in range(1, storeys + 1):
            if floor in listed:
                result[floor] = listed[floor]
            elif self.step_above is not None and floor > top_listed:
                result[floor] = listed[top_listed] + self.step_above * (floor - top_listed)
            else:
                result[floor] = Fraction(0)
        return result


def custom_table(
    name: str,
    by_floor: Mapping[int | str, object],
    *,
    title_zh: str = "",
    title_en: str = "",
    source: str = "",
    date: str = "",
    storeys: int | None = None,
) -> CoefficientTable:
    """A table an office saves for reuse; values are decimals (strings, ints or Decimals), never floats."""
    floors: dict[int, Fraction] = {}
    for key, value in by_floor.items():
        path = f"method.by_floor.{key}"
        try:
            floor = int(key)
        except (TypeError, ValueError):
            raise DomainError(f"楼层应为整数：{key!r}", f"floor must be an integer: {key!r}", field=path) from None
        if floor < 1 or (storeys is not None and floor > storeys):
            raise DomainError(f"楼层不存在：{floor}", f"no such floor: {floor}", field=path)
        floors[floor] = to_ratio(value, field=path, what_zh="系数", what_en="coefficient")
    return CoefficientTable(
        name=name, title_zh=title_zh or name, title_en=title_en or name, floors=floors,
        source=source, date=date, storeys=storeys,
    )


def _table_from_data(item: dict) -> CoefficientTable:
    ranges = {
        int(floor): (Fraction(lo), Fraction(hi)) for floor, (lo, hi) in item.get("ranges", {}).items()
    }
    return CoefficientTable(
        name=item["name"],
        title_zh=item["title_zh"],
        title_en=item["title_en"],
        floors={int(floor): Fraction(value) for floor, value in item.get("floors", {}).items()},
        source=item["source"],
        date=item["date"],
        recorded=item["recorded"],
        storeys=item["storeys"],
        step_above=Fraction(item["step_above"]) if "step_above" in item else None,
        kind=item["kind"],
        ranges=ranges,
        verified=item.get("verified") is True,
        note=item.get("note", ""),
        source_en=item.get("source_en", ""),
        citation=item.get("citation", ""),
    )


@cache
def reference_tables() -> dict[str, CoefficientTable]:
    """The shipped reference tables by name (guangzhou-2025, nanjing-gulou, hangzhou-6, shanghai-6, beijing-2022)."""
    text = resources.files(__package__).joinpath("reference_tables.json").read_text(encoding="utf-8")
    return {item["name"]: _table_from_data(item) for item in json.loads(text)["tables"]}


def reference_table(name: str) -> CoefficientTable:
    """One shipped table by name; DomainError listing the known names otherwise."""
    tables = reference_tables()
    if name not in tables:
        known = ", ".join(sorted(tables))
        raise DomainError(f"未知参考表：{name!r}；可选：{known}", f"unknown table {name!r}; known: {known}",
                          field="method.table")
    return tables[name]
