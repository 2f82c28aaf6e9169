"""Reads of the roster that are more than a one-liner: counts and areas at every level, search.

Counts are computed in a fixed number of grouped queries per page, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from anju.core import crypto
from anju.core.logging import contains_personal_number
from anju.core.scoping import Scope
from anju.domain.errors import DomainError
from anju.domain.ids import normalize_id_number, normalize_phone
from anju.domain.roomcode import looks_like_room_code, parse_room_code
from anju.roster.models import (
    ELDERLY_AGE,
    STRANDED_FROM_FLOOR,
    Building,
    EndedTie,
    Household,
    Person,
    Residence,
    RevealLog,
    Unit,
)

Level = Literal["community", "compound", "building", "unit"]

# How each source table reaches the id of a grouping level.
_BUILDING_PATH = {"community": "compound__community_id", "compound": "compound_id", "building": "id"}
_HOUSEHOLD_PATH = {"community": "compound__community_id", "compound": "compound_id", "building": "unit__building_id", "unit": "unit_id"}


@dataclass
class Totals:
    """Counts and areas of one node of the hierarchy; areas in m²."""

    compounds: int = 0
    buildings: int = 0
    households: int = 0
    people: int = 0
    elderly: int = 0
    stranded_elderly: int = 0  # 悬空老人
    gross_area: Decimal = field(default_factory=lambda: Decimal("0.00"))
    exclusive_area: Decimal = field(default_factory=lambda: Decimal("0.00"))

    def __iadd__(self, other: Totals) -> Totals:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


def _m2(value: Decimal | None) -> Decimal:
    # SQLite sums decimals as binary floating point; areas are kept to 0.01 m², far above that error.
    return (value or Decimal(0)).quantize(Decimal("0.01"))


def elderly_born_by(year: int | None = None) -> int:
    """Latest birth year of someone who is elderly (60+) this year."""
    return (year or timezone.localdate().year) - ELDERLY_AGE


def stranded_q(prefix: str = "") -> Q:
    """Residents aged 60+ on the 3rd floor or above of a unit without an elevator (悬空老人)."""
    return Q(**{
        f"{prefix}household__floor__gte": STRANDED_FROM_FLOOR,
        f"{prefix}household__unit__has_elevator": False,
        f"{prefix}person__birth_year__lte": elderly_born_by(),
    })


def totals_by(scope: Scope, level: Level, where: Q | None = None) -> dict[int, Totals]:
    """Totals grouped by `level` id, for the households and buildings the scope can see (and `where` on households)."""
    where = where or Q()
    result: dict[int, Totals] = defaultdict(Totals)
    households = Household.objects.within(scope).filter(where)
    hpath = _HOUSEHOLD_PATH[level]
    for row in households.values(hpath).annotate(n=Count("id"), area=Sum("exclusive_area")).order_by():
        t = result[row[hpath]]
        t.households, t.exclusive_area = row["n"], _m2(row["area"])
    residences = Residence.objects.filter(household__in=households)
    rpath = "household__" + hpath
    born_by = elderly_born_by()
    for row in residences.values(rpath).annotate(
        n=Count("person_id", distinct=True),
        elderly=Count("person_id", distinct=True, filter=Q(person__birth_year__lte=born_by)),
        stranded=Count("person_id", distinct=True, filter=stranded_q()),
    ).order_by():
        t = result[row[rpath]]
        t.people, t.elderly, t.stranded_elderly = row["n"], row["elderly"], row["stranded"]
    if level in _BUILDING_PATH:
        bpath = _BUILDING_PATH[level]
        buildings = Building.objects.within(scope)
        if where:
            buildings = buildings.filter(id__in=households.values("unit__building_id"))
        for row in buildings.values(bpath).annotate(
            n=Count("id"), area=Sum("gross_area"), compounds=Count("compound_id", distinct=True)
        ).order_by():
            t = result[row[bpath]]
            t.buildings, t.gross_area, t.compounds = row["n"], _m2(row["area"]), row["compounds"]
    return dict(result)


def grand_total(per_node: dict[int, Totals]) -> Totals:
    total = Totals()
    for t in per_node.values():
        total += t
    return total


def stranded_elderly(scope: Scope) -> QuerySet[Residence]:
    """The list to act on: who, where, how old."""
    households = Household.objects.within(scope)
    return (
        Residence.objects.filter(household__in=households)
        .filter(stranded_q())
        .select_related("person", "household__unit__building", "household__compound")
        .order_by("household__compound_id", "household__unit__building_id", "household__unit_id", "-household__floor")
    )


def search_households(scope: Scope, text: str, *, limit: int = 50) -> tuple[QuerySet[Household], str]:
    """Households matching a room code (3栋2单元501, 3-2-501), an owner's or resident's name, a phone or an ID number.

    Returns the households and what the text was understood as ("room", "phone", "id", "name").
    Phone and ID searches match the exact normalised value through its keyed hash.
    """
    text = text.strip()
    visible = Household.objects.within(scope).select_related("unit__building", "compound")
    if not text:
        return visible.none(), "empty"
    if _reads_as_number(text):
        digits = "".join(ch for ch in text if ch.isdigit())
        try:
            if len(digits) >= 15 or text[-1:] in "Xx":
                key, kind = crypto.search_hash("id", normalize_id_number(text)), "id"
                people = Person.objects.filter(id_number_hash=key)
            else:
                key, kind = crypto.search_hash("phone", normalize_phone(text)), "phone"
                people = Person.objects.filter(phone_hash=key)
        except DomainError:
            return visible.none(), "invalid"
        return _households_of(visible, people)[:limit], kind
    if looks_like_room_code(text):
        try:
            code = parse_room_code(text)
        except DomainError:
            return visible.none(), "invalid"
        match = visible.filter(unit__building__number=code.building, room=code.room)
        if code.unit is not None:
            match = match.filter(unit__number=code.unit)
        return match.order_by("compound_id", "unit_id")[:limit], "room"
    people = Person.objects.filter(name__contains=text)
    return _households_of(visible, people)[:limit], "name"


def _reads_as_number(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return len(digits) >= 11 and len(digits) == len(text.replace(" ", "").replace("-", "").removeprefix("+"))


def is_personal_number(text: str) -> bool:
    """Whether `text` is searched as an ID number or a phone, or holds one: such a query must not travel
    in a URL (access logs, browser history and proxies keep URLs), only in a POST body."""
    return _reads_as_number(text.strip()) or contains_personal_number(text)


def _households_of(visible: QuerySet[Household], people: QuerySet[Person]) -> QuerySet[Household]:
    return visible.filter(Q(ownerships__person__in=people) | Q(residences__person__in=people)).distinct().order_by("compound_id", "unit_id", "room")


def units_with_households(building: Building) -> list[tuple[Unit, int, list[tuple[int, list[Household]]]]]:
    """A building's units as drawn on a building card: (unit, dwellings per floor, floors top first with their households)."""
    units = list(building.units.all())
    by_unit: dict[int, dict[int, list[Household]]] = defaultdict(lambda: defaultdict(list))
    born_by = elderly_born_by()
    households = (
        Household.objects.filter(unit__building=building)
        .annotate(
            n_residents=Count("residences", distinct=True),
            n_elderly=Count("residences", distinct=True, filter=Q(residences__person__birth_year__lte=born_by)),
        )
        .order_by("-floor", "room")
    )
    for h in households:
        by_unit[h.unit_id][h.floor].append(h)
    drawn = []
    for unit in units:
        floors = by_unit[unit.pk]
        width = max((len(hs) for hs in floors.values()), default=1)
        drawn.append((unit, width, sorted(floors.items(), reverse=True)))
    return drawn


def reveal_log(scope: Scope) -> QuerySet[RevealLog]:
    """Who looked at whose full ID number or phone, newest first: the sub-district's, or below it only the
    looks at people the scope reaches (a community sees looks at its own residents)."""
    return RevealLog.objects.within(scope).select_related("person").order_by("-at", "-id")


def ended_ties(household: Household) -> QuerySet[EndedTie]:
    """A household's former owners and residents, the latest ended first."""
    return EndedTie.objects.filter(household=household).select_related("person").order_by("-ended_on", "-id")
