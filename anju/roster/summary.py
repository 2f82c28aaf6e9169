"""Roster totals kept per building (`BuildingSummary`), so pages sum a few rows instead of recounting.

Every write that changes a building's households, residents, areas or lifts calls `refresh_buildings`
(or `refresh_units` / `refresh_people`) inside its own transaction: the building's row is recomputed
from its rows there and then, so the summary commits or rolls back with the change (an import killed
half-way leaves both as they were). Higher levels (compound, community, sub-district) are sums of
their buildings' rows, read with one grouped query on the scope's indexed columns.

People are counted per building (distinct residents of the building) and a level's people are the sum
of its buildings', so every figure equals the sum of its drill-down rows. Elderly and stranded elderly
depend on the year: a row counted for another year is recounted the first time it is read in a new year
(`current_rows`), once for the whole scope.

`differences` recomputes every building from the rows and lists where the kept rows disagree
(`anju recount`); `rebuild` writes the recomputed rows (after a bulk load that bypassed the services).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from anju.core.scoping import Scope
from anju.roster.models import (
    ELDERLY_AGE,
    STRANDED_FROM_FLOOR,
    Building,
    BuildingSummary,
    Household,
    Residence,
    Unit,
)

CHUNK = 500  # ids per IN (...), well under SQLite's limit on parameters
COUNTED = ("households", "people", "elderly", "stranded_elderly", "exclusive_area_cm2", "gross_area_cm2",
           "units_with_elevator", "compound_id", "community_id", "subdistrict_id")


def _cm2(value: Decimal | float | int | None) -> int:
    # SQLite sums decimals as binary floating point; each area has two places and a building's sum is far
    # below where a double loses a hundredth, so rounding to 0.01 m² gives the exact sum.
    return int((Decimal(str(value or 0)) * 100).quantize(Decimal(1)))


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def compute(building_ids: list[int], *, year: int | None = None) -> dict[int, BuildingSummary]:
    """These buildings' summaries computed from the rows (unsaved), for `year` (default: this year)."""
    year = year or timezone.localdate().year
    born_by = year - ELDERLY_AGE
    out: dict[int, BuildingSummary] = {}
    for ids in _chunks(building_ids):
        for pk, compound, community, subdistrict, gross in Building.objects.filter(pk__in=ids).values_list(
                "pk", "compound_id", "compound__community_id", "compound__subdistrict_id", "gross_area"):
            out[pk] = BuildingSummary(building_id=pk, compound_id=compound, community_id=community,
                                      subdistrict_id=subdistrict, gross_area_cm2=_cm2(gross), as_of_year=year)
        for row in (Household.objects.filter(unit__building_id__in=ids).values("unit__building_id")
                    .annotate(n=Count("id"), area=Sum("exclusive_area")).order_by()):
            summary = out[row["unit__building_id"]]
            summary.households, summary.exclusive_area_cm2 = row["n"], _cm2(row["area"])
        for building, n in (Unit.objects.filter(building_id__in=ids, has_elevator=True).values("building_id")
                            .annotate(n=Count("id")).values_list("building_id", "n").order_by()):
            out[building].units_with_elevator = n
        stranded = Q(household__floor__gte=STRANDED_FROM_FLOOR, household__unit__has_elevator=False,
                     person__birth_year__lte=born_by)
        for lived in (Residence.objects.filter(household__unit__building_id__in=ids).values("household__unit__building_id")
                    .annotate(n=Count("person_id", distinct=True),
                              elderly=Count("person_id", distinct=True, filter=Q(person__birth_year__lte=born_by)),
                              stranded=Count("person_id", distinct=True, filter=stranded)).order_by()):
            kept = out[lived["household__unit__building_id"]]
            kept.people, kept.elderly, kept.stranded_elderly = lived["n"], lived["elderly"], lived["stranded"]
    return out


