"""Roster export: any scope to an xlsx in the template's columns, which imports back as a no-op.

ID numbers and phones are written in full only for a role that sees personal data
(`scope.sees_personal_data`); otherwise masked (`4203**********1234`, `138****5678`), and the
importer leaves stored numbers alone where it meets a mask. A household's first owner (by the order
the ownerships were recorded) is its 户主; households without an owner are written with the owner
cells blank (such a row must be completed before it imports again). Streams: households are read
in chunks and written with openpyxl's write-only mode, so memory stays flat.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db.models import Q
from django.shortcuts import get_object_or_404
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font

from anju.core import crypto
from anju.core.audit import Actor
from anju.core.exports import export_made, provenance_for
from anju.core.scoping import Scope
from anju.domain.ids import mask_id_number, mask_phone
from anju.domain.rostersheet import TEMPLATE
from anju.domain.sheets import stamp, text_cell, xlsx_row
from anju.roster.models import (
    Building,
    Community,
    Compound,
    Household,
    Occupancy,
    Ownership,
    Sex,
    Subdistrict,
)

__all__ = ["LEVELS", "ExportTarget", "export_roster", "export_target", "write_template"]

CHUNK = 2000
LEVELS = ("subdistrict", "community", "compound", "building")
_MODELS = {"subdistrict": Subdistrict, "community": Community, "compound": Compound, "building": Building}
_FILTERS = {
    "subdistrict": "compound__subdistrict_id",
    "community": "compound__community_id",
    "compound": "compound_id",
    "building": "unit__building_id",
}
_OCCUPANCY = {value: label for value, label in ((Occupancy.OWNER, "自住"), (Occupancy.RENTED, "出租"),
                                                (Occupancy.VACANT, "空置"))}
_SEX = {Sex.MALE: "男", Sex.FEMALE: "女"}
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class ExportTarget:
    """A scope level and object the user may see, with a name for the file."""

    level: str
    pk: int
    name: str

    @property
    def filename(self) -> str:
        return f"住户台账-{self.name}.xlsx"


def export_target(scope: Scope, level: str, pk: int) -> ExportTarget:
    """The object to export, or Http404 when it does not exist or lies outside the scope."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    model = _MODELS[level]
    obj = get_object_or_404(model.objects.within(scope), pk=pk)
    name = f"{obj.compound.name}{obj.number}栋" if level == "building" else obj.name
    return ExportTarget(level, pk, name)


