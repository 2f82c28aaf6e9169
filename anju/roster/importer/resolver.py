"""Where each row goes: its community, compound, building and unit found in the database, within the
importing user's scope, memoised so that a million rows ask a handful of queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from anju.core.scoping import Scope
from anju.domain.rostersheet import Location, RosterRow, RowIssue
from anju.roster.importer.creator import Creator
from anju.roster.models import Building, Community, Compound, Unit


@dataclass(slots=True)
class Place:
    """A resolved unit: the ids and names a household row needs."""

    unit_id: int
    compound_id: int
    subdistrict_id: int
    label: str  # 甲小区3栋1单元, for audit records
    building_id: int = 0


class DatabaseResolver:
    """The rostersheet Resolver against the database, limited to a scope, memoised per location.

    With a `creator`, a compound, building or unit the database does not have is no problem: the
    creator makes it (or, in a dry run, plans it) when the first row placed there needs it.
    Communities are never created here (they are set up on their page).
    """

    def __init__(self, scope: Scope, *, creator: Creator | None = None) -> None:
        self.scope = scope
        self.creator = creator
        communities = Community.objects.within(scope) if not scope.everything else Community.objects.all()
        self.communities: dict[str, list[tuple[int, int]]] = {}
        for pk, name, subdistrict_id in communities.values_list("id", "name", "subdistrict_id"):
            self.communities.setdefault(name, []).append((pk, subdistrict_id))
        self._compounds: dict[int, dict[str, tuple[int, str]]] = {}
        self._buildings: dict[int, dict[str, tuple[int, int]]] = {}
        self._units: dict[int, dict[str, int]] = {}
        # Per building, not per location: a million rows have ~500,000 (unit, floor) locations.
        self._known: dict[tuple[str, str, str], tuple[RowIssue, ...] | tuple[int, int, dict[str, int]]] = {}
        self._places: dict[tuple[str, str, str, str | None], Place] = {}
        self._nearby: set[str] | None = None  # other communities of a community user's sub-district
        self._offline = False

    def preload(self) -> None:
        """Load every location of the scope now (three queries), so that checking rows needs no database."""
        ids = [pk for matches in self.communities.values() for pk, _ in matches]
        compounds = Compound.objects.filter(community_id__in=ids)
        if self.scope.compound_id is not None:
            compounds = compounds.filter(pk=self.scope.compound_id)
        for community_id in ids:
            self._compounds[community_id] = {}
        for pk, name, community_id in compounds.values_list("id", "name", "community_id"):
            self._compounds[community_id][name] = (pk, name)
        for compound_id, in compounds.values_list("id"):
            self._buildings[compound_id] = {}
        buildings = Building.objects.filter(compound__in=compounds)
        for pk, number, storeys, compound_id in buildings.values_list("id", "number", "storeys", "compound_id"):
            self._buildings[compound_id][number] = (pk, storeys)
            self._units[pk] = {}
        units = Unit.objects.filter(building__in=buildings).order_by("id")
        for building_id, number, pk in units.values_list("building_id", "number", "id"):
            self._units[building_id][number] = pk
        if self.scope.community_id is not None:
            self._nearby = set(
                Community.objects.filter(subdistrict_id=self.scope.subdistrict_id).values_list("name", flat=True)
            )

    def go_offline(self) -> None:
        """From now on any query is a bug (the reader process must not use the parent's connection)."""
        self._offline = True

    def _online(self) -> None:
        if self._offline:
            raise RuntimeError("the roster resolver queried the database in the reader process; preload() first")

    def __call__(self, location: Location) -> Iterable[RowIssue]:
        key = (location.community, location.compound, location.building)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = self._building(location)
        if not known or isinstance(known[0], RowIssue):
            return known
        building_id, storeys, units = known
        if self.creator is not None and (building_id < 0 or self.creator.made_building(building_id)):
            return tuple(self.creator.check_floor(location))  # a building this import creates
        if (location.unit is None and len(units) == 1 or location.unit in units) and location.floor <= storeys:
            return ()
        return tuple(self._unit_and_floor(location, storeys, units))

    def place(self, row: RosterRow) -> Place:
        """Where a row that passed the resolver goes (memoised per unit)."""
        key = (row.community, row.compound, row.building, row.unit)
        found = self._places.get(key)
        if found is None:
            community_id, subdistrict_id = self.communities[row.community][0]
            if self.creator is not None:
                self._make_missing(row, community_id, subdistrict_id)
            compound_id, _ = self._compounds[community_id][row.compound]
            building_id, _ = self._buildings[compound_id][row.building]
            units = self._units[building_id]
            unit_number = row.unit if row.unit is not None else next(iter(units))
            found = Place(
                units[unit_number], compound_id, subdistrict_id,
                f"{row.compound}{row.building}栋{unit_number}单元", building_id,
            )
            self._places[key] = found
        if self.creator is not None:
            self.creator.saw(found.building_id, row)
        return found

    def _make_missing(self, row: RosterRow, community_id: int, subdistrict_id: int) -> None:
        """Create (or plan) the row's compound, building and unit where the database has none."""
        assert self.creator is not None
        compounds = self._compounds_of(community_id)
        if row.compound not in compounds:
            pk = self.creator.compound(community_id, subdistrict_id, row.community, row.compound)
            compounds[row.compound] = (pk, row.compound)
            self._buildings[pk] = {}
        compound_id = compounds[row.compound][0]
        buildings = self._buildings_of(compound_id) if compound_id > 0 else self._buildings[compound_id]
        if row.building not in buildings:
            key = (row.community, row.compound, row.building)
            pk, storeys = self.creator.building(compound_id, subdistrict_id, key, row)
            buildings[row.building] = (pk, storeys)
            self._units[pk] = {}
        building_id = buildings[row.building][0]
        units = self._units[building_id]
        number = row.unit if row.unit is not None else (None if units else "1")
        if number is not None and number not in units:
            units[number] = self.creator.unit(building_id, subdistrict_id, number,
                                              f"{row.compound}{row.building}栋{number}单元")

    def _building(self, loc: Location) -> tuple[RowIssue, ...] | tuple[int, int, dict[str, int]]:
        """(building id, storeys, units by number), or the issues that make the building unknown."""
        issues = tuple(self._find(loc))
        if issues:
            if self.creator is not None and all(i.key in ("compound", "building") for i in issues):
                return -1, 0, {}  # created when the first row is placed
            return issues
        community_id = self.communities[loc.community][0][0]
        compound_id = self._compounds_of(community_id)[loc.compound][0]
        building_id, storeys = self._buildings_of(compound_id)[loc.building]
        return building_id, storeys, self._units_of(building_id)

    def _find(self, loc: Location) -> Iterator[RowIssue]:
        matches = self.communities.get(loc.community)
        if not matches:
            if self.scope.community_id is not None and self._in_subdistrict(loc.community):
                yield RowIssue(
                    "community",
                    f"您只能导入本社区的住户，「{loc.community}」不是您所在的社区。",
                    f"You may import households of your own community only; {loc.community} is not yours.",
                )
            else:
                yield RowIssue("community", f"社区「{loc.community}」不存在。", f"Community {loc.community} does not exist.")
            return
        if len(matches) > 1:
            yield RowIssue(
                "community",
                f"社区名称「{loc.community}」在多个街道中都有，无法确定是哪一个。",
                f"The community name {loc.community} exists in several sub-districts; it is ambiguous.",
            )
            return
        compounds = self._compounds_of(matches[0][0])
        compound = compounds.get(loc.compound)
        if compound is None:
            yield RowIssue(
                "compound",
                f"小区「{loc.compound}」不在{loc.community}中。",
                f"Compound {loc.compound} is not in {loc.community}.",
            )
            return
        building = self._buildings_of(compound[0]).get(loc.building)
        if building is None:
            yield RowIssue(
                "building",
                f"{loc.compound}没有{loc.building}栋。",
                f"{loc.compound} has no building {loc.building}.",
            )

    def _unit_and_floor(self, loc: Location, storeys: int, units: dict[str, int]) -> Iterator[RowIssue]:
        if loc.unit is None and len(units) != 1:
            yield RowIssue(
                "unit",
                f"{loc.building}栋有{len(units)}个单元，请填写单元号。",
                f"Building {loc.building} has {len(units)} units; please fill in the unit.",
            )
        elif loc.unit is not None and loc.unit not in units and self.creator is None:
            yield RowIssue(
                "unit",
                f"{loc.building}栋没有{loc.unit}单元。",
                f"Building {loc.building} has no unit {loc.unit}.",
            )
        if loc.floor > storeys:
            yield RowIssue(
                "floor",
                f"楼层高于该楼栋的{storeys}层。",
                f"The floor is above the building's {storeys} storeys.",
            )

    def _in_subdistrict(self, community: str) -> bool:
        if self._nearby is None:
            self._online()
            return Community.objects.filter(subdistrict_id=self.scope.subdistrict_id, name=community).exists()
        return community in self._nearby

    def _compounds_of(self, community_id: int) -> dict[str, tuple[int, str]]:
        if community_id not in self._compounds:
            self._online()
            compounds = Compound.objects.filter(community_id=community_id)
            if self.scope.compound_id is not None:
                compounds = compounds.filter(pk=self.scope.compound_id)
            self._compounds[community_id] = {n: (pk, n) for pk, n in compounds.values_list("id", "name")}
        return self._compounds[community_id]

    def _buildings_of(self, compound_id: int) -> dict[str, tuple[int, int]]:
        if compound_id not in self._buildings:
            self._online()
            rows = Building.objects.filter(compound_id=compound_id).values_list("id", "number", "storeys")
            self._buildings[compound_id] = {number: (pk, storeys) for pk, number, storeys in rows}
            # The compound's units in the same go: one query per compound, not one per building.
            units = Unit.objects.filter(building__compound_id=compound_id).order_by("id")
            for building_id, _ in self._buildings[compound_id].values():
                self._units[building_id] = {}
            for building_id, number, pk in units.values_list("building_id", "number", "id"):
                self._units[building_id][number] = pk
        return self._buildings[compound_id]

    def _units_of(self, building_id: int) -> dict[str, int]:
        return self._units[building_id]


