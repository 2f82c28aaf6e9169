"""Roster import: a sheet checked against the database, then applied all or nothing.

`import_roster(source, actor=, scope=)` reads the file with `anju.domain.rostersheet.read_roster`,
checks every location against the database (a resolver limited to what the user may reach), and
writes the rows in ONE transaction, in batches of a few thousand with a handful of queries per
batch (never one per row). Any problem, or a dry run, rolls the whole transaction back, so the
database is unchanged; a process killed half-way leaves nothing either, the database's own
journal drops the open transaction.

Matching and what is written:
- a household is the row's (community, compound, building, unit, room); a known one is updated
  only where a value differs (floor, area, occupancy, note), a new one is created;
- its owner (户主) is matched by the ID number's keyed hash anywhere in the sub-district, or, when
  the row has no ID number, by name among the household's owners; a new person is created (and
  owns, and lives in an owner-occupied household) otherwise;
- blank cells for occupancy, party member, limited mobility, ID number or phone leave the stored
  value alone, and so do masked cells (`4203**********1234`, `138****5678`) from a masked export:
  an import never erases or overwrites personal data with stars;
- households in the database that the file does not list (in the compounds the file names) are
  left alone and counted as "not in file": a roster sheet is often one building's or one
  community's, so absence is no reason to delete;
- co-owners and residents the file does not name are left alone.

Every added or changed household gets an audit record (bulk-written, personal data masked)
naming the importing user, plus one summary record for the whole import.
"""

from __future__ import annotations

import csv
import gc
import json
import math
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from anju.core import crypto
from anju.core.audit import Actor
from anju.core.bulk import insert_many, insert_returning_ids, json_value, prep
from anju.core.errors import AnjuError
from anju.core.models import AuditEvent
from anju.core.scoping import Scope
from anju.domain.ids import mask_id_number, mask_phone
from anju.domain.rostersheet import Location, Problem, RosterRow, RowIssue, read_roster
from anju.domain.rostersheet.source import Source, open_sheets
from anju.domain.sheets import ABOUT_SHEET
from anju.roster.import_reader import Chunk, chunks
from anju.roster.models import (
    Building,
    Community,
    Compound,
    Household,
    Occupancy,
    Ownership,
    Person,
    Residence,
    Unit,
)

__all__ = ["ImportResult", "ProgressCallback", "count_rows", "import_roster", "is_masked", "pause_minutes"]

BATCH = 2000
IMPORT_CACHE_KIB = -65536  # SQLite page cache during an import: negative means KiB (64 MB)
_SEEN_BYTES = 1 << 24
ProgressCallback = Callable[[int], None]

# What the exporter writes for a role that may not see personal data (anju.domain.ids masks).
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
_MASKED = re.compile(r"\d{4}\*{6,14}[\dX]{4}|1\d{2}\*{4}\d{4}|0\d{2,3}-\*{4}\d{2}|\*{2,}")


def is_masked(value: str | None) -> bool:
    """True for a masked ID number or phone as Anju exports it (stars in place of digits)."""
    return bool(value) and "*" in value and _MASKED.fullmatch(value.replace(" ", "")) is not None


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a file with problems."""


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a file with problems, would have done)."""

    rows: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    not_in_file: int = 0
    people_added: int = 0
    people_changed: int = 0
    masked_cells: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    compound_ids: set[int] = field(default_factory=set)  # compounds the file's rows are in

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.problems

    def summary(self) -> dict[str, Any]:
        """The counts, JSON-able, without personal data (problem values stay out)."""
        return {
            "rows": self.rows,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "not_in_file": self.not_in_file,
            "people_added": self.people_added,
            "people_changed": self.people_changed,
            "masked_cells": self.masked_cells,
            "problems": len(self.problems),
            "dry_run": self.dry_run,
            "applied": self.applied,
            "seconds": round(self.seconds, 2),
        }


def pause_minutes(result: dict) -> int:
    """Minutes other writers will wait while a file this big is written, on SQLite (0: not worth saying).

    SQLite has one writer at a time and an import is one transaction, so edits by others pause
    until it ends (past the 20 s busy timeout they are refused with "system busy"). The benchmark
    writes about 16,000 rows/s at 1,000,000 rows (bench/roster_import_bench.py); 12,000 is used so
    that the estimate errs long.
    """
    rows = int(result.get("added", 0)) + int(result.get("changed", 0))
    if connection.vendor != "sqlite" or rows < PAUSE_NOTICE_ROWS:
        return 0
    return max(1, math.ceil(rows / IMPORT_ROWS_PER_SECOND / 60))