def refresh_buildings(building_ids: Iterable[int]) -> None:
    """Recompute these buildings' summaries from their rows, within the caller's transaction."""
    ids = {pk for pk in building_ids if pk and pk > 0}
    if not ids:
        return
    with transaction.atomic():
        # Lock the rows first (in building order, so two writers never wait on each other in a circle): a
        # concurrent write to the same building waits here until this transaction commits, then counts
        # with its rows, so neither recount misses the other's change.
        for chunk in _chunks(ids):
            list(BuildingSummary.objects.select_for_update().filter(building_id__in=chunk).order_by("building_id")
                 .values_list("building_id", flat=True))
        _upsert(compute(sorted(ids)).values())


def _upsert(rows: Iterable[BuildingSummary]) -> None:
    BuildingSummary.objects.bulk_create(list(rows), batch_size=CHUNK, update_conflicts=True, unique_fields=["building"],
                                        update_fields=[*(f[:-3] if f.endswith("_id") else f for f in COUNTED),
                                                       "as_of_year"])


def refresh_units(unit_ids: Iterable[int]) -> None:
    """Recompute the summaries of the buildings these units are in."""
    buildings: set[int] = set()
    for ids in _chunks(pk for pk in unit_ids if pk and pk > 0):
        buildings.update(Unit.objects.filter(pk__in=ids).values_list("building_id", flat=True))
    refresh_buildings(buildings)


def refresh_households(household_ids: Iterable[int]) -> None:
    """Recompute the summaries of the buildings these households are in."""
    buildings: set[int] = set()
    for ids in _chunks(household_ids):
        buildings.update(Household.objects.filter(pk__in=ids).values_list("unit__building_id", flat=True))
    refresh_buildings(buildings)


def refresh_people(person_ids: Iterable[int]) -> None:
    """Recompute the summaries of the buildings these people live in (their birth year or residences changed)."""
    buildings: set[int] = set()
    for ids in _chunks(person_ids):
        buildings.update(Residence.objects.filter(person_id__in=ids).values_list("household__unit__building_id", flat=True))
    refresh_buildings(buildings)


def current_rows(scope: Scope) -> QuerySet[BuildingSummary]:
    """The scope's summary rows, first recounting any counted for an earlier year (elderly move on each 1 January)."""
    rows = BuildingSummary.objects.within(scope)
    year = timezone.localdate().year
    stale = rows.exclude(as_of_year=year)
    if stale.exists():
        refresh_buildings(list(stale.values_list("building_id", flat=True)))
    return rows


@dataclass(frozen=True)
class Difference:
    """One building whose kept summary disagrees with its rows: the field, what is kept, what the rows say."""

    building_id: int
    field: str
    kept: int | None
    counted: int | None


def differences(*, year: int | None = None) -> list[Difference]:
    """Every difference between the kept summaries and a recount from the rows, building by building."""
    found: list[Difference] = []
    kept_ids = set(BuildingSummary.objects.values_list("building_id", flat=True))
    all_ids = set(Building.objects.values_list("pk", flat=True))
    for gone in sorted(kept_ids - all_ids):
        found.append(Difference(gone, "building", 1, None))
    for ids in _chunks(all_ids):
        fresh = compute(ids, year=year)
        kept = {s.building_id: s for s in BuildingSummary.objects.filter(building_id__in=ids)}
        # A row counted for an earlier year is compared with a recount for that year (it is recounted for
        # this year when next read); its year itself is not a difference.
        for pk, summary in kept.items():
            if summary.as_of_year != fresh[pk].as_of_year:
                fresh[pk] = compute([pk], year=summary.as_of_year)[pk]
        for pk in ids:
            if pk not in kept:
                found.append(Difference(pk, "building", None, 1))
                continue
            for name in COUNTED:
                a, b = getattr(kept[pk], name), getattr(fresh[pk], name)
                if a != b:
                    found.append(Difference(pk, name, a, b))
    return found


def rebuild(*, year: int | None = None) -> int:
    """Replace every summary with a recount from the rows (one transaction); returns the buildings written."""
    with transaction.atomic():
        BuildingSummary.objects.filter(~Q(building_id__in=Building.objects.values("pk"))).delete()
        written = 0
        for ids in _chunks(Building.objects.values_list("pk", flat=True)):
            fresh = compute(ids, year=year)
            _upsert(fresh.values())
            written += len(fresh)
    return written
