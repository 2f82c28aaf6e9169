"""Compounds, buildings and units a roster import creates from its rows (the import page's 新建缺少的小区楼栋).

A new office's first roster names compounds and buildings the database does not have yet. With this
option they are made when the first row placed there needs them, inside the import's one
transaction, so a problem anywhere still leaves nothing behind; a dry run only plans them (negative
placeholder ids) and lists them. A new building's storeys come from the sheet's 总层数 column, or
else from the highest floor its rows name, and then are flagged 待核实; its gross area is the sum of
its households' exclusive areas until someone enters the real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from anju.core import audit
from anju.core.audit import Actor
from anju.domain.rostersheet import Location, RosterRow, RowIssue
from anju.roster.models import Building, Compound, Unit

BuildingKey = tuple[str, str, str]


@dataclass
class _NewBuilding:
    compound: str
    number: str
    subdistrict_id: int
    stated: int | None
    highest: int = 1
    area: Decimal = Decimal(0)
    units: list[str] = field(default_factory=list)
    obj: Building | None = None

    @property
    def storeys(self) -> int:
        return self.stated if self.stated is not None else max(self.highest, 1)


class Creator:
    """Makes (write) or plans (dry run) the places an import's rows need; lists them for the result."""

    def __init__(self, *, actor: Actor, write: bool, stated: dict[BuildingKey, int] | None = None) -> None:
        self.actor = actor
        self.write = write
        self.stated = stated or {}
        self.compounds: list[tuple[str, str, int, Compound | None]] = []  # community, name, subdistrict, made
        self.buildings: dict[int, _NewBuilding] = {}
        self.units: list[tuple[str, int, Unit | None]] = []  # label, subdistrict, made (units of old buildings too)
        self._placeholder = 0

    def _next(self) -> int:
        self._placeholder -= 1
        return self._placeholder

    def compound(self, community_id: int, subdistrict_id: int, community: str, name: str) -> int:
        made = Compound.objects.create(community_id=community_id, subdistrict_id=subdistrict_id, name=name) \
            if self.write else None
        self.compounds.append((community, name, subdistrict_id, made))
        return made.pk if made is not None else self._next()

    def building(self, compound_id: int, subdistrict_id: int, key: BuildingKey, row: RosterRow) -> tuple[int, int]:
        new = _NewBuilding(row.compound, row.building, subdistrict_id, self.stated.get(key), max(row.floor, 1))
        pk = self._next()
        if self.write:
            new.obj = Building.objects.create(compound_id=compound_id, number=row.building, storeys=new.storeys,
                                              gross_area=0)
            pk = new.obj.pk
        self.buildings[pk] = new
        return pk, new.storeys

    def unit(self, building_id: int, subdistrict_id: int, number: str, label: str) -> int:
        made = Unit.objects.create(building_id=building_id, number=number) if self.write else None
        if building_id in self.buildings:
            self.buildings[building_id].units.append(number)
        self.units.append((label, subdistrict_id, made))
        return made.pk if made is not None else self._next()

    def made_building(self, pk: int) -> bool:
        return pk in self.buildings

    def check_floor(self, location: Location) -> Iterator[RowIssue]:
        """A row of a building to create: only the stated 总层数 bounds its floor."""
        stated = self.stated.get((location.community, location.compound, location.building))
        if stated is not None and location.floor > stated:
            yield RowIssue("floor", f"楼层高于总层数（{stated}层）。", f"The floor is above the stated {stated} storeys.")

    def saw(self, building_id: int, row: RosterRow) -> None:
        new = self.buildings.get(building_id)
        if new is not None:
            new.highest = max(new.highest, row.floor)
            new.area += row.exclusive_area

    def finish(self) -> None:
        """Give new buildings their storeys and area from all their rows, and audit every place made."""
        if not self.write:
            return
        for community, name, subdistrict_id, compound in self.compounds:
            assert compound is not None
            audit.record(actor=self.actor, action="import_create_place", obj=compound, before=None,
                         after={"community": community, "name": name}, subdistrict_id=subdistrict_id)
        for new in self.buildings.values():
            assert new.obj is not None
            new.obj.storeys, new.obj.gross_area = new.storeys, new.area
            new.obj.save(update_fields=["storeys", "gross_area"])
            audit.record(actor=self.actor, action="import_create_place", obj=new.obj, before=None,
                         after={"compound": new.compound, "number": new.number, "storeys": new.storeys,
                                "storeys_guessed": new.stated is None, "gross_area": str(new.area),
                                "gross_area_estimated": True}, subdistrict_id=new.subdistrict_id)
        for label, subdistrict_id, unit in self.units:
            assert unit is not None
            audit.record(actor=self.actor, action="import_create_place", obj=unit, before=None,
                         after={"unit": label}, subdistrict_id=subdistrict_id)

    def listing(self) -> dict[str, Any] | None:
        """What was (or would be) created, JSON-able, for the result page; None when nothing."""
        if not (self.compounds or self.buildings or self.units):
            return None
        return {
            "compounds": [f"{community}·{name}" for community, name, _, _ in self.compounds],
            "buildings": [{"name": f"{b.compound}{b.number}栋", "storeys": b.storeys, "guessed": b.stated is None,
                           "units": len(b.units)} for b in self.buildings.values()],
            "units": [label for label, _, _ in self.units],
        }