PAUSE_NOTICE_ROWS = 100_000  # about six seconds of writing: below that nobody notices
IMPORT_ROWS_PER_SECOND = 12_000


def count_rows(source: Source) -> int | None:
    """Roughly the rows of the file, cheaply, for a progress bar's total; None if unknown.

    CSV: its line breaks; xlsx: the dimension each worksheet declares. Neither parses the cells.
    """
    if not isinstance(source, str | os.PathLike):
        return None
    try:
        if zipfile.is_zipfile(source):
            total = 0
            with zipfile.ZipFile(source) as archive:
                for name in archive.namelist():
                    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                        with archive.open(name) as sheet:
                            found = _DIMENSION.search(sheet.read(4096))
                        total += int(found.group(1)) if found else 0
            return total or None
        with open(source, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except (OSError, zipfile.BadZipFile):
        return None


def import_roster(
    source: Source,
    *,
    actor: Actor,
    scope: Scope,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    label: str = "",
) -> ImportResult:
    """Check `source` completely and, if it has no problem and this is not a dry run, apply it.

    Returns the result in either case; `result.problems` lists every problem (the database is then
    unchanged). Raises AnjuError when the user may not edit the roster at all.
    """
    if not scope.can_edit or not (scope.everything or scope.subdistrict_id is not None):
        raise AnjuError("您没有导入台账的权限。", "You may not import rosters.")
    started = time.monotonic()
    result = _run(source, actor=actor, scope=scope, dry_run=dry_run, progress=progress, label=label)
    masked = [p for p in result.problems if _masked_problem(p)]
    if masked and len(masked) < len(result.problems):
        # Stars are not a mistake: report only the real problems (the file is not imported anyway).
        result.problems = [p for p in result.problems if not _masked_problem(p)]
        result.masked_cells = len(masked)
    elif masked:
        # A masked export: read it again with the starred cells blank ("leave the stored value").
        with tempfile.TemporaryDirectory(prefix="anju-import-") as tmp:
            sheets = _unmasked_copies(source, Path(tmp))
            masked = sum(count for _, _, _, count in sheets)
            result = _run_many(
                [s[:3] for s in sheets], actor=actor, scope=scope, dry_run=dry_run, progress=progress, label=label
            )
            result.masked_cells = masked
    result.seconds = time.monotonic() - started
    return result


def _masked_problem(problem: Problem) -> bool:
    return problem.key in ("id_number", "phone") and is_masked(problem.value)


def _run(source: Source, **kwargs: Any) -> ImportResult:
    return _run_many([(None, source, None)], **kwargs)


def _run_many(
    sources: list[tuple[str | None, Source, list[int] | None]],
    *,
    actor: Actor,
    scope: Scope,
    dry_run: bool,
    progress: ProgressCallback | None,
    label: str,
) -> ImportResult:
    """Read each (sheet name, file, original row numbers) and apply them in one transaction."""
    result = ImportResult(dry_run=dry_run)
    resolver = DatabaseResolver(scope)
    thresholds = gc.get_threshold()
    # A million-row import keeps many long-lived objects; the default thresholds would scan them
    # over and over. Rarer collections save ~8% and leave memory as it was (few cycles here).
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 50), max(thresholds[2], 100))
    try:
        # A dry run writes nothing, so it takes no transaction (on SQLite: no write lock held
        # while a big file is read).
        with nullcontext() if dry_run else transaction.atomic(), _page_cache(not dry_run):
            writer = _Writer(resolver, actor=actor, result=result, write=not dry_run)

            def read() -> Iterator[RosterRow | Problem]:
                for sheet_name, source, numbers in sources:
                    yield from _renumbered(read_roster(source, resolver=resolver), sheet_name, numbers)

            # On SQLite the audit column takes JSON text, which the reader process can write ahead.
            annotate = _created_json if connection.vendor == "sqlite" else None
            stream = chunks(read, [s for _, s, _ in sources], size=BATCH,
                            before_fork=resolver.preload, on_fork=resolver.go_offline, annotate=annotate)
            # closing(): a failed write stops the reader process at once, not when garbage is collected.
            with closing(stream):
                for chunk in stream:
                    rows: list[RosterRow] = []
                    for item in chunk.items:
                        if isinstance(item, Problem):
                            result.problems.append(item)
                            writer.write = False  # keep reading to report every problem, but stop writing
                        else:
                            rows.append(item)
                    result.rows += len(rows)
                    writer.apply(rows, chunk)
                    if progress is not None:
                        progress(result.rows)
            result.not_in_file = writer.not_in_file()
            result.compound_ids = set(writer.matched_by_compound) | set(writer.added_by_compound)
            if result.problems or dry_run:
                raise _Rollback
            writer.summary_event(label)
    except _Rollback:
        pass
    finally:
        gc.set_threshold(*thresholds)
    return result


