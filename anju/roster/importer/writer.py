"""Writes batches of checked rows: three reads per batch, then bulk inserts and updates, and one bulk
audit record per added or changed household (never one query per row)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from anju.core import crypto
from anju.core.audit import Actor
from anju.core.bulk import insert_many, insert_returning_ids, json_value, prep
from anju.core.models import AuditEvent
from anju.domain.rostersheet import RosterRow
from anju.roster import summary
from anju.roster.import_reader import Chunk
from anju.roster.importer.resolver import DatabaseResolver, Place
from anju.roster.importer.result import ImportResult
from anju.roster.importer.snapshots import (
    household_snapshot,
    household_snapshot_of_row,
    person_snapshot,
    row_owner_snapshot,
)
from anju.roster.models import Household, Occupancy, Ownership, Person, Residence

WRITE_BATCH = 2000  # rows per bulk UPDATE statement
_SEEN_BYTES = 1 << 24


@dataclass(slots=True)
class _Event:
    """An audit record to write in bulk once the household has its id."""

    action: str
    household_pk: int
    place: Place
    room: str
    before: dict[str, Any] | None
    after: dict[str, Any] | str  # str: already JSON text (SQLite)


_PERSON_COLUMNS = (
    "subdistrict_id", "name", "sex", "birth_year", "id_number_encrypted", "id_number_hash", "phone_encrypted",
    "phone_hash", "limited_mobility", "party_member",
)
_PERSON_FIELDS = ("name", "sex", "birth_year", "party_member", "limited_mobility")
_HOUSEHOLD_FIELDS = ("floor", "exclusive_area", "occupancy", "note")


class Writer:
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
        new_households: list[tuple[RosterRow, Place]] = []
        changed_households: list[Household] = []
        changed_people: dict[int, Person] = {}
        new_owners: list[tuple[RosterRow, Place, int]] = []  # a new person owning a known household
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
            before = household_snapshot(household)
            household_changed = self._update_household(household, row)
            person, person_before, link = self._match_owner(row, household, owners, by_hash)
            if person is None:
                new_owners.append((row, place, household.pk))
                owner_after = row_owner_snapshot(row)
            else:
                if person_before is not None:
                    changed_people[person.pk] = person
                if link:
                    new_links.append((person.pk, household.pk, row.occupancy in (None, Occupancy.OWNER)))
                owner_after = person_snapshot(person) if person_before is not None or link else None
            if household_changed or person is None or person_before is not None or link:
                if household_changed:
                    changed_households.append(household)
                self.result.changed += 1
                if person_before is not None:
                    before = before | {"owner": person_before}
                after = household_snapshot(household) | ({"owner": owner_after} if owner_after else {})
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
        new_households: list[tuple[RosterRow, Place]],
        changed_households: list[Household],
        changed_people: dict[int, Person],
        new_owners: list[tuple[RosterRow, Place, int]],
        new_links: list[tuple[int, int, bool]],
        events: list[_Event],
        by_hash: dict[str, Person],
    ) -> None:
        if changed_households:
            Household.objects.bulk_update(changed_households, list(_HOUSEHOLD_FIELDS), batch_size=WRITE_BATCH)
        if changed_people:
            Person.objects.bulk_update(
                list(changed_people.values()),
                [*_PERSON_FIELDS, "id_number_encrypted", "id_number_hash", "phone_encrypted", "phone_hash"],
                batch_size=WRITE_BATCH,
            )
        household_ids = self._insert_households(new_households)
        # One new person per owner, unless the database or an earlier row of this batch already has
        # the same ID number (one owner of several dwellings).
        fresh: list[tuple[RosterRow, Place, str]] = []
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
            after = notes.get(id(row)) or household_snapshot_of_row(row) | {"owner": row_owner_snapshot(row)}
            events.append(_Event("import_create", household_pk, place, row.room, None, after))
        person_ids = insert_returning_ids(Person, _PERSON_COLUMNS, _people_values(fresh, self._chunk))
        pairs = [(pk if pk is not None else person_ids[i], h, lives) for pk, i, h, lives in links]
        pairs.extend(new_links)
        insert_many(Ownership, ("person_id", "household_id"), [(p, h) for p, h, _ in pairs], ignore_conflicts=True)
        insert_many(Residence, ("person_id", "household_id"), [(p, h) for p, h, lives in pairs if lives],
                    ignore_conflicts=True)
        # The touched buildings' summaries, in this transaction: they commit or roll back with the rows.
        summary.refresh_units({place.unit_id for _, place in new_households} | {place.unit_id for _, place, _ in new_owners}
                              | {h.unit_id for h in changed_households})
        summary.refresh_households({h for _, h, _ in new_links})
        summary.refresh_people(changed_people)
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

    def _insert_households(self, new: list[tuple[RosterRow, Place]]) -> dict[tuple[int, str], int]:
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

    def _existing_households(self, rows: list[RosterRow], places: list[Place]) -> dict[tuple[int, str], Household]:
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

    def _people_by_id_hash(self, rows: list[RosterRow], places: list[Place]) -> dict[str, Person]:
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
        before = person_snapshot(person)
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


def _people_values(people: list[tuple[RosterRow, Place, str]], chunk: Chunk) -> list[tuple]:
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