def export_roster(
    *, scope: Scope, target: ExportTarget, out: str | os.PathLike[str], actor: Actor,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the households of `target` that `scope` may see to `out` (xlsx); returns the rows written.

    The file says who made it and when (a last sheet and its properties); a user's export is audited.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("住户台账")
    for letter, width in zip("ABCDEFGHIJKLMNOP", (12, 14, 8, 6, 6, 8, 12, 10, 22, 16, 8, 6, 8, 8, 8, 24),
                             strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([_bold(sheet, c.header) for c in TEMPLATE])
    written = 0
    for row in export_rows(scope=scope, target=target):
        sheet.append(xlsx_row(sheet, row))
        written += 1
        if progress is not None and written % CHUNK == 0:
            progress(written)
    provenance = provenance_for(actor=actor, title=target.filename, details={
        "范围 Scope": target.name, "户数 Households": written,
        "身份证号与电话 ID numbers and phones": "完整 in full" if scope.sees_personal_data else "已打码 masked",
    })
    stamp(workbook, provenance)
    workbook.save(os.fspath(out))
    obj = _MODELS[target.level].objects.get(pk=target.pk)
    export_made(actor=actor, provenance=provenance, obj=obj, subdistrict_id=_subdistrict_of(obj),
                facts={"households": written, "masked": not scope.sees_personal_data})
    if progress is not None:
        progress(written)
    return written


def _subdistrict_of(obj: Subdistrict | Community | Compound | Building) -> int:
    if isinstance(obj, Subdistrict):
        return obj.pk
    if isinstance(obj, Building):
        return obj.compound.subdistrict_id
    return obj.subdistrict_id


def export_count(*, scope: Scope, target: ExportTarget) -> int:
    return _households(scope, target).count()


def export_rows(*, scope: Scope, target: ExportTarget) -> Iterator[list[Any]]:
    """The template rows of the target's households, in building, unit, floor and room order."""
    households = _households(scope, target).order_by(
        "compound__community_id", "compound_id", "unit__building_id", "unit_id", "floor", "room"
    ).values_list(
        "id", "compound__community__name", "compound__name", "unit__building__number", "unit__number",
        "floor", "room", "exclusive_area", "occupancy", "note",
    )
    chunk: list[tuple] = []
    for household in households.iterator(chunk_size=CHUNK):
        chunk.append(household)
        if len(chunk) >= CHUNK:
            yield from _rows(chunk, scope.sees_personal_data)
            chunk = []
    yield from _rows(chunk, scope.sees_personal_data)


def _households(scope: Scope, target: ExportTarget):
    return Household.objects.within(scope).filter(Q(**{_FILTERS[target.level]: target.pk}))


def _rows(chunk: list[tuple], full: bool) -> Iterator[list[Any]]:
    if not chunk:
        return
    owners: dict[int, tuple] = {}
    links = Ownership.objects.filter(household_id__in=[h[0] for h in chunk]).order_by("id").values_list(
        "household_id", "person__name", "person__id_number_encrypted", "person__phone_encrypted",
        "person__birth_year", "person__sex", "person__party_member", "person__limited_mobility",
    )
    for link in links:
        owners.setdefault(link[0], link[1:])
    for pk, community, compound, building, unit, floor, room, area, occupancy, note in chunk:
        place = [community, compound, building, unit, floor, room, f"{area:.2f}"]
        owner = owners.get(pk)
        if owner is None:
            yield [*place, "", "", "", "", "", "", _OCCUPANCY.get(occupancy, ""), "", note]
            continue
        name, id_encrypted, phone_encrypted, birth_year, sex, party, mobility = owner
        id_number, phone = crypto.decrypt(id_encrypted), crypto.decrypt(phone_encrypted)
        if not full:
            id_number, phone = mask_id_number(id_number), mask_phone(phone)
        yield [
            *place, name, id_number, phone, birth_year or "", _SEX.get(sex, ""), "是" if party else "否",
            _OCCUPANCY.get(occupancy, ""), "是" if mobility else "否", note,
        ]


def _bold(sheet: Any, value: str) -> Cell:
    return text_cell(sheet, value, font=_BOLD)


def write_template(out: str | os.PathLike[str] | BinaryIO) -> None:
    """The empty template: headers, one example row, and a sheet explaining every column (zh, en)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("住户台账")
    sheet.append([_bold(sheet, c.header) for c in TEMPLATE])
    sheet.append(xlsx_row(sheet, ["南庄坪社区", "旺角家园", "3", "1", "5", "501", "75.36", "王秀兰", "", "13812345678",
                                  "1952", "女", "否", "自住", "是", "示例行，导入前请删除"]))
    help_sheet = workbook.create_sheet("填写说明 Help")
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 8
    help_sheet.column_dimensions["C"].width = 50
    help_sheet.column_dimensions["D"].width = 60
    help_sheet.column_dimensions["E"].width = 40
    help_sheet.append([_bold(help_sheet, t) for t in ("列 Column", "必填 Required", "说明", "Explanation",
                                                      "也可写作 Also accepted")])
    for column in TEMPLATE:
        help_sheet.append(xlsx_row(help_sheet, [column.header, "是 yes" if column.required else "否 no", column.zh,
                                                column.en, "、".join(column.aliases)]))
    help_sheet.append([])
    help_sheet.append(["", "", "表头上方可以有标题行；空白的居住状态、党员、行动不便、身份证号、电话不会覆盖已登记的内容。",
                       "Title rows above the header are fine; blank occupancy, party member, limited mobility, "
                       "ID number or phone cells never overwrite what is already recorded."])
    workbook.save(out if hasattr(out, "write") else os.fspath(out))