@contextmanager
def _page_cache(big: bool) -> Iterator[None]:
    """On SQLite, a 64 MB page cache while the import writes (the default is 2 MB).

    Search hashes are random, so each new person lands on a random page of the hash indexes; with
    the default cache those pages spill and are read back again and again (~15% of a 100,000-row
    import). The setting is the connection's, so it is put back afterwards.
    """
    if not big or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _renumbered(
    items: Iterator[RosterRow | Problem], sheet: str | None, numbers: list[int] | None
) -> Iterator[RosterRow | Problem]:
    """Rows of an unmasked copy carry the sheet name and row numbers of the original file."""
    if numbers is None:
        yield from items
        return
    for item in items:
        yield replace(item, row=numbers[item.row - 1] if item.row else item.row, sheet=sheet)


def _unmasked_copies(source: Source, folder: Path) -> list[tuple[str | None, Source, list[int], int]]:
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


@dataclass(slots=True)
class _Event:
    """An audit record to write in bulk once the household has its id."""

    action: str
    household_pk: int
    place: _Place
    room: str
    before: dict[str, Any] | None
    after: dict[str, Any] | str  # str: already JSON text (SQLite)


@dataclass(slots=True)
class _Place:
    """A resolved unit: the ids and names a household row needs."""

    unit_id: int
    compound_id: int
    subdistrict_id: int
    label: str  # 甲小区3栋1单元, for audit records


class DatabaseResolver:
    """The rostersheet Resolver against the database, limited to a scope, memoised per location."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        communities = Community.objects.within(scope) if not scope.everything else Community.objects.all()
        self.communities: dict[str, list[tuple[int, int]]] = {}
        for pk, name, subdistrict_id in communities.values_list("id", "name", "subdistrict_id"):
            self.communities.setdefault(name, []).append((pk, subdistrict_id))
        self._compounds: dict[int, dict[str, tuple[int, str]]] = {}
        self._buildings: dict[int, dict[str, tuple[int, int]]] = {}
        self._units: dict[int, dict[str, int]] = {}
        # Per building, not per location: a million rows have ~500,000 (unit, floor) locations.
        self._known: dict[tuple[str, str, str], tuple[RowIssue, ...] | tuple[int, int, dict[str, int]]] = {}
        self._places: dict[tuple[str, str, str, str | None], _Place] = {}
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
            return known  # type: ignore[return-value]
        _, storeys, units = known
        if (location.unit is None and len(units) == 1 or location.unit in units) and location.floor <= storeys:
            return ()
        return tuple(self._unit_and_floor(location, storeys, units))

    def place(self, row: RosterRow) -> _Place:
        """Where a row that passed the resolver goes (memoised per unit)."""
        key = (row.community, row.compound, row.building, row.unit)
        found = self._places.get(key)
        if found is None:
            community_id, subdistrict_id = self.communities[row.community][0]
            compound_id, _ = self._compounds[community_id][row.compound]
            building_id, _ = self._buildings[compound_id][row.building]
            units = self._units[building_id]
            unit_number = row.unit if row.unit is not None else next(iter(units))
            found = _Place(
                units[unit_number], compound_id, subdistrict_id,
                f"{row.compound}{row.building}栋{unit_number}单元",
            )
            self._places[key] = found
        return found

    def _building(self, loc: Location) -> tuple[RowIssue, ...] | tuple[int, int, dict[str, int]]:
        """(building id, storeys, units by number), or the issues that make the building unknown."""
        issues = tuple(self._find(loc))
        if issues:
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
        elif loc.unit is not None and loc.unit not in units:
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


_PERSON_COLUMNS = (
    "subdistrict_id", "name", "sex", "birth_year", "id_number_encrypted", "id_number_hash", "phone_encrypted",
    "phone_hash", "limited_mobility", "party_member",
)
_PERSON_FIELDS = ("name", "sex", "birth_year", "party_member", "limited_mobility")
_HOUSEHOLD_FIELDS = ("floor", "exclusive_area", "occupancy", "note")


class _Writer:
    """Applies batches of rows: three reads per batch, then bulk writes and bulk audit records."""

    def __init__(self, resolver: DatabaseResolver, *, actor: Actor, result: ImportResult, write: bool) -> None:
        self.resolver = resolver
        self.actor = actor
        self.result = result
        self.write = write
        self.matched_by_compound: dict[int, int] = {}
        self.added_by_compound: dict[int, int] = {}
        self.subdistricts: set[int] = set()
        self._had_ids: dict[int, bool] = {}
        # A bitmap of the ID numbers this import has written (a hash prefix picks the bit): 16 MB
        # whatever the size; a false hit only adds a hash to the next batch's lookup.
        self._seen_ids = bytearray(_SEEN_BYTES)
        self._hashes: dict[str, str] = {}
        self._chunk = Chunk([])
        self._notes: dict[int, str] = {}  # id(row) -> its creation record as JSON text, made by the reader

    def apply(self, rows: list[RosterRow], chunk: Chunk) -> None:
        if not rows:
            return
        places = [self.resolver.place(row) for row in rows]
        self._chunk = chunk
        self._notes = dict(zip(map(id, rows), chunk.notes, strict=True)) if chunk.notes is not None else {}
        known = chunk.id_hashes
        self._hashes = {
            r.id_number: known.get(r.id_number) or crypto.search_hash("id", r.id_number) for r in rows if r.id_number
        }
        existing = self._existing_households(rows, places)
        owners = self._owners([h.pk for h in existing.values()])
        by_hash = self._people_by_id_hash(rows, places)
        new_households: list[tuple[RosterRow, _Place]] = []
        changed_households: list[Household] = []
        changed_people: dict[int, Person] = {}
        new_owners: list[tuple[RosterRow, _Place, int]] = []  # a new person owning a known household
        new_links: list[tuple[int, int, bool]] = []  # person pk, household pk, lives there
        events: list[_Event] = []
        for row, place in zip(rows, places, strict=True):
            self.subdistricts.add(place.subdistrict_id)
            household = existing.get((place.unit_id, row.room))
            if household is None:
                new_households.append((row, place))
                self.added_by_compound[place.compound_id] = self.added_by_compound.get(place.compound_id, 0) + 1
                continue
            self.matched_by_compound[place.compound_id] = self.matched_by_compound.get(place.compound_id, 0) + 1
            before = _household_snapshot(household)
            household_changed = self._update_household(household, row)
            person, person_before, link = self._match_owner(row, household, owners, by_hash)
            if person is None:
                new_owners.append((row, place, household.pk))
                owner_after = _row_owner_snapshot(row)
            else:
                if person_before is not None:
                    changed_people[person.pk] = person
                if link:
                    new_links.append((person.pk, household.pk, row.occupancy in (None, Occupancy.OWNER)))
                owner_after = _person_snapshot(person) if person_before is not None or link else None
            if household_changed or person is None or person_before is not None or link:
                if household_changed:
                    changed_households.append(household)
                self.result.changed += 1
                if person_before is not None:
                    before = before | {"owner": person_before}
                after = _household_snapshot(household) | ({"owner": owner_after} if owner_after else {})
                events.append(_Event("import_update", household.pk, place, row.room, before, after))
            else:
                self.result.unchanged += 1
        self.result.added += len(new_households)
        self.result.people_added += len(new_owners) + len(new_households)
        self.result.people_changed += len(changed_people)
        if self.write:
            self._write(new_households, changed_households, changed_people, new_owners, new_links, events, by_hash)

    def _write(
        self,
        new_households: list[tuple[RosterRow, _Place]],
        changed_households: list[Household],
        changed_people: dict[int, Person],
        new_owners: list[tuple[RosterRow, _Place, int]],
        new_links: list[tuple[int, int, bool]],
        events: list[_Event],
        by_hash: dict[str, Person],
    ) -> None:
        if changed_households:
            Household.objects.bulk_update(changed_households, list(_HOUSEHOLD_FIELDS), batch_size=BATCH)
        if changed_people:
            Person.objects.bulk_update(
                list(changed_people.values()),
                [*_PERSON_FIELDS, "id_number_encrypted", "id_number_hash", "phone_encrypted", "phone_hash"],
                batch_size=BATCH,
            )
        household_ids = self._insert_households(new_households)
        # One new person per owner, unless the database or an earlier row of this batch already has
        # the same ID number (one owner of several dwellings).
        fresh: list[tuple[RosterRow, _Place, str]] = []
        fresh_by_hash: dict[str, int] = {}
        links: list[tuple[int | None, int, int, bool]] = []  # person pk or None, fresh index, household, lives
        owners = [(row, place, household_ids[(place.unit_id, row.room)]) for row, place in new_households]
        for row, place, household_pk in [*owners, *new_owners]:
            lives = row.occupancy in (None, Occupancy.OWNER)
            key = self._id_hash(row)
            known = by_hash.get(key) if key else None
            if known is not None:
                links.append((known.pk, -1, household_pk, lives))
                continue
            index = fresh_by_hash.get(key, -1) if key else -1
            if index < 0:
                index = len(fresh)
                fresh.append((row, place, key))
                if key:
                    fresh_by_hash[key] = index
            links.append((None, index, household_pk, lives))
        notes = self._notes
        for row, place, household_pk in owners:
            after = notes.get(id(row)) or _household_snapshot_of_row(row) | {"owner": _row_owner_snapshot(row)}
            events.append(_Event("import_create", household_pk, place, row.room, None, after))
        person_ids = insert_returning_ids(Person, _PERSON_COLUMNS, _people_values(fresh, self._chunk))
        pairs = [(pk if pk is not None else person_ids[i], h, lives) for pk, i, h, lives in links]
        pairs.extend(new_links)
        insert_many(Ownership, ("person_id", "household_id"), [(p, h) for p, h, _ in pairs], ignore_conflicts=True)
        insert_many(Residence, ("person_id", "household_id"), [(p, h) for p, h, lives in pairs if lives],
                    ignore_conflicts=True)
        now = prep(AuditEvent, "at", timezone.now())
        user_id, label = (self.actor.user.pk if self.actor.user else None), self.actor.label[:120]
        insert_many(
            AuditEvent,
            ("at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_label",
             "subdistrict_id", "before", "after"),
            [
                (now, user_id, label, e.action, "roster.household", str(e.household_pk),
                 f"{e.place.label}{e.room}"[:200], e.place.subdistrict_id,
                 json_value(e.before), e.after if isinstance(e.after, str) else json_value(e.after))
                for e in events
            ],
        )

    def _insert_households(self, new: list[tuple[RosterRow, _Place]]) -> dict[tuple[int, str], int]:
        """Insert new households; their ids, by their natural key (unit, room)."""
        if not new:
            return {}
        ids = insert_returning_ids(
            Household, ("unit_id", "compound_id", "floor", "room", "exclusive_area", "occupancy", "note"),
            [
                (p.unit_id, p.compound_id, r.floor, r.room, r.exclusive_area, r.occupancy or Occupancy.OWNER, r.note)
                for r, p in new
            ],
        )
        return {(p.unit_id, r.room): pk for (r, p), pk in zip(new, ids, strict=True)}

    def _id_hash(self, row: RosterRow) -> str:
        """The keyed hash of the row's ID number, computed once per batch."""
        return self._hashes[row.id_number] if row.id_number else ""

    def _existing_households(self, rows: list[RosterRow], places: list[_Place]) -> dict[tuple[int, str], Household]:
        unit_ids = {p.unit_id for p in places}
        rooms = {r.room for r in rows}
        found = Household.objects.filter(unit_id__in=unit_ids, room__in=rooms).only(
            "id", "unit_id", "compound_id", "room", *_HOUSEHOLD_FIELDS
        )
        # Households inserted by earlier batches share units and room numbers with this one: keep
        # only the exact (unit, room) pairs of this batch.
        wanted = {(p.unit_id, r.room) for r, p in zip(rows, places, strict=True)}
        return {(h.unit_id, h.room): h for h in found if (h.unit_id, h.room) in wanted}

    def _owners(self, household_ids: list[int]) -> dict[int, list[Person]]:
        owners: dict[int, list[Person]] = {}
        if not household_ids:
            return owners
        links = Ownership.objects.filter(household_id__in=household_ids).select_related("person").order_by("id")
        for link in links:
            owners.setdefault(link.household_id, []).append(link.person)
        return owners

    def _people_by_id_hash(self, rows: list[RosterRow], places: list[_Place]) -> dict[str, Person]:
        """People of these rows' sub-districts who already have one of the rows' ID numbers.

        A sub-district with no ID numbers on record before the import (the first import of a
        roster) can only hold ones that earlier batches of this import wrote, so only hashes that
        may have been written (see _seen_ids) are looked up: a first import asks almost nothing.
        """
        subdistricts = {p.subdistrict_id for p in places}
        for sd in subdistricts - self._had_ids.keys():
            self._had_ids[sd] = Person.objects.filter(subdistrict_id=sd).exclude(id_number_hash="").exists()
        hashes = set()
        for row, place in zip(rows, places, strict=True):
            if row.id_number:
                digest = self._id_hash(row)
                bit = int(digest[:8], 16) % (_SEEN_BYTES * 8)
                seen = self._seen_ids[bit >> 3] & (1 << (bit & 7))
                if self._had_ids[place.subdistrict_id] or seen:
                    hashes.add(digest)
                elif self.write:
                    self._seen_ids[bit >> 3] |= 1 << (bit & 7)
        if not hashes:
            return {}
        # By hash alone, the sub-district checked here: given both, SQLite may walk the sub-district
        # index (every person of it, for each batch) instead of the hash index, which made a
        # million-row import quadratic.
        people = Person.objects.filter(id_number_hash__in=hashes)
        return {p.id_number_hash: p for p in people if p.subdistrict_id in subdistricts}

    def _update_household(self, household: Household, row: RosterRow) -> bool:
        changed = False
        for name, value in (
            ("floor", row.floor),
            ("exclusive_area", row.exclusive_area),
            ("occupancy", row.occupancy),
            ("note", row.note),
        ):
            if value is None:
                continue
            current = getattr(household, name)
            if name == "exclusive_area":
                current = Decimal(current).quantize(Decimal("0.01"))
            if current != value:
                setattr(household, name, value)
                changed = True
        return changed

    def _match_owner(
        self,
        row: RosterRow,
        household: Household,
        owners: dict[int, list[Person]],
        by_hash: dict[str, Person],
    ) -> tuple[Person | None, dict[str, Any] | None, bool]:
        """The row's owner: (person or None for a new one, snapshot before a change, needs ownership)."""
        current = owners.get(household.pk, [])
        person: Person | None = None
        if row.id_number:
            person = by_hash.get(self._id_hash(row))
            if person is None:
                # The household's owner of that name without an ID number gets the file's number.
                person = next((p for p in current if p.name == row.owner_name and not p.id_number_hash), None)
        else:
            person = next((p for p in current if p.name == row.owner_name), None)
        if person is None:
            return None, None, False
        before = _person_snapshot(person)
        changed = _update_person(person, row, self._id_hash(row), self._chunk)
        link = all(p.pk != person.pk for p in current)
        return person, (before if changed else None), link

    def not_in_file(self) -> int:
        """Households of the compounds the file names that no row matched."""
        compounds = set(self.matched_by_compound) | set(self.added_by_compound)
        if not compounds:
            return 0
        totals = dict(
            Household.objects.filter(compound_id__in=compounds)
            .values_list("compound_id")
            .annotate(n=Count("id"))
            .values_list("compound_id", "n")
        )
        added = self.added_by_compound if self.write else {}
        return sum(
            totals.get(c, 0) - self.matched_by_compound.get(c, 0) - added.get(c, 0) for c in compounds
        )

    def summary_event(self, label: str) -> None:
        summary = self.result.summary()
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=self.actor.user, actor_label=self.actor.label[:120], action="import",
                    object_type="roster.import", object_id=str(sd), object_label=(label or "台账导入")[:200],
                    subdistrict_id=sd, before=None, after=summary,
                )
                for sd in sorted(self.subdistricts)
            ]
        )


def _people_values(people: list[tuple[RosterRow, _Place, str]], chunk: Chunk) -> list[tuple]:
    """New owners' column values (_PERSON_COLUMNS); ID number and phone sealed (ahead by the reader process,
    or here a batch at a time)."""
    tokens = chunk.tokens
    missing = list({v for row, _, _ in people for v in (row.id_number, row.phone) if v and v not in tokens})
    if missing:
        tokens = tokens | dict(zip(missing, crypto.encrypt_many(missing), strict=True))
    return [
        (
            place.subdistrict_id, row.owner_name, row.sex or "", row.birth_year,
            tokens[row.id_number] if row.id_number else "", id_hash,
            tokens[row.phone] if row.phone else "", _phone_hash(row.phone, chunk),
            bool(row.limited_mobility), bool(row.party_member),
        )
        for row, place, id_hash in people
    ]


def _phone_hash(phone: str | None, chunk: Chunk) -> str:
    if not phone:
        return ""
    return chunk.phone_hashes.get(phone) or crypto.search_hash("phone", phone)


def _update_person(person: Person, row: RosterRow, id_hash: str, chunk: Chunk) -> bool:
    """Set what the row states and differs; blank (None) leaves the stored value alone."""
    changed = False
    for name, value in (
        ("name", row.owner_name),
        ("sex", row.sex),
        ("birth_year", row.birth_year),
        ("party_member", row.party_member),
        ("limited_mobility", row.limited_mobility),
    ):
        if value is not None and getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    if row.id_number and id_hash != person.id_number_hash:
        person.id_number_hash = id_hash
        person.id_number_encrypted = chunk.tokens.get(row.id_number) or crypto.encrypt(row.id_number)
        changed = True
    if row.phone:
        digest = _phone_hash(row.phone, chunk)
        if digest != person.phone_hash:
            person.phone_hash = digest
            person.phone_encrypted = chunk.tokens.get(row.phone) or crypto.encrypt(row.phone)
            changed = True
    return changed


def _created_json(row: RosterRow) -> str:
    """The audit record's "after" of a household created from `row`, as the database stores it (SQLite)."""
    return json.dumps(_household_snapshot_of_row(row) | {"owner": _row_owner_snapshot(row)})


def _household_snapshot_of_row(r: RosterRow) -> dict[str, Any]:
    return {
        "floor": r.floor, "room": r.room, "exclusive_area": str(r.exclusive_area),
        "occupancy": r.occupancy or Occupancy.OWNER, "note": r.note,
    }


def _household_snapshot(h: Household) -> dict[str, Any]:
    return {
        "floor": h.floor, "room": h.room, "exclusive_area": str(h.exclusive_area),
        "occupancy": h.occupancy, "note": h.note,
    }


def _row_owner_snapshot(row: RosterRow) -> dict[str, Any]:
    return {
        "name": row.owner_name, "sex": row.sex or "", "birth_year": row.birth_year,
        "id_number": mask_id_number(row.id_number), "phone": _mask_normal_phone(row.phone),
        "party_member": bool(row.party_member), "limited_mobility": bool(row.limited_mobility),
    }


def _mask_normal_phone(phone: str | None) -> str:
    """mask_phone for a number the reader has already normalised (skips normalising it again)."""
    if not phone:
        return ""
    if "-" in phone:
        area, subscriber = phone.split("-")
        return f"{area}-****{subscriber[-2:]}"
    return f"{phone[:3]}****{phone[-4:]}"


def _person_snapshot(p: Person) -> dict[str, Any]:
    """Personal data masked: the audit history never holds a number in clear."""
    return {
        "name": p.name, "sex": p.sex, "birth_year": p.birth_year,
        "id_number": mask_id_number(crypto.decrypt(p.id_number_encrypted)) if p.id_number_encrypted else "",
        "phone": mask_phone(crypto.decrypt(p.phone_encrypted)) if p.phone_encrypted else "",
        "party_member": p.party_member, "limited_mobility": p.limited_mobility,
    }
